//! The echo function (RFC 5880 §6.4, RFC 5881 §4) against FRR 8.4's bfdd,
//! IPv4 and IPv6 single-hop: the subject (bfdd-rs, or FRR's bfdd to check
//! the scenario itself) and a remote FRR, one of them running `echo-mode`.
//! IPv4 echo is looped by the other side's forwarding plane (both
//! namespaces forward), IPv6 echo is reflected by the other side's daemon.
//! Checked: the originator's echo counters grow in both directions while
//! the sessions hold Up; an echo-only cut (nftables on UDP 3785 in the
//! looping namespace) takes the originator Down with diagnostic 2, "echo
//! function failed", on the wire; after the restore echo runs again and the
//! sessions hold Up.

mod common;

use std::net::IpAddr;
use std::time::Duration;

use common::*;
use topotests::{capture, hold_for, json, wait_for, Lab, NftCut, PeerConf, Topo, Vtysh};

const ECHO_TX_MS: u32 = 100;

/// (echo-packet-input, echo-packet-output, session-down) of the session to
/// `peer`, from `show bfd peers counters json`.
fn echo_counters(vty: &Vtysh, peer: IpAddr) -> Result<(u64, u64, u64), String> {
    let text = vty.run(&["show bfd peers counters json"])?;
    let v = json::parse(&text).map_err(|e| format!("{e:?}"))?;
    let all = v.as_array().ok_or("not an array")?;
    let o = all
        .iter()
        .find(|o| {
            o.get("peer")
                .and_then(json::Value::as_str)
                .and_then(|s| s.parse::<IpAddr>().ok())
                == Some(peer)
        })
        .ok_or(format!("no counters for {peer}"))?;
    let n = |k: &str| {
        o.get(k)
            .and_then(json::Value::as_u64)
            .ok_or(format!("no {k}"))
    };
    Ok((
        n("echo-packet-input")?,
        n("echo-packet-output")?,
        n("session-down")?,
    ))
}

/// `conf t`, `bfd`, `peer_header`, then the echo lines; FRR warns that IPv6
/// echo needs an FRR peer (a "%" line vtysh helpers take for an error), so
/// only that warning is let through.
fn configure_echo(vty: &Vtysh, peer_header: &str) {
    let interval = format!("echo transmit-interval {ECHO_TX_MS}");
    let cmds = ["bfd", peer_header, "echo-mode", interval.as_str()];
    match vty.configure(&cmds) {
        Ok(()) => {}
        Err(e) if e.contains("% Echo mode works correctly for IPv4") => {}
        Err(e) => panic!("echo-mode on {peer_header}: {e}"),
    }
}

/// Number fields `keys` of the session to `peer` in `show bfd peers json`.
fn peer_fields<const N: usize>(
    vty: &Vtysh,
    peer: IpAddr,
    keys: [&str; N],
) -> Result<[u64; N], String> {
    let text = vty.run(&["show bfd peers json"])?;
    let v = json::parse(&text).map_err(|e| format!("{e:?}"))?;
    let o = v
        .as_array()
        .ok_or("not an array")?
        .iter()
        .find(|o| {
            o.get("peer")
                .and_then(json::Value::as_str)
                .and_then(|s| s.parse::<IpAddr>().ok())
                == Some(peer)
        })
        .ok_or(format!("no session to {peer}"))?;
    let mut out = [0; N];
    for (v, k) in out.iter_mut().zip(keys) {
        *v = o
            .get(k)
            .and_then(json::Value::as_u64)
            .ok_or(format!("no {k}"))?;
    }
    Ok(out)
}

fn forwarding_on(t: &Topo) {
    for ns in [&t.a, &t.b] {
        ns.exec(&["sysctl", "-qw", "net.ipv4.ip_forward=1"])
            .expect("enable IPv4 forwarding");
    }
}

/// One run: `subject_originates` picks which side runs echo-mode.
fn echo_case(kind: SubjectKind, subject_originates: bool, id: u8, name: &str) {
    let lab = Lab::new(name);
    let t = Topo::new(id, 1);
    forwarding_on(&t);
    let sessions: Vec<Sess> = four_sessions(&t).into_iter().take(2).collect();
    let peers: Vec<PeerConf> = sessions
        .iter()
        .map(|s| subject_peer(s).timers(300, 300, 3))
        .collect();
    let subject = Subject::start(kind, &lab, &t, peers.clone());
    let remote = Remote::start(RemoteKind::Frr, &lab, &t, &sessions, 300, 300, 3);
    let Remote::Frr {
        router,
        peers: remote_peers,
    } = &remote
    else {
        unreachable!("an FRR remote");
    };
    wait_all_up(&subject, &remote, &sessions);
    // The originator's vty, the addresses it sees its peers at, and the
    // namespace that loops its echo.
    let (vty, peer_addrs, looping_ns): (&Vtysh, Vec<IpAddr>, _) = if subject_originates {
        for p in &peers {
            configure_echo(subject.vty(), &p.header());
        }
        let addrs = sessions.iter().map(|s| s.b).collect();
        (subject.vty(), addrs, &t.b)
    } else {
        for p in remote_peers {
            configure_echo(router.vty(), &p.header());
        }
        let addrs = sessions.iter().map(|s| s.a).collect();
        (router.vty(), addrs, &t.a)
    };
    let (other_vty, other_addrs) = if subject_originates {
        (
            router.vty(),
            sessions.iter().map(|s| s.a).collect::<Vec<_>>(),
        )
    } else {
        (
            subject.vty(),
            sessions.iter().map(|s| s.b).collect::<Vec<_>>(),
        )
    };

    let echo_flows = |min: u64| -> Result<Vec<(u64, u64, u64)>, String> {
        let mut got = Vec::new();
        for a in &peer_addrs {
            let c = echo_counters(vty, *a)?;
            if c.0 < min || c.1 < min {
                return Err(format!("{a}: echo in {} out {}", c.0, c.1));
            }
            got.push(c);
        }
        Ok(got)
    };
    let (before, _) = wait_for(
        "echo packets out and back on every session",
        Duration::from_secs(15),
        Duration::from_millis(200),
        || echo_flows(20),
    );
    let all_up = || {
        subject.check_all(&sessions, |p| p.is_up())?;
        remote.check_all(&sessions, |st| st == "up")
    };
    hold_for(
        "sessions Up while echo runs",
        Duration::from_secs(3),
        Duration::from_millis(50),
        all_up,
    );
    let after = echo_flows(0).expect("echo counters");
    for ((a, b), addr) in before.iter().zip(&after).zip(&peer_addrs) {
        assert_eq!(a.2, b.2, "{addr}: a session went down while echo ran");
        // 3 s at 100 ms (75-100 % jitter): about 34 more each way.
        assert!(
            b.1 - a.1 >= 20,
            "{addr}: only {} echo sent in 3 s",
            b.1 - a.1
        );
        assert!(
            b.0 - a.0 >= 20,
            "{addr}: only {} echo back in 3 s",
            b.0 - a.0
        );
    }
    // Round trips are measured for IPv4 echo only (FRR's way).
    for a in &peer_addrs {
        let [min, avg, max] = peer_fields(vty, *a, ["rtt-min", "rtt-avg", "rtt-max"]).expect("rtt");
        if a.is_ipv4() {
            assert!(
                max > 0 && min <= avg && avg <= max,
                "{a}: rtt {min}/{avg}/{max}"
            );
        } else {
            assert_eq!((min, avg, max), (0, 0, 0), "{a}: IPv6 echo has no rtt");
        }
    }
    // The side without echo-mode originates none.
    for a in &other_addrs {
        let c = echo_counters(other_vty, *a).expect("other side's counters");
        assert_eq!(c.1, 0, "{a}: the side without echo-mode sent echo");
    }

    // Echo-only cut where the echo is looped: Control still flows, so the
    // originator goes Down with diag 2, comes back, fails again...
    let mut cut = NftCut::cut_echo(looping_ns);
    let (cap_ns, cap_dev) = if subject_originates {
        (&t.a, &t.link().if_a)
    } else {
        (&t.b, &t.link().if_b)
    };
    let seen = capture::capture_bfd(cap_ns, cap_dev, 5000, Duration::from_secs(3))
        .expect("capture during the echo cut");
    let own: Vec<IpAddr> = sessions
        .iter()
        .map(|s| if subject_originates { s.a } else { s.b })
        .collect();
    for src in &own {
        assert!(
            seen.iter()
                .any(|p| p.src == *src && p.state == 1 && p.diag == 2),
            "{src}: no Down packet with diag 2 (echo function failed) during the echo cut; \
             saw {:?}",
            seen.iter()
                .filter(|p| p.src == *src)
                .map(|p| (p.state, p.diag))
                .collect::<std::collections::BTreeSet<_>>()
        );
    }
    let during = echo_flows(0).expect("echo counters");
    for ((a, b), addr) in after.iter().zip(&during).zip(&peer_addrs) {
        assert!(b.2 > a.2, "{addr}: no session-down during the echo cut");
    }
    cut.restore();
    wait_for(
        "echo back after the restore",
        Duration::from_secs(15),
        Duration::from_millis(200),
        || {
            let now = echo_flows(0)?;
            for (a, b) in during.iter().zip(&now) {
                if b.0 < a.0 + 10 {
                    return Err(format!("echo in {} -> {}", a.0, b.0));
                }
            }
            all_up()
        },
    );
    let settled = echo_flows(0).expect("echo counters");
    hold_for(
        "sessions Up after the restore",
        Duration::from_secs(3),
        Duration::from_millis(50),
        all_up,
    );
    let end = echo_flows(0).expect("echo counters");
    for ((a, b), addr) in settled.iter().zip(&end).zip(&peer_addrs) {
        assert_eq!(a.2, b.2, "{addr}: a session went down after the restore");
    }
}

#[test]
fn frr_subject_originates_echo_to_frr() {
    echo_case(SubjectKind::Frr, true, 100, "e-frr-orig");
}

#[test]
fn frr_subject_loops_frr_echo() {
    echo_case(SubjectKind::Frr, false, 101, "e-frr-loop");
}

#[test]
fn rs_originates_echo_to_frr() {
    echo_case(SubjectKind::BfddRs, true, 102, "e-rs-orig");
}

#[test]
fn rs_loops_frr_echo() {
    echo_case(SubjectKind::BfddRs, false, 103, "e-rs-loop");
}

/// BIRD runs no echo and asks for none (Required Min Echo RX 0): bfdd-rs
/// with echo-mode sends no echo and the sessions stay as they are.
#[test]
fn rs_echo_mode_against_bird_sends_none() {
    let lab = Lab::new("e-rs-bird");
    let t = Topo::new(104, 1);
    forwarding_on(&t);
    let sessions: Vec<Sess> = four_sessions(&t).into_iter().take(2).collect();
    let peers: Vec<PeerConf> = default_subject_peers(&sessions, RemoteKind::Bird)
        .into_iter()
        .map(|p| p.timers(300, 300, 3))
        .collect();
    let subject = Subject::start(SubjectKind::BfddRs, &lab, &t, peers.clone());
    let remote = Remote::start(RemoteKind::Bird, &lab, &t, &sessions, 300, 300, 3);
    wait_all_up(&subject, &remote, &sessions);
    for p in &peers {
        configure_echo(subject.vty(), &p.header());
    }
    let before: Vec<_> = sessions
        .iter()
        .map(|s| echo_counters(subject.vty(), s.b).expect("counters"))
        .collect();
    hold_for(
        "sessions Up with echo-mode against BIRD",
        Duration::from_secs(3),
        Duration::from_millis(50),
        || {
            subject.check_all(&sessions, |p| p.is_up())?;
            remote.check_all(&sessions, |st| st == "up")
        },
    );
    for (s, b) in sessions.iter().zip(&before) {
        let [remote_echo_rx] =
            peer_fields(subject.vty(), s.b, ["remote-echo-receive-interval"]).expect("session");
        assert_eq!(remote_echo_rx, 0, "{}: BIRD asks for no echo", s.label);
        let c = echo_counters(subject.vty(), s.b).expect("counters");
        assert_eq!(
            (c.0, c.1),
            (0, 0),
            "{}: echo with a peer that asks for none",
            s.label
        );
        assert_eq!(c.2, b.2, "{}: went down", s.label);
    }
}
