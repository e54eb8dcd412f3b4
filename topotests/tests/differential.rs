//! Differential scenarios: the same topology and steps run twice, once with
//! FRR 8.4's own bfdd as the daemon under test and once with bfdd-rs, and
//! what a real FRR peer shows about the daemon under test is compared field
//! by field, together with the distinct packets the subject sends on each
//! session (tshark on the subject's link: every field but the
//! discriminators). Only values that cannot match (discriminators, times,
//! packet counts) are left out of the comparison.

mod common;

use std::time::Duration;

use common::*;
use std::collections::BTreeSet;

use topotests::{capture, Lab, NftCut, Topo};

/// What the remote FRR shows about the subject's end of each session, while
/// the subject cannot come Up: the remote's packets never reach it (a one-way
/// cut on the remote's output), so the subject stays Down and the remote,
/// hearing its Down packets, sits in Init.
fn not_up_view(kind: SubjectKind, id: u8, name: &str) -> Vec<String> {
    let lab = Lab::new(name);
    let t = Topo::new(id, 1);
    let sessions = four_sessions(&t);
    let remote = Remote::start(RemoteKind::Frr, &lab, &t, &sessions, TX, RX, MULT);
    let _cut = NftCut::cut_output(&t.b);
    let _subject = Subject::start(
        kind,
        &lab,
        &t,
        default_subject_peers(&sessions, RemoteKind::Frr),
    );
    // Several of the subject's slow (1 s) packets.
    std::thread::sleep(Duration::from_secs(5));
    let wire = wire_view(&t, &sessions);
    let Remote::Frr { router, .. } = &remote else {
        unreachable!("an FRR remote");
    };
    let views: Vec<String> = sessions
        .iter()
        .map(|s| {
            let p = router.vty().peer(s.a).expect("remote's session");
            format!(
                "{}: status {}, remote diagnostic {}, remote receive {} ms, \
                 remote transmit {} ms, remote multiplier {}",
                s.label,
                p.status,
                p.remote_diagnostic,
                p.remote_receive_interval,
                p.remote_transmit_interval,
                p.remote_detect_multiplier
            )
        })
        .collect();
    views.into_iter().chain(wire).collect()
}

/// The subject starts with every peer configured `shutdown`: what the remote
/// FRR shows about it, what the subject shows about itself, and how many
/// packets it sent.
fn shutdown_from_start_view(kind: SubjectKind, id: u8, name: &str) -> (Vec<String>, Vec<u64>) {
    let lab = Lab::new(name);
    let t = Topo::new(id, 1);
    let sessions = four_sessions(&t);
    let remote = Remote::start(RemoteKind::Frr, &lab, &t, &sessions, TX, RX, MULT);
    let peers = default_subject_peers(&sessions, RemoteKind::Frr)
        .into_iter()
        .map(|mut p| {
            p.shutdown = true;
            p
        })
        .collect();
    let subject = Subject::start(kind, &lab, &t, peers);
    // Longer than a Detection Time at the slow rate.
    std::thread::sleep(Duration::from_secs(6));
    let Remote::Frr { router, .. } = &remote else {
        unreachable!("an FRR remote");
    };
    let own = subject.vty().peers().expect("subject's peers");
    let counters = subject.vty().counters().expect("subject's counters");
    let mut view = Vec::new();
    let mut sent = Vec::new();
    for s in &sessions {
        let p = router.vty().peer(s.a).expect("remote's session");
        let o = own
            .iter()
            .find(|o| o.peer == s.b)
            .expect("subject's session");
        view.push(format!(
            "{}: remote sees status {}, remote diagnostic {}, remote receive {} ms, \
             remote transmit {} ms; subject shows status {}, diagnostic {}",
            s.label,
            p.status,
            p.remote_diagnostic,
            p.remote_receive_interval,
            p.remote_transmit_interval,
            o.status,
            o.diagnostic
        ));
        let c = counters.iter().find(|c| c.peer == s.b).expect("counters");
        sent.push(c.control_packet_output);
    }
    (view, sent)
}

/// A peer configured `shutdown` from the start. Both daemons leave the
/// diagnostic at 0 and end up silent; FRR's bfdd sends a single AdminDown
/// packet where bfdd-rs sends them for one Detection Time, as RFC 5880
/// §6.8.16 asks (a deliberate difference: up to 4 packets instead of 1).
#[test]
fn shutdown_from_the_start_looks_the_same() {
    let (frr, frr_sent) = shutdown_from_start_view(SubjectKind::Frr, 82, "d-shut-frr");
    let (rs, rs_sent) = shutdown_from_start_view(SubjectKind::BfddRs, 83, "d-shut-rs");
    eprintln!(
        "FRR bfdd as subject ({frr_sent:?} sent):\n  {}",
        frr.join("\n  ")
    );
    eprintln!(
        "bfdd-rs as subject ({rs_sent:?} sent):\n  {}",
        rs.join("\n  ")
    );
    assert_eq!(
        rs, frr,
        "bfdd-rs shut down from the start differs from FRR's bfdd"
    );
    for (f, r) in frr_sent.iter().zip(&rs_sent) {
        assert!(*f <= 1, "FRR sends at most one AdminDown: {frr_sent:?}");
        assert!(
            (1..=4).contains(r),
            "a Detection Time of AdminDown: {rs_sent:?}"
        );
    }
}

/// RFC 5880 §6.8.3 leaves the intervals a session advertises while not Up
/// partly open (Desired Min TX at least 1 s); FRR's bfdd advertises 1 s for
/// both, and a peer must see the same from bfdd-rs.
#[test]
fn peer_sees_the_same_intervals_while_not_up() {
    let frr = not_up_view(SubjectKind::Frr, 80, "d-notup-frr");
    let rs = not_up_view(SubjectKind::BfddRs, 81, "d-notup-rs");
    eprintln!("FRR bfdd as subject:\n  {}", frr.join("\n  "));
    eprintln!("bfdd-rs as subject:\n  {}", rs.join("\n  "));
    assert!(
        frr.iter()
            .filter(|l| l.contains("status"))
            .all(|l| l.contains("status init")),
        "the remote hears the subject: {frr:?}"
    );
    assert_eq!(
        rs, frr,
        "the remote's view of bfdd-rs differs from FRR's bfdd"
    );
}

/// Sessions Up and settled with different timers on each side (the subject
/// 250/300 ms x 4, the remote 200/200 ms x 3), the subject `passive` or not:
/// both sides' views of every session.
fn settled_view(kind: SubjectKind, id: u8, name: &str, passive: bool) -> Vec<String> {
    settled_then(kind, id, name, passive, |_| NftCutHolder(None))
}

/// `settled_view` after `step` (given the topology) and 3 s more.
fn settled_then(
    kind: SubjectKind,
    id: u8,
    name: &str,
    passive: bool,
    step: impl FnOnce(&Topo) -> NftCutHolder,
) -> Vec<String> {
    let lab = Lab::new(name);
    let t = Topo::new(id, 1);
    let sessions = four_sessions(&t);
    let peers = default_subject_peers(&sessions, RemoteKind::Frr)
        .into_iter()
        .map(|p| p.timers(250, 300, 4).passive(passive))
        .collect();
    let subject = Subject::start(kind, &lab, &t, peers);
    let remote = Remote::start(RemoteKind::Frr, &lab, &t, &sessions, TX, RX, MULT);
    wait_all_up(&subject, &remote, &sessions);
    std::thread::sleep(Duration::from_secs(3));
    let wire = wire_view(&t, &sessions);
    let _held = step(&t);
    if _held.0.is_some() {
        std::thread::sleep(Duration::from_secs(3));
    }
    let Remote::Frr { router, .. } = &remote else {
        unreachable!("an FRR remote");
    };
    let own = subject.vty().peers().expect("subject's peers");
    let views = sessions.iter().map(|s| {
        let r = router.vty().peer(s.a).expect("remote's session");
        let o = own
            .iter()
            .find(|o| o.peer == s.b)
            .expect("subject's session");
        format!(
            "{}: remote sees {} diag {} remote-diag {} rx {} tx {} mult {} / \
                 remote rx {} tx {} mult {}; subject shows {} diag {} remote-diag {} \
                 passive {} rx {} tx {} mult {} / remote rx {} tx {} mult {}",
            s.label,
            r.status,
            r.diagnostic,
            r.remote_diagnostic,
            r.receive_interval,
            r.transmit_interval,
            r.detect_multiplier,
            r.remote_receive_interval,
            r.remote_transmit_interval,
            r.remote_detect_multiplier,
            o.status,
            o.diagnostic,
            o.remote_diagnostic,
            o.passive,
            o.receive_interval,
            o.transmit_interval,
            o.detect_multiplier,
            o.remote_receive_interval,
            o.remote_transmit_interval,
            o.remote_detect_multiplier
        )
    });
    views.chain(wire).collect()
}

/// The distinct BFD Control packets the subject sends on each session over
/// 3 s (captured on the link with tshark): every field but discriminators.
fn wire_view(t: &Topo, sessions: &[Sess]) -> Vec<String> {
    let l = t.link();
    let pkts = capture::capture_bfd(&t.a, &l.if_a, 200, Duration::from_secs(3))
        .expect("capture on the subject's link");
    sessions
        .iter()
        .map(|s| {
            let seen: BTreeSet<String> = pkts
                .iter()
                .filter(|p| p.src == s.a && p.dst == s.b)
                .map(|p| {
                    format!(
                        "sta {} diag {} P {} F {} A {} D {} C {} mult {} tx {} rx {} echo {}",
                        p.state,
                        p.diag,
                        p.poll,
                        p.final_,
                        p.auth,
                        p.demand,
                        p.cbit,
                        p.detect_mult,
                        p.desired_min_tx,
                        p.required_min_rx,
                        p.required_min_echo_rx
                    )
                })
                .collect();
            assert!(!seen.is_empty(), "{}: no packet captured", s.label);
            format!("{} on the wire: {seen:?}", s.label)
        })
        .collect()
}

/// What a scenario step leaves in force until the views are read.
struct NftCutHolder(Option<NftCut>);

/// Up and settled, then a silent cut of BFD in the subject's namespace: both
/// sides go Down by detection, and show the same of it.
#[test]
fn sessions_cut_look_the_same() {
    let cut = |t: &Topo| NftCutHolder(Some(NftCut::cut(&t.a)));
    let frr = settled_then(SubjectKind::Frr, 88, "d-cut-frr", false, cut);
    let rs = settled_then(SubjectKind::BfddRs, 89, "d-cut-rs", false, cut);
    eprintln!("cut, FRR bfdd as subject:\n  {}", frr.join("\n  "));
    eprintln!("cut, bfdd-rs as subject:\n  {}", rs.join("\n  "));
    assert!(
        frr.iter()
            .filter(|l| !l.contains("on the wire"))
            .all(|l| l.contains("subject shows down")),
        "{frr:?}"
    );
    assert_eq!(rs, frr, "cut: bfdd-rs differs from FRR's bfdd");
}

/// Up and settled, active and passive: both sides show the same of a
/// session whichever daemon is the subject.
#[test]
fn settled_sessions_look_the_same() {
    for (passive, ids) in [(false, (84, 85)), (true, (86, 87))] {
        let tag = if passive { "passive" } else { "active" };
        let frr = settled_view(SubjectKind::Frr, ids.0, &format!("d-up-{tag}-frr"), passive);
        let rs = settled_view(
            SubjectKind::BfddRs,
            ids.1,
            &format!("d-up-{tag}-rs"),
            passive,
        );
        eprintln!("{tag}, FRR bfdd as subject:\n  {}", frr.join("\n  "));
        eprintln!("{tag}, bfdd-rs as subject:\n  {}", rs.join("\n  "));
        assert_eq!(rs, frr, "{tag}: bfdd-rs differs from FRR's bfdd");
    }
}
