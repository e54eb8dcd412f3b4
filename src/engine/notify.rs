//! State-change notifications out of the engine thread, on a bounded channel
//! the engine never blocks on. When the control plane falls behind (thousands
//! of sessions flapping, or a SCHED_FIFO engine starving it), an unbounded
//! queue grew without limit (364 MB RSS in one benchmark). Instead, a session
//! whose change finds the channel full is marked pending in its entry, with
//! the state last handed over and the first Down/AdminDown it entered since;
//! later changes only update that record, so memory is bounded by the
//! channel plus one small record per session whatever the flap rate. Each
//! loop turn flushes pending sessions while the channel has room, sending the
//! change from the last reported state to the current one, and an Up session
//! that went Down in between first gets that Down: coalescing drops churn,
//! never the Down a client (BGP) must see.

use std::collections::VecDeque;
use std::time::Duration;

use tokio::sync::mpsc::error::TrySendError;
use tokio::sync::mpsc::{Receiver, Sender};

use super::table::{Entry, Table};
use super::thread::ExtraCounters;
use super::Notification;
use crate::packet::{Diag, State};
use crate::session::StateChange;

/// Default channel capacity. Fixed rather than sized by session count (the
/// channel exists before any session): it holds a Down and an Up for 2000
/// sessions flapping at once before anything is deferred, and at about
/// 150 bytes per queued notification stays under 1 MB when full. tokio
/// allocates the queue in small blocks as used, so idle costs nothing.
pub const NOTIFY_CAPACITY: usize = 4096;

/// Notifications sent per loop turn from the pending list, so a large
/// backlog cannot lengthen one turn (packets and timers wait meanwhile).
pub const FLUSH_BATCH: usize = 256;

/// While sessions are pending the loop wakes at least this often to retry:
/// nothing tells the engine thread when the receiver made room.
pub const FLUSH_RETRY: Duration = Duration::from_millis(5);

/// The engine's notification channel with room for `capacity` (at least 1).
pub fn notification_channel(capacity: usize) -> (Sender<Notification>, Receiver<Notification>) {
    tokio::sync::mpsc::channel(capacity.max(1))
}

/// What a session owes its clients while its notifications are deferred.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pending {
    /// The state last handed to the channel for this session.
    reported: State,
    /// The first Down or AdminDown entered since `reported` (an Up, Init or
    /// never-reported state), with its diag: owed to the clients before any
    /// later Up.
    down: Option<(State, Diag)>,
}

fn is_down(s: State) -> bool {
    matches!(s, State::Down | State::AdminDown)
}

impl Pending {
    /// A change to `to` while pending. Only a Down the clients have not
    /// heard of (they last heard of a state other than Down) is kept.
    fn note(&mut self, to: State, diag: Diag) {
        if is_down(to) && self.down.is_none() && !is_down(self.reported) {
            self.down = Some((to, diag));
        }
    }

    /// The next transition to send, or None when the clients are up to date.
    fn next(&self, current: State, diag: Diag) -> Option<(State, Diag)> {
        let step = match self.down {
            Some(d) if !is_down(self.reported) && !is_down(current) => d,
            _ => (current, diag),
        };
        (step.0 != self.reported).then_some(step)
    }

    fn sent(&mut self, to: State) {
        self.reported = to;
        if is_down(to) {
            self.down = None;
        }
    }
}

fn notification(e: &Entry, from: State, to: State, diag: Diag) -> Notification {
    Notification::StateChanged {
        key: e.spec.key.clone(),
        local_discr: e.session.local_discr(),
        from,
        to,
        diag,
        remote_cbit: e.session.remote_control_plane_independent(),
    }
}

/// How one pending session's flush ended.
enum Flushed {
    /// Clients are up to date (or the receiver is gone).
    Done,
    /// Channel full or turn budget spent: try again next turn.
    Later,
}

/// The sending side: the channel and the pending sessions in the order they
/// were deferred, as (slot, generation) so a reused slot is told apart.
#[derive(Debug)]
pub struct Notifier {
    tx: Sender<Notification>,
    queue: VecDeque<(usize, u32)>,
}

impl Notifier {
    pub fn new(tx: Sender<Notification>) -> Notifier {
        Notifier {
            tx,
            queue: VecDeque::new(),
        }
    }

    /// Sessions waiting for room in the channel.
    pub fn has_pending(&self) -> bool {
        !self.queue.is_empty()
    }

    /// Report `sc` for the session in `slot`, or defer it if the channel is
    /// full or the session already has deferred changes (order per session).
    pub fn state_changed(
        &mut self,
        e: &mut Entry,
        slot: usize,
        generation: u32,
        sc: StateChange,
        extra: &mut ExtraCounters,
    ) {
        if let Some(p) = e.notify_pending.as_mut() {
            p.note(sc.to, sc.diag);
            extra.notify_deferred += 1;
            return;
        }
        match self.tx.try_reserve() {
            Ok(permit) => permit.send(notification(e, sc.from, sc.to, sc.diag)),
            Err(TrySendError::Full(())) => {
                let mut p = Pending {
                    reported: sc.from,
                    down: None,
                };
                p.note(sc.to, sc.diag);
                e.notify_pending = Some(p);
                self.queue.push_back((slot, generation));
                extra.notify_deferred += 1;
            }
            // The receiver is gone during daemon shutdown; nothing to do then.
            Err(TrySendError::Closed(())) => {}
        }
    }

    /// The session in `slot` is being removed: forget it if pending.
    pub fn forget(&mut self, e: &Entry, slot: usize) {
        if e.notify_pending.is_some() {
            self.queue.retain(|&(s, _)| s != slot);
        }
    }

    /// Send what pending sessions owe while the channel has room, at most
    /// `FLUSH_BATCH` notifications.
    pub fn flush(&mut self, table: &mut Table, extra: &mut ExtraCounters) {
        let mut budget = FLUSH_BATCH;
        while let Some(&(slot, generation)) = self.queue.front() {
            let live = table.generation(slot) == generation;
            let Some(e) = table.get_mut(slot).filter(|_| live) else {
                self.queue.pop_front();
                continue;
            };
            match self.flush_one(e, &mut budget, extra) {
                Flushed::Done => {
                    e.notify_pending = None;
                    self.queue.pop_front();
                }
                Flushed::Later => return,
            }
        }
    }

    fn flush_one(&self, e: &mut Entry, budget: &mut usize, extra: &mut ExtraCounters) -> Flushed {
        let Some(mut p) = e.notify_pending else {
            return Flushed::Done;
        };
        let state = e.session.state();
        let diag = e.session.local_diag();
        let out = loop {
            let Some((to, to_diag)) = p.next(state, diag) else {
                break Flushed::Done;
            };
            if *budget == 0 {
                break Flushed::Later;
            }
            match self.tx.try_reserve() {
                Ok(permit) => {
                    permit.send(notification(e, p.reported, to, to_diag));
                    p.sent(to);
                    *budget -= 1;
                    extra.notify_flushed += 1;
                }
                Err(TrySendError::Full(())) => break Flushed::Later,
                Err(TrySendError::Closed(())) => break Flushed::Done,
            }
        };
        e.notify_pending = Some(p);
        out
    }
}

#[cfg(test)]
mod tests {
    use std::net::{IpAddr, Ipv4Addr};
    use std::time::Instant;

    use super::*;
    use crate::engine::thread::Core;
    use crate::engine::tx::tests::{core_with, spec};
    use crate::engine::{Command, SessionKey};
    use crate::packet::ControlPacket;

    const PEER_DISCR: u32 = 0x5eed;

    /// A session (disabled: no links, so no socket and no timers) in slot.
    fn add(c: &mut Core, peer: Ipv4Addr) -> (usize, SessionKey) {
        let spec = spec(&peer.to_string(), "127.0.0.1", None);
        c.command(Command::Upsert(spec.clone()), Instant::now());
        (c.table.by_key(&spec.key).unwrap(), spec.key)
    }

    /// The peer says `state`; the session must change state on it.
    fn peer_says(c: &mut Core, slot: usize, state: State) {
        let now = Instant::now();
        let e = c.table.get_mut(slot).unwrap();
        let pkt = ControlPacket::plain(state, PEER_DISCR, e.session.local_discr(), 1_000_000);
        let actions = e.session.handle_rx(&pkt, now);
        assert!(
            actions.state_change.is_some(),
            "peer {state:?} changes state"
        );
        c.apply(slot, actions, now);
    }

    /// Down -> Init -> Up with room in the channel, leaving Init->Up queued.
    fn bring_up(c: &mut Core, rx: &mut Receiver<Notification>, slot: usize) {
        peer_says(c, slot, State::Down);
        assert_eq!(transition(rx), Some((State::Down, State::Init)));
        peer_says(c, slot, State::Up);
        assert_eq!(c.table.get(slot).unwrap().session.state(), State::Up);
    }

    fn transition(rx: &mut Receiver<Notification>) -> Option<(State, State)> {
        rx.try_recv()
            .ok()
            .map(|Notification::StateChanged { from, to, .. }| (from, to))
    }

    fn counter(c: &mut Core, name: &str) -> u64 {
        let (tx, mut reply) = tokio::sync::oneshot::channel();
        c.command(Command::Counters(tx), Instant::now());
        let counters = reply.try_recv().unwrap();
        counters
            .by_reason
            .iter()
            .find(|(n, _)| *n == name)
            .map(|&(_, v)| v)
            .expect("counter listed")
    }

    fn flush(c: &mut Core) {
        c.flush_notifications();
    }

    #[test]
    fn flap_while_full_reports_down_then_up() {
        let (mut c, mut rx) = core_with(1);
        let (slot, key) = add(&mut c, Ipv4Addr::new(127, 0, 0, 9));
        bring_up(&mut c, &mut rx, slot);
        // Init->Up fills the channel: the whole flap is deferred.
        peer_says(&mut c, slot, State::Down);
        peer_says(&mut c, slot, State::Down);
        peer_says(&mut c, slot, State::Up);
        assert_eq!(counter(&mut c, "notify_deferred"), 3);
        assert!(c.table.get(slot).unwrap().notify_pending.is_some());

        assert_eq!(transition(&mut rx), Some((State::Init, State::Up)));
        flush(&mut c);
        match rx.try_recv() {
            Ok(Notification::StateChanged {
                key: k,
                from: State::Up,
                to: State::Down,
                diag,
                ..
            }) => {
                assert_eq!(k, key);
                assert_eq!(
                    diag,
                    Diag::NEIGHBOR_SIGNALED_SESSION_DOWN,
                    "the Down's diag"
                );
            }
            other => panic!("expected Up->Down, got {other:?}"),
        }
        assert_eq!(transition(&mut rx), None, "one slot: Down->Up waits");
        flush(&mut c);
        assert_eq!(transition(&mut rx), Some((State::Down, State::Up)));
        flush(&mut c);
        assert_eq!(transition(&mut rx), None, "nothing more, no from==to");
        assert!(!c.notify.has_pending());
        assert!(c.table.get(slot).unwrap().notify_pending.is_none());
        assert_eq!(counter(&mut c, "notify_flushed"), 2);
    }

    #[test]
    fn down_while_full_is_reported_once() {
        let (mut c, mut rx) = core_with(1);
        let (slot, _) = add(&mut c, Ipv4Addr::new(127, 0, 0, 9));
        bring_up(&mut c, &mut rx, slot);
        peer_says(&mut c, slot, State::Down);
        assert_eq!(transition(&mut rx), Some((State::Init, State::Up)));
        for _ in 0..3 {
            flush(&mut c);
        }
        assert_eq!(transition(&mut rx), Some((State::Up, State::Down)));
        flush(&mut c);
        assert_eq!(transition(&mut rx), None);
        assert_eq!(counter(&mut c, "notify_deferred"), 1);
    }

    #[test]
    fn pending_session_keeps_its_order_when_room_returns() {
        let (mut c, mut rx) = core_with(1);
        let (slot, _) = add(&mut c, Ipv4Addr::new(127, 0, 0, 9));
        bring_up(&mut c, &mut rx, slot);
        peer_says(&mut c, slot, State::Down);
        assert_eq!(transition(&mut rx), Some((State::Init, State::Up)));
        // Room now, but Up->Down is still owed: Down->Init must wait for it.
        peer_says(&mut c, slot, State::Down);
        assert_eq!(transition(&mut rx), None);
        flush(&mut c);
        assert_eq!(transition(&mut rx), Some((State::Up, State::Down)));
        flush(&mut c);
        assert_eq!(transition(&mut rx), Some((State::Down, State::Init)));
        assert!(!c.notify.has_pending());
    }

    #[test]
    fn removed_pending_session_sends_nothing() {
        let (mut c, mut rx) = core_with(1);
        let (slot, key) = add(&mut c, Ipv4Addr::new(127, 0, 0, 9));
        bring_up(&mut c, &mut rx, slot);
        peer_says(&mut c, slot, State::Down);
        assert!(c.notify.has_pending());
        c.command(Command::Remove(key), Instant::now());
        assert!(!c.notify.has_pending(), "no pending entry left behind");
        // A new session in the reused slot is not mistaken for the old one.
        let (slot2, _) = add(&mut c, Ipv4Addr::new(127, 0, 0, 10));
        assert_eq!(slot2, slot);
        assert_eq!(transition(&mut rx), Some((State::Init, State::Up)));
        flush(&mut c);
        assert_eq!(transition(&mut rx), None);
    }

    #[test]
    fn many_pending_sessions_flush_in_bounded_batches() {
        let n = 2 * FLUSH_BATCH + 10;
        let (mut c, mut rx) = core_with(n);
        let filler = Notification::StateChanged {
            key: spec("127.0.0.2", "127.0.0.1", None).key,
            local_discr: 1,
            from: State::Down,
            to: State::Init,
            diag: Diag::NONE,
            remote_cbit: false,
        };
        while c.notify.tx.try_send(filler.clone()).is_ok() {}
        let slots: Vec<usize> = (0..n)
            .map(|i| {
                let peer = Ipv4Addr::new(10, 1, (i / 250) as u8, (i % 250 + 1) as u8);
                add(&mut c, peer).0
            })
            .collect();
        for &slot in &slots {
            peer_says(&mut c, slot, State::Down);
        }
        assert_eq!(counter(&mut c, "notify_deferred"), n as u64);
        while rx.try_recv().is_ok() {}

        let mut batches = Vec::new();
        let mut peers = std::collections::HashSet::new();
        while c.notify.has_pending() {
            flush(&mut c);
            let mut got = 0;
            while let Ok(Notification::StateChanged { key, from, to, .. }) = rx.try_recv() {
                assert_eq!((from, to), (State::Down, State::Init));
                assert!(peers.insert(key.peer), "one notification per session");
                got += 1;
            }
            batches.push(got);
            assert!(batches.len() <= 3, "flush makes progress: {batches:?}");
        }
        assert_eq!(batches, [FLUSH_BATCH, FLUSH_BATCH, 10]);
        assert!(peers.contains(&IpAddr::V4(Ipv4Addr::new(10, 1, 0, 1))));
        assert_eq!(counter(&mut c, "notify_flushed"), n as u64);
    }

    fn pending(reported: State) -> Pending {
        Pending {
            reported,
            down: None,
        }
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
        // Still coming up: the client hears Down, then the churn state.
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
        // Reported Down, flapped Up and Down and Up: the client knew Down.
        let mut p = pending(State::Down);
        for s in [State::Up, State::Down, State::Up] {
            p.note(s, Diag::NONE);
        }
        assert_eq!(steps(p, State::Up, Diag::NONE), [(State::Down, State::Up)]);
    }
}
