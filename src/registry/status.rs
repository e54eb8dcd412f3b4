//! What clients are told, by FRR 8.4 bfdd's rules: a session's status as
//! FRR reports it, which transitions are reported, the status events to
//! deliver, and `Outcome`, what a registry call asks its caller to do.

use super::request::Source;
use crate::engine::{Command, SessionKey};
use bfd::packet::State;

/// The transitions a session's clients hear about (RFC 5882 §3: clients act
/// on a session coming Up and on an Up session going Down): every change to
/// Up, Up → Down, and the operator's AdminDown and its end (AdminDown →
/// Down). Init → Down and Down → Init are churn of a session that never came
/// up, of no use to a client. This is also the rule FRR 8.4 bfdd applies.
pub fn reportable_transition(from: State, to: State) -> bool {
    if from == to {
        return false;
    }
    matches!(
        (from, to),
        (_, State::Up)
            | (State::Up, State::Down)
            | (_, State::AdminDown)
            | (State::AdminDown, State::Down)
    )
}

/// Session status as FRR reports it to clients (lib/bfd.h values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    Down,
    Up,
    AdminDown,
}

impl Status {
    /// FRR 8.4 mapping: Up → Up, AdminDown → AdminDown, Down/Init → Down.
    pub fn of(state: State) -> Status {
        match state {
            State::Up => Status::Up,
            State::AdminDown => Status::AdminDown,
            State::Down | State::Init => Status::Down,
        }
    }

    /// lib/bfd.h BFD_STATUS_* value.
    pub fn zapi_value(self) -> u32 {
        match self {
            Status::Down => 2,
            Status::Up => 4,
            Status::AdminDown => 8,
        }
    }
}

/// Whether FRR 8.4 bfdd tells the protocols about a transition
/// (bfdd/bfd.c): every transition to Up, Up → Down (not Init → Down), to
/// AdminDown (`shutdown`) and AdminDown → Down (`no shutdown`) — the
/// `reportable_transition` rule — and with which status.
pub fn reported(from: State, to: State) -> Option<Status> {
    reportable_transition(from, to).then(|| Status::of(to))
}

/// Whether a status event counts in its session's notification counter:
/// FRR counts every status message bfdd generates (bfdd/ptm_adapter.c), and
/// the reply to a ZAPI registration is one; a bfdd.sock source's events are
/// not ZAPI messages and are not counted.
pub fn counts_as_notification(ev: &StatusEvent) -> bool {
    matches!(ev.target, Source::Zebra | Source::Direct(_))
}

/// One status message to deliver to `target`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusEvent {
    pub target: Source,
    /// The session's key (its local address is what FRR reports as source).
    pub key: SessionKey,
    pub status: Status,
    /// The C bit last received from the peer (false before any packet).
    pub remote_cbit: bool,
}

/// What a call asks the caller to do, in order.
#[derive(Debug, Default)]
pub struct Outcome {
    pub commands: Vec<Command>,
    pub events: Vec<StatusEvent>,
}

impl Outcome {
    /// Append `other`'s commands and events after these.
    pub fn extend(&mut self, other: Outcome) {
        self.commands.extend(other.commands);
        self.events.extend(other.events);
    }
}
