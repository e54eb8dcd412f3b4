//! bfdd-rs as a daemon on a router, against FRR 8.4's bfdd: interface events
//! (link down/up, veth deleted and recreated with a new ifindex, a local
//! address that appears late), its own timers changed by config edit +
//! SIGHUP without a flap, a peer removed by SIGHUP (AdminDown), and
//! detection-time measurements at fast timers (`MEASURE` lines on stderr).

mod common;

use common::*;
use std::net::IpAddr;
use std::time::{Duration, SystemTime};
use topotests::{
    bfd_block, hold_for, netns, wait_for, FrrRouter, Lab, NftCounter, NftCut, NftFlagCounter,
    PeerConf, Topo,
};

const POLL: Duration = Duration::from_millis(100);
const FAST_POLL: Duration = Duration::from_millis(20);

/// The IPv4 and IPv6 single-hop sessions over link 0.
fn single_hop_sessions(t: &Topo) -> Vec<Sess> {
    four_sessions(t)
        .into_iter()
        .filter(|s| !s.multihop)
        .collect()
}

fn subject_peers(sessions: &[Sess], tx: u32, rx: u32, mult: u8) -> Vec<PeerConf> {
    sessions
        .iter()
        .map(|s| subject_peer(s).timers(tx, rx, mult))
        .collect()
}

/// The remote FRR's view of its session to `a`.
fn frr_peer(remote: &Remote, a: IpAddr) -> Result<topotests::BfdPeer, String> {
    match remote {
        Remote::Frr { router, .. } => router.vty().peer(a),
        Remote::Bird { .. } => Err("remote is not FRR".into()),
    }
}

/// The interface index of `dev` in `ns`, from `ip -o link show`.
fn ifindex(ns: &netns::Netns, dev: &str) -> u32 {
    let out = ns.must(&["ip", "-o", "link", "show", dev]);
    out.split(':')
        .next()
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no ifindex in {out:?}"))
}

/// Our sessions Down with diagnostic `diag`.
fn wait_subject_down(subject: &Subject, sessions: &[Sess], diag: &str, what: &str) {
    let (_, took) = wait_for(
        &format!("bfdd-rs sessions Down with {diag:?} after {what}"),
        Duration::from_secs(5),
        FAST_POLL,
        || subject.check_all(sessions, |p| p.status == "down" && p.diagnostic == diag),
    );
    eprintln!("bfdd-rs Down ({diag}) {took:?} after {what}");
}

/// FRR leaves Up because our packets stop: detection time expired.
fn wait_remote_timeout(remote: &Remote, sessions: &[Sess], what: &str) {
    let (_, took) = wait_for(
        &format!("FRR sessions Down by detection timeout after {what}"),
        Duration::from_secs(10),
        FAST_POLL,
        || {
            for s in sessions {
                let p = frr_peer(remote, s.a)?;
                if p.status != "down" || p.diagnostic != "control detection time expired" {
                    return Err(format!("{}: {}", s.label, p.summary()));
                }
            }
            Ok(())
        },
    );
    eprintln!("FRR Down (detection timeout) {took:?} after {what}");
}

/// Item 1 (a) and (b): our veth set down → both sides Down by detection
/// timeout (FRR's bfdd takes a session's path down only when its interface
/// is deleted, and bfdd-rs does the same: `differential_events.rs`); set up → Up again. Then the veth pair
/// is deleted (our sessions Down, "path down") and recreated with the same
/// names and addresses but a new ifindex → Up again.
#[test]
fn rs_vs_frr_interface_down_up_and_recreate() {
    let lab = Lab::new("rs-frr-ifevents");
    let topo = Topo::new(30, 1);
    let sessions = single_hop_sessions(&topo);
    let subject = Subject::start(
        SubjectKind::BfddRs,
        &lab,
        &topo,
        subject_peers(&sessions, TX, RX, MULT),
    );
    let remote = Remote::start(RemoteKind::Frr, &lab, &topo, &sessions, TX, RX, MULT);
    wait_all_up(&subject, &remote, &sessions);
    let l = topo.link().clone();

    // (a) link down, then up.
    topo.a.must(&["ip", "link", "set", &l.if_a, "down"]);
    wait_subject_down(
        &subject,
        &sessions,
        "control detection time expired",
        "link down",
    );
    wait_remote_timeout(&remote, &sessions, "link down");
    hold_for(
        "bfdd-rs sessions stay Down while the link is down",
        Duration::from_secs(1),
        POLL,
        || subject.check_all(&sessions, |p| p.status == "down"),
    );
    topo.a.must(&["ip", "link", "set", &l.if_a, "up"]);
    // Linux drops IPv6 addresses on link down (keep_addr_on_down=0), so the
    // address comes back the way an operator's network config would add it.
    topo.a.must(&[
        "ip",
        "-6",
        "addr",
        "replace",
        &format!("{}/64", l.a6),
        "dev",
        &l.if_a,
        "nodad",
    ]);
    let took = wait_all_up(&subject, &remote, &sessions);
    eprintln!("all Up {took:?} after link up");

    // (b) the veth pair deleted and recreated.
    let old_index = ifindex(&topo.a, &l.if_a);
    topo.a.must(&["ip", "link", "del", &l.if_a]);
    wait_subject_down(&subject, &sessions, "path down", "veth deleted");
    netns::veth(&topo.a, &l.if_a, &topo.b, &l.if_b);
    // The link is up for a while before its IPv4 address comes: a socket
    // connected meanwhile would get the loopback's address as its source
    // for good, and the peer would never find the session (seen in CI).
    std::thread::sleep(Duration::from_millis(1500));
    topo.a.addr_add(&l.if_a, &format!("{}/28", l.a4));
    topo.b.addr_add(&l.if_b, &format!("{}/28", l.b4));
    topo.a.addr_add(&l.if_a, &format!("{}/64", l.a6));
    topo.b.addr_add(&l.if_b, &format!("{}/64", l.b6));
    let new_index = ifindex(&topo.a, &l.if_a);
    assert_ne!(old_index, new_index, "the recreated veth kept its ifindex");
    let took = wait_all_up(&subject, &remote, &sessions);
    eprintln!("all Up {took:?} after the veth was recreated (ifindex {old_index} -> {new_index})");
}

/// Item 1 (c): sessions whose local-address is not yet on the interface
/// stay Down and send nothing; once the addresses are added they come Up.
#[test]
fn rs_vs_frr_local_address_added_later() {
    let lab = Lab::new("rs-frr-lateaddr");
    let topo = Topo::new(31, 1);
    let l = topo.link().clone();
    let late4: IpAddr = std::net::Ipv4Addr::new(10, 200, 31, 3).into();
    // Same subnets as link 0 (the topology writes the id in hex in IPv6).
    let late6: IpAddr = std::net::Ipv6Addr::new(0xfd00, 0x200, 31, 0, 0, 0, 0, 3).into();
    let sessions: Vec<Sess> = [
        ("v4 single-hop, late local", late4, IpAddr::from(l.b4)),
        ("v6 single-hop, late local", late6, IpAddr::from(l.b6)),
    ]
    .into_iter()
    .map(|(label, a, b)| Sess {
        label,
        a,
        b,
        multihop: false,
        if_a: l.if_a.clone(),
        if_b: l.if_b.clone(),
    })
    .collect();
    let peers: Vec<PeerConf> = sessions
        .iter()
        .map(|s| {
            let mut p = subject_peer(s).timers(TX, RX, MULT);
            p.local = Some(s.a);
            p
        })
        .collect();
    let counter = NftCounter::install(&topo.a);
    let subject = Subject::start(SubjectKind::BfddRs, &lab, &topo, peers);
    let remote = Remote::start(RemoteKind::Frr, &lab, &topo, &sessions, TX, RX, MULT);
    hold_for(
        "bfdd-rs silent and Down while its local addresses are missing",
        Duration::from_secs(3),
        POLL,
        || {
            subject.check_all(&sessions, |p| p.status == "down")?;
            match counter.packets() {
                0 => Ok(()),
                n => Err(format!("{n} BFD packets sent")),
            }
        },
    );
    topo.a.addr_add(&l.if_a, &format!("{late4}/28"));
    topo.a.addr_add(&l.if_a, &format!("{late6}/64"));
    let took = wait_all_up(&subject, &remote, &sessions);
    eprintln!("all Up {took:?} after the local addresses were added");
    assert!(
        counter.packets() > 0,
        "no packet counted once Up: the counter is broken"
    );
}

/// Session up/down counters of the subject, per session.
fn subject_flaps(subject: &Subject, sessions: &[Sess]) -> Vec<(u64, u64)> {
    let all = subject.vty().counters().expect("bfdd-rs counters");
    sessions
        .iter()
        .map(|s| {
            let c = all
                .iter()
                .find(|c| c.peer == s.b)
                .unwrap_or_else(|| panic!("{}: no counters", s.label));
            (c.session_up, c.session_down)
        })
        .collect()
}

fn remote_flaps(remote: &Remote, sessions: &[Sess]) -> Vec<String> {
    sessions
        .iter()
        .map(|s| remote.flap_marker(s.a).expect("FRR flap marker"))
        .collect()
}

/// Rewrites our timers with SIGHUP and checks FRR sees them (its
/// remote-transmit/receive-interval), a poll sequence ran (P sent, F
/// received), and nothing flapped.
fn change_own_timers(
    subject: &mut Subject,
    remote: &Remote,
    sessions: &[Sess],
    flags: &NftFlagCounter,
    ms: u32,
) {
    let polls = flags.polls_sent();
    let finals = flags.finals_received();
    let peers = subject_peers(sessions, ms, ms, MULT);
    subject
        .bfdd_rs()
        .expect("bfdd-rs subject")
        .reload(&bfd_block(&peers));
    subject.peers = peers;
    let (_, took) = wait_for(
        &format!("FRR to see our timers at {ms} ms"),
        Duration::from_secs(10),
        FAST_POLL,
        || {
            subject
                .check_all(sessions, |p| p.is_up())
                .map_err(|e| format!("FLAP: {e}"))?;
            subject.check_all(sessions, |p| {
                p.transmit_interval == u64::from(ms) && p.receive_interval == u64::from(ms)
            })?;
            for s in sessions {
                let p = frr_peer(remote, s.a)?;
                if !p.is_up() {
                    return Err(format!("FLAP on FRR: {}", p.summary()));
                }
                if p.remote_transmit_interval != u64::from(ms)
                    || p.remote_receive_interval != u64::from(ms)
                {
                    return Err(format!("{}: FRR: {}", s.label, p.summary()));
                }
            }
            Ok(())
        },
    );
    eprintln!("FRR sees our {ms} ms timers {took:?} after SIGHUP");
    wait_for(
        "a poll sequence (P sent, F received) for the change",
        Duration::from_secs(5),
        FAST_POLL,
        || {
            let (p, f) = (flags.polls_sent(), flags.finals_received());
            if p >= polls + sessions.len() as u64 && f >= finals + sessions.len() as u64 {
                Ok(())
            } else {
                Err(format!(
                    "P sent {} -> {p}, F received {} -> {f}",
                    polls, finals
                ))
            }
        },
    );
    hold_for(
        &format!("all sessions Up at {ms} ms"),
        Duration::from_secs(2),
        POLL,
        || {
            subject.check_all(sessions, |p| p.is_up())?;
            remote.check_all(sessions, |st| st == "up")
        },
    );
}

/// Item 2: our own transmit/receive intervals changed by config edit +
/// SIGHUP while Up (300 → 100 → 500 ms): FRR shows the new remote
/// intervals, a poll sequence ran, no session flapped on either side. Then
/// one peer removed from the config + SIGHUP: FRR sees that session Down at
/// once with "neighbor signaled session down" and remote-diagnostic
/// "administratively down", and the others stay Up untouched.
#[test]
fn rs_vs_frr_own_timers_sighup_and_peer_removed() {
    let lab = Lab::new("rs-frr-ownhup");
    let topo = Topo::new(32, 1);
    let sessions = four_sessions(&topo);
    let mut subject = Subject::start(
        SubjectKind::BfddRs,
        &lab,
        &topo,
        subject_peers(&sessions, 300, 300, MULT),
    );
    let remote = Remote::start(RemoteKind::Frr, &lab, &topo, &sessions, 100, 100, MULT);
    wait_all_up(&subject, &remote, &sessions);
    std::thread::sleep(Duration::from_secs(1));
    let flags = NftFlagCounter::install(&topo.a);
    let ours_before = subject_flaps(&subject, &sessions);
    let theirs_before = remote_flaps(&remote, &sessions);

    change_own_timers(&mut subject, &remote, &sessions, &flags, 100);
    change_own_timers(&mut subject, &remote, &sessions, &flags, 500);
    assert_eq!(
        subject_flaps(&subject, &sessions),
        ours_before,
        "bfdd-rs session up/down counters moved"
    );
    assert_eq!(
        remote_flaps(&remote, &sessions),
        theirs_before,
        "FRR session up/down counters moved"
    );

    // Remove the IPv4 single-hop peer.
    let (removed, kept): (Vec<Sess>, Vec<Sess>) = sessions
        .iter()
        .cloned()
        .partition(|s| s.label == "v4 single-hop");
    assert_eq!(removed.len(), 1);
    let gone = &removed[0];
    let peers = subject_peers(&kept, 500, 500, MULT);
    let ours_kept = subject_flaps(&subject, &kept);
    let theirs_kept = remote_flaps(&remote, &kept);
    subject
        .bfdd_rs()
        .expect("bfdd-rs subject")
        .reload(&bfd_block(&peers));
    subject.peers = peers;
    let (p, took) = wait_for(
        "FRR sees the removed peer Down",
        ADMIN_DOWN_WITHIN,
        FAST_POLL,
        || {
            let p = frr_peer(&remote, gone.a)?;
            if p.status == "down" {
                Ok(p)
            } else {
                Err(p.summary())
            }
        },
    );
    eprintln!(
        "FRR Down {took:?} after the peer was removed: {}",
        p.summary()
    );
    assert_eq!(
        p.diagnostic,
        "neighbor signaled session down",
        "FRR: {}",
        p.summary()
    );
    assert_eq!(
        p.remote_diagnostic,
        "administratively down",
        "FRR: {}",
        p.summary()
    );
    wait_for(
        "bfdd-rs no longer lists the removed peer",
        Duration::from_secs(5),
        POLL,
        || match subject.vty().peer(gone.b) {
            Ok(p) => Err(format!("still listed: {}", p.summary())),
            Err(_) => Ok(()),
        },
    );
    hold_for(
        "the other sessions stay Up",
        Duration::from_secs(2),
        POLL,
        || {
            subject.check_all(&kept, |p| p.is_up())?;
            remote.check_all(&kept, |st| st == "up")
        },
    );
    assert_eq!(
        subject_flaps(&subject, &kept),
        ours_kept,
        "bfdd-rs kept sessions flapped"
    );
    assert_eq!(
        remote_flaps(&remote, &kept),
        theirs_kept,
        "FRR kept sessions flapped"
    );
    hold_for(
        "FRR's removed session stays Down",
        Duration::from_secs(2),
        POLL,
        || match frr_peer(&remote, gone.a)?.status.as_str() {
            "up" => Err("Up again".into()),
            _ => Ok(()),
        },
    );
}

/// Item 3: detection time at fast timers against FRR, single-hop IPv4 —
/// 50 ms × 3 on link 0 and 10 ms × 3 on link 1 — timed from the nft cut
/// (when `nft` returned) to the Down bfdd-rs logs; one `MEASURE` line per
/// session on stderr.
#[test]
fn rs_vs_frr_fast_timers_detect_measure() {
    let lab = Lab::new("rs-frr-fast");
    let topo = Topo::new(33, 2);
    let timers = [(50u32, 3u8), (10, 3)];
    let sessions: Vec<Sess> = topo
        .links
        .iter()
        .zip(["v4 single-hop 50 ms", "v4 single-hop 10 ms"])
        .map(|(l, label)| Sess {
            label,
            a: l.a4.into(),
            b: l.b4.into(),
            multihop: false,
            if_a: l.if_a.clone(),
            if_b: l.if_b.clone(),
        })
        .collect();
    let ours: Vec<PeerConf> = sessions
        .iter()
        .zip(timers)
        .map(|(s, (ms, m))| subject_peer(s).timers(ms, ms, m))
        .collect();
    let theirs: Vec<PeerConf> = sessions
        .iter()
        .zip(timers)
        .map(|(s, (ms, m))| remote_frr_peer(s).timers(ms, ms, m))
        .collect();
    let subject = Subject::start(SubjectKind::BfddRs, &lab, &topo, ours);
    let router = FrrRouter::start(&lab, &topo.b, "remote-frr", &bfd_block(&theirs));
    let remote = Remote::Frr {
        router,
        peers: theirs,
    };
    wait_all_up(&subject, &remote, &sessions);
    std::thread::sleep(Duration::from_secs(2));
    subject
        .check_all(&sessions, |p| p.is_up())
        .expect("Up before the cut");

    let wall0 = SystemTime::now();
    let mut cut = NftCut::cut(&topo.a);
    // The rules take effect at the end of the nft run, which can take
    // hundreds of ms to start on a loaded machine: time from its return.
    let wall1 = SystemTime::now();
    let cut_took = wall1.duration_since(wall0).unwrap_or_default();
    let (changes, _) = wait_for(
        "bfdd-rs to log every session Down after the cut",
        Duration::from_secs(10),
        FAST_POLL,
        || {
            let all = subject.rs_state_changes().expect("bfdd-rs log");
            let downs: Vec<_> = sessions
                .iter()
                .filter_map(|s| {
                    all.iter()
                        .find(|c| c.peer == s.b && c.to == "Down" && c.at >= wall0)
                        .cloned()
                })
                .collect();
            if downs.len() == sessions.len() {
                Ok(downs)
            } else {
                Err(format!("{} of {} Down", downs.len(), sessions.len()))
            }
        },
    );
    eprintln!("nft cut took {} ms to install", cut_took.as_millis());
    for ((s, (ms, mult)), c) in sessions.iter().zip(timers).zip(&changes) {
        let detected = c.at.duration_since(wall1).unwrap_or_default();
        eprintln!(
            "MEASURE detect peer=frr family=v4 hop=single interval_ms={ms} mult={mult} detected_ms={}",
            detected.as_millis()
        );
        assert_eq!(
            (c.from.as_str(), c.diag.as_str()),
            ("Up", "control detection time expired"),
            "{}: {c:?}",
            s.label
        );
        let allowed = Duration::from_millis(u64::from(ms) * u64::from(mult)) + DETECT_MARGIN;
        assert!(
            detected <= allowed,
            "{}: Down {detected:?} after the cut, allowed {allowed:?}",
            s.label
        );
    }
    cut.restore();
    let took = wait_all_up(&subject, &remote, &sessions);
    eprintln!("all Up again {took:?} after the restore");
}
