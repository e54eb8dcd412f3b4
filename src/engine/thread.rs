//! The engine thread's event loop: one epoll over the listening sockets, a
//! timerfd armed to the earliest session deadline (ns precision) and the
//! eventfd that `EngineHandle::send` writes after queueing a command. Each
//! turn drains whatever is ready, runs due timers and flushes notifications
//! deferred by a full channel (`notify.rs`); the wait itself carries
//! the next deadline as a nanosecond timeout (epoll_pwait2), so no timerfd
//! re-arm syscall is paid per turn (the timerfd is the fallback on kernels
//! before 5.11). A busy loop is paced (`tuning::TURN_GAP`) so that one
//! wake-up serves many packets and deadlines.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::os::fd::{AsRawFd, OwnedFd};
use std::sync::{mpsc, Arc};
use std::time::Instant;

use rand::rngs::SmallRng;
use rand::SeedableRng;
use tokio::sync::mpsc::Sender;
use tracing::{debug, error, warn};

use super::links::LinkTable;
use super::notify::{Notifier, FLUSH_RETRY};
use super::sockets::{self, Epoll, Listener, RxBatch, PORT_MULTIHOP, PORT_SINGLE_HOP, RX_BATCH};
use super::stats::Batch;
use super::table::Table;
use super::timers::{TimerEntry, TimerHeap};
use super::tuning::{self, EngineTuning, TURN_GAP};
use super::wire::RxErrorCounters;
use super::{Command, EngineOptions, EngineStats, Notification};

const TOKEN_WAKE: u64 = 0;
const TOKEN_TIMER: u64 = 1;
const TOKEN_LISTENER_BASE: u64 = 2;
/// Batches read from one socket per loop turn, so one busy socket cannot
/// starve the timers (epoll is level-triggered: the rest is read next turn).
const MAX_BATCHES_PER_TURN: usize = 16;

/// Engine-side counters that are not packet parse errors.
#[derive(Debug, Default, Clone, Copy)]
pub struct ExtraCounters {
    pub rx_truncated: u64,
    pub rx_no_source: u64,
    pub rx_session_disabled: u64,
    pub socket_errors: u64,
    pub tx_errors: u64,
    /// State changes that found the notification channel full (or their
    /// session already behind) and were deferred for coalescing.
    pub notify_deferred: u64,
    /// Notifications sent later from the deferred ones.
    pub notify_flushed: u64,
    /// Loop turns that left packets queued on a listener (the per-turn read
    /// cap was reached): the engine is behind its receive load.
    pub rx_backlog: u64,
}

impl ExtraCounters {
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, u64)> {
        [
            ("rx_truncated", self.rx_truncated),
            ("rx_no_source", self.rx_no_source),
            ("session_disabled", self.rx_session_disabled),
            ("socket_error", self.socket_errors),
            ("tx_error", self.tx_errors),
            ("notify_deferred", self.notify_deferred),
            ("notify_flushed", self.notify_flushed),
            ("rx_backlog", self.rx_backlog),
        ]
        .into_iter()
    }
}

/// Sessions, timers, counters and links: all the state the receive path,
/// timers and commands work on (apart from the sockets being read).
pub struct Core {
    pub table: Table,
    pub timers: TimerHeap,
    pub rx_errors: RxErrorCounters,
    pub extra: ExtraCounters,
    pub notify: Notifier,
    /// None until the first `Command::Links`: every session is disabled.
    pub links: Option<LinkTable>,
    pub rng: SmallRng,
    /// When to retry opening transmit sockets that failed to open (e.g. an
    /// address rtnetlink reported but the kernel does not accept yet).
    pub retry_open_at: Option<Instant>,
    /// Handler times and timer lateness for `show thread cpu`.
    pub stats: EngineStats,
}

pub fn timer_valid(table: &Table, t: &TimerEntry) -> bool {
    table.generation(t.slot) == t.generation
        && table
            .get(t.slot)
            .is_some_and(|e| e.armed == Some(t.deadline))
}

impl Core {
    /// Run every session whose deadline has passed.
    pub fn run_timers(&mut self, now: Instant) {
        if self.retry_open_at.is_some_and(|t| t <= now) {
            self.retry_open_at = None;
            for slot in self.table.slots() {
                self.refresh_path(slot, now);
            }
        }
        // A bound on work per turn in case a session keeps asking for `now`.
        let mut budget = 4 * self.table.len() + 64;
        // Opened at the first timeout handled: an idle turn reads no clock.
        let mut batch: Option<Batch> = None;
        let mut runs = 0;
        while budget > 0 {
            budget -= 1;
            let table = &self.table;
            let Some(t) = self.timers.pop_due(now, |t| timer_valid(table, t)) else {
                break;
            };
            let Some(e) = self.table.get_mut(t.slot) else {
                continue;
            };
            e.armed = None;
            if !e.enabled {
                continue;
            }
            if batch.is_none() {
                batch = Some(Batch::start(now));
            }
            runs += 1;
            self.stats.lateness.record(t.deadline, now);
            let actions = e.session.handle_timeout(now);
            self.apply(t.slot, actions, now);
        }
        if let Some(b) = batch {
            self.stats.session_timer.finish(b, runs);
        }
        let table = &self.table;
        self.timers
            .compact_if_bloated(table.len(), |t| timer_valid(table, t));
    }

    /// Send deferred notifications while the channel has room.
    pub fn flush_notifications(&mut self) {
        if self.notify.has_pending() {
            self.notify.flush(&mut self.table, &mut self.extra);
        }
    }
}

pub struct Engine {
    core: Core,
    listeners: Vec<Listener>,
    batch: RxBatch,
    epoll: Epoll,
    timerfd: OwnedFd,
    wake: Arc<OwnedFd>,
    commands: mpsc::Receiver<Command>,
    tuning: EngineTuning,
    /// epoll_pwait2 works here; false = timerfd fallback.
    pwait2: bool,
    /// Deadline the timerfd is armed for (fallback only), to skip re-arming.
    timerfd_armed: Option<Instant>,
    /// Receive buffer size last requested for the listeners.
    rcvbuf_sized: usize,
}

enum Flow {
    Continue,
    Stop,
}

impl Engine {
    pub fn new(
        opts: &EngineOptions,
        notify: Sender<Notification>,
        commands: mpsc::Receiver<Command>,
        wake: Arc<OwnedFd>,
        tuning: EngineTuning,
    ) -> io::Result<Engine> {
        let mut listeners = Vec::new();
        let v4 = IpAddr::V4(opts.bind_v4.unwrap_or(Ipv4Addr::UNSPECIFIED));
        for (port, multihop) in [(PORT_SINGLE_HOP, false), (PORT_MULTIHOP, true)] {
            listeners.push(Listener::open(SocketAddr::new(v4, port), multihop)?);
        }
        if !opts.no_ipv6 {
            let v6 = IpAddr::V6(opts.bind_v6.unwrap_or(Ipv6Addr::UNSPECIFIED));
            for (port, multihop) in [(PORT_SINGLE_HOP, false), (PORT_MULTIHOP, true)] {
                match Listener::open(SocketAddr::new(v6, port), multihop) {
                    Ok(l) => listeners.push(l),
                    // A host without IPv6 still serves IPv4 when no v6 address was asked for.
                    Err(e) if opts.bind_v6.is_none() => {
                        warn!("IPv6 BFD listener on port {port} not opened: {e}")
                    }
                    Err(e) => return Err(e),
                }
            }
        }
        let epoll = Epoll::new()?;
        let timerfd = sockets::timerfd()?;
        epoll.add(wake.as_raw_fd(), TOKEN_WAKE)?;
        epoll.add(timerfd.as_raw_fd(), TOKEN_TIMER)?;
        for (i, l) in listeners.iter().enumerate() {
            epoll.add(l.sock.as_raw_fd(), TOKEN_LISTENER_BASE + i as u64)?;
        }
        let mut engine = Engine {
            core: Core {
                table: Table::new(),
                timers: TimerHeap::new(),
                rx_errors: RxErrorCounters::default(),
                extra: ExtraCounters::default(),
                notify: Notifier::new(notify),
                links: None,
                rng: SmallRng::from_entropy(),
                retry_open_at: None,
                stats: EngineStats::default(),
            },
            listeners,
            batch: RxBatch::new(),
            epoll,
            timerfd,
            wake,
            commands,
            tuning,
            pwait2: true,
            timerfd_armed: None,
            rcvbuf_sized: 0,
        };
        engine.size_rx_buffers();
        Ok(engine)
    }

    /// Grow (or shrink) the listeners' receive buffers with the session count.
    fn size_rx_buffers(&mut self) {
        let want = tuning::rcvbuf_for(self.core.table.len());
        if want == self.rcvbuf_sized {
            return;
        }
        self.rcvbuf_sized = want;
        for l in &self.listeners {
            match tuning::set_rcvbuf(l.sock.as_raw_fd(), want) {
                Ok(got) => debug!("listener receive buffer {want} requested, {got} granted"),
                Err(e) => warn!("cannot size a BFD listener's receive buffer to {want}: {e}"),
            }
        }
    }

    fn apply_tuning(&self) {
        let Some(rt) = self.tuning.realtime else {
            return;
        };
        let out = tuning::apply_realtime(&rt);
        for w in &out.warnings {
            warn!("{w}");
        }
        tracing::info!(
            "BFD engine thread: pinned to CPU {}, SCHED_FIFO {}",
            out.pinned_cpu
                .map_or_else(|| "none".to_string(), |c| c.to_string()),
            if out.fifo {
                format!("priority {}", rt.fifo_priority)
            } else {
                "off".to_string()
            }
        );
    }

    /// The earliest session deadline, socket retry or notification flush
    /// retry, if any.
    fn next_wake(&mut self) -> Option<Instant> {
        let table = &self.core.table;
        let next_session = self.core.timers.next_deadline(|t| timer_valid(table, t));
        let flush = self
            .core
            .notify
            .has_pending()
            .then(|| Instant::now() + FLUSH_RETRY);
        [next_session, self.core.retry_open_at, flush]
            .into_iter()
            .flatten()
            .min()
    }

    /// Block until a socket, a command or the next deadline.
    fn wait(&mut self, events: &mut [libc::epoll_event]) -> io::Result<usize> {
        if self.pwait2 {
            let timeout = self
                .next_wake()
                .map(|d| d.saturating_duration_since(Instant::now()));
            match self.epoll.wait_timeout(events, timeout) {
                Err(e) if e.kind() == io::ErrorKind::Unsupported => {
                    debug!("epoll_pwait2 unsupported: timerfd fallback");
                    self.pwait2 = false;
                }
                r => return r,
            }
        }
        self.arm_timer();
        self.epoll.wait(events)
    }

    pub fn run(mut self) {
        self.apply_tuning();
        let mut events = [libc::epoll_event { events: 0, u64: 0 }; 16];
        let mut last_turn: Option<Instant> = None;
        loop {
            if let Some(since) = last_turn.map(|t| t.elapsed()) {
                if since < TURN_GAP {
                    std::thread::sleep(TURN_GAP - since);
                }
            }
            let n = match self.wait(&mut events) {
                Ok(n) => n,
                Err(e) => {
                    // Should never happen on a valid epoll fd; do not spin hot.
                    error!("engine epoll_wait failed: {e}");
                    self.core.extra.socket_errors += 1;
                    std::thread::sleep(std::time::Duration::from_millis(10));
                    0
                }
            };
            last_turn = Some(Instant::now());
            for ev in &events[..n] {
                let token = ev.u64;
                match token {
                    TOKEN_WAKE => {
                        sockets::drain_counter_fd(self.wake.as_raw_fd());
                        if let Flow::Stop = self.drain_commands() {
                            return;
                        }
                    }
                    TOKEN_TIMER => sockets::drain_counter_fd(self.timerfd.as_raw_fd()),
                    t => self.drain_listener((t - TOKEN_LISTENER_BASE) as usize),
                }
            }
            self.core.run_timers(Instant::now());
            self.core.flush_notifications();
            self.size_rx_buffers();
        }
    }

    /// Fallback path: arm the timerfd for the next deadline when it changed.
    fn arm_timer(&mut self) {
        let next = self.next_wake();
        if next.is_some() && next == self.timerfd_armed {
            return;
        }
        self.timerfd_armed = next;
        let after = next.map(|d| d.saturating_duration_since(Instant::now()));
        if let Err(e) = sockets::timerfd_arm(self.timerfd.as_raw_fd(), after) {
            error!("engine timerfd_settime failed: {e}");
            self.core.extra.socket_errors += 1;
        }
    }

    fn drain_commands(&mut self) -> Flow {
        let mut batch: Option<Batch> = None;
        let mut runs = 0;
        let flow = loop {
            match self.commands.try_recv() {
                Ok(Command::Shutdown(reply)) => {
                    self.core.shutdown();
                    let _ = reply.send(());
                    break Flow::Stop;
                }
                Ok(cmd) => {
                    let now = Instant::now();
                    if batch.is_none() {
                        batch = Some(Batch::start(now));
                    }
                    runs += 1;
                    self.core.command(cmd, now);
                }
                Err(mpsc::TryRecvError::Empty) => break Flow::Continue,
                Err(mpsc::TryRecvError::Disconnected) => {
                    self.core.shutdown();
                    break Flow::Stop;
                }
            }
        };
        if let Some(b) = batch {
            self.core.stats.command.finish(b, runs);
        }
        flow
    }

    fn drain_listener(&mut self, i: usize) {
        let Some(l) = self.listeners.get(i) else {
            return;
        };
        let fd = l.sock.as_raw_fd();
        let multihop = l.multihop;
        for _ in 0..MAX_BATCHES_PER_TURN {
            let n = match self.batch.recv(fd) {
                Ok(n) => n,
                Err(e) => {
                    debug!("recvmmsg failed: {e}");
                    self.core.extra.socket_errors += 1;
                    return;
                }
            };
            if n == 0 {
                return;
            }
            let now = Instant::now();
            let b = Batch::start(now);
            for j in 0..n {
                self.core.handle_datagram(self.batch.get(j), multihop, now);
            }
            self.core.stats.rx.finish(b, n as u64);
            if n < RX_BATCH {
                return;
            }
        }
        self.core.extra.rx_backlog += 1;
    }
}
