//! State changes handed out of the endpoint, in a bounded queue that
//! coalesces instead of growing. When the driver cannot keep up (thousands
//! of sessions flapping, a control plane starved by a real-time engine) an
//! unbounded queue grows without limit; instead a change that finds the
//! queue full marks its session pending, with the state last handed out and
//! the first Down/AdminDown entered since. Later changes only update that
//! record, so memory stays bounded by the queue plus one small record per
//! session whatever the flap rate. Once the queue drains, pending sessions
//! hand out the change from the last reported state to the current one, and
//! an Up session that went Down in between first gets that Down: coalescing
//! drops churn, never the Down a client (BGP) must see.

use std::collections::VecDeque;

use super::Handle;
use crate::key::SessionKey;
use crate::packet::{Diag, State};

/// A change of bfd.SessionState, as the endpoint hands it out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub handle: Handle,
    pub key: SessionKey,
    pub local_discr: u32,
    pub from: State,
    pub to: State,
    pub diag: Diag,
    /// The C bit of the last packet accepted from the peer (§4.1).
    pub remote_cbit: bool,
}

/// What a session owes while its changes are deferred.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pending {
    /// The state last handed out for this session.
    pub(super) reported: State,
    /// The first Down or AdminDown entered since `reported` (an Up, Init or
    /// never-reported state), with its diag: owed before any later Up.
    pub(super) down: Option<(State, Diag)>,
}

fn is_down(s: State) -> bool {
    matches!(s, State::Down | State::AdminDown)
}

impl Pending {
    pub(super) fn new(reported: State) -> Pending {
        Pending {
            reported,
            down: None,
        }
    }

    /// A change to `to` while pending. Only a Down the receiver has not
    /// heard of (it last heard of a state other than Down) is kept.
    pub(super) fn note(&mut self, to: State, diag: Diag) {
        if is_down(to) && self.down.is_none() && !is_down(self.reported) {
            self.down = Some((to, diag));
        }
    }

    /// The next transition to hand out, or None when the receiver is up to
    /// date.
    pub(super) fn next(&self, current: State, diag: Diag) -> Option<(State, Diag)> {
        let step = match self.down {
            Some(d) if !is_down(self.reported) && !is_down(current) => d,
            _ => (current, diag),
        };
        (step.0 != self.reported).then_some(step)
    }

    pub(super) fn sent(&mut self, to: State) {
        self.reported = to;
        if is_down(to) {
            self.down = None;
        }
    }
}

/// The queue of events ready to hand out and the sessions deferred behind
/// it, in the order they were deferred.
#[derive(Debug)]
pub struct EventQueue {
    capacity: usize,
    ready: VecDeque<Event>,
    deferred: VecDeque<Handle>,
    /// Changes that found the queue full or their session already deferred.
    pub(super) deferred_count: u64,
    /// Events handed out later from the deferred ones.
    pub(super) flushed_count: u64,
}

impl EventQueue {
    pub fn new(capacity: usize) -> EventQueue {
        EventQueue {
            capacity,
            ready: VecDeque::new(),
            deferred: VecDeque::new(),
            deferred_count: 0,
            flushed_count: 0,
        }
    }

    /// At most `n` events ready at once from now on (0: every further change
    /// is deferred until the driver takes what is ready).
    pub(super) fn set_capacity(&mut self, n: usize) {
        self.capacity = n;
    }

    /// Sessions whose changes wait for room.
    pub fn has_deferred(&self) -> bool {
        !self.deferred.is_empty()
    }

    /// A session changed state: queue the event, or defer it if the queue is
    /// full or the session already has deferred changes (order per session).
    pub(super) fn push(&mut self, pending: &mut Option<Pending>, ev: Event) {
        if let Some(p) = pending.as_mut() {
            p.note(ev.to, ev.diag);
            self.deferred_count += 1;
            return;
        }
        if self.ready.len() < self.capacity {
            self.ready.push_back(ev);
            return;
        }
        let mut p = Pending::new(ev.from);
        p.note(ev.to, ev.diag);
        *pending = Some(p);
        self.deferred.push_back(ev.handle);
        self.deferred_count += 1;
    }

    /// The next ready event, if any.
    pub(super) fn pop_ready(&mut self) -> Option<Event> {
        self.ready.pop_front()
    }

    /// The deferred session to flush next.
    pub(super) fn front_deferred(&self) -> Option<Handle> {
        self.deferred.front().copied()
    }

    pub(super) fn pop_deferred(&mut self) {
        self.deferred.pop_front();
    }

    /// The session `h` is gone: it owes nothing any more.
    pub(super) fn forget(&mut self, h: Handle) {
        self.deferred.retain(|&d| d != h);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending(reported: State) -> Pending {
        Pending::new(reported)
    }

    /// Walk `p` to `current` as a flush with unlimited room would.
    fn steps(mut p: Pending, current: State, diag: Diag) -> Vec<(State, State)> {
        let mut out = Vec::new();
        while let Some((to, _)) = p.next(current, diag) {
            out.push((p.reported, to));
            p.sent(to);
            assert!(out.len() < 4, "flush does not converge: {out:?}");
        }
        out
    }

    #[test]
    fn down_in_between_is_kept_and_churn_dropped() {
        let mut p = pending(State::Up);
        for s in [State::Down, State::Init, State::Up] {
            p.note(s, Diag::CONTROL_DETECTION_TIME_EXPIRED);
        }
        assert_eq!(
            steps(p, State::Up, Diag::NONE),
            [(State::Up, State::Down), (State::Down, State::Up)]
        );
        // Still coming up: the receiver hears Down, then the churn state.
        assert_eq!(
            steps(p, State::Init, Diag::NONE),
            [(State::Up, State::Down), (State::Down, State::Init)]
        );
    }

    #[test]
    fn admin_down_in_between_is_the_down_sent() {
        let mut p = pending(State::Up);
        p.note(State::AdminDown, Diag::ADMINISTRATIVELY_DOWN);
        p.note(State::Down, Diag::NONE);
        p.note(State::Up, Diag::NONE);
        assert_eq!(
            steps(p, State::Up, Diag::NONE),
            [(State::Up, State::AdminDown), (State::AdminDown, State::Up)]
        );
    }

    #[test]
    fn nothing_sent_when_back_where_reported() {
        // Down -> Init -> Down: from == to is never sent.
        let mut p = pending(State::Down);
        p.note(State::Init, Diag::NONE);
        p.note(State::Down, Diag::NONE);
        assert_eq!(steps(p, State::Down, Diag::NONE), []);
        // Reported Down, flapped Up and Down and Up: the receiver knew Down.
        let mut p = pending(State::Down);
        for s in [State::Up, State::Down, State::Up] {
            p.note(s, Diag::NONE);
        }
        assert_eq!(steps(p, State::Up, Diag::NONE), [(State::Down, State::Up)]);
    }
}
