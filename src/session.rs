//! One BFD session, sans-IO (RFC 5880 §6). It takes (event, now) and returns
//! actions; it never reads a clock or touches a socket, so tests drive it on a
//! simulated clock.
//!
//! SKELETON: the public API below is the agreed interface; bodies are being
//! written. Signatures may gain methods but must not change.

use std::time::Instant;

use crate::packet::{ControlPacket, Diag, State};

/// What an operator configures for a session (bfd.DesiredMinTxInterval etc.).
/// Intervals in microseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionParams {
    pub desired_min_tx: u32,
    pub required_min_rx: u32,
    pub required_min_echo_rx: u32,
    pub detect_mult: u8,
    /// §6.1 passive role: do not transmit until a packet from the peer arrives.
    pub passive: bool,
    /// `shutdown`: bfd.SessionState AdminDown.
    pub admin_down: bool,
    /// C bit we send: our control plane is independent (bgpd's
    /// check-control-plane-failure).
    pub control_plane_independent: bool,
    /// Set the A bit: the engine adds and checks the authentication section.
    pub auth: bool,
}

impl Default for SessionParams {
    fn default() -> Self {
        SessionParams {
            desired_min_tx: 300_000,
            required_min_rx: 300_000,
            required_min_echo_rx: 50_000,
            detect_mult: 3,
            passive: false,
            admin_down: false,
            control_plane_independent: false,
            auth: false,
        }
    }
}

/// A change of bfd.SessionState, reported to the engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StateChange {
    pub from: State,
    pub to: State,
    pub diag: Diag,
}

/// What the engine must do after an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Actions {
    /// Send a Control packet now (the engine calls `build_packet`).
    pub transmit: bool,
    pub state_change: Option<StateChange>,
    /// No packet for twice the detection time (§6.8.1): the engine must reset
    /// bfd.AuthSeqKnown (the session already reset bfd.RemoteDiscr).
    pub reset_auth_seq: bool,
}

/// One session's RFC 5880 §6.8.1 state variables and timers.
#[derive(Debug, Clone)]
pub struct Session {}

impl Session {
    /// A new session in Down, with a non-zero local discriminator chosen by the
    /// engine and a seed for the transmit jitter.
    pub fn new(_local_discr: u32, _params: SessionParams, _rng_seed: u64, _now: Instant) -> Session {
        todo!()
    }
    /// A received packet that passed the engine's checks (parse, demux, auth).
    pub fn handle_rx(&mut self, _pkt: &ControlPacket<'_>, _now: Instant) -> Actions {
        todo!()
    }
    /// Called when `now >= next_timeout()`: transmit due and/or detection expiry.
    pub fn handle_timeout(&mut self, _now: Instant) -> Actions {
        todo!()
    }
    /// Earliest instant at which `handle_timeout` must be called, if any.
    pub fn next_timeout(&self) -> Option<Instant> {
        todo!()
    }
    /// The packet to send now (no auth section; `auth_present` set if configured).
    /// Records the transmission and schedules the next one with jitter.
    pub fn build_packet(&mut self, _now: Instant) -> ControlPacket<'static> {
        todo!()
    }
    /// New configuration; timer changes while Up start a poll sequence.
    pub fn set_params(&mut self, _params: SessionParams, _now: Instant) -> Actions {
        todo!()
    }
    /// The path (interface/address) went away: Down with diag Path Down, silent.
    pub fn path_down(&mut self, _now: Instant) -> Actions {
        todo!()
    }
    /// The path is back: resume from Down.
    pub fn path_up(&mut self, _now: Instant) -> Actions {
        todo!()
    }
    pub fn state(&self) -> State {
        todo!()
    }
    pub fn local_diag(&self) -> Diag {
        todo!()
    }
    pub fn local_discr(&self) -> u32 {
        todo!()
    }
    pub fn remote_discr(&self) -> u32 {
        todo!()
    }
    pub fn params(&self) -> &SessionParams {
        todo!()
    }
    pub fn remote_state(&self) -> State {
        todo!()
    }
    pub fn remote_diag(&self) -> Diag {
        todo!()
    }
    /// bfd.DetectMult as last received (3 before any packet, like FRR shows).
    pub fn remote_detect_mult(&self) -> u8 {
        todo!()
    }
    /// Remote Desired Min TX as last received, µs (1 s before any packet).
    pub fn remote_desired_min_tx(&self) -> u32 {
        todo!()
    }
    /// bfd.RemoteMinRxInterval, µs (1 s before any packet).
    pub fn remote_required_min_rx(&self) -> u32 {
        todo!()
    }
    /// Remote Required Min Echo RX as last received, µs (0 before any packet).
    pub fn remote_required_min_echo_rx(&self) -> u32 {
        todo!()
    }
    /// Current detection time (§6.8.4).
    pub fn detection_time(&self) -> std::time::Duration {
        todo!()
    }
    /// Current periodic transmit interval before jitter (§6.8.7).
    pub fn tx_interval(&self) -> std::time::Duration {
        todo!()
    }
    /// When bfd.SessionState last changed (creation time before that).
    pub fn last_state_change(&self) -> Instant {
        todo!()
    }
    /// A poll sequence is in progress (§6.5).
    pub fn polling(&self) -> bool {
        todo!()
    }
}
