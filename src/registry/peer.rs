//! A session as FRR's interfaces show it: the engine's snapshot joined with
//! what only the registry knows (the spec's display fields — configured or
//! dynamic, echo settings — and the count of status notifications sent to
//! the session's clients, FRR's "Zebra notifications").

use super::status::counts_as_notification;
use super::{Registry, SessionSpec, StatusEvent};
use crate::engine::SessionSnapshot;

/// A read-only copy of one peer for `show` commands and bfdd.sock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerSnapshot {
    /// The spec in force, with FRR's display fields.
    pub spec: SessionSpec,
    /// The session as the engine runs it.
    pub session: SessionSnapshot,
    /// Status notifications generated for the session's clients: every
    /// reported transition plus each reply to a ZAPI registration.
    pub zebra_notifications: u64,
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
    pub fn peer_snapshot(&self, session: SessionSnapshot) -> PeerSnapshot {
        let (spec, zebra_notifications) = match self.sessions.get(&session.config.key) {
            Some(e) => (e.spec.clone(), e.notifications),
            None => (SessionSpec::from_config(session.config.clone()), 0),
        };
        PeerSnapshot {
            spec,
            session,
            zebra_notifications,
        }
    }
}
