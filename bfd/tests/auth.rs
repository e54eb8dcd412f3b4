//! Authentication on the wire (RFC 5880 §6.7): each of the five types comes
//! Up, a wrong key never does, replayed packets are dropped, and the
//! sequence window resets after twice the Detection Time of silence
//! (§6.8.1 bfd.AuthSeqKnown).

mod common;

use bfd::auth::AuthType;
use bfd::packet::{PacketError, State};
use bfd::sim::LinkConfig;
use bfd::{AuthSpec, SessionConfig};
use common::*;

fn spec(t: AuthType, secret: &[u8]) -> AuthSpec {
    AuthSpec {
        auth_type: t,
        key_id: 7,
        secret: secret.to_vec(),
    }
}

/// A pair at 100 ms x 3 with A's and B's secrets.
fn pair(seed: u64, t: AuthType, secret_a: &[u8], secret_b: &[u8]) -> Pair {
    let mut ca = SessionConfig::new(key(A, B), params(100, 100, 3));
    ca.auth = Some(spec(t, secret_a));
    let mut cb = SessionConfig::new(key(B, A), params(100, 100, 3));
    cb.auth = Some(spec(t, secret_b));
    Pair::new(seed, LinkConfig::default(), ca, cb)
}

fn auth_failed(p: &Pair, n: bfd::sim::NodeId) -> u64 {
    let c = p.sim.endpoint(n).counters().rx_errors;
    c.get(&PacketError::AuthFailed)
}

#[test]
fn rfc5880_6_7_each_auth_type_comes_up() {
    for (i, t) in AuthType::ALL.into_iter().enumerate() {
        let mut p = pair(40 + i as u64, t, b"s3cret", b"s3cret");
        p.bring_up();
        assert!(p.sim.now() - p.sim.t0() <= ms(5), "{t:?}: Up at once");
        p.sim.run_for(ms(3000));
        for n in [p.a, p.b] {
            assert_eq!(p.sim.endpoint(n).counters().rx_errors.total(), 0, "{t:?}");
            assert_eq!(p.sim.transitions(n).last(), Some(&(State::Init, State::Up)));
        }
        // Every packet carries the section of type t.
        for w in p.sim.wire() {
            let pkt = w.packet();
            assert!(pkt.auth_present);
            assert_eq!(pkt.auth.map(|a| a.auth_type()), Some(t));
        }
    }
}

#[test]
fn rfc5880_6_7_wrong_key_never_comes_up() {
    for (i, t) in AuthType::ALL.into_iter().enumerate() {
        let mut p = pair(50 + i as u64, t, b"s3cret", b"s3creT");
        p.sim.run_for(ms(10_000));
        assert!(p.sim.events().is_empty(), "{t:?}: {:?}", p.sim.events());
        assert!(p.both(State::Down));
        for (n, peer) in [(p.a, p.b), (p.b, p.a)] {
            let sent = p.sim.sent_by(peer).count() as u64;
            assert!(sent >= 10);
            assert_eq!(auth_failed(&p, n), sent, "{t:?}: every packet dropped");
        }
    }
}

#[test]
fn rfc5880_6_7_3_replayed_packet_is_dropped() {
    let keyed = [
        AuthType::KeyedMd5,
        AuthType::MeticulousKeyedMd5,
        AuthType::KeyedSha1,
        AuthType::MeticulousKeyedSha1,
    ];
    for (i, t) in keyed.into_iter().enumerate() {
        let mut p = pair(60 + i as u64, t, b"s3cret", b"s3cret");
        p.bring_up();
        p.sim.run_for(ms(1000));
        let captured = p.sim.sent_by(p.a).last().unwrap().bytes().to_vec();
        let input = |p: &Pair| p.sim.session(p.b, p.hb).counters.control_input;
        let before = input(&p);

        // Replayed at once: the same sequence number again. Only the
        // meticulous types reject a repeat (§6.7.3/§6.7.4).
        p.sim.inject(A, B, false, &captured);
        let repeat_dropped = auth_failed(&p, p.b) == 1;
        assert_eq!(repeat_dropped, t.is_meticulous(), "{t:?}");
        assert_eq!(input(&p), before + u64::from(!t.is_meticulous()));

        // Replayed 2 s later (about 20 packets on, beyond 3 x Detect Mult):
        // out of the window for every keyed type.
        p.sim.run_for(ms(2000));
        let failed = auth_failed(&p, p.b);
        let before = input(&p);
        p.sim.inject(A, B, false, &captured);
        assert_eq!(auth_failed(&p, p.b), failed + 1, "{t:?}: dropped late");
        assert_eq!(input(&p), before);
        p.sim.run_for(ms(1000));
        assert!(p.settled());
        assert_eq!(p.sim.transitions(p.b).len(), 2, "no flap: {t:?}");
    }
}

#[test]
fn rfc5880_6_8_1_auth_sequence_resets_after_twice_detection_time() {
    let mut p = pair(70, AuthType::MeticulousKeyedSha1, b"s3cret", b"s3cret");
    p.bring_up();
    p.sim.run_for(ms(1000));
    let known = |p: &Pair| p.sim.session(p.b, p.hb).session.auth().unwrap().seq_known();
    assert!(known(&p));
    let cut = p.sim.now();
    p.sim.cut(A, B);
    let last = last_arrival(&p.sim, p.a, cut).unwrap();
    // Detection Time 300 ms: known until 600 ms after the last packet.
    p.sim.run_until(last + ms(599));
    assert!(known(&p));
    assert_eq!(p.state_b(), State::Down);
    p.sim.run_until(last + ms(601));
    assert!(!known(&p), "bfd.AuthSeqKnown reset");

    // 30 s of silence: A's sequence numbers ran about 30 ahead, far out of
    // B's old window (3 x 3). With the window reset B takes them.
    p.sim.run_for(ms(30_000));
    let xmit_a = p.sim.session(p.a, p.ha).session.auth().unwrap().xmit_seq();
    let rcv_b = p.sim.session(p.b, p.hb).session.auth().unwrap().rcv_seq();
    assert!(xmit_a.wrapping_sub(rcv_b) > 20);
    p.sim.heal(A, B);
    assert!(p.sim.run_until_cond(ms(3000), |s| {
        s.state(p.a, p.ha) == State::Up && s.state(p.b, p.hb) == State::Up
    }));
    assert_eq!(auth_failed(&p, p.a) + auth_failed(&p, p.b), 0);
}
