//! Failure detection: a cut link (RFC 5880 §6.8.4), bfd.RemoteDiscr reset
//! after a Detection Time of silence (§6.8.1), and a path going away
//! (diag Path Down, §6.8.16's silence).

mod common;

use std::time::Instant;

use bfd::packet::{Diag, State};
use bfd::sim::{NodeId, SimEvent};
use common::*;

/// The one event of `n` after `t`.
fn only_event_after(p: &Pair, n: NodeId, t: Instant) -> SimEvent {
    let evs: Vec<&SimEvent> = p.sim.events_of(n).filter(|e| e.at >= t).collect();
    assert_eq!(evs.len(), 1, "one event on {n:?}: {evs:?}");
    evs[0].clone()
}

#[test]
fn rfc5880_6_8_4_detection_time_after_a_cut() {
    let mut p = Pair::plain(20, params(100, 100, 3));
    p.bring_up();
    p.sim.run_for(ms(1000));
    let detect = ms(300);
    for (n, h) in [(p.a, p.ha), (p.b, p.hb)] {
        assert_eq!(p.sim.session(n, h).session.detection_time(), detect);
    }
    let cut = p.sim.now();
    p.sim.cut(A, B);
    p.sim.run_for(ms(2000));
    for (n, peer) in [(p.a, p.b), (p.b, p.a)] {
        let e = only_event_after(&p, n, cut);
        assert_eq!(e.transition(), (State::Up, State::Down));
        assert_eq!(e.event.diag, Diag::CONTROL_DETECTION_TIME_EXPIRED);
        // Exactly a Detection Time after the last packet heard.
        let last = last_arrival(&p.sim, peer, cut).expect("heard before the cut");
        assert_eq!(e.at - last, detect, "{n:?}");
        // Seen from the cut: between (mult - 1) and mult intervals, give or
        // take the jitter and the 1 ms link.
        let since_cut = e.at - cut;
        assert!(
            since_cut >= ms(300 - 100 - 1) && since_cut <= ms(301),
            "{since_cut:?}"
        );
        // Once Down: one packet at once, then slow ones (1 s, jittered),
        // with Your Discriminator 0.
        let after: Vec<_> = p.sim.sent_by(n).filter(|w| w.at >= e.at).collect();
        assert_eq!(after[0].at, e.at);
        assert!((2..=3).contains(&after.len()), "{} packets", after.len());
        for w in after {
            let pkt = w.packet();
            assert_eq!(
                (pkt.state, pkt.diag, pkt.your_discr),
                (State::Down, Diag(1), 0)
            );
            assert_eq!(pkt.desired_min_tx, 1_000_000);
        }
    }
    let healed = p.sim.now();
    p.sim.heal(A, B);
    assert!(p.sim.run_until_cond(ms(2100), |s| {
        s.state(p.a, p.ha) == State::Up && s.state(p.b, p.hb) == State::Up
    }));
    assert!(p.sim.now() - healed <= ms(2100));
}

#[test]
fn rfc5880_6_8_1_remote_discr_reset_after_a_detection_time() {
    // Cut A -> B only: B stops hearing A; A still hears B.
    let mut p = Pair::plain(21, params(100, 100, 3));
    p.bring_up();
    p.sim.run_for(ms(1000));
    let a_discr = p.sim.session(p.a, p.ha).session.local_discr();
    let cut = p.sim.now();
    p.sim.cut_one_way(A, B);
    p.sim.run_for(ms(3000));

    let down_b = only_event_after(&p, p.b, cut);
    assert_eq!(down_b.event.diag, Diag::CONTROL_DETECTION_TIME_EXPIRED);
    let last = last_arrival(&p.sim, p.a, cut).unwrap();
    assert_eq!(down_b.at - last, ms(300));
    // B's packets name A until the Detection Time has passed, then carry
    // Your Discriminator 0.
    for w in p.sim.sent_by(p.b).filter(|w| w.at >= cut) {
        let want = if w.at < down_b.at { a_discr } else { 0 };
        assert_eq!(w.packet().your_discr, want, "sent at {:?}", w.at - cut);
    }
    assert_eq!(p.sim.session(p.b, p.hb).session.remote_discr(), 0);
    // A hears B's Down: neighbor signaled session down, then Init from B's
    // Down packets (A still has B's discriminator; A's answers are lost).
    let a_events: Vec<&SimEvent> = p.sim.events_of(p.a).filter(|e| e.at >= cut).collect();
    assert_eq!(a_events[0].transition(), (State::Up, State::Down));
    assert_eq!(a_events[0].event.diag, Diag::NEIGHBOR_SIGNALED_SESSION_DOWN);
    assert_eq!(a_events[1].transition(), (State::Down, State::Init));
    assert_ne!(p.sim.session(p.a, p.ha).session.remote_discr(), 0);

    p.sim.heal_one_way(A, B);
    assert!(p.sim.run_until_cond(ms(3000), |s| {
        s.state(p.a, p.ha) == State::Up && s.state(p.b, p.hb) == State::Up
    }));
}

#[test]
fn rfc5880_6_8_16_path_down_is_silent_then_back_up() {
    let mut p = Pair::plain(22, params(100, 100, 3));
    p.bring_up();
    p.sim.run_for(ms(1000));
    let t = p.sim.now();
    p.sim.path_down(p.a, p.ha);
    p.sim.run_for(ms(5000));
    let down_a = only_event_after(&p, p.a, t);
    assert_eq!(down_a.transition(), (State::Up, State::Down));
    assert_eq!(down_a.event.diag, Diag::PATH_DOWN);
    assert_eq!(down_a.at, t, "at once");
    assert_eq!(
        p.sim.sent_by(p.a).filter(|w| w.at >= t).count(),
        0,
        "silent"
    );
    // B hears nothing: detection.
    let down_b = only_event_after(&p, p.b, t);
    assert_eq!(down_b.event.diag, Diag::CONTROL_DETECTION_TIME_EXPIRED);
    assert_eq!(down_b.at - last_arrival(&p.sim, p.a, t).unwrap(), ms(300));
    // B's packets reach A's idle session and are dropped there.
    assert!(p.sim.endpoint(p.a).counters().session_disabled > 0);
    assert_eq!(
        p.sim.session(p.a, p.ha).session.local_diag(),
        Diag::PATH_DOWN
    );

    let t = p.sim.now();
    p.sim.path_up(p.a, p.ha);
    let first = p.sim.sent_by(p.a).find(|w| w.at >= t);
    assert!(first.is_none(), "nothing before the sim runs");
    assert!(p.sim.run_until_cond(ms(2100), |s| {
        s.state(p.a, p.ha) == State::Up && s.state(p.b, p.hb) == State::Up
    }));
    let first = p.sim.sent_by(p.a).find(|w| w.at >= t).unwrap().packet();
    assert_eq!((first.state, first.diag), (State::Down, Diag::PATH_DOWN));
    // A (Down) hears B's Init and goes straight Up; B goes Init then Up.
    assert_eq!(
        p.sim.transitions(p.a).last(),
        Some(&(State::Down, State::Up))
    );
    let b_after: Vec<_> = p
        .sim
        .events_of(p.b)
        .filter(|e| e.at >= t)
        .map(SimEvent::transition)
        .collect();
    assert_eq!(
        b_after,
        [(State::Down, State::Init), (State::Init, State::Up)]
    );
}
