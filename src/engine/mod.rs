//! The BFD engine: one dedicated OS thread that owns every session, timer and
//! socket. The control plane (tokio) talks to it only through `EngineHandle`
//! (commands in) and the notification channel (state changes out), so no
//! control-plane work ever delays a packet.
//!
//! The protocol itself — sessions, demultiplexing, the §6.8.6 reception
//! procedure, timers and coalesced state events — is the sans-IO
//! `bfd::Endpoint`; the engine drives it. Files: `thread.rs` the event loop,
//! `core.rs` what a turn works on (endpoint, data path, notifications),
//! `commands.rs` the commands, `path.rs` the data-path seam, `udp.rs` the
//! kernel UDP data path, `links.rs` path readiness, `sockets.rs` sockets and
//! fds, `stats.rs` handler accounting, `tuning.rs` --realtime and buffers.
//!
//! Choices: the loop sleeps in epoll_pwait2 with the next deadline as a
//! nanosecond timeout and paces busy turns (`tuning.rs`); receive is recvmmsg
//! in batches into buffers allocated once, on listeners whose receive buffer
//! grows with the session count; transmit uses one connect()ed socket per
//! session (fixed, unique source port as RFC 5881 §4 asks, interface binding,
//! cached route) with one send per packet. sendmmsg over shared sockets was
//! left out on purpose: it would give up the unique source port, and the
//! profile at 1000 sessions x 50 ms shows the syscall entry is a few percent
//! of the per-packet cost next to the IP output, veth and receive path it
//! cannot batch away (bench/README.md). `--realtime` (`EngineTuning`) runs
//! the thread SCHED_FIFO and pinned. Only the default VRF is served for now.

#[doc(hidden)]
pub mod bench;
mod commands;
mod core;
mod echo;
mod links;
pub mod path;
mod sockets;
mod stats;
#[cfg(test)]
mod tests;
mod thread;
mod tuning;
mod udp;
mod vrf;
mod vrf_lite;
#[cfg(test)]
mod vrf_lite_tests;

pub use bfd::endpoint::{LatenessStats, LATENESS_BOUNDS_US};
pub use bfd::{AuthSpec, SessionConfig, SessionKey};
pub use tuning::{EngineTuning, Realtime};

use std::net::IpAddr;
use std::os::fd::{AsRawFd, OwnedFd};
use std::sync::{mpsc, Arc};
use std::time::Duration;

use bfd::packet::{Diag, State};

/// One interface as rtnetlink reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkInfo {
    pub ifindex: u32,
    pub name: String,
    /// Administratively and operationally up (IFF_UP and IFF_RUNNING/carrier).
    pub up: bool,
    pub addrs: Vec<IpAddr>,
    /// The link it is enslaved to (IFLA_MASTER), 0 for none: a link whose
    /// master is a VRF device belongs to that VRF (VRF-lite).
    pub master: u32,
    /// A VRF device (l3mdev): its name is a VRF's name.
    pub vrf_device: bool,
}

/// Per-session packet and event counters (FRR's `show bfd peers counters`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SessionCounters {
    pub control_input: u64,
    pub control_output: u64,
    pub echo_input: u64,
    pub echo_output: u64,
    pub session_up: u64,
    pub session_down: u64,
}

/// A read-only copy of a session for `show` commands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionSnapshot {
    pub config: SessionConfig,
    pub local_discr: u32,
    pub remote_discr: u32,
    pub state: State,
    pub local_diag: Diag,
    pub remote_diag: Diag,
    /// Time since the last state change.
    pub since_change: Duration,
    pub remote_detect_mult: u8,
    pub remote_desired_min_tx: u32,
    pub remote_required_min_rx: u32,
    pub remote_required_min_echo_rx: u32,
    pub counters: SessionCounters,
    /// The session's interface/address is present (it is enabled on the wire).
    pub enabled: bool,
    /// Echo round trip (min, avg, max), µs.
    pub rtt_usec: (u32, u32, u32),
}

/// Default notification channel capacity. Fixed rather than sized by
/// session count (the channel exists before any session): it holds a Down
/// and an Up for 2000 sessions flapping at once before the endpoint defers
/// and coalesces, and at about 150 bytes per queued notification stays
/// under 1 MB when full. tokio allocates the queue in small blocks as used,
/// so idle costs nothing.
pub const NOTIFY_CAPACITY: usize = 4096;

/// The engine's notification channel with room for `capacity` (at least 1).
pub fn notification_channel(
    capacity: usize,
) -> (
    tokio::sync::mpsc::Sender<Notification>,
    tokio::sync::mpsc::Receiver<Notification>,
) {
    tokio::sync::mpsc::channel(capacity.max(1))
}

/// Engine-wide drop counters for packets that matched no session or failed a
/// check, by reason (names are stable: they show in `show bfd` extensions).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EngineCounters {
    pub by_reason: Vec<(&'static str, u64)>,
}

/// Time spent by one kind of engine handler (FRR's `show thread cpu` row).
/// Times are measured per batch (one turn's timers, one recvmmsg batch, one
/// drain of the command queue, one send), so `*_max_ns` is the longest
/// batch, while total / runs is the mean per event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HandlerStats {
    /// Events handled (timeouts, datagrams, packets sent, commands).
    pub runs: u64,
    /// Thread CPU time (CLOCK_THREAD_CPUTIME_ID). For `tx` this is the wall
    /// time of the send: the kernel's output path runs in the sending
    /// thread, and a CPU clock read per packet would cost a syscall each.
    pub cpu_total_ns: u64,
    pub cpu_max_ns: u64,
    pub wall_total_ns: u64,
    pub wall_max_ns: u64,
}

/// The engine thread's own accounting, for `show thread cpu`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EngineStats {
    /// Session timeouts (transmit and detection deadlines).
    pub session_timer: HandlerStats,
    /// Received datagrams, timed per recvmmsg batch.
    pub rx: HandlerStats,
    /// Control packets sent (also counted inside the timer/rx/command
    /// handler that caused them).
    pub tx: HandlerStats,
    /// Control-plane commands.
    pub command: HandlerStats,
    pub lateness: LatenessStats,
}

/// Commands from the control plane.
#[derive(Debug)]
pub enum Command {
    /// Create a session, or reconfigure it (timers by poll sequence, no flap)
    /// if one with the same key exists.
    Upsert(SessionConfig),
    /// Send AdminDown to the peer and forget the session.
    Remove(SessionKey),
    /// The full set of interfaces now (from rtnetlink).
    Links(Vec<LinkInfo>),
    Snapshot(tokio::sync::oneshot::Sender<Vec<SessionSnapshot>>),
    /// The session with exactly this key, without walking the table (a
    /// per-event query must not cost O(sessions)).
    SnapshotOf(
        SessionKey,
        tokio::sync::oneshot::Sender<Option<SessionSnapshot>>,
    ),
    Counters(tokio::sync::oneshot::Sender<EngineCounters>),
    /// Zero one session's control and echo packet counters (FRR's
    /// `clear bfd peer ... counters`; event counters are kept).
    ClearCounters(SessionKey),
    /// The engine thread's handler times and timer lateness.
    Stats(tokio::sync::oneshot::Sender<EngineStats>),
    /// Zero `EngineStats` (FRR's `clear thread cpu`).
    ClearStats,
    /// VRF NAME lives in the network namespace `ns`, with these links now
    /// (the first time: open its sockets there and start its sessions).
    VrfLinks {
        vrf: String,
        ns: Arc<std::fs::File>,
        links: Vec<LinkInfo>,
    },
    /// VRF NAME's namespace is gone: its sessions go Down and wait.
    VrfGone(String),
    /// Send AdminDown on every session, then stop the thread and reply.
    Shutdown(tokio::sync::oneshot::Sender<()>),
}

/// State changes out of the engine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notification {
    StateChanged {
        key: SessionKey,
        local_discr: u32,
        from: State,
        to: State,
        diag: Diag,
        /// The C bit of the last packet accepted from the peer.
        remote_cbit: bool,
    },
}

/// Sender side for commands; cheap to clone.
#[derive(Debug, Clone)]
pub struct EngineHandle {
    commands: mpsc::Sender<Command>,
    /// eventfd the engine thread waits on next to its sockets.
    wake: Arc<OwnedFd>,
    /// VRFs (other than the default) that have sessions.
    wanted: vrf::WantedVrfs,
}

impl EngineHandle {
    /// Queue a command and wake the engine thread.
    pub fn send(&self, cmd: Command) -> Result<(), EngineGone> {
        self.commands.send(cmd).map_err(|_| EngineGone)?;
        sockets::eventfd_signal(self.wake.as_raw_fd());
        Ok(())
    }

    /// The VRFs other than the default that have sessions now (the
    /// namespace watcher follows these).
    pub fn wanted_vrfs(&self) -> Vec<String> {
        let w = self.wanted.lock().unwrap_or_else(|e| e.into_inner());
        w.keys().cloned().collect()
    }
}

/// The engine thread has exited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EngineGone;

/// Options fixed at start.
#[derive(Debug, Clone, Default)]
pub struct EngineOptions {
    /// Bind the listening sockets to these addresses instead of the wildcard,
    /// so tests can run two engines in one process (127.0.0.1 and 127.0.0.2,
    /// ::1 and a second v6 loopback address). None = wildcard.
    pub bind_v4: Option<std::net::Ipv4Addr>,
    pub bind_v6: Option<std::net::Ipv6Addr>,
    /// Do not open IPv6 listeners (hosts without IPv6).
    pub no_ipv6: bool,
}

/// Start the engine thread. Notifications go to `notify` (from
/// `notification_channel`; bounded: a full channel defers and coalesces a
/// session's changes, keeping every Down an Up session went through, and
/// never blocks the engine). Sockets are opened
/// before the thread starts, so a bind failure is returned here. When every
/// `EngineHandle` is dropped the engine shuts down as on `Command::Shutdown`.
pub fn spawn(
    opts: EngineOptions,
    notify: tokio::sync::mpsc::Sender<Notification>,
) -> std::io::Result<(EngineHandle, std::thread::JoinHandle<()>)> {
    spawn_tuned(opts, EngineTuning::default(), notify)
}

/// `spawn` with performance settings (`--realtime`). The engine thread
/// applies them as it starts and logs a warning for each one the system
/// refuses; it runs either way.
pub fn spawn_tuned(
    opts: EngineOptions,
    tuning: EngineTuning,
    notify: tokio::sync::mpsc::Sender<Notification>,
) -> std::io::Result<(EngineHandle, std::thread::JoinHandle<()>)> {
    let wake = Arc::new(sockets::eventfd()?);
    let (tx, rx) = mpsc::channel();
    let wanted = vrf::WantedVrfs::default();
    let engine = thread::Engine::new(&opts, notify, rx, wake.clone(), tuning, wanted.clone())?;
    let join = std::thread::Builder::new()
        .name("bfd-engine".into())
        .spawn(move || engine.run())?;
    Ok((
        EngineHandle {
            commands: tx,
            wake,
            wanted,
        },
        join,
    ))
}
