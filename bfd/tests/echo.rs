//! The echo function (RFC 5880 §6.4, §6.8.9; RFC 5881 §4) on the simulated
//! network, as FRR's bfdd runs it: echo starts once Up when configured and
//! the peer allows it, at max(our echo interval, the peer's Required Min
//! Echo RX Interval); it keeps the session Up while echo comes back; an
//! echo-only cut takes the session Down with diagnostic 2 after the peer's
//! Detect Mult echo intervals; IPv6 echo is reflected by the peer endpoint
//! only while it allows echo; multihop sessions never run echo.

mod common;

use std::net::{IpAddr, Ipv6Addr};

use bfd::packet::{Diag, State};
use bfd::session::SessionParams;
use bfd::sim::LinkConfig;
use bfd::SessionConfig;
use common::*;

fn echo_params(echo_tx_ms: u32, echo_rx_ms: u32) -> SessionParams {
    SessionParams {
        echo_mode: true,
        desired_min_echo_tx: echo_tx_ms * 1000,
        required_min_echo_rx: echo_rx_ms * 1000,
        ..params(300, 300, 3)
    }
}

/// A runs echo; B only allows it (echo receive interval `b_echo_rx_ms`).
fn pair(seed: u64, local: IpAddr, peer: IpAddr, b_echo_rx_ms: u32) -> Pair {
    let mut pb = params(300, 300, 3);
    pb.required_min_echo_rx = b_echo_rx_ms * 1000;
    let ca = SessionConfig::new(key(local, peer), echo_params(50, 50));
    let cb = SessionConfig::new(key(peer, local), pb);
    Pair::between(seed, (local, peer), LinkConfig::default(), ca, cb)
}

const A6: IpAddr = IpAddr::V6(Ipv6Addr::new(0xfd00, 0, 0, 0, 0, 0, 0, 1));
const B6: IpAddr = IpAddr::V6(Ipv6Addr::new(0xfd00, 0, 0, 0, 0, 0, 0, 2));

#[test]
fn echo_runs_once_up_at_the_slower_of_both_intervals() {
    for (local, peer) in [(A, B), (A6, B6)] {
        // The peer wants echo no faster than every 80 ms.
        let mut p = pair(31, local, peer, 80);
        let before_up = p.sim.session(p.a, p.ha).counters.echo_output;
        assert_eq!(before_up, 0);
        p.bring_up();
        p.sim.run_for(ms(5000));
        let s = p.sim.session(p.a, p.ha);
        assert_eq!(s.session.state(), State::Up, "{local}");
        assert!(s.session.echo_active());
        assert_eq!(s.session.echo_tx_interval(), 80_000);
        // 5 s at 80 ms, jittered to 75-100 % (87.5 % on average): about 71.
        let out = s.counters.echo_output;
        assert!((63..=80).contains(&out), "{local}: {out} echo sent");
        // Every one came back (1 ms link each way, no loss).
        let back = s.counters.echo_input;
        assert!(out - back <= 1, "{local}: {out} sent, {back} back");
        // Round trips: IPv4 only (as FRR), 2 ms over the 1 ms links; FRR's
        // minimum starts from 1000 µs.
        let want = if local.is_ipv4() {
            (1000, 2000, 2000)
        } else {
            (0, 0, 0)
        };
        assert_eq!(s.rtt_us, want, "{local}");
        // B never runs echo: it was not configured to.
        let sb = p.sim.session(p.b, p.hb);
        assert_eq!(sb.counters.echo_output, 0);
        assert!(!sb.session.echo_active());
    }
}

#[test]
fn echo_only_cut_takes_the_session_down_with_diag_2() {
    for (local, peer) in [(A, B), (A6, B6)] {
        let mut p = pair(32, local, peer, 50);
        p.bring_up();
        p.sim.run_for(ms(2000));
        let cut = p.sim.now();
        p.sim.cut_echo(local, peer);
        p.sim.run_for(ms(1000));
        // Control packets still pass, so the session comes back Up and echo
        // fails again, over and over, as with FRR's bfdd.
        let evs: Vec<_> = p.sim.events_of(p.a).filter(|e| e.at >= cut).collect();
        assert!(evs.len() >= 3, "{local}: {evs:?}");
        assert!(evs
            .iter()
            .filter(|e| e.event.from == State::Up)
            .all(|e| e.event.diag == Diag::ECHO_FUNCTION_FAILED));
        assert_eq!(evs[0].transition(), (State::Up, State::Down));
        assert_eq!(evs[0].event.diag, Diag::ECHO_FUNCTION_FAILED);
        // Going Down forgot the round trips (nothing came back since).
        assert_eq!(p.sim.session(p.a, p.ha).rtt_us, (0, 0, 0));
        // Peer's Detect Mult (3) x 50 ms after the last echo came back,
        // which was at most one jittered interval before the cut.
        let after = evs[0].at - cut;
        assert!(after >= ms(150 - 50) && after <= ms(152), "{after:?}");
        // B hears A go Down (diag 2 carried in A's packets) and follows.
        let b_evs: Vec<_> = p.sim.events_of(p.b).filter(|e| e.at >= cut).collect();
        assert_eq!(b_evs[0].transition(), (State::Up, State::Down));
        // Healed: the session comes back, echo resumes and holds.
        p.sim.heal_echo(local, peer);
        p.sim.run_for(ms(1000));
        let settled = p.sim.now();
        p.sim.run_for(ms(5000));
        let s = p.sim.session(p.a, p.ha);
        assert_eq!(s.session.state(), State::Up, "{local}");
        assert!(s.session.echo_active());
        assert_eq!(p.sim.events_of(p.a).filter(|e| e.at >= settled).count(), 0);
    }
}

#[test]
fn a_peer_that_refuses_echo_gets_none() {
    for (local, peer) in [(A, B), (A6, B6)] {
        let mut p = pair(33, local, peer, 0);
        p.bring_up();
        p.sim.run_for(ms(3000));
        let s = p.sim.session(p.a, p.ha);
        assert_eq!(s.session.state(), State::Up);
        assert!(!s.session.echo_active());
        assert_eq!(s.counters.echo_output, 0);
    }
}

#[test]
fn ipv6_echo_is_reflected_only_while_the_reflector_allows_it() {
    let mut p = pair(34, A6, B6, 50);
    p.bring_up();
    p.sim.run_for(ms(1000));
    assert!(p.sim.endpoint(p.b).echo_counters().reflected > 0);
    assert_eq!(p.sim.endpoint(p.b).echo_counters().not_reflected, 0);
    // IPv4 echo never reaches the peer endpoint: its kernel loops it.
    let mut p4 = pair(34, A, B, 50);
    p4.bring_up();
    p4.sim.run_for(ms(1000));
    assert_eq!(p4.sim.endpoint(p4.b).echo_counters().reflected, 0);
    assert!(p4.sim.session(p4.a, p4.ha).counters.echo_input > 0);
}

#[test]
fn echo_mode_off_stops_echo_and_multihop_never_runs_it() {
    let mut p = pair(35, A, B, 50);
    p.bring_up();
    p.sim.run_for(ms(1000));
    assert!(p.sim.session(p.a, p.ha).session.echo_active());
    let mut off = p.ca.clone();
    off.params.echo_mode = false;
    p.sim.upsert(p.a, off);
    let sent = p.sim.session(p.a, p.ha).counters.echo_output;
    p.sim.run_for(ms(1000));
    let s = p.sim.session(p.a, p.ha);
    assert!(!s.session.echo_active());
    assert_eq!(s.counters.echo_output, sent);
    assert_eq!(s.session.state(), State::Up);

    let mut mh = p.ca.clone();
    mh.key.multihop = true;
    mh.params.echo_mode = true;
    let h = p.sim.upsert(p.a, mh);
    assert!(!p.sim.session(p.a, h).session.params().echo_mode);
}

#[test]
fn echo_of_an_unknown_or_idle_session_is_counted_and_dropped() {
    use bfd::endpoint::{EchoMeta, EchoVerdict};
    let mut p = pair(36, A, B, 50);
    p.bring_up();
    let now = p.sim.now();
    let b_discr = p.sim.session(p.b, p.hb).session.local_discr();
    let ep = p.sim.endpoint_mut(p.b);
    let looped = EchoMeta {
        src: B,
        ttl: 254,
        rtt_us: None,
    };
    // B runs no echo: its own discriminator comes back "inactive".
    let v = ep.handle_echo(now, &looped, &bfd::echo::encode(b_discr, (0, 0)));
    assert_eq!(v, EchoVerdict::Dropped);
    let v = ep.handle_echo(now, &looped, &bfd::echo::encode(b_discr ^ 1, (0, 0)));
    assert_eq!(v, EchoVerdict::Dropped);
    let v = ep.handle_echo(now, &looped, &[1, 2, 3]);
    assert_eq!(v, EchoVerdict::Dropped);
    let v = ep.handle_echo(
        now,
        &EchoMeta {
            src: B,
            ttl: 7,
            rtt_us: None,
        },
        &[0; 24],
    );
    assert_eq!(v, EchoVerdict::Dropped);
    let stranger = IpAddr::V6(Ipv6Addr::LOCALHOST);
    let v = ep.handle_echo(
        now,
        &EchoMeta {
            src: stranger,
            ttl: 255,
            rtt_us: None,
        },
        &[0; 24],
    );
    assert_eq!(v, EchoVerdict::Dropped);
    let c = ep.echo_counters();
    assert_eq!(
        (
            c.inactive,
            c.no_session,
            c.malformed,
            c.bad_ttl,
            c.not_reflected
        ),
        (1, 1, 1, 1, 1)
    );
}
