//! The endpoint's bounded event queue under a driver that does not keep
//! up: a flap while the queue is full is coalesced, never losing the Down
//! a client must see (RFC 5882 §3: clients act on Up and on Up -> Down).

mod common;

use std::net::{IpAddr, Ipv4Addr};
use std::time::Instant;

use bfd::packet::{Diag, State};
use bfd::sim::{LinkConfig, Sim};
use bfd::SessionConfig;
use common::*;

const C: IpAddr = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 3));

#[test]
fn rfc5882_3_flap_while_the_queue_is_full_keeps_the_down() {
    let mut sim = Sim::new(Instant::now(), 80);
    let a = sim.add_endpoint(81, &[A]);
    let b = sim.add_endpoint(82, &[B]);
    let c = sim.add_endpoint(83, &[C]);
    sim.connect(A, B, LinkConfig::default());
    sim.connect(A, C, LinkConfig::default());
    let p = params(100, 100, 3);
    let ab = sim.add_session(a, SessionConfig::new(key(A, B), p));
    let ac = sim.add_session(a, SessionConfig::new(key(A, C), p));
    sim.add_session(b, SessionConfig::new(key(B, A), p));
    sim.add_session(c, SessionConfig::new(key(C, A), p));
    sim.run_for(ms(2000));
    assert_eq!((sim.state(a, ab), sim.state(a, ac)), (State::Up, State::Up));
    sim.take_events();

    // A's driver is busy; one event fills its queue (A-C's path goes away).
    sim.hold_events(a, true);
    sim.endpoint_mut(a).set_event_capacity(1);
    sim.path_down(a, ac);
    // A-B flaps meanwhile: Down (cut), then Init/Up again (healed).
    sim.cut(A, B);
    sim.run_for(ms(1000));
    assert_eq!(sim.state(a, ab), State::Down);
    sim.heal(A, B);
    assert!(sim.run_until_cond(ms(3000), |s| s.state(a, ab) == State::Up));
    let deferred = sim.endpoint(a).counters().events_deferred;
    assert!(
        deferred >= 2,
        "the Down and the way back Up deferred: {deferred}"
    );

    sim.take_events();
    let released = sim.now();
    sim.hold_events(a, false);
    sim.run_for(ms(1));
    let evs: Vec<_> = sim.events_of(a).collect();
    let got: Vec<_> = evs
        .iter()
        .map(|e| (e.event.handle, e.transition(), e.event.diag))
        .collect();
    assert_eq!(
        got,
        [
            (ac, (State::Up, State::Down), Diag::PATH_DOWN),
            (
                ab,
                (State::Up, State::Down),
                Diag::CONTROL_DETECTION_TIME_EXPIRED
            ),
            (ab, (State::Down, State::Up), Diag::NONE),
        ]
    );
    assert!(evs.iter().all(|e| e.at == released));
    assert_eq!(sim.endpoint(a).counters().events_flushed, 2);
    assert!(!sim.endpoint(a).has_deferred_events());

    // Held again with no room at all: Up -> Down -> Up -> Down comes out as
    // the one Down.
    sim.take_events();
    sim.hold_events(a, true);
    sim.endpoint_mut(a).set_event_capacity(0);
    for _ in 0..2 {
        sim.cut(A, B);
        assert!(sim.run_until_cond(ms(1000), |s| s.state(a, ab) == State::Down));
        sim.heal(A, B);
        assert!(sim.run_until_cond(ms(3000), |s| s.state(a, ab) == State::Up));
        // The poll that brings the fast timers back ends a round trip later
        // (until then the slow detection time of going Up is in force).
        sim.run_for(ms(100));
    }
    sim.cut(A, B);
    assert!(sim.run_until_cond(ms(1000), |s| s.state(a, ab) == State::Down));
    sim.hold_events(a, false);
    sim.run_for(ms(1));
    let got: Vec<_> = sim
        .events_of(a)
        .map(|e| (e.transition(), e.event.diag))
        .collect();
    assert_eq!(
        got,
        [(
            (State::Up, State::Down),
            Diag::CONTROL_DETECTION_TIME_EXPIRED
        )]
    );
    // Room again: the way back Up is reported as it happens.
    sim.endpoint_mut(a).set_event_capacity(16);
    sim.take_events();
    sim.heal(A, B);
    assert!(sim.run_until_cond(ms(3000), |s| s.state(a, ab) == State::Up));
    sim.run_for(ms(1));
    let last = sim.events_of(a).last().unwrap().transition();
    assert_eq!(last.1, State::Up);
    assert!(!sim.endpoint(a).has_deferred_events());
}
