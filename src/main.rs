//! bfdd-rs: command line, start-up and signals. Start-up follows FRR's order:
//! parse arguments, read the config (a bad file stops us before anything
//! starts), drop to the -u/-g user (while single-threaded), daemonize, pid
//! file, logging, then the tokio control plane: the engine thread,
//! rtnetlink, the registry, the vty socket and the TCP vty. SIGHUP
//! re-reads the config, SIGUSR1 reopens log files, SIGTERM/SIGINT take every
//! session AdminDown and exit.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use tokio::signal::unix::{signal, Signal, SignalKind};

use bfdd_rs::config;
use bfdd_rs::daemon::cli::{Args, Early, LogTarget, Paths};
use bfdd_rs::daemon::process::{PidFile, Readiness};
use bfdd_rs::daemon::{fdlimit, logging, priority, privs, process, tcp_vty};
use bfdd_rs::engine::{self, Command, EngineOptions};
use bfdd_rs::frr::bfdd_sock as control;
use bfdd_rs::frr::vty::EngineBackend;
use bfdd_rs::frr::zapi_glue::ZapiCounters;
use bfdd_rs::frr::zapi_server;
use bfdd_rs::frr::zebra::{self, ZebraOptions};
use bfdd_rs::hub::{self, RegistryHandle};
use bfdd_rs::netlink;
use bfdd_rs::registry::Registry;

/// How long shutdown waits for the engine to send AdminDown everywhere.
const SHUTDOWN_WAIT: Duration = Duration::from_secs(3);

fn main() -> ExitCode {
    let args = Args::parse();
    if let Early::Exit {
        code,
        stdout,
        stderr,
    } = args.early()
    {
        print!("{stdout}");
        eprint!("{stderr}");
        return ExitCode::from(code);
    }
    if !args.realtime {
        bfdd_rs::memory::limit_arenas();
    }
    let paths = Paths::resolve(&args);

    let frr_version: zapi::FrrVersion = match args.frr_version.parse() {
        Ok(v) => v,
        Err(e) => {
            eprintln!("bfdd: --frr-version: {e}");
            return ExitCode::FAILURE;
        }
    };
    let clients = Clients {
        version: frr_version,
        zebra: (!args.standalone).then(|| ZebraOptions::new(paths.zserv.clone(), frr_version)),
        zapi_socket_explicit: args.zapi_socket.is_some(),
        vty_addr: args.vty_addr.clone(),
        vty_port: args.vty_port,
        // Read before dropping privileges, like the config itself.
        vty_auth: tcp_vty::shared(tcp_vty::auth_from_file(&paths.config_file)),
        command_log_always: args.command_log_always,
    };

    let (config, config_note, config_notes) =
        match process::load_config(&paths.config_file, args.dryrun) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
        };
    if args.dryrun {
        for note in &config_notes {
            eprintln!("{note}");
        }
        return ExitCode::SUCCESS;
    }
    // Before the privilege drop: only then may --limit-fds raise the hard limit.
    let fds = fdlimit::apply(args.limit_fds);
    let privs = match privs::drop_privileges(&args, &paths) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("bfdd: privs_init: {e}");
            return ExitCode::FAILURE;
        }
    };

    let readiness = if args.daemon {
        match process::daemonize() {
            Ok(r) => r,
            Err(e) => {
                eprintln!("bfdd: cannot daemonize: {e}");
                return ExitCode::FAILURE;
            }
        }
    } else {
        Readiness::none()
    };

    let pid_file = match PidFile::create(&paths.pid_file) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("bfdd: pid file {}: {e}", paths.pid_file.display());
            return ExitCode::FAILURE;
        }
    };

    let default_log = if args.daemon {
        LogTarget::Syslog
    } else {
        LogTarget::Stdout
    };
    let outputs = match logging::Outputs::open(&args.log, default_log) {
        Ok(o) => o.with_cmdline(!args.log.is_empty(), args.log_level),
        Err(e) => {
            eprintln!("bfdd: {e}");
            return ExitCode::FAILURE;
        }
    };
    let (log, levels) = logging::install(outputs, args.log_level, config_debug(&config));
    log_start(&args, &paths);
    tracing::info!("{privs}");
    match fds {
        Ok(l) if l.capped => tracing::warn!("{l}"),
        Ok(l) => tracing::info!("{l}"),
        Err(e) => tracing::warn!("cannot set the open file limit: {e}"),
    }
    for line in config_note.iter().flat_map(|n| n.log_lines()) {
        tracing::error!("{line}");
    }
    for note in &config_notes {
        tracing::warn!("{note}");
    }

    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("bfdd-control")
        .on_thread_start(|| {
            let _ = priority::demote_current_thread();
        })
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("bfdd: cannot start runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let code = rt.block_on(run(
        paths,
        config,
        clients,
        readiness,
        log,
        levels,
        (args.realtime, args.realtime_cpu),
    ));
    rt.shutdown_timeout(Duration::from_millis(200));
    drop(pid_file);
    code
}

fn log_start(args: &Args, paths: &Paths) {
    tracing::info!(
        "bfdd-rs {} starting: config {}, vty {}, FRR {} behaviour",
        env!("CARGO_PKG_VERSION"),
        paths.config_file.display(),
        paths.vty_socket().display(),
        args.frr_version
    );
    if args.standalone {
        tracing::info!("standalone: not connecting to zebra");
    } else {
        tracing::info!("zebra client: zserv {}", paths.zserv.display());
    }
}

/// Which client interfaces to serve, decided from the command line.
struct Clients {
    version: zapi::FrrVersion,
    /// None with --standalone.
    zebra: Option<ZebraOptions>,
    /// --zapi-socket given: failing to bind it is fatal.
    zapi_socket_explicit: bool,
    /// -A / -P: the TCP vty, and its login settings from the config file.
    vty_addr: Option<String>,
    vty_port: u16,
    vty_auth: tcp_vty::SharedAuth,
    /// --command-log-always: every vty command logged, for good.
    command_log_always: bool,
}

async fn run(
    paths: Paths,
    config: config::Config,
    clients: Clients,
    readiness: Readiness,
    log: logging::Switch,
    levels: logging::LevelControl,
    (realtime, realtime_cpu): (bool, Option<usize>),
) -> ExitCode {
    let (notify_tx, notify_rx) = engine::notification_channel(engine::NOTIFY_CAPACITY);
    // A kernel booted with ipv6.disable=1 has no if_inet6; IPv6 listeners
    // would fail to open there.
    let opts = EngineOptions {
        no_ipv6: !Path::new("/proc/net/if_inet6").exists(),
        ..EngineOptions::default()
    };
    let tuning = engine::EngineTuning {
        realtime: realtime.then_some(engine::Realtime {
            fifo_priority: 50,
            cpu: realtime_cpu,
        }),
    };
    let (engine, engine_thread) = match engine::spawn_tuned(opts, tuning, notify_tx) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("bfdd: cannot start the BFD engine: {e}");
            return ExitCode::FAILURE;
        }
    };
    // The engine thread has started at the process's priority; this thread
    // (the control plane's main future) now yields to it.
    if let Err(e) = priority::demote_current_thread() {
        tracing::debug!("cannot lower the control thread's priority: {e}");
    }
    let registry = hub::spawn(Registry::new(), engine.clone(), notify_rx);
    tokio::spawn(logging::log_notifications(registry.watch_notifications()));
    let nl_engine = engine.clone();
    tokio::spawn(async move {
        if let Err(e) = netlink::run(nl_engine).await {
            tracing::error!("rtnetlink watcher stopped: {e}");
        }
    });
    tokio::spawn(bfdd_rs::vrf_watch::run(engine.clone()));

    registry.apply(config.clone()).await;

    let vty_path = paths.vty_socket();
    let listener = match vtysh_compat::bind(&vty_path) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("bfdd: vty socket {}: {e}", vty_path.display());
            return ExitCode::FAILURE;
        }
    };
    let vty_logging = Arc::new(
        logging::VtyLogging::new(log.clone(), levels.clone())
            .with_command_log_always(clients.command_log_always),
    );
    apply_config_log_lines(&paths.config_file, vty_logging.as_ref());
    let backend = EngineBackend::with_config(
        registry.clone(),
        config,
        // FRR cannot `write memory` when it started without a config file.
        paths
            .config_file
            .exists()
            .then(|| paths.config_file.clone()),
        vty_logging,
    )
    .with_host(clients.vty_auth.clone());
    tokio::spawn(vtysh_compat::serve(listener, Arc::new(backend.clone())));
    tcp_vty::start(
        clients.vty_addr.as_deref(),
        clients.vty_port,
        Arc::new(backend.clone()),
        clients.vty_auth.clone(),
    );

    let zapi_counters = Arc::new(ZapiCounters::default());
    let mut zapi_bound = false;
    match zapi_server::bind(&paths.zapi_socket) {
        Ok(l) => {
            zapi_bound = true;
            tokio::spawn(zapi_server::serve(
                l,
                clients.version,
                registry.clone(),
                zapi_counters.clone(),
            ));
        }
        Err(e) if clients.zapi_socket_explicit => {
            eprintln!("bfdd: ZAPI socket {}: {e}", paths.zapi_socket.display());
            return ExitCode::FAILURE;
        }
        Err(e) => tracing::info!(
            "ZAPI socket {} not served: {e}",
            paths.zapi_socket.display()
        ),
    }
    // bfdd.sock (FRR 8.4's control socket): a failure to bind is not fatal,
    // as the socket is optional for bfdd's clients.
    let ctl = control::hub_backend::HubBackend::new(registry.clone());
    match control::ControlServer::bind(&paths.bfdctl, Arc::new(ctl.clone())) {
        Ok((server, events)) => {
            ctl.attach(events);
            tokio::spawn(server.run());
        }
        Err(e) => tracing::warn!("bfdd.sock {}: {e}", paths.bfdctl.display()),
    }
    if let Some(z) = clients.zebra {
        tokio::spawn(zebra::run(z, registry.clone(), zapi_counters.clone()));
    }

    // Handlers go in before readiness is announced: a SIGHUP sent as soon as
    // `bfdd -d` returns must not kill us with the default action.
    let signals = match Signals::new() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("bfdd: cannot install signal handlers: {e}");
            return ExitCode::FAILURE;
        }
    };
    let daemonized = readiness.daemonized();
    if let Err(e) = readiness.ready() {
        tracing::error!("cannot signal readiness: {e}");
        return ExitCode::FAILURE;
    }
    if daemonized {
        log.set(log.get().without_stdout());
    }
    tracing::info!("bfdd-rs ready");

    signals
        .serve(
            &paths.config_file,
            &registry,
            &backend,
            &clients.vty_auth,
            &log,
            &levels,
        )
        .await;

    let (garbled, unknown, unknown_vrf) = zapi_counters.get();
    if garbled + unknown + unknown_vrf > 0 {
        tracing::info!(
            "ZAPI messages skipped: {garbled} garbled, {unknown} unknown, \
             {unknown_vrf} for unknown VRFs"
        );
    }
    tracing::info!("shutting down: AdminDown to every peer");
    let (tx, rx) = tokio::sync::oneshot::channel();
    if engine.send(Command::Shutdown(tx)).is_ok() {
        match tokio::time::timeout(SHUTDOWN_WAIT, rx).await {
            Ok(_) => {
                let _ = tokio::task::spawn_blocking(move || engine_thread.join()).await;
            }
            Err(_) => tracing::warn!("engine did not confirm shutdown in time"),
        }
    }
    let _ = std::fs::remove_file(&vty_path);
    if zapi_bound {
        let _ = std::fs::remove_file(&paths.zapi_socket);
    }
    tracing::info!("bfdd-rs exiting");
    ExitCode::SUCCESS
}

struct Signals {
    hup: Signal,
    usr1: Signal,
    term: Signal,
    int: Signal,
}

impl Signals {
    fn new() -> std::io::Result<Signals> {
        Ok(Signals {
            hup: signal(SignalKind::hangup())?,
            usr1: signal(SignalKind::user_defined1())?,
            term: signal(SignalKind::terminate())?,
            int: signal(SignalKind::interrupt())?,
        })
    }

    /// Serve SIGHUP and SIGUSR1 until SIGTERM or SIGINT.
    async fn serve(
        mut self,
        config_file: &Path,
        registry: &RegistryHandle,
        backend: &EngineBackend,
        vty_auth: &tcp_vty::SharedAuth,
        log: &logging::Switch,
        levels: &logging::LevelControl,
    ) {
        loop {
            tokio::select! {
                _ = self.hup.recv() => {
                    reload(config_file, registry, backend, levels).await;
                    tcp_vty::reload(vty_auth, config_file);
                }
                _ = self.usr1.recv() => {
                    log.get().reopen();
                    tracing::info!("log files reopened");
                }
                _ = self.term.recv() => return,
                _ = self.int.recv() => return,
            }
        }
    }
}

/// SIGHUP: read the config again; a bad file leaves the running one alone.
async fn reload(
    config_file: &Path,
    registry: &RegistryHandle,
    backend: &EngineBackend,
    levels: &logging::LevelControl,
) {
    match config::load(config_file) {
        Ok(c) => {
            levels.set_config_debug(config_debug(&c));
            backend.replace_config(c.clone()).await;
            let changes = registry.apply(c).await;
            tracing::info!(
                "configuration reloaded from {}: {} session change(s)",
                config_file.display(),
                changes
            );
        }
        Err(e) => tracing::error!("configuration reload failed, keeping the running one: {e}"),
    }
}

/// Any `debug bfd ...` line in the config.
fn config_debug(c: &config::Config) -> bool {
    let d = &c.debug;
    d.peer || d.zebra || d.network || d.distributed
}

/// The config file's `log ...` lines, run as the vty runs them (FRR reads
/// its config file through the vty): a failure is logged with its line.
fn apply_config_log_lines(path: &Path, control: &dyn bfdd_rs::frr::vty::DaemonControl) {
    let Ok(text) = std::fs::read_to_string(path) else {
        return;
    };
    for (i, line) in text.lines().enumerate() {
        if line.starts_with(char::is_whitespace) {
            continue;
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        if !matches!(words.as_slice(), ["log", ..] | ["no", "log", ..]) {
            continue;
        }
        if let Some((out, code)) = control.command(&words.join(" ")) {
            if code != 0 {
                tracing::error!("{}:{}: {}", path.display(), i + 1, out.trim_end());
            }
        }
    }
}
