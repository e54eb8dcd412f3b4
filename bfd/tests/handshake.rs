//! Sessions coming up: the three-way handshake (RFC 5880 §6.2) and the
//! passive role (§6.1).

mod common;

use bfd::packet::{Diag, State};
use bfd::sim::Fate;
use common::*;

#[test]
fn rfc5880_6_2_three_way_handshake() {
    let mut p = Pair::plain(1, params(300, 300, 3));
    p.sim.run_for(ms(50));
    // Both started at t0 and sent Down at once: each hears Down (-> Init),
    // then the other's Init (-> Up).
    for n in [p.a, p.b] {
        assert_eq!(
            p.sim.transitions(n),
            [(State::Down, State::Init), (State::Init, State::Up)],
            "node {n:?}"
        );
        for e in p.sim.events_of(n) {
            assert_eq!(e.event.diag, Diag::NONE);
            assert!(e.at - p.sim.t0() <= ms(2), "within two link delays");
        }
    }
    // Down, Init, then Up (carrying the poll that announces the configured
    // rate): three packets a side.
    for n in [p.a, p.b] {
        let states: Vec<State> = p.sim.sent_by(n).map(|w| w.packet().state).collect();
        assert_eq!(states[..3], [State::Down, State::Init, State::Up]);
        assert!(p.sim.sent_by(n).take(3).all(|w| w.at - p.sim.t0() <= ms(2)));
    }
    assert!(p.both(State::Up));
    assert_eq!(p.sim.endpoint(p.a).counters().rx_errors.total(), 0);
}

#[test]
fn rfc5880_6_2_handshake_with_a_late_peer() {
    // B's session appears 2.5 s after A's: A's first packets find B's path down.
    let mut p = Pair::plain(2, params(300, 300, 3));
    p.sim.path_down(p.b, p.hb);
    p.sim.take_events();
    p.sim.run_for(ms(2500));
    assert!(p.sim.endpoint(p.b).counters().session_disabled > 0);
    let start = p.sim.now();
    p.sim.path_up(p.b, p.hb);
    p.sim.run_for(ms(50));
    // B speaks first (Down); A goes Init, B hears Init and goes straight Up,
    // A hears Up.
    assert_eq!(
        p.sim.transitions(p.a),
        [(State::Down, State::Init), (State::Init, State::Up)]
    );
    assert_eq!(p.sim.transitions(p.b), [(State::Down, State::Up)]);
    assert!(p.sim.events().iter().all(|e| e.at - start <= ms(3)));
}

#[test]
fn rfc5880_6_1_passive_role_waits_for_the_peer() {
    let mut pa = params(300, 300, 3);
    pa.passive = true;
    let mut p = Pair::plain(3, params(300, 300, 3));
    p.set_params_a(pa);
    // B stays silent for 5 s (its path is down): A must send nothing.
    p.sim.path_down(p.b, p.hb);
    p.sim.run_for(ms(5000));
    assert_eq!(p.sim.sent_by(p.a).count(), 0, "passive: nothing sent");
    assert_eq!(p.state_a(), State::Down);
    p.sim.path_up(p.b, p.hb);
    p.sim.run_for(ms(100));
    let first_heard = p
        .sim
        .sent_by(p.b)
        .find_map(|w| w.arrives())
        .expect("B's packet arrives");
    let first_sent = p.sim.sent_by(p.a).next().expect("A answers");
    assert_eq!(first_sent.at, first_heard, "A answers at once");
    assert!(matches!(first_sent.fate, Fate::Arrives(_)));
    assert!(p.both(State::Up));
    assert_eq!(
        p.sim.transitions(p.a).last(),
        Some(&(State::Init, State::Up))
    );
}
