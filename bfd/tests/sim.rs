//! The simulation itself: the same seeds give the same run, and each link
//! fault does what it says.

mod common;

use std::time::Duration;

use bfd::packet::State;
use bfd::sim::{Fate, LinkConfig};
use bfd::SessionConfig;
use common::*;

fn lossy(seed: u64) -> Pair {
    let link = LinkConfig::with_latency(ms(3))
        .loss(0.3)
        .duplicate(0.1)
        .reorder(0.2, ms(25));
    let mut p = Pair::new(
        seed,
        link,
        SessionConfig::new(key(A, B), params(10, 10, 50)),
        SessionConfig::new(key(B, A), params(10, 10, 50)),
    );
    p.sim.run_for(ms(10_000));
    p
}

/// A packet on the wire: sent, bytes, arrival; offsets from t0.
type WireTrace = Vec<(Duration, Vec<u8>, Option<Duration>)>;
/// The events: when, and the state entered.
type EventTrace = Vec<(Duration, State)>;

/// The wire and the events as offsets from t0, comparable across runs.
fn trace(p: &Pair) -> (WireTrace, EventTrace) {
    let t0 = p.sim.t0();
    let wire = p
        .sim
        .wire()
        .iter()
        .map(|w| (w.at - t0, w.bytes().to_vec(), w.arrives().map(|t| t - t0)))
        .collect();
    let events = p
        .sim
        .events()
        .iter()
        .map(|e| (e.at - t0, e.event.to))
        .collect();
    (wire, events)
}

#[test]
fn same_seeds_same_run() {
    let one = trace(&lossy(90));
    assert_eq!(one, trace(&lossy(90)));
    assert_ne!(one.0, trace(&lossy(91)).0);
    assert!(one.0.len() > 1000);
}

#[test]
fn link_faults_as_configured() {
    let p = lossy(92);
    for (from, to) in [(A, B), (B, A)] {
        let st = p.sim.link_stats(from, to);
        let sent = st.sent as f64;
        let rate = |n: u64| n as f64 / sent;
        assert!((rate(st.lost) - 0.3).abs() < 0.05, "{st:?}");
        let kept = sent - st.lost as f64;
        assert!((st.duplicated as f64 / kept - 0.1).abs() < 0.03, "{st:?}");
        assert!((st.reordered as f64 / kept - 0.2).abs() < 0.04, "{st:?}");
        assert_eq!(st.delivered, st.sent - st.lost + st.duplicated);
        assert_eq!(st.cut, 0);
    }
    // Reordered packets arrive after packets sent later.
    let from_a: Vec<_> = p.sim.sent_by(p.a).filter_map(|w| w.arrives()).collect();
    let overtaken = from_a.windows(2).filter(|w| w[1] < w[0]).count();
    assert!(overtaken > 50, "{overtaken}");
    // The fates recorded agree with the counters.
    let lost = p.sim.sent_by(p.a).filter(|w| w.fate == Fate::Lost).count();
    assert_eq!(lost as u64, p.sim.link_stats(A, B).lost);
    // Duplicates arrive twice: B counts more packets in than A sent through.
    let b_in = p.sim.session(p.b, p.hb).counters.control_input;
    assert!(b_in > p.sim.link_stats(A, B).sent - p.sim.link_stats(A, B).lost);
}

#[test]
fn one_way_cut_and_no_route() {
    let mut p = Pair::plain(93, params(100, 100, 3));
    p.sim.cut_one_way(B, A);
    // A session to an address nobody owns.
    let nowhere = "10.0.0.9".parse().unwrap();
    let hn = p.sim.add_session(
        p.a,
        SessionConfig::new(key(A, nowhere), params(100, 100, 3)),
    );
    p.sim.run_for(ms(3000));
    assert!(p.sim.sent_by(p.b).all(|w| w.fate == Fate::Cut));
    assert_eq!(
        p.sim.link_stats(B, A).cut,
        p.sim.sent_by(p.b).count() as u64
    );
    assert_eq!(p.sim.session(p.a, p.ha).counters.control_input, 0);
    // A hears nothing; B hears A's Down and waits in Init.
    assert_eq!((p.state_a(), p.state_b()), (State::Down, State::Init));
    let to_nowhere: Vec<_> = p.sim.wire().iter().filter(|w| w.handle == hn).collect();
    assert!(to_nowhere.len() >= 3);
    assert!(to_nowhere
        .iter()
        .all(|w| w.fate == Fate::NoRoute && w.dst == nowhere));
}
