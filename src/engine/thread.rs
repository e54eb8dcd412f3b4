//! The engine thread's event loop: one epoll over the data path's sockets, a
//! timerfd armed to the earliest session deadline (ns precision) and the
//! eventfd that `EngineHandle::send` writes after queueing a command. Each
//! turn drains whatever is ready, runs due timers and retries notifications
//! held back by a full channel (`core.rs`); the wait itself carries
//! the next deadline as a nanosecond timeout (epoll_pwait2), so no timerfd
//! re-arm syscall is paid per turn (the timerfd is the fallback on kernels
//! before 5.11). A busy loop is paced (`tuning::TURN_GAP`) so that one
//! wake-up serves many packets and deadlines.

use std::io;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use bfd::{Endpoint, EndpointConfig};
use tokio::sync::mpsc::Sender;
use tracing::{debug, error, warn};

use super::core::Core;
use super::path::DataPath;
use super::sockets::{self, Epoll};
use super::stats::Batch;
use super::tuning::{self, EngineTuning, TURN_GAP};
use super::udp::KernelUdp;
use super::vrf::{VrfPaths, WantedVrfs};
use super::{Command, EngineOptions, Notification};

const TOKEN_WAKE: u64 = 0;
const TOKEN_TIMER: u64 = 1;
const TOKEN_PATH_BASE: u64 = 2;
/// While events wait for room in the notification channel the loop wakes
/// at least this often to retry: nothing tells the engine thread when the
/// receiver made room.
const FLUSH_RETRY: Duration = Duration::from_millis(5);

pub struct Engine {
    core: Core,
    epoll: Epoll,
    timerfd: OwnedFd,
    wake: Arc<OwnedFd>,
    commands: mpsc::Receiver<Command>,
    tuning: EngineTuning,
    /// epoll_pwait2 works here; false = timerfd fallback.
    pwait2: bool,
    /// Deadline the timerfd is armed for (fallback only), to skip re-arming.
    timerfd_armed: Option<Instant>,
    /// The data path's descriptors epoll waits on, and their generation.
    registered: Vec<RawFd>,
    fds_generation: u64,
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
        wanted: WantedVrfs,
    ) -> io::Result<Engine> {
        let path = VrfPaths::new(opts, KernelUdp::open(opts)?, wanted);
        let epoll = Epoll::new()?;
        let timerfd = sockets::timerfd()?;
        epoll.add(wake.as_raw_fd(), TOKEN_WAKE)?;
        epoll.add(timerfd.as_raw_fd(), TOKEN_TIMER)?;
        let registered = path.fds();
        for (i, fd) in registered.iter().enumerate() {
            epoll.add(*fd, TOKEN_PATH_BASE + i as u64)?;
        }
        let fds_generation = path.fds_generation();
        // The channel is the buffer: `Core::before` lets events wait in the
        // endpoint only up to the channel's free room.
        let ep = Endpoint::new(EndpointConfig {
            seed: rand::random(),
            event_capacity: notify.max_capacity(),
        });
        Ok(Engine {
            core: Core::new(ep, Box::new(path), notify),
            epoll,
            timerfd,
            wake,
            commands,
            tuning,
            pwait2: true,
            timerfd_armed: None,
            registered,
            fds_generation,
        })
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

    /// The earliest session deadline, data-path retry or notification
    /// flush retry, if any.
    fn next_wake(&mut self) -> Option<Instant> {
        let flush = self
            .core
            .events_waiting()
            .then(|| Instant::now() + FLUSH_RETRY);
        [
            self.core.ep.poll_timeout(),
            self.core.path.poll_timeout(),
            flush,
        ]
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
                    self.core.loop_errors += 1;
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
                        self.follow_fds();
                    }
                    TOKEN_TIMER => sockets::drain_counter_fd(self.timerfd.as_raw_fd()),
                    t => self.core.receive((t - TOKEN_PATH_BASE) as usize),
                }
            }
            self.core.run_timers(Instant::now());
            self.core.path.size_for(self.core.ep.len());
        }
    }

    /// A VRF came or went: wait on the data path's descriptors as they are
    /// now (tokens are positions in `fds()`, so all are registered anew).
    fn follow_fds(&mut self) {
        let generation = self.core.path.fds_generation();
        if generation == self.fds_generation {
            return;
        }
        self.fds_generation = generation;
        for fd in self.registered.drain(..) {
            self.epoll.delete(fd);
        }
        self.registered = self.core.path.fds();
        for (i, fd) in self.registered.iter().enumerate() {
            if let Err(e) = self.epoll.add(*fd, TOKEN_PATH_BASE + i as u64) {
                error!("engine cannot wait on a data path socket: {e}");
                self.core.loop_errors += 1;
            }
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
            self.core.loop_errors += 1;
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
}
