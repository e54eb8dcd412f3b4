//! Administrative control (RFC 5880 §6.8.16): a session set AdminDown tells
//! its peer for one Detection Time, and the peer goes Down with diag 3 and
//! stays there until the session is enabled again.

mod common;

use bfd::packet::{Diag, State};
use bfd::sim::SimEvent;
use common::*;

/// A (if `first_is_a`, else B) goes AdminDown and back.
fn admin_down_and_back(first_is_a: bool) {
    let mut p = Pair::plain(30, params(100, 100, 3));
    p.bring_up();
    p.sim.run_for(ms(1000));
    p.sim.take_events();
    let (admin, other) = if first_is_a { (p.a, p.b) } else { (p.b, p.a) };

    let t = p.sim.now();
    let mut pr = params(100, 100, 3);
    pr.admin_down = true;
    if first_is_a {
        p.set_params_a(pr);
    } else {
        p.set_params_b(pr);
    }
    p.sim.run_for(ms(5000));
    let ev: Vec<&SimEvent> = p.sim.events_of(admin).collect();
    assert_eq!(ev.len(), 1, "{ev:?}");
    assert_eq!(ev[0].transition(), (State::Up, State::AdminDown));
    // The diag is left as it was (FRR's bfdd does the same).
    assert_eq!((ev[0].event.diag, ev[0].at), (Diag::NONE, t));
    // The peer hears it with the first packet (1 ms link) and stays Down.
    let ev: Vec<&SimEvent> = p.sim.events_of(other).collect();
    assert_eq!(ev.len(), 1, "{ev:?}");
    assert_eq!(ev[0].transition(), (State::Up, State::Down));
    assert_eq!(ev[0].event.diag, Diag::NEIGHBOR_SIGNALED_SESSION_DOWN);
    assert_eq!(ev[0].at - t, ms(1));
    // AdminDown packets at the slow rate for one Detection Time (3 x 1 s),
    // as §6.8.16 asks, then silence (FRR's bfdd sends a single one).
    let sent: Vec<_> = p.sim.sent_by(admin).filter(|w| w.at >= t).collect();
    assert!((3..=5).contains(&sent.len()), "{} packets", sent.len());
    for w in &sent {
        let pkt = w.packet();
        assert_eq!((pkt.state, pkt.diag), (State::AdminDown, Diag::NONE));
        assert!(w.at < t + ms(3000), "sent {:?} after", w.at - t);
    }
    for w in p.sim.sent_by(other).filter(|w| w.at > t + ms(1)) {
        let pkt = w.packet();
        assert_eq!((pkt.state, pkt.diag), (State::Down, Diag(3)));
    }

    // Enabled again: Down, then both Up.
    p.sim.take_events();
    let t = p.sim.now();
    pr.admin_down = false;
    if first_is_a {
        p.set_params_a(pr);
    } else {
        p.set_params_b(pr);
    }
    assert!(p.sim.run_until_cond(ms(2000), |s| {
        s.state(p.a, p.ha) == State::Up && s.state(p.b, p.hb) == State::Up
    }));
    assert!(p.sim.now() - t <= ms(5), "back Up within a few packets");
    // Its first Down packet moves the peer to Init, whose answer brings it
    // straight Up.
    assert_eq!(
        p.sim.transitions(admin),
        [(State::AdminDown, State::Down), (State::Down, State::Up)]
    );
    assert_eq!(
        p.sim.transitions(other),
        [(State::Down, State::Init), (State::Init, State::Up)]
    );
    // FRR's counters: shutdown and no shutdown are not session downs; the
    // peer's Up -> Down is.
    let (ha, hb) = if first_is_a {
        (p.ha, p.hb)
    } else {
        (p.hb, p.ha)
    };
    let c = p.sim.session(admin, ha).counters;
    assert_eq!((c.session_up, c.session_down), (2, 0));
    let c = p.sim.session(other, hb).counters;
    assert_eq!((c.session_up, c.session_down), (2, 1));
    // While AdminDown the remote's values were still learnt (§6.8.6).
    assert_ne!(p.sim.session(admin, ha).session.remote_discr(), 0);
}

#[test]
fn rfc5880_6_8_16_admin_down_from_a() {
    admin_down_and_back(true);
}

#[test]
fn rfc5880_6_8_16_admin_down_from_b() {
    admin_down_and_back(false);
}

#[test]
fn rfc5880_6_8_16_removed_session_tells_the_peer() {
    let mut p = Pair::plain(31, params(100, 100, 3));
    p.bring_up();
    p.sim.run_for(ms(1000));
    p.sim.take_events();
    let t = p.sim.now();
    let key_a = p.ca.key.clone();
    assert_eq!(p.sim.remove(p.a, &key_a), Some(p.ha));
    p.sim.run_for(ms(3000));
    // One AdminDown packet goes out (the sim routes it although the endpoint
    // no longer knows the handle), and B goes Down with diag 3 on it.
    let sent: Vec<_> = p.sim.sent_by(p.a).filter(|w| w.at >= t).collect();
    assert_eq!(sent.len(), 1);
    let pkt = sent[0].packet();
    assert_eq!((pkt.state, pkt.diag), (State::AdminDown, Diag(7)));
    let ev: Vec<&SimEvent> = p.sim.events().iter().collect();
    assert_eq!(ev.len(), 1, "{ev:?}");
    assert_eq!(
        (ev[0].node, ev[0].transition()),
        (p.b, (State::Up, State::Down))
    );
    assert_eq!(ev[0].event.diag, Diag::NEIGHBOR_SIGNALED_SESSION_DOWN);
    assert_eq!(ev[0].at - t, ms(1));
    // B's packets now find no session at A.
    let c = p.sim.endpoint(p.a).counters().rx_errors;
    assert!(c.get(&bfd::packet::PacketError::NoSession) >= 2);
}
