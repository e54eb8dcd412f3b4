//! A session's echo function (RFC 5880 §6.4, §6.8.9), run the way FRR's
//! bfdd runs it: echo starts once the session is Up, `echo_mode` is
//! configured and the peer's Required Min Echo RX Interval is non-zero; it is
//! sent every max(that interval, our desired echo interval), jittered like
//! Control packets (§6.8.7), and fails — Down with diagnostic 2 — when none
//! of our echo packets came back for the peer's Detect Mult times that
//! interval. The Control packet rate is not changed while echo runs (FRR 8.4
//! does not slow it either). Multihop sessions never run echo (RFC 5883 §3);
//! the endpoint clears `echo_mode` for them.

use std::time::{Duration, Instant};

use super::Session;
use crate::packet::State;

/// Echo timers of one session; `tx_interval` 0 means echo is not running.
#[derive(Debug, Clone, Copy)]
pub(super) struct EchoTimers {
    /// The echo transmit interval in force, µs (0: echo stopped).
    pub tx_interval: u32,
    pub next_tx: Instant,
    /// Echo detection: Down (diag 2) if no echo returns by then.
    pub deadline: Instant,
}

impl EchoTimers {
    pub fn stopped(now: Instant) -> EchoTimers {
        EchoTimers {
            tx_interval: 0,
            next_tx: now,
            deadline: now,
        }
    }

    pub fn running(&self) -> bool {
        self.tx_interval != 0
    }

    pub fn stop(&mut self) {
        self.tx_interval = 0;
    }

    /// Start (or restart at a new interval): one echo at once, detection
    /// armed for `detect_mult` intervals.
    pub fn start(&mut self, interval: u32, detect_mult: u8, now: Instant) {
        self.tx_interval = interval;
        self.next_tx = now;
        self.rearm(detect_mult, now);
    }

    /// One of our echo packets came back (or echo started): push detection out.
    pub fn rearm(&mut self, detect_mult: u8, now: Instant) {
        self.deadline = now + self.detection_time(detect_mult);
    }

    pub fn detection_time(&self, detect_mult: u8) -> Duration {
        Duration::from_micros(u64::from(detect_mult) * u64::from(self.tx_interval))
    }
}

impl Session {
    /// One of our own echo packets came back: push echo detection out.
    /// False (and nothing changes) when echo is not running, as FRR drops
    /// such packets.
    pub fn echo_received(&mut self, now: Instant) -> bool {
        if !self.echo.running() || self.path_is_down {
            return false;
        }
        self.echo.rearm(self.remote_detect_mult, now);
        true
    }

    /// The echo function is running (FRR's "echo active").
    pub fn echo_active(&self) -> bool {
        self.echo.running()
    }

    /// The echo transmit interval in force, µs (0 when echo is not running).
    pub fn echo_tx_interval(&self) -> u32 {
        self.echo.tx_interval
    }

    /// Start, retime or stop echo after the configuration or the peer's
    /// values changed, as FRR's bfdd does; true when an echo packet is due
    /// now (echo just started or its interval changed).
    pub(super) fn echo_sync(&mut self, now: Instant) -> bool {
        if !self.params.echo_mode || self.session_state != State::Up || self.path_is_down {
            return false;
        }
        // §6.8.9: a peer asking for no echo gets none.
        if self.remote_required_min_echo_rx == 0 {
            self.echo.stop();
            return false;
        }
        // §6.8.9: never faster than the peer's Required Min Echo RX Interval.
        let interval = self
            .remote_required_min_echo_rx
            .max(self.params.desired_min_echo_tx)
            .max(1);
        if self.echo.running() && self.echo.tx_interval == interval {
            return false;
        }
        self.echo.start(interval, self.remote_detect_mult, now);
        let first = Duration::from_micros(u64::from(interval));
        self.echo.next_tx = now + self.jittered(first);
        true
    }
}
