//! Bridge from the daemon to the `vtysh-compat` crate, so that crate never
//! learns about the engine: `EngineBackend` answers the vty server. Shows
//! and clears go through the registry hub (`crate::hub`) to the engine,
//! configuration lines through the one `ConfigEditor` on the running
//! configuration (then pushed to the registry, so changes apply live);
//! logging commands go to the daemon's `DaemonControl`, as logging lives in
//! the binary. Files: `peer.rs` snapshots as `show bfd peers` rows,
//! `running.rs` the running configuration and its edits, `save.rs` `write
//! terminal`/`write memory`, `show.rs` the other show texts, `thread_cpu.rs`
//! `show thread cpu`.

mod host;
mod peer;
mod running;
mod save;
mod show;
mod thread_cpu;

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;

use tokio::sync::Mutex;
use vtysh_compat::cli::{find_peer, ret};
use vtysh_compat::{Answer, Backend, NodePath, PeerStatus, Request};

use crate::config::Config;
use crate::hub::RegistryHandle;
use running::Running;

pub use peer::{peer_state, peer_status};
pub use show::show_debugging;

/// What the vty needs from the daemon binary (its logging).
pub trait DaemonControl: Send + Sync + 'static {
    /// The `debug bfd ...` flags changed; `any` = at least one is on
    /// (FRR then logs its debug messages).
    fn debug_changed(&self, any: bool) {
        let _ = any;
    }

    /// A common daemon command (`log ...`, `show logging`, `clear log
    /// cmdline-targets`), keywords in full. None when not handled.
    fn command(&self, line: &str) -> Option<(String, u8)> {
        let _ = line;
        None
    }

    /// `write terminal` lines of the logging setup: the ones after
    /// `hostname` (`log file ...`, `log timestamp precision N`), and whether
    /// `log commands` is on.
    fn log_config(&self) -> (String, bool) {
        (String::new(), false)
    }

    /// Every command line a vty session runs (for `log commands`).
    fn log_command(&self, line: &str) {
        let _ = line;
    }
}

/// Answers the vty server's questions through the registry hub.
#[derive(Clone)]
pub struct EngineBackend {
    hub: RegistryHandle,
    running: Arc<Mutex<Running>>,
    /// bfdd.conf, for `write memory`; None = cannot save.
    config_file: Option<PathBuf>,
    control: Arc<dyn DaemonControl>,
    /// FRR's host settings, shared with the TCP vty's login.
    host: vtysh_compat::telnet::SharedAuth,
}

impl std::fmt::Debug for EngineBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EngineBackend")
            .field("config_file", &self.config_file)
            .finish_non_exhaustive()
    }
}

impl EngineBackend {
    /// The daemon's backend: `config` is what the daemon applied at start;
    /// vty changes and every query go to `registry`. `config_file` is where
    /// `write memory` saves: like FRR, None when no config file was read at
    /// start. The engine is reached through the hub only.
    pub fn with_config(
        registry: RegistryHandle,
        config: Config,
        config_file: Option<PathBuf>,
        control: Arc<dyn DaemonControl>,
    ) -> EngineBackend {
        EngineBackend {
            hub: registry,
            running: Arc::new(Mutex::new(Running::new(config))),
            config_file,
            control,
            host: Default::default(),
        }
    }

    /// Share FRR's host settings (hostname, passwords) with the TCP vty.
    pub fn with_host(mut self, host: vtysh_compat::telnet::SharedAuth) -> EngineBackend {
        self.host = host;
        self
    }

    /// A configuration read again (SIGHUP) and already applied by the
    /// caller replaces the running one.
    pub async fn replace_config(&self, config: Config) {
        *self.running.lock().await = Running::new(config);
    }

    /// Every session as `show bfd peers` prints it, in the engine's order.
    /// An engine that is gone (shutting down) has no peers.
    pub fn peers(&self) -> impl Future<Output = Vec<PeerStatus>> + Send + 'static {
        let hub = self.hub.clone();
        async move { hub.snapshots().await.iter().map(peer_status).collect() }
    }

    async fn request(self, req: Request) -> Answer {
        match req {
            Request::Configure { node, line, defer } => self.configure(node, &line, defer).await,
            Request::Commit => {
                let mut r = self.running.lock().await;
                self.push(&mut r).await;
                Answer::ok("")
            }
            Request::ShowStartupConfig => match &self.config_file {
                None => Answer::error("", ret::WARNING),
                Some(path) => match std::fs::read_to_string(path) {
                    Ok(text) => Answer::ok(text),
                    Err(e) => Answer::error(
                        format!(
                            "Can't open configuration file [{}] due to '{e}'\n",
                            path.display()
                        ),
                        ret::WARNING,
                    ),
                },
            },
            Request::ShowDebugging => {
                let r = self.running.lock().await;
                Answer::ok(show_debugging(&r.debug()))
            }
            Request::WriteTerminal => Answer::ok(self.write_terminal().await),
            Request::WriteMemory => self.write_memory().await,
            Request::ClearCounters { vrf, selector } => {
                let snaps = self.hub.snapshots().await;
                let peers: Vec<PeerStatus> = snaps.iter().map(peer_status).collect();
                match find_peer(&vrf, &selector, &peers) {
                    Some(p) => {
                        let i = peers.iter().position(|q| q == p).unwrap_or(0);
                        if let Some(s) = snaps.get(i) {
                            self.hub.clear_counters(s.spec.key.clone());
                        }
                        Answer::ok("")
                    }
                    None => show::not_found(&vrf, &selector),
                }
            }
            Request::Daemon { line } => self.daemon_command(&line).await,
        }
    }

    /// One configuration line in `node`, through the config editor; the
    /// result goes to the registry when it changed anything.
    async fn configure(&self, node: NodePath, line: &str, defer: bool) -> Answer {
        let mut r = self.running.lock().await;
        match r.configure(node, line) {
            Ok(answer) => {
                if !defer {
                    self.push(&mut r).await;
                }
                answer
            }
            Err(refused) => refused,
        }
    }

    /// Applies the edited configuration when it differs from what was
    /// last applied. Authentication set over several lines waits until it
    /// is complete.
    async fn push(&self, r: &mut Running) {
        let Some(change) = r.take_change() else {
            return;
        };
        if change.debug_changed {
            self.control
                .debug_changed(show::any_debug(&change.config.debug));
        }
        if change.sessions_changed {
            self.hub.apply(change.config).await;
        }
    }

    /// The daemon's `write terminal` text.
    async fn write_terminal(&self) -> String {
        let cfg = self.running.lock().await.current();
        let (log_lines, log_commands) = self.control.log_config();
        let head = host::write_head(&self.host, &save::hostname());
        let services = host::write_services(&self.host);
        save::write_terminal(&cfg, &head, &log_lines, &services, log_commands)
    }

    /// FRR's `write memory` without integrated config.
    async fn write_memory(&self) -> Answer {
        let Some(path) = &self.config_file else {
            return Answer::error(
                "Can't save to configuration file, using vtysh.\n",
                ret::WARNING,
            );
        };
        let text = save::saved_text(&self.write_terminal().await);
        match save::save_file(path, &text) {
            Ok(()) => Answer::ok(format!("Configuration saved to {}\n", path.display())),
            Err(e) => Answer::error(
                format!("Can't open configuration file {}: {e}\n", path.display()),
                ret::WARNING,
            ),
        }
    }

    async fn daemon_command(&self, line: &str) -> Answer {
        if let Some(r) = host::apply(&self.host, line) {
            return if r.code == ret::SUCCESS {
                Answer::ok(r.out)
            } else {
                Answer::error(r.out, r.code)
            };
        }
        if let Some((out, code)) = self.control.command(line) {
            return Answer::error(out, code);
        }
        if line == "show memory" {
            return Answer::ok(show::show_memory());
        }
        for (prefix, clear) in [("show thread cpu", false), ("clear thread cpu", true)] {
            let Some(rest) = line.strip_prefix(prefix) else {
                continue;
            };
            let arg = rest.trim();
            let filter = match arg {
                "" => None,
                f => match thread_cpu::parse_filter(f) {
                    Some(f) => Some(f),
                    None => return Answer::error(thread_cpu::invalid_filter(f), ret::WARNING),
                },
            };
            if clear {
                // The engine keeps one set of figures: any filter clears all.
                self.hub.clear_stats();
                return Answer::ok("");
            }
            let stats = self.hub.engine_stats().await;
            let mut out = thread_cpu::render(&stats, filter);
            thread_cpu::counters(&mut out, &self.hub.engine_counters().await);
            return Answer::ok(out);
        }
        Answer::error("% Not supported by bfdd-rs.\n", ret::WARNING)
    }
}

impl Backend for EngineBackend {
    fn peers(&self) -> Pin<Box<dyn Future<Output = Vec<PeerStatus>> + Send>> {
        Box::pin(EngineBackend::peers(self))
    }

    fn command_seen(&self, line: &[u8]) {
        self.control.log_command(&String::from_utf8_lossy(line));
    }

    fn request(&self, req: Request) -> Pin<Box<dyn Future<Output = Answer> + Send>> {
        Box::pin(self.clone().request(req))
    }
}
