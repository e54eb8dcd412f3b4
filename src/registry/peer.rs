//! A session as FRR's interfaces show it: the engine's snapshot joined with
//! what only the registry knows (the spec's display fields — configured or
//! dynamic, echo settings — and the count of status notifications sent to
//! the session's clients, FRR's "Zebra notifications").

use std::time::Duration;

use super::status::counts_as_notification;
use super::{Registry, SessionSpec, StatusEvent};
use crate::engine::{SessionCounters, SessionSnapshot};
use bfd::packet::{Diag, State};

/// Packet and event counters of one peer (FRR's `show bfd peers counters`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PeerCounters {
    pub control_input: u64,
    pub control_output: u64,
    pub echo_input: u64,
    pub echo_output: u64,
    pub session_up: u64,
    pub session_down: u64,
    /// Status notifications generated for the session's clients: every
    /// reported transition plus each reply to a ZAPI registration.
    pub zebra_notifications: u64,
}

/// A read-only copy of one peer for `show` commands and bfdd.sock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerSnapshot {
    pub spec: SessionSpec,
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
    pub counters: PeerCounters,
    /// The session's interface/address is present (it is enabled on the wire).
    pub enabled: bool,
}

impl PeerSnapshot {
    /// `snap` with the registry's `spec` and notification count.
    pub fn new(snap: SessionSnapshot, spec: SessionSpec, notifications: u64) -> PeerSnapshot {
        let SessionCounters {
            control_input,
            control_output,
            echo_input,
            echo_output,
            session_up,
            session_down,
        } = snap.counters;
        PeerSnapshot {
            spec,
            local_discr: snap.local_discr,
            remote_discr: snap.remote_discr,
            state: snap.state,
            local_diag: snap.local_diag,
            remote_diag: snap.remote_diag,
            since_change: snap.since_change,
            remote_detect_mult: snap.remote_detect_mult,
            remote_desired_min_tx: snap.remote_desired_min_tx,
            remote_required_min_rx: snap.remote_required_min_rx,
            remote_required_min_echo_rx: snap.remote_required_min_echo_rx,
            counters: PeerCounters {
                control_input,
                control_output,
                echo_input,
                echo_output,
                session_up,
                session_down,
                zebra_notifications: notifications,
            },
            enabled: snap.enabled,
        }
    }
}

impl Registry {
    /// Count the status replies among `events` in their sessions'
    /// notification counters (see `counts_as_notification`).
    pub fn count_replies(&mut self, events: &[StatusEvent]) {
        for ev in events.iter().filter(|ev| counts_as_notification(ev)) {
            if let Some(e) = self.sessions.get_mut(&ev.key) {
                e.notifications += 1;
            }
        }
    }

    /// The engine's `snap` as FRR shows it. A session the registry does not
    /// hold (it never should) shows as configured, echo off.
    pub fn peer_snapshot(&self, snap: SessionSnapshot) -> PeerSnapshot {
        match self.sessions.get(&snap.config.key) {
            Some(e) => {
                let (spec, n) = (e.spec.clone(), e.notifications);
                PeerSnapshot::new(snap, spec, n)
            }
            None => {
                let spec = SessionSpec::from_config(snap.config.clone());
                PeerSnapshot::new(snap, spec, 0)
            }
        }
    }
}
