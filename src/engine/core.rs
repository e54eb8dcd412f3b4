//! What the engine thread works on between waits: the `bfd::Endpoint` with
//! every session, the data path that carries them, and the engine's own
//! accounting and notification channel. Each handler
//! feeds the endpoint, then sends what it queued (`flush_transmits`) and
//! hands its state changes to the control plane (`drain_events`), which
//! keeps the channel bounded: when it is full the endpoint defers and
//! coalesces instead (see `bfd::endpoint`).

use std::time::Instant;

use bfd::Endpoint;
use tokio::sync::mpsc::error::TrySendError;
use tokio::sync::mpsc::Sender;

use super::path::DataPath;
use super::stats::Batch;
use super::{EngineStats, Notification};

pub struct Core {
    pub ep: Endpoint,
    pub path: Box<dyn DataPath>,
    pub notify: Sender<Notification>,
    /// The channel was full at the last drain: events wait in the endpoint.
    pub events_blocked: bool,
    /// Handler times for `show thread cpu` (lateness is the endpoint's).
    pub stats: EngineStats,
    /// The loop's own failures (epoll, timerfd), shown as socket errors.
    pub loop_errors: u64,
}

impl Core {
    pub fn new(ep: Endpoint, path: Box<dyn DataPath>, notify: Sender<Notification>) -> Core {
        Core {
            ep,
            path,
            notify,
            events_blocked: false,
            stats: EngineStats::default(),
            loop_errors: 0,
        }
    }

    /// What every handler does before feeding the endpoint: events may wait
    /// in the endpoint only up to the channel's free room, so a full channel
    /// makes the endpoint defer and coalesce at once.
    pub fn before(&mut self) {
        self.ep.set_event_capacity(self.notify.capacity());
    }

    /// Run every session whose deadline has passed, and the data path's own
    /// deadline.
    pub fn run_timers(&mut self, now: Instant) {
        self.before();
        if self.path.poll_timeout().is_some_and(|t| t <= now) {
            self.path.handle_timeout(&mut self.ep, now);
        }
        // Opened only when a timeout is due: an idle turn reads no clock.
        if self.ep.poll_timeout().is_some_and(|t| t <= now) {
            let b = Batch::start(now);
            let mut runs = 0;
            // The endpoint returns every `TRANSMIT_BATCH` packets so its queue
            // stays small; the rounds are bounded like its own budget.
            for _ in 0..4 + self.ep.len() / bfd::endpoint::TRANSMIT_BATCH * 4 {
                let n = self.ep.handle_timeout(now);
                runs += n;
                self.flush_transmits();
                if n == 0 || self.ep.poll_timeout().is_none_or(|t| t > now) {
                    break;
                }
            }
            self.stats.session_timer.finish(b, runs);
        }
        self.after();
    }

    /// Descriptor `i` of the data path is readable.
    pub fn receive(&mut self, i: usize) {
        self.before();
        self.path.receive(i, &mut self.ep, &mut self.stats);
        self.after();
    }

    /// What every handler owes after feeding the endpoint.
    pub fn after(&mut self) {
        self.flush_transmits();
        self.drain_events();
    }

    /// Send every packet the endpoint queued, Control and echo.
    pub fn flush_transmits(&mut self) {
        while let Some(t) = self.ep.poll_transmit() {
            if self.path.send(&t, &mut self.stats.tx) {
                self.ep.transmitted(t.handle);
            }
        }
        while let Some(e) = self.ep.poll_echo() {
            if self.path.send_echo(&e) {
                self.ep.echo_transmitted(e.handle);
            }
        }
    }

    /// Hand state changes to the control plane while the channel has room.
    pub fn drain_events(&mut self) {
        loop {
            let permit = match self.notify.try_reserve() {
                Ok(p) => p,
                Err(TrySendError::Full(())) => {
                    self.events_blocked = true;
                    return;
                }
                // The receiver is gone during daemon shutdown: drop them.
                Err(TrySendError::Closed(())) => {
                    while self.ep.poll_event().is_some() {}
                    self.events_blocked = false;
                    return;
                }
            };
            let Some(ev) = self.ep.poll_event() else {
                self.events_blocked = false;
                return;
            };
            permit.send(Notification::StateChanged {
                key: ev.key,
                local_discr: ev.local_discr,
                from: ev.from,
                to: ev.to,
                diag: ev.diag,
                remote_cbit: ev.remote_cbit,
            });
        }
    }

    /// Events wait for room in the channel (the loop retries on a timer:
    /// nothing tells this thread when the receiver made room).
    pub fn events_waiting(&self) -> bool {
        self.events_blocked || self.ep.has_deferred_events()
    }

    /// AdminDown to every session on the wire a few times, a few ms apart,
    /// so a single loss does not leave the peer to time out.
    pub fn shutdown(&mut self) {
        for round in 0..3 {
            if round > 0 {
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            self.before();
            self.ep.admin_down_all(Instant::now());
            self.flush_transmits();
        }
    }
}
