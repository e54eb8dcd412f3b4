//! Scenarios with real FRR routing daemons as BFD clients. Two full FRR
//! routers: the router under test in namespace A runs zebra, bgpd/ospfd/
//! ospf6d and the BFD daemon being checked (FRR's own bfdd, which proves the
//! scenario and the harness, or bfdd-rs in FRR mode); its neighbour in
//! namespace B runs FRR's own bfdd. Sessions come from client registrations
//! relayed by zebra unless a scenario says otherwise, and every check looks
//! at what the clients (bgpd, ospfd, ospf6d) do, not only at BFD.
#![allow(dead_code)] // the test binary uses a subset per kind

use std::net::IpAddr;
use std::time::{Duration, Instant};
use topotests::router::link_local;
use topotests::{
    bfd_block, capture, hold_for, vtysh, wait_for, BfdKind, BfdPeer, Daemon, Lab, NftCut, PeerConf,
    Router, RouterConf, Topo,
};

/// Sessions (and BGP/OSPF adjacencies) coming up on a loaded 2-core box.
pub const UP_TIMEOUT: Duration = Duration::from_secs(60);
/// The routing protocols' own failure detection is set far above this
/// (BGP hold 90 s, OSPF dead interval 40 s): a teardown within it can only
/// have come from BFD.
pub const BFD_TEARDOWN_WITHIN: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(200);
const FAST_POLL: Duration = Duration::from_millis(50);
pub const AS_A: u32 = 65001;
pub const AS_B: u32 = 65002;

// ---------------------------------------------------------------- configs --

/// eBGP to `peer` with `neighbor X bfd`, hold time 90 s, reconnect every
/// 5 s, plus `extra` neighbor lines (each without the `neighbor X ` part).
pub fn bgpd_conf(
    asn: u32,
    router_id: IpAddr,
    peer: IpAddr,
    peer_as: u32,
    extra: &[&str],
) -> String {
    let mut s = format!(
        "router bgp {asn}\n bgp router-id {router_id}\n no bgp ebgp-requires-policy\n\
         no bgp network import-check\n timers bgp 30 90\n neighbor {peer} remote-as {peer_as}\n\
         neighbor {peer} timers connect 5\n neighbor {peer} bfd\n"
    );
    for e in extra {
        s.push_str(&format!(" neighbor {peer} {e}\n"));
    }
    s.push_str("exit\n!\n");
    s
}

/// OSPFv2 on `ifname` (point-to-point, hello 2 s, dead 40 s) with `ip ospf bfd`.
pub fn ospfd_conf(ifname: &str, router_id: IpAddr, network: &str) -> String {
    format!(
        "interface {ifname}\n ip ospf bfd\n ip ospf network point-to-point\n\
         ip ospf hello-interval 2\n ip ospf dead-interval 40\nexit\n!\n\
         router ospf\n ospf router-id {router_id}\n network {network} area 0\nexit\n!\n"
    )
}

/// OSPFv3 on `ifname` (point-to-point, hello 2 s, dead 40 s) with `ipv6 ospf6 bfd`.
pub fn ospf6d_conf(ifname: &str, router_id: IpAddr) -> String {
    format!(
        "interface {ifname}\n ipv6 ospf6 bfd\n ipv6 ospf6 network point-to-point\n\
         ipv6 ospf6 hello-interval 2\n ipv6 ospf6 dead-interval 40\n ipv6 ospf6 area 0.0.0.0\nexit\n!\n\
         router ospf6\n ospf6 router-id {router_id}\nexit\n!\n"
    )
}

/// A `bfd` block holding one profile.
pub fn bfd_profile_block(name: &str, mult: u8, tx: u32, rx: u32) -> String {
    format!(
        "bfd\n profile {name}\n  detect-multiplier {mult}\n  transmit-interval {tx}\n\
         receive-interval {rx}\n exit\n !\nexit\n!\n"
    )
}

/// The router under test (A, BFD daemon `kind`) and its FRR neighbour (B).
pub fn start_pair(
    kind: BfdKind,
    lab: &Lab,
    t: &Topo,
    a: RouterConf,
    b: RouterConf,
) -> (Router, Router) {
    let dut = Router::start(lab, &t.a, "dut", kind, &a);
    let peer = Router::start(lab, &t.b, "peer", BfdKind::Frr, &b);
    (dut, peer)
}

// ----------------------------------------------------------------- checks --

/// The session to `addr` in `r`'s BFD daemon, Up.
pub fn bfd_up(r: &Router, addr: IpAddr) -> Result<BfdPeer, String> {
    let p = r
        .vty()
        .peer(addr)
        .map_err(|e| format!("{}: {e}", r.name()))?;
    if p.is_up() {
        Ok(p)
    } else {
        Err(format!("{}: {}", r.name(), p.summary()))
    }
}

/// BGP to `peer` Established on `r`, and bgpd has heard BFD is Up.
pub fn bgp_up(r: &Router, peer: IpAddr) -> Result<(), String> {
    let n = r
        .bgp_neighbor(peer)
        .map_err(|e| format!("{}: {e}", r.name()))?;
    if n.is_established() && n.bfd_status.as_deref() == Some("Up") {
        Ok(())
    } else {
        Err(format!("{}: BGP {}", r.name(), n.summary()))
    }
}

/// `r`'s OSPFv2 (or, with `v6`, OSPFv3) neighbor on `ifname` is Full.
pub fn ospf_full(r: &Router, ifname: &str, v6: bool) -> Result<(), String> {
    let all = if v6 {
        r.ospf6_neighbors()?
    } else {
        r.ospf_neighbors()?
    };
    if all.iter().any(|n| n.interface == ifname && n.is_full()) {
        Ok(())
    } else {
        Err(format!(
            "{}: no Full OSPF{} neighbor on {ifname}: {all:?}",
            r.name(),
            if v6 { "v3" } else { "v2" }
        ))
    }
}

/// B's session-down counter for its session to `addr` (A's address).
pub fn downs(r: &Router, addr: IpAddr) -> u64 {
    r.vty()
        .counters()
        .expect("counters")
        .iter()
        .find(|c| c.peer == addr)
        .map(|c| c.session_down)
        .unwrap_or_else(|| panic!("{}: no counters for {addr}", r.name()))
}

/// Cuts BFD in A and waits for bgpd on A to drop the session to `peer`
/// because of BFD, well before the hold timer. Returns the cut.
pub fn cut_expect_bgp_drop(dut: &Router, t: &Topo, peer: IpAddr) -> NftCut {
    let before = dut.bgp_neighbor(peer).expect("BGP neighbor");
    assert!(
        before.is_established(),
        "not Established before the cut: {}",
        before.summary()
    );
    let t0 = Instant::now();
    let cut = NftCut::cut(&t.a);
    let (n, took) = wait_for(
        "bgpd on the router under test to drop BGP after the BFD cut",
        Duration::from_secs(20),
        FAST_POLL,
        || {
            let n = dut.bgp_neighbor(peer)?;
            if n.connections_dropped > before.connections_dropped {
                Ok(n)
            } else {
                Err(n.summary())
            }
        },
    );
    eprintln!(
        "BGP to {peer} dropped {} ms after the cut: {}",
        took.as_millis(),
        n.summary()
    );
    assert!(
        t0.elapsed() <= BFD_TEARDOWN_WITHIN,
        "BGP dropped only after {took:?} (hold time 90 s): {}",
        n.summary()
    );
    assert!(
        n.reset_by_bfd(),
        "BGP reset for another reason: {}",
        n.summary()
    );
    cut
}

// -------------------------------------------------------------- scenarios --

/// (a) eBGP with `neighbor X bfd` on both routers: BFD Up and BGP
/// Established, bgpd told BFD is Up; a cut of BFD only (BGP's TCP still
/// flows) makes bgpd drop BGP with "BFD down received" within seconds
/// (hold time 90 s), B's bgpd too; restored → BFD Up and BGP Established.
pub fn scenario_bgp_cut(kind: BfdKind, lab: &Lab, t: &Topo) {
    let l = t.link().clone();
    let (a4, b4): (IpAddr, IpAddr) = (l.a4.into(), l.b4.into());
    let (dut, peer) = start_pair(
        kind,
        lab,
        t,
        RouterConf {
            bgpd: Some(bgpd_conf(AS_A, a4, b4, AS_B, &[])),
            ..RouterConf::default()
        },
        RouterConf {
            bgpd: Some(bgpd_conf(AS_B, b4, a4, AS_A, &[])),
            ..RouterConf::default()
        },
    );
    let up = || -> Result<(), String> {
        bfd_up(&dut, b4)?;
        bfd_up(&peer, a4)?;
        bgp_up(&dut, b4)?;
        bgp_up(&peer, a4)
    };
    let (_, took) = wait_for("BFD Up and BGP Established on both", UP_TIMEOUT, POLL, up);
    eprintln!("BFD Up, BGP Established after {took:?}");
    let p = bfd_up(&dut, b4).expect("session");
    assert_eq!(
        (p.detect_multiplier, p.transmit_interval, p.receive_interval),
        (3, 300, 300),
        "bgpd's default registration timers not used: {}",
        p.summary()
    );
    let peer_before = peer.bgp_neighbor(a4).expect("B's neighbor");

    let mut cut = cut_expect_bgp_drop(&dut, t, b4);
    // BGP may drop first on the peer's Cease/BFD Down, a moment before the
    // DUT's own detection time runs out: give the DUT up to one more
    // detection time (900 ms) and then some.
    wait_for(
        "the DUT's BFD session to leave Up under the cut",
        Duration::from_secs(3),
        FAST_POLL,
        || {
            let p = dut
                .vty()
                .peer(b4)
                .map_err(|e| format!("session gone while bgpd is configured: {e}"))?;
            if p.is_up() {
                Err(format!("BFD still Up under the cut: {}", p.summary()))
            } else {
                Ok(())
            }
        },
    );
    wait_for(
        "B's bgpd to drop BGP for BFD too",
        Duration::from_secs(10),
        FAST_POLL,
        || {
            let n = peer.bgp_neighbor(a4)?;
            if n.connections_dropped > peer_before.connections_dropped && n.reset_by_bfd() {
                Ok(())
            } else {
                Err(n.summary())
            }
        },
    );

    cut.restore();
    let (_, took) = wait_for("BFD Up and BGP Established again", UP_TIMEOUT, POLL, up);
    eprintln!("both back {took:?} after the restore");
    let summary = dut.bgp_summary().expect("BGP summary");
    assert!(
        summary.iter().any(|p| p.peer == b4.to_string()
            && p.state == "Established"
            && p.connections_dropped >= 1),
        "summary disagrees: {summary:?}"
    );
}

pub const PROFILE: &str = "fast4";

/// (b) bgpd `neighbor X bfd profile P` with profile P (multiplier 4,
/// intervals 150 ms) in the BFD daemon's config: the session runs P's
/// timers (both ends agree); `neighbor X bfd check-control-plane-failure`
/// makes A send the C bit, as tshark sees on B's side (B's own packets,
/// without it, show the check tells them apart).
pub fn scenario_bgp_profile_cbit(kind: BfdKind, lab: &Lab, t: &Topo) {
    let l = t.link().clone();
    let (a4, b4): (IpAddr, IpAddr) = (l.a4.into(), l.b4.into());
    let profile_line = format!("bfd profile {PROFILE}");
    let (dut, peer) = start_pair(
        kind,
        lab,
        t,
        RouterConf {
            bfdd: bfd_profile_block(PROFILE, 4, 150, 150),
            bgpd: Some(bgpd_conf(
                AS_A,
                a4,
                b4,
                AS_B,
                &[&profile_line, "bfd check-control-plane-failure"],
            )),
            ..RouterConf::default()
        },
        RouterConf {
            bgpd: Some(bgpd_conf(AS_B, b4, a4, AS_A, &[])),
            ..RouterConf::default()
        },
    );
    wait_for("BFD Up and BGP Established", UP_TIMEOUT, POLL, || {
        bfd_up(&dut, b4)?;
        bfd_up(&peer, a4)?;
        bgp_up(&dut, b4)
    });
    // The profile's timers, once any poll sequence has settled.
    wait_for(
        "the profile's timers on both ends",
        Duration::from_secs(15),
        POLL,
        || {
            let p = bfd_up(&dut, b4)?;
            let q = bfd_up(&peer, a4)?;
            let mine = (p.detect_multiplier, p.transmit_interval, p.receive_interval);
            let seen = (
                q.remote_detect_multiplier,
                q.remote_transmit_interval,
                q.remote_receive_interval,
            );
            if mine == (4, 150, 150) && seen == (4, 150, 150) {
                Ok(())
            } else {
                Err(format!("A: {}; B: {}", p.summary(), q.summary()))
            }
        },
    );
    let pkts = capture::capture_bfd(&t.b, &l.if_b, 12, Duration::from_secs(8))
        .expect("tshark capture on B");
    let from_a: Vec<_> = pkts.iter().filter(|p| p.src == a4).collect();
    let from_b: Vec<_> = pkts.iter().filter(|p| p.src == b4).collect();
    eprintln!("captured {} from A, {} from B", from_a.len(), from_b.len());
    assert!(
        from_a.len() >= 3 && from_b.len() >= 3,
        "too few BFD packets captured: {pkts:?}"
    );
    for p in &from_a {
        assert!(p.cbit, "A sent a packet without the C bit: {p:?}");
        assert_eq!(p.state, 3, "A's packet not Up: {p:?}");
        assert_eq!(
            p.detect_mult, 4,
            "A's packet without the profile's multiplier: {p:?}"
        );
    }
    for p in &from_b {
        assert!(!p.cbit, "B (no check-control-plane-failure) sent C: {p:?}");
    }
}

/// (c) ospfd `ip ospf bfd` and ospf6d `ipv6 ospf6 bfd` on the veth, no
/// peers in the BFD daemon's config: exactly the two sessions the clients
/// registered (IPv4, and IPv6 link-local) come Up; a BFD cut tears both
/// OSPF neighbors down within seconds (dead interval 40 s); restored →
/// Full and Up again.
pub fn scenario_ospf(kind: BfdKind, lab: &Lab, t: &Topo) {
    let l = t.link().clone();
    let (a4, b4): (IpAddr, IpAddr) = (l.a4.into(), l.b4.into());
    let net = format!("10.200.{}.0/28", t.id);
    let (dut, peer) = start_pair(
        kind,
        lab,
        t,
        RouterConf {
            ospfd: Some(ospfd_conf(&l.if_a, a4, &net)),
            ospf6d: Some(ospf6d_conf(&l.if_a, a4)),
            ..RouterConf::default()
        },
        RouterConf {
            ospfd: Some(ospfd_conf(&l.if_b, b4, &net)),
            ospf6d: Some(ospf6d_conf(&l.if_b, b4)),
            ..RouterConf::default()
        },
    );
    let a_ll = link_local(&t.a, &l.if_a).expect("A's link-local");
    let b_ll = link_local(&t.b, &l.if_b).expect("B's link-local");
    let all_up = || -> Result<(), String> {
        ospf_full(&dut, &l.if_a, false)?;
        ospf_full(&dut, &l.if_a, true)?;
        for (r, addr) in [(&dut, b4), (&dut, b_ll), (&peer, a4), (&peer, a_ll)] {
            bfd_up(r, addr)?;
        }
        Ok(())
    };
    let (_, took) = wait_for("OSPF Full and BFD Up (v4 and v6)", UP_TIMEOUT, POLL, all_up);
    eprintln!("OSPFv2/v3 Full and BFD Up after {took:?}");
    let sessions = dut.vty().peers().expect("peers");
    assert_eq!(
        sessions.len(),
        2,
        "expected only the two client-registered sessions: {}",
        vtysh::summarize(&sessions)
    );
    for p in &sessions {
        assert_eq!(
            p.interface.as_deref(),
            Some(l.if_a.as_str()),
            "{}",
            p.summary()
        );
    }

    let t0 = Instant::now();
    let mut cut = NftCut::cut(&t.a);
    let mut gone: [Option<Duration>; 2] = [None, None];
    while gone.iter().any(Option::is_none) && t0.elapsed() < Duration::from_secs(20) {
        for (i, v6) in [false, true].into_iter().enumerate() {
            if gone[i].is_none() && ospf_full(&dut, &l.if_a, v6).is_err() {
                gone[i] = Some(t0.elapsed());
            }
        }
        std::thread::sleep(FAST_POLL);
    }
    for (i, what) in ["OSPFv2", "OSPFv3"].iter().enumerate() {
        let at =
            gone[i].unwrap_or_else(|| panic!("{what} neighbor still Full 20 s after the BFD cut"));
        eprintln!(
            "{what} neighbor left Full {} ms after the cut",
            at.as_millis()
        );
        assert!(
            at <= BFD_TEARDOWN_WITHIN,
            "{what} neighbor torn down only after {at:?} (dead interval 40 s)"
        );
    }
    cut.restore();
    let (_, took) = wait_for("OSPF Full and BFD Up again", UP_TIMEOUT, POLL, all_up);
    eprintln!("back {took:?} after the restore");
}

/// (d) zebra SIGKILLed and restarted under the BFD daemon, with sessions
/// from bgpd (IPv4), ospfd (IPv4, second link) and ospf6d (link-local): the BFD
/// daemon keeps running, every client reconnects, and — required of bfdd-rs
/// (`strict`) — every client's registration reaches the BFD daemon again
/// through the new zebra (its debug log), every session
/// is there and Up with no flap on the wire (B's session-down counters
/// unchanged) and no client reset.
/// Then bgpd is SIGKILLed: its session goes away; restarted, it is
/// re-created and Up and BGP Established. Last, a BFD cut proves the
/// registrations are live: bgpd drops BGP for BFD (and, strict, both OSPF
/// neighbors are torn down).
///
/// FRR 8.4's bfdd itself does not meet the strict part: on reconnecting to
/// zebra it drops every client session (a Down on the wire) and a client
/// that reconnects to zebra after bfdd misses the replay request, so its
/// session is lost; with it the scenario only reports what happened.
pub fn scenario_zebra_bgpd_restart(kind: BfdKind, lab: &Lab, t: &Topo) {
    let strict = kind == BfdKind::Rs;
    assert!(t.links.len() >= 2, "this scenario needs two links");
    // BGP over link 0 (IPv4), OSPFv3 over link 0 (link-local), OSPFv2 over
    // link 1: three separate sessions, one per client.
    let l = t.link().clone();
    let l1 = t.links[1].clone();
    let (a4, b4): (IpAddr, IpAddr) = (l.a4.into(), l.b4.into());
    let (o_a4, o_b4): (IpAddr, IpAddr) = (l1.a4.into(), l1.b4.into());
    let net = format!("10.200.{}.16/28", t.id);
    let (dut, peer) = start_pair(
        kind,
        lab,
        t,
        RouterConf {
            bgpd: Some(bgpd_conf(AS_A, a4, b4, AS_B, &[])),
            ospfd: Some(ospfd_conf(&l1.if_a, a4, &net)),
            ospf6d: Some(ospf6d_conf(&l.if_a, a4)),
            ..RouterConf::default()
        },
        RouterConf {
            bgpd: Some(bgpd_conf(AS_B, b4, a4, AS_A, &[])),
            ospfd: Some(ospfd_conf(&l1.if_b, b4, &net)),
            ospf6d: Some(ospf6d_conf(&l.if_b, b4)),
            ..RouterConf::default()
        },
    );
    let a_ll = link_local(&t.a, &l.if_a).expect("A's link-local");
    let b_ll = link_local(&t.b, &l.if_b).expect("B's link-local");
    let sessions = [
        ("bgpd", b4, a4),
        ("ospfd", o_b4, o_a4),
        ("ospf6d", b_ll, a_ll),
    ];
    let everything_up = || -> Result<(), String> {
        for (_, b, a) in sessions {
            bfd_up(&dut, b)?;
            bfd_up(&peer, a)?;
        }
        bgp_up(&dut, b4)?;
        ospf_full(&dut, &l1.if_a, false)?;
        ospf_full(&dut, &l.if_a, true)
    };
    let (_, took) = wait_for(
        "all three sessions Up, BGP and OSPF up",
        UP_TIMEOUT,
        POLL,
        everything_up,
    );
    eprintln!("all up after {took:?}");
    std::thread::sleep(Duration::from_secs(1));
    let downs_before: Vec<u64> = sessions.iter().map(|(_, _, a)| downs(&peer, *a)).collect();
    let bgp_before = dut.bgp_neighbor(b4).expect("BGP neighbor");
    let bfdd_pid = dut.pid(Daemon::Bfdd).expect("BFD daemon pid");

    // ---- zebra crashes and comes back under the BFD daemon.
    let zebra_mark = dut.log_len(Daemon::Zebra);
    dut.restart(Daemon::Zebra);
    let t0 = Instant::now();
    wait_for(
        "every daemon reconnected to the new zebra",
        UP_TIMEOUT,
        POLL,
        || {
            let c = dut.zebra_clients()?;
            for want in ["bfd", "bgp", "ospf", "ospf6"] {
                if !c.iter().any(|n| n == want) {
                    return Err(format!("{want} missing from {c:?}"));
                }
            }
            Ok(())
        },
    );
    eprintln!(
        "all clients back on zebra {:?} after its restart",
        t0.elapsed()
    );
    assert_eq!(
        dut.pid(Daemon::Bfdd),
        Some(bfdd_pid),
        "the BFD daemon did not survive zebra's restart"
    );
    let registered = || -> Result<(), String> {
        let regs = dut.zebra_registers_since(zebra_mark);
        for want in ["bgp", "ospf", "ospf6"] {
            if !regs.iter().any(|n| n == want) {
                return Err(format!(
                    "no BFD registration from {want} yet, only from {regs:?}"
                ));
            }
        }
        Ok(())
    };
    if strict {
        // Clients re-register when the BFD daemon, reconnected, asks zebra
        // for a replay; give it the reconnect back-off and then some.
        wait_for(
            "every client's BFD registration replayed through the new zebra",
            UP_TIMEOUT,
            POLL,
            registered,
        );
        wait_for(
            "every session present and Up after zebra's restart",
            UP_TIMEOUT,
            POLL,
            || {
                for (who, b, _) in sessions {
                    bfd_up(&dut, b).map_err(|e| format!("{who}'s session: {e}"))?;
                }
                Ok(())
            },
        );
        hold_for(
            "sessions stay Up after zebra's restart",
            Duration::from_secs(3),
            POLL,
            || {
                for (_, b, a) in sessions {
                    bfd_up(&dut, b)?;
                    bfd_up(&peer, a)?;
                }
                Ok(())
            },
        );
        for ((who, _, a), before) in sessions.iter().zip(&downs_before) {
            assert_eq!(
                downs(&peer, *a),
                *before,
                "{who}'s session flapped on the wire (B's session-down counter)"
            );
        }
        let n = dut.bgp_neighbor(b4).expect("BGP neighbor");
        assert!(
            n.is_established() && n.connections_dropped == bgp_before.connections_dropped,
            "BGP reset across zebra's restart: {}",
            n.summary()
        );
        ospf_full(&dut, &l1.if_a, false).expect("OSPFv2 still Full after zebra's restart");
        ospf_full(&dut, &l.if_a, true).expect("OSPFv3 still Full after zebra's restart");
    } else {
        // Let FRR's bfdd reconnect (10 s back-off) and replay, then report.
        std::thread::sleep(Duration::from_secs(3));
        eprintln!(
            "FRR bfdd after zebra's restart, registrations zebra relayed from: {:?} ({})",
            dut.zebra_registers_since(zebra_mark),
            registered().err().unwrap_or_else(|| "all clients".into())
        );
        eprintln!(
            "FRR bfdd after zebra's restart: OSPFv2 {:?}, OSPFv3 {:?}, BGP {:?}",
            ospf_full(&dut, &l1.if_a, false),
            ospf_full(&dut, &l.if_a, true),
            dut.bgp_neighbor(b4).map(|n| n.summary())
        );
        for ((who, b, a), before) in sessions.iter().zip(&downs_before) {
            eprintln!(
                "FRR bfdd after zebra's restart, {who}'s session: {} (B's downs {before} -> {})",
                dut.vty()
                    .peer(*b)
                    .map(|p| p.summary())
                    .unwrap_or_else(|e| e),
                downs(&peer, *a)
            );
        }
    }

    // ---- bgpd crashes: its session goes; restarted, it comes back.
    let old = dut.vty().peer(b4).ok();
    dut.kill(Daemon::Bgpd, "KILL");
    if old.is_some() {
        wait_for(
            "bgpd's session removed after bgpd died",
            Duration::from_secs(15),
            POLL,
            || match dut.vty().peer(b4) {
                Err(_) => Ok(()),
                Ok(p) => Err(format!("still there: {}", p.summary())),
            },
        );
    }
    dut.start_daemon(Daemon::Bgpd);
    let (_, took) = wait_for(
        "bgpd's session re-created and Up, BGP Established",
        UP_TIMEOUT,
        POLL,
        || {
            bfd_up(&dut, b4)?;
            bgp_up(&dut, b4)
        },
    );
    eprintln!("bgpd's session back {took:?} after bgpd's restart");

    // ---- the registrations are live: BFD going down reaches the clients.
    let ospf_checked = strict;
    if !strict {
        // FRR's bfdd may have lost the OSPF registrations (see above).
        std::thread::sleep(Duration::from_millis(500));
    } else {
        everything_up().expect("everything up before the final cut");
    }
    let t0 = Instant::now();
    let _cut = cut_expect_bgp_drop(&dut, t, b4);
    if ospf_checked {
        for v6 in [false, true] {
            wait_for(
                "OSPF neighbor torn down by BFD",
                BFD_TEARDOWN_WITHIN.saturating_sub(t0.elapsed()),
                FAST_POLL,
                || match ospf_full(&dut, &l.if_a, v6) {
                    Ok(()) => Err("still Full".to_string()),
                    Err(_) => Ok(()),
                },
            );
        }
    }
}

/// (e) The router under test runs its BFD daemon with peers from its config
/// file (IPv4/IPv6, single-hop/multihop); B runs FRR's bfdd with the same
/// peers created through vtysh (`configure terminal` / `bfd` / `peer X`).
/// All four come Up on both sides and stay Up.
pub fn scenario_vtysh_peer(kind: BfdKind, lab: &Lab, t: &Topo) {
    let l = t.link().clone();
    let pairs: Vec<(PeerConf, PeerConf)> = vec![
        (
            PeerConf::single_hop(l.b4, &l.if_a),
            PeerConf::single_hop(l.a4, &l.if_b),
        ),
        (
            PeerConf::single_hop(l.b6, &l.if_a),
            PeerConf::single_hop(l.a6, &l.if_b),
        ),
        (
            PeerConf::multihop(t.lo_b4, t.lo_a4),
            PeerConf::multihop(t.lo_a4, t.lo_b4),
        ),
        (
            PeerConf::multihop(t.lo_b6, t.lo_a6),
            PeerConf::multihop(t.lo_a6, t.lo_b6),
        ),
    ];
    let (tx, rx, mult) = (200, 200, 3);
    let ours: Vec<PeerConf> = pairs
        .iter()
        .map(|(a, _)| a.clone().timers(tx, rx, mult))
        .collect();
    let (dut, peer) = start_pair(
        kind,
        lab,
        t,
        RouterConf {
            bfdd: bfd_block(&ours),
            ..RouterConf::default()
        },
        RouterConf::default(),
    );
    for (_, b) in &pairs {
        let lines = [
            "bfd".to_string(),
            b.header(),
            format!("detect-multiplier {mult}"),
            format!("transmit-interval {tx}"),
            format!("receive-interval {rx}"),
        ];
        let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
        peer.vty()
            .configure(&lines)
            .unwrap_or_else(|e| panic!("vtysh on B: {e}"));
    }
    let all_up = || -> Result<(), String> {
        for (a, b) in &pairs {
            bfd_up(&dut, a.peer)?;
            bfd_up(&peer, b.peer)?;
        }
        Ok(())
    };
    let (_, took) = wait_for(
        "all four sessions Up on both sides",
        UP_TIMEOUT,
        POLL,
        all_up,
    );
    eprintln!("all Up after {took:?}");
    for (a, _) in &pairs {
        let p = bfd_up(&dut, a.peer).expect("session");
        assert_eq!(
            (
                p.remote_detect_multiplier,
                p.remote_transmit_interval,
                p.remote_receive_interval
            ),
            (3, 200, 200),
            "B's vtysh-configured timers not seen: {}",
            p.summary()
        );
    }
    hold_for("all four stay Up", Duration::from_secs(3), POLL, all_up);
}
