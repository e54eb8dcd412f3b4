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
