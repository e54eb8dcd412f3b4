//! The engine thread's event loop: one epoll over the listening sockets, a
//! timerfd armed to the earliest session deadline (ns precision) and the
//! eventfd that `EngineHandle::send` writes after queueing a command. Each
//! turn drains whatever is ready, runs due timers, and re-arms the timerfd.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::os::fd::{AsRawFd, OwnedFd};
use std::sync::{mpsc, Arc};
use std::time::Instant;

use rand::rngs::SmallRng;
use rand::SeedableRng;
use tokio::sync::mpsc::UnboundedSender;
use tracing::{debug, error, warn};

use super::links::LinkTable;
use super::sockets::{self, Epoll, Listener, RxBatch, PORT_MULTIHOP, PORT_SINGLE_HOP, RX_BATCH};
use super::table::Table;
use super::timers::{TimerEntry, TimerHeap};
use super::wire::RxErrorCounters;
use super::{Command, EngineOptions, Notification};

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
}

impl ExtraCounters {
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, u64)> {
        [
            ("rx_truncated", self.rx_truncated),
            ("rx_no_source", self.rx_no_source),
            ("session_disabled", self.rx_session_disabled),
            ("socket_error", self.socket_errors),
            ("tx_error", self.tx_errors),
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
    pub notify: UnboundedSender<Notification>,
    /// None until the first `Command::Links`: every session is disabled.
    pub links: Option<LinkTable>,
    pub rng: SmallRng,
    /// When to retry opening transmit sockets that failed to open (e.g. an
    /// address rtnetlink reported but the kernel does not accept yet).
    pub retry_open_at: Option<Instant>,
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
            let actions = e.session.handle_timeout(now);
            self.apply(t.slot, actions, now);
        }
        let table = &self.table;
        self.timers
            .compact_if_bloated(table.len(), |t| timer_valid(table, t));
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
}

enum Flow {
    Continue,
    Stop,
}

impl Engine {
    pub fn new(
        opts: &EngineOptions,
        notify: UnboundedSender<Notification>,
        commands: mpsc::Receiver<Command>,
        wake: Arc<OwnedFd>,
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
        Ok(Engine {
            core: Core {
                table: Table::new(),
                timers: TimerHeap::new(),
                rx_errors: RxErrorCounters::default(),
                extra: ExtraCounters::default(),
                notify,
                links: None,
                rng: SmallRng::from_entropy(),
                retry_open_at: None,
            },
            listeners,
            batch: RxBatch::new(),
            epoll,
            timerfd,
            wake,
            commands,
        })
    }

    pub fn run(mut self) {
        let mut events = [libc::epoll_event { events: 0, u64: 0 }; 16];
        loop {
            let n = match self.epoll.wait(&mut events) {
                Ok(n) => n,
                Err(e) => {
                    // Should never happen on a valid epoll fd; do not spin hot.
                    error!("engine epoll_wait failed: {e}");
                    self.core.extra.socket_errors += 1;
                    std::thread::sleep(std::time::Duration::from_millis(10));
                    0
                }
            };
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
            self.arm_timer();
        }
    }

    fn arm_timer(&mut self) {
        let table = &self.core.table;
        let next_session = self
            .core
            .timers
            .next_deadline(|t| super::thread::timer_valid(table, t));
        let next = match (next_session, self.core.retry_open_at) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let after = next.map(|d| d.saturating_duration_since(Instant::now()));
        if let Err(e) = sockets::timerfd_arm(self.timerfd.as_raw_fd(), after) {
            error!("engine timerfd_settime failed: {e}");
            self.core.extra.socket_errors += 1;
        }
    }

    fn drain_commands(&mut self) -> Flow {
        loop {
            match self.commands.try_recv() {
                Ok(Command::Shutdown(reply)) => {
                    self.core.shutdown();
                    let _ = reply.send(());
                    return Flow::Stop;
                }
                Ok(cmd) => self.core.command(cmd, Instant::now()),
                Err(mpsc::TryRecvError::Empty) => return Flow::Continue,
                Err(mpsc::TryRecvError::Disconnected) => {
                    self.core.shutdown();
                    return Flow::Stop;
                }
            }
        }
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
            let now = Instant::now();
            for j in 0..n {
                self.core.handle_datagram(self.batch.get(j), multihop, now);
            }
            if n < RX_BATCH {
                return;
            }
        }
    }
}
