//! Timer changes while Up (RFC 5880 §6.5 poll sequences, §6.8.3): P then F,
//! no flap, the new rate on the wire, also over a lossy, reordering link.

mod common;

use std::time::{Duration, Instant};

use bfd::sim::{LinkConfig, NodeId, Sim};
use common::*;

/// `poller` changed its timers at `t`: its first packet carries P, the
/// other side answers at once with F, and P stops once that F arrived.
/// Returns when the F arrived.
fn check_poll(sim: &Sim, poller: NodeId, answerer: NodeId, t: Instant) -> Instant {
    let first = sim.sent_by(poller).find(|w| w.at >= t).expect("a packet");
    assert_eq!(first.at, t, "the poll goes out at once");
    let pkt = first.packet();
    assert!(pkt.poll && !pkt.final_, "P, not F");
    let p_arrives = first.arrives().expect("no loss here");
    let f = sim
        .sent_by(answerer)
        .find(|w| w.at >= t && w.packet().final_)
        .expect("an F");
    assert_eq!(f.at, p_arrives, "F answers the P at once");
    assert!(!f.packet().poll, "never P and F together");
    let f_arrives = f.arrives().expect("no loss here");
    for w in sim.sent_by(poller).filter(|w| w.at >= t) {
        assert_eq!(w.packet().poll, w.at < f_arrives, "P until the F, at {w:?}");
    }
    f_arrives
}

fn assert_gaps_within(gaps: &[Duration], interval: Duration, what: &str) {
    assert!(gaps.len() >= 5, "{what}: enough packets ({})", gaps.len());
    // §6.8.7: 75-100 % of the interval.
    let lo = interval * 3 / 4;
    for g in gaps {
        assert!(
            *g >= lo && *g <= interval,
            "{what}: gap {g:?} vs {interval:?}"
        );
    }
}

#[test]
fn rfc5880_6_5_poll_sequence_each_way() {
    let mut p = Pair::plain(10, params(300, 50, 3));
    p.bring_up();
    let t_up = p.sim.now();
    p.sim.run_for(ms(3000));
    assert_gaps_within(&tx_gaps(&p.sim, p.a, t_up), ms(300), "A before");
    p.sim.take_events();

    // A speeds up to 100 ms.
    let t = p.sim.now();
    p.set_params_a(params(100, 50, 3));
    p.sim.run_for(ms(3000));
    let f = check_poll(&p.sim, p.a, p.b, t);
    assert_gaps_within(&tx_gaps(&p.sim, p.a, f), ms(100), "A after");
    assert_gaps_within(&tx_gaps(&p.sim, p.b, f), ms(300), "B unchanged");
    // B's detection time of A follows A's new rate: 3 x 100 ms.
    assert_eq!(p.sim.session(p.b, p.hb).session.detection_time(), ms(300));

    // B speeds up to 100 ms.
    let t = p.sim.now();
    p.set_params_b(params(100, 50, 3));
    p.sim.run_for(ms(3000));
    let f = check_poll(&p.sim, p.b, p.a, t);
    assert_gaps_within(&tx_gaps(&p.sim, p.b, f), ms(100), "B after");

    // A slows down to 1 s: the old rate holds until the F (§6.8.3).
    let t = p.sim.now();
    p.set_params_a(params(1000, 50, 3));
    p.sim.run_for(ms(8000));
    let f = check_poll(&p.sim, p.a, p.b, t);
    assert!(f - t <= ms(2));
    assert_gaps_within(&tx_gaps(&p.sim, p.a, f), ms(1000), "A slowed");
    assert_eq!(p.sim.session(p.b, p.hb).session.detection_time(), ms(3000));

    assert!(p.settled());
    assert!(p.sim.events().is_empty(), "no flap: {:?}", p.sim.events());
}

#[test]
fn rfc5880_6_8_3_timer_changes_without_flap_over_loss_and_reordering() {
    let link = LinkConfig::with_latency(ms(2))
        .loss(0.1)
        .reorder(0.1, ms(120))
        .duplicate(0.02);
    let mut p = Pair::new(
        11,
        link,
        bfd::SessionConfig::new(key(A, B), params(100, 100, 5)),
        bfd::SessionConfig::new(key(B, A), params(100, 100, 5)),
    );
    p.bring_up();
    p.sim.take_events();
    let phases: [(u32, u32); 6] = [
        (50, 100),
        (50, 50),
        (200, 50),
        (200, 200),
        (30, 30),
        (80, 60),
    ];
    for (i, &(ta, tb)) in phases.iter().enumerate() {
        p.set_params_a(params(ta, ta, 5));
        p.sim.run_for(ms(2500));
        p.set_params_b(params(tb, tb, 5));
        p.sim.run_for(ms(2500));
        assert!(p.settled(), "phase {i}: polls ended");
        let a = p.sim.session(p.a, p.ha).session;
        let b = p.sim.session(p.b, p.hb).session;
        let want = Duration::from_millis(u64::from(ta.max(tb)));
        assert_eq!(a.tx_interval(), want, "phase {i}: A's interval");
        assert_eq!(b.tx_interval(), want, "phase {i}: B's interval");
    }
    // The last rate (80 vs 60 ms: both send every 80 ms) is on the wire.
    let t = p.sim.now();
    p.sim.run_for(ms(2000));
    assert_gaps_within(&tx_gaps(&p.sim, p.a, t), ms(80), "A last");
    assert_gaps_within(&tx_gaps(&p.sim, p.b, t), ms(80), "B last");
    assert!(p.sim.events().is_empty(), "no flap: {:?}", p.sim.events());
    let st = p.sim.link_stats(A, B);
    assert!(
        st.lost > 20 && st.reordered > 20 && st.duplicated > 0,
        "{st:?}"
    );
    let st = p.sim.link_stats(B, A);
    assert!(
        st.lost > 20 && st.reordered > 20 && st.duplicated > 0,
        "{st:?}"
    );
}
