//! The values that cross a session's boundary: what an operator configures
//! (`SessionParams`, the §6.8.1 variables that come from configuration) and
//! what the session asks of its driver after an event (`Actions`, with the
//! `StateChange` it made).

use crate::packet::{Diag, State};

/// What an operator configures for a session (bfd.DesiredMinTxInterval etc.).
/// Intervals in microseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionParams {
    pub desired_min_tx: u32,
    pub required_min_rx: u32,
    pub required_min_echo_rx: u32,
    /// FRR's `echo transmit-interval`: the fastest we want to send echo, µs.
    pub desired_min_echo_tx: u32,
    /// FRR's `echo-mode`: run the echo function once Up (§6.4).
    pub echo_mode: bool,
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
            desired_min_echo_tx: 50_000,
            echo_mode: false,
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
    /// No packet for twice the detection time (§6.8.1): the session reset
    /// bfd.AuthSeqKnown (it already reset bfd.RemoteDiscr).
    pub reset_auth_seq: bool,
    /// Send one echo packet now (§6.8.9).
    pub echo_transmit: bool,
}
