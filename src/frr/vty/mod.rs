//! Bridge from the daemon to the `vtysh-compat` crate, so that crate never
//! learns about the engine: `peer_status` maps one `SessionSnapshot` to a
//! `PeerStatus`, and `EngineBackend` answers the vty server: shows from
//! engine snapshots, configuration lines through the one `ConfigEditor` on
//! the running configuration (then pushed to the registry, so changes apply
//! live), `write terminal`/`write memory`, debug flags and counters. Logging
//! commands go to the daemon's `DaemonControl`, as logging lives in the
//! binary.

mod thread_cpu;

use std::fmt::Write as _;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;

use tokio::sync::Mutex;
use vtysh_compat::cli::{find_peer, ret};
use vtysh_compat::{Answer, Backend, Node, NodePath, PeerState, PeerStatus, Request};

use crate::config::{Config, ConfigEditor, DebugFlags, EditNode};
use crate::engine::{Command, EngineCounters, EngineHandle, EngineStats, SessionSnapshot};
use crate::hub::RegistryHandle;
use crate::packet::State;

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

/// A daemon without logging controls.
struct NoControl;
impl DaemonControl for NoControl {}

/// The running configuration as the vty edits it.
struct Running {
    editor: ConfigEditor,
    /// What the registry was last given.
    applied: Config,
}

/// Answers the vty server's questions from the engine thread.
#[derive(Clone)]
pub struct EngineBackend {
    engine: EngineHandle,
    registry: Option<RegistryHandle>,
    running: Arc<Mutex<Running>>,
    /// bfdd.conf, for `write memory`; None = cannot save.
    config_file: Option<PathBuf>,
    control: Arc<dyn DaemonControl>,
}

impl std::fmt::Debug for EngineBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EngineBackend")
            .field("config_file", &self.config_file)
            .finish_non_exhaustive()
    }
}

impl EngineBackend {
    /// Shows only: configuration lines are applied to an empty running
    /// configuration that reaches no registry.
    pub fn new(engine: EngineHandle) -> EngineBackend {
        EngineBackend {
            engine,
            registry: None,
            running: Arc::new(Mutex::new(Running {
                editor: ConfigEditor::new(),
                applied: Config::default(),
            })),
            config_file: None,
            control: Arc::new(NoControl),
        }
    }

    /// The full daemon backend: `config` is what the daemon applied at
    /// start; vty changes go to `registry`. `config_file` is where `write
    /// memory` saves: like FRR, None when no config file was read at start.
    pub fn with_config(
        engine: EngineHandle,
        registry: RegistryHandle,
        config: Config,
        config_file: Option<PathBuf>,
        control: Arc<dyn DaemonControl>,
    ) -> EngineBackend {
        EngineBackend {
            engine,
            registry: Some(registry),
            running: Arc::new(Mutex::new(Running {
                editor: ConfigEditor::from_config(&config),
                applied: config,
            })),
            config_file,
            control,
        }
    }

    /// A configuration read again (SIGHUP) and already applied by the
    /// caller replaces the running one.
    pub async fn replace_config(&self, config: Config) {
        let mut r = self.running.lock().await;
        r.editor = ConfigEditor::from_config(&config);
        r.applied = config;
    }

    /// Every session as `show bfd peers` prints it, in the engine's order.
    /// An engine that is gone (shutting down) has no peers.
    pub fn peers(&self) -> impl Future<Output = Vec<PeerStatus>> + Send + 'static {
        let engine = self.engine.clone();
        async move { snapshots(&engine).await.iter().map(peer_status).collect() }
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
                Answer::ok(show_debugging(
                    &r.editor.config().map_or(r.applied.debug, |c| c.debug),
                ))
            }
            Request::WriteTerminal => Answer::ok(self.write_terminal().await),
            Request::WriteMemory => self.write_memory().await,
            Request::ClearCounters { vrf, selector } => {
                let snaps = snapshots(&self.engine).await;
                let peers: Vec<PeerStatus> = snaps.iter().map(peer_status).collect();
                match find_peer(&vrf, &selector, &peers) {
                    Some(p) => {
                        let i = peers.iter().position(|q| q == p).unwrap_or(0);
                        if let Some(s) = snaps.get(i) {
                            let _ = self.engine.send(Command::ClearCounters(s.spec.key.clone()));
                        }
                        Answer::ok("")
                    }
                    None => not_found(&vrf, &selector),
                }
            }
            Request::Daemon { line } => self.daemon_command(&line).await,
        }
    }

    /// One configuration line in `node`, through the config editor; the
    /// result goes to the registry when it changed anything.
    async fn configure(&self, node: NodePath, line: &str, defer: bool) -> Answer {
        let mut r = self.running.lock().await;
        // ENABLE runs `debug bfd ...` at top level and stays in ENABLE.
        let stays = matches!(node.node, Node::View | Node::Enable);
        let start = match node.node {
            Node::Bfd => Some(EditNode::Bfd),
            Node::BfdPeer | Node::BfdProfile => {
                let label = node.label.as_deref().unwrap_or("");
                if !r.editor.enter_label(label) {
                    // Removed from another session meanwhile.
                    return Answer::error(
                        "% The node being edited no longer exists.\n",
                        ret::WARNING_CONFIG_FAILED,
                    );
                }
                None
            }
            _ => Some(EditNode::Top),
        };
        if let Some(n) = start {
            r.editor.set_node(n);
        }
        let change = match r.editor.apply_line(line) {
            Ok(c) => c,
            Err(msg) => return config_error(&msg, line),
        };
        let mut output = String::new();
        for w in &change.warnings {
            let _ = writeln!(output, "{w}");
        }
        let next = match change.node {
            EditNode::Top => NodePath::new(Node::Config),
            EditNode::Bfd => NodePath::new(Node::Bfd),
            n @ EditNode::Peer(_) => NodePath {
                node: Node::BfdPeer,
                label: r.editor.node_label(n),
            },
            n @ EditNode::Profile(_) => NodePath {
                node: Node::BfdProfile,
                label: r.editor.node_label(n),
            },
        };
        if !defer {
            self.push(&mut r).await;
        }
        Answer {
            output,
            ret: ret::SUCCESS,
            node: (!stays).then_some(next),
        }
    }

    /// Applies the edited configuration when it differs from what was
    /// last applied. Authentication set over several lines waits until it
    /// is complete.
    async fn push(&self, r: &mut Running) {
        let Ok(cfg) = r.editor.config() else {
            return;
        };
        if cfg == r.applied {
            return;
        }
        let debug_changed = cfg.debug != r.applied.debug;
        let sessions_changed = cfg.peers != r.applied.peers || cfg.profiles != r.applied.profiles;
        r.applied = cfg.clone();
        if debug_changed {
            self.control.debug_changed(any_debug(&r.applied.debug));
        }
        if sessions_changed {
            if let Some(reg) = &self.registry {
                reg.apply(cfg).await;
            }
        }
    }

    /// The daemon's `write terminal` text (FRR's `vty_write_config` for a
    /// vtysh session: no "Current configuration" banner, no `end`).
    async fn write_terminal(&self) -> String {
        let cfg = {
            let r = self.running.lock().await;
            r.editor.config().unwrap_or_else(|_| r.applied.clone())
        };
        let (log_lines, log_commands) = self.control.log_config();
        let mut out = String::from("frr version 8.4.4\nfrr defaults traditional\n!\n");
        let _ = writeln!(out, "hostname {}", hostname());
        out.push_str(&log_lines);
        // One `!` per lib config writer, as FRR prints them.
        out.push_str("!\n!\n!\n!\n");
        if log_commands {
            out.push_str("log commands\n");
        }
        out.push_str("!\n");
        out.push_str(&cfg.render());
        out.push_str("!\n");
        out
    }

    /// FRR's `write memory` without integrated config: the old file kept as
    /// `.sav`, the new one with a "saved from vty" header, mode 0640.
    async fn write_memory(&self) -> Answer {
        let Some(path) = &self.config_file else {
            return Answer::error(
                "Can't save to configuration file, using vtysh.\n",
                ret::WARNING,
            );
        };
        let text = format!(
            "!\n! Zebra configuration saved from vty\n!   {}\n!\n{}",
            local_time(),
            self.write_terminal().await
        );
        match save_file(path, &text) {
            Ok(()) => Answer::ok(format!("Configuration saved to {}\n", path.display())),
            Err(e) => Answer::error(
                format!("Can't open configuration file {}: {e}\n", path.display()),
                ret::WARNING,
            ),
        }
    }

    async fn daemon_command(&self, line: &str) -> Answer {
        if let Some((out, code)) = self.control.command(line) {
            return Answer::error(out, code);
        }
        if line == "show memory" {
            return Answer::ok(show_memory());
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
                let _ = self.engine.send(Command::ClearStats);
                return Answer::ok("");
            }
            let stats = engine_stats(&self.engine).await;
            let mut out = thread_cpu::render(&stats, filter);
            thread_cpu::counters(&mut out, &engine_counters(&self.engine).await);
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

async fn snapshots(engine: &EngineHandle) -> Vec<SessionSnapshot> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    if engine.send(Command::Snapshot(tx)).is_err() {
        return Vec::new();
    }
    rx.await.unwrap_or_default()
}

/// The engine thread's handler and lateness figures (zero if it is gone).
async fn engine_stats(engine: &EngineHandle) -> EngineStats {
    let (tx, rx) = tokio::sync::oneshot::channel();
    if engine.send(Command::Stats(tx)).is_err() {
        return EngineStats::default();
    }
    rx.await.unwrap_or_default()
}

/// The engine's drop and error counters by reason (empty if it is gone).
async fn engine_counters(engine: &EngineHandle) -> EngineCounters {
    let (tx, rx) = tokio::sync::oneshot::channel();
    if engine.send(Command::Counters(tx)).is_err() {
        return EngineCounters::default();
    }
    rx.await.unwrap_or_default()
}

fn not_found(vrf: &Option<String>, sel: &vtysh_compat::PeerSelector) -> Answer {
    let r = vtysh_compat::cli::render_show(
        &vtysh_compat::cli::Command::ShowPeer {
            vrf: vrf.clone(),
            selector: sel.clone(),
            counters: false,
            json: false,
        },
        &[],
    );
    Answer::error(String::from_utf8_lossy(&r.output).into_owned(), r.ret)
}

/// The editor's refusal of `line` as FRR words it, with FRR's return code.
fn config_error(msg: &str, line: &str) -> Answer {
    if msg.starts_with("% profile name is longer") {
        // FRR 8.4: a YANG length error, printed, yet the command succeeds.
        let name = line.rsplit(' ').next().unwrap_or("");
        return Answer::ok(format!(
            "% Failed to edit configuration.\n\nYANG error(s):\n Unsatisfied length - string \"{name}\" length is not allowed.\n YANG path: Schema location \"/frr-bfdd:bfdd/bfd/profile/name\".\n"
        ));
    }
    if msg == "% Command incomplete." {
        return Answer::error(format!("{msg}\n"), ret::ERR_INCOMPLETE);
    }
    if let Some(rest) = msg.strip_prefix("% [bfdd] Unknown command: ") {
        return Answer::error(
            format!("% [BFD] Unknown command: {rest}\n"),
            ret::ERR_NO_MATCH,
        );
    }
    if let Some(why) = msg.strip_prefix("% Configuration failed: ") {
        return Answer::error(
            format!(
                "% Configuration failed.\n\nError type: validation\nError description: {why}\n"
            ),
            ret::WARNING_CONFIG_FAILED,
        );
    }
    Answer::error(format!("{msg}\n"), ret::WARNING_CONFIG_FAILED)
}

fn any_debug(d: &DebugFlags) -> bool {
    d.peer || d.zebra || d.network || d.distributed
}

/// FRR's `show debugging` for bfdd.
pub fn show_debugging(d: &DebugFlags) -> String {
    let mut out = String::from("BFD debugging status:\n");
    for (on, what) in [
        (d.distributed, "Distributed BFD"),
        (d.peer, "Peer events"),
        (d.zebra, "Zebra events"),
        (d.network, "Network layer"),
    ] {
        if on {
            let _ = writeln!(out, "  {what} debugging is on.");
        }
    }
    out
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "localhost".to_string())
}

/// `YYYY/MM/DD HH:MM:SS` in local time, as FRR stamps saved configs.
fn local_time() -> String {
    // SAFETY: time(NULL) and localtime_r with a zeroed out-parameter.
    unsafe {
        let t = libc::time(std::ptr::null_mut());
        let mut tm: libc::tm = std::mem::zeroed();
        if libc::localtime_r(&t, &mut tm).is_null() {
            return String::new();
        }
        format!(
            "{:04}/{:02}/{:02} {:02}:{:02}:{:02}",
            tm.tm_year + 1900,
            tm.tm_mon + 1,
            tm.tm_mday,
            tm.tm_hour,
            tm.tm_min,
            tm.tm_sec
        )
    }
}

/// Write `text` to `path` the way FRR does: the old file becomes
/// `PATH.sav`, the new one is written beside it and renamed into place.
fn save_file(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let mut sav = path.as_os_str().to_owned();
    sav.push(".sav");
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o640)
        .open(&tmp)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()?;
    if path.exists() {
        let _ = std::fs::copy(path, &sav);
    }
    std::fs::rename(&tmp, path)
}

/// `show memory`: FRR prints its allocator statistics; ours are the
/// kernel's figures for the process.
fn show_memory() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let mut out = String::from("System memory statistics (from /proc/self/status):\n");
    for key in [
        "VmPeak", "VmSize", "VmHWM", "VmRSS", "RssAnon", "VmData", "Threads",
    ] {
        if let Some(line) = status.lines().find(|l| l.starts_with(&format!("{key}:"))) {
            let value = line[key.len() + 1..].trim();
            let _ = writeln!(out, "  {:<22}{value}", format!("{key}:"));
        }
    }
    out
}

/// FRR's name for a session state.
pub fn peer_state(state: State) -> PeerState {
    match state {
        State::AdminDown => PeerState::AdminDown,
        State::Down => PeerState::Down,
        State::Init => PeerState::Init,
        State::Up => PeerState::Up,
    }
}

/// One snapshot as `show bfd peers` needs it. Configured timers come from the
/// spec (what the operator asked for, as FRR shows them), remote timers from
/// the last packet received; all intervals stay in microseconds.
pub fn peer_status(s: &SessionSnapshot) -> PeerStatus {
    let spec = &s.spec;
    let p = &spec.params;
    PeerStatus {
        peer: spec.key.peer,
        local: spec.key.local,
        vrf: spec.key.vrf.clone(),
        interface: spec.key.ifname.clone(),
        multihop: spec.key.multihop,
        label: None,
        local_discr: s.local_discr,
        remote_discr: s.remote_discr,
        passive: p.passive,
        minimum_ttl: spec.minimum_ttl,
        state: peer_state(s.state),
        since_change_secs: s.since_change.as_secs(),
        local_diag: s.local_diag.0,
        remote_diag: s.remote_diag.0,
        configured: spec.configured,
        detect_mult: p.detect_mult,
        receive_interval: p.required_min_rx,
        transmit_interval: p.desired_min_tx,
        echo_receive_interval: p.required_min_echo_rx,
        echo_transmit_interval: spec.echo_transmit_interval,
        echo_mode: spec.echo_mode,
        remote_detect_mult: s.remote_detect_mult,
        remote_receive_interval: s.remote_required_min_rx,
        remote_transmit_interval: s.remote_desired_min_tx,
        remote_echo_receive_interval: s.remote_required_min_echo_rx,
        control_packet_input: s.counters.control_input,
        control_packet_output: s.counters.control_output,
        echo_packet_input: s.counters.echo_input,
        echo_packet_output: s.counters.echo_output,
        session_up: s.counters.session_up,
        session_down: s.counters.session_down,
        zebra_notifications: s.counters.zebra_notifications,
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::engine::{SessionCounters, SessionKey, SessionSpec};
    use crate::packet::Diag;
    use crate::session::SessionParams;

    fn snapshot() -> SessionSnapshot {
        SessionSnapshot {
            spec: SessionSpec {
                key: SessionKey {
                    peer: "2001:db8::2".parse().expect("addr"),
                    local: Some("2001:db8::1".parse().expect("addr")),
                    ifname: None,
                    vrf: "red".into(),
                    multihop: true,
                },
                params: SessionParams {
                    desired_min_tx: 200_000,
                    required_min_rx: 250_000,
                    required_min_echo_rx: 60_000,
                    detect_mult: 5,
                    passive: true,
                    ..SessionParams::default()
                },
                auth: None,
                minimum_ttl: 250,
                configured: true,
                echo_mode: true,
                echo_transmit_interval: 70_000,
            },
            local_discr: 0x1234_5678,
            remote_discr: 42,
            state: State::Up,
            local_diag: Diag::NONE,
            remote_diag: Diag::CONTROL_DETECTION_TIME_EXPIRED,
            since_change: Duration::from_millis(61_999),
            remote_detect_mult: 4,
            remote_desired_min_tx: 1_000_000,
            remote_required_min_rx: 900_000,
            remote_required_min_echo_rx: 0,
            counters: SessionCounters {
                control_input: 10,
                control_output: 11,
                echo_input: 12,
                echo_output: 13,
                session_up: 2,
                session_down: 1,
                zebra_notifications: 3,
            },
            enabled: true,
        }
    }

    #[test]
    fn maps_every_field() {
        let p = peer_status(&snapshot());
        assert_eq!(
            p.peer,
            "2001:db8::2".parse::<std::net::IpAddr>().expect("addr")
        );
        assert_eq!(p.local, Some("2001:db8::1".parse().expect("addr")));
        assert_eq!(p.vrf, "red");
        assert_eq!(p.interface, None);
        assert!(p.multihop);
        assert_eq!(p.label, None);
        assert_eq!((p.local_discr, p.remote_discr), (0x1234_5678, 42));
        assert!(p.passive);
        assert_eq!(p.minimum_ttl, 250);
        assert_eq!(p.state, PeerState::Up);
        assert_eq!(p.since_change_secs, 61);
        assert_eq!((p.local_diag, p.remote_diag), (0, 1));
        assert!(p.configured);
        assert_eq!(p.detect_mult, 5);
        assert_eq!(p.receive_interval, 250_000);
        assert_eq!(p.transmit_interval, 200_000);
        assert_eq!(p.echo_receive_interval, 60_000);
        assert_eq!(p.echo_transmit_interval, 70_000);
        assert!(p.echo_mode);
        assert_eq!(p.remote_detect_mult, 4);
        assert_eq!(p.remote_receive_interval, 900_000);
        assert_eq!(p.remote_transmit_interval, 1_000_000);
        assert_eq!(p.remote_echo_receive_interval, 0);
        assert_eq!((p.control_packet_input, p.control_packet_output), (10, 11));
        assert_eq!((p.echo_packet_input, p.echo_packet_output), (12, 13));
        assert_eq!(
            (p.session_up, p.session_down, p.zebra_notifications),
            (2, 1, 3)
        );
    }

    #[test]
    fn refusals_get_frr_text_and_codes() {
        let a = config_error("% Command incomplete.", "detect-multiplier");
        assert_eq!((a.output.as_str(), a.ret), ("% Command incomplete.\n", 4));
        let a = config_error(
            "% Configuration failed: When using link-local you must specify an interface",
            "peer fe80::1",
        );
        assert_eq!(
            a.output,
            "% Configuration failed.\n\nError type: validation\nError description: When using link-local you must specify an interface\n"
        );
        assert_eq!(a.ret, 13);
        let a = config_error("% local-address is required when using multihop", "peer x");
        assert_eq!(a.ret, 13);
        assert!(a.node.is_none());
        let long = "p".repeat(65);
        let a = config_error(
            "% profile name is longer than 64 characters",
            &format!("profile {long}"),
        );
        assert_eq!(a.ret, 0);
        assert!(a
            .output
            .contains(&format!("string \"{long}\" length is not allowed")));
    }

    #[test]
    fn show_debugging_lists_flags_in_frr_order() {
        assert_eq!(
            show_debugging(&DebugFlags::default()),
            "BFD debugging status:\n"
        );
        let all = DebugFlags {
            peer: true,
            zebra: true,
            network: true,
            distributed: true,
        };
        assert_eq!(
            show_debugging(&all),
            "BFD debugging status:\n  Distributed BFD debugging is on.\n  Peer events debugging is on.\n  Zebra events debugging is on.\n  Network layer debugging is on.\n"
        );
    }

    #[test]
    fn saved_file_keeps_the_old_one_as_sav_with_mode_0640() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("bfrs-v4-save-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("bfdd.conf");
        std::fs::write(&path, "old\n").expect("old");
        save_file(&path, "new\n").expect("save");
        assert_eq!(std::fs::read_to_string(&path).expect("new"), "new\n");
        assert_eq!(
            std::fs::read_to_string(dir.join("bfdd.conf.sav")).expect("sav"),
            "old\n"
        );
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(local_time().len(), "2026/11/24 21:09:09".len());
    }

    #[test]
    fn state_names() {
        assert_eq!(peer_state(State::AdminDown), PeerState::AdminDown);
        assert_eq!(peer_state(State::Down), PeerState::Down);
        assert_eq!(peer_state(State::Init), PeerState::Init);
        assert_eq!(peer_state(State::Up), PeerState::Up);
        let mut s = snapshot();
        s.state = State::Down;
        s.spec.key.ifname = Some("eth1".into());
        s.spec.configured = false;
        let p = peer_status(&s);
        assert_eq!(p.state, PeerState::Down);
        assert_eq!(p.interface.as_deref(), Some("eth1"));
        assert!(!p.configured);
    }
}
