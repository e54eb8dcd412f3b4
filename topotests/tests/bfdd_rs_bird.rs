//! bfdd-rs against BIRD 2: IPv4 and IPv6, single-hop and multihop sessions
//! in one topology per scenario (bfdd-rs in namespace A, BIRD in B; BIRD's
//! multihop packets arrive with TTL 64, so bfdd-rs's multihop peers set a
//! low minimum-ttl), plus the five authentication types.

mod common;

use common::*;
use topotests::{BfddRs, BirdRouter, Lab, Topo};

fn run(id: u8, name: &str, scenario: fn(SubjectKind, RemoteKind, &Lab, &Topo)) {
    let lab = Lab::new(name);
    let topo = Topo::new(id, 1);
    scenario(SubjectKind::BfddRs, RemoteKind::Bird, &lab, &topo);
}

/// Up on both sides; nft cut → Down with "control detection time expired"
/// within detect-mult × interval (+ margin); restore → Up.
#[test]
fn rs_vs_bird_up_cut_detect_restore() {
    run(20, "rs-bird-cut", scenario_up_cut_restore);
}

/// BIRD changes its intervals (`birdc configure`) while Up: bfdd-rs shows
/// the new remote intervals, no flap on either side.
#[test]
fn rs_vs_bird_timer_change_no_flap() {
    run(21, "rs-bird-timers", scenario_timer_change);
}

/// passive-mode on bfdd-rs: silent until BIRD speaks, then Up.
#[test]
fn rs_vs_bird_passive_mode() {
    run(22, "rs-bird-passive", scenario_passive);
}

/// `shutdown` via config + SIGHUP: BIRD goes Down at once (long before its
/// detection time); `no shutdown` brings it back; SIGTERM sends AdminDown
/// and bfdd-rs exits.
#[test]
fn rs_vs_bird_shutdown_sighup_sigterm() {
    run(23, "rs-bird-shutdown", scenario_shutdown);
}

/// simple, keyed MD5, meticulous keyed MD5, keyed SHA1 and meticulous keyed
/// SHA1 against BIRD come Up over IPv4 and IPv6 single-hop, and meticulous
/// keyed SHA1 over IPv4 and IPv6 multihop (BIRD has one multihop block, so
/// one type there); keyed SHA1 with a wrong key never comes Up over either
/// family, and bfdd-rs accepts none of the packets it receives for it.
#[test]
fn rs_vs_bird_auth_five_types_and_wrong_key() {
    let lab = Lab::new("rs-bird-auth");
    let topo = Topo::new(24, AUTH_LINKS);
    let cases = auth_cases(&topo);
    let rx = AuthRxCounter::install(&topo, &cases);
    let subject = BfddRs::start(
        &lab,
        &topo.a,
        "subject-rs",
        &topotests::bfd_block(&subject_auth_peers(&cases)),
    );
    let remote = BirdRouter::start(&lab, &topo.b, "remote-bird", &bird_auth_conf(&cases, true));
    check_auth(&cases, &remote, |addr| {
        Ok(subject.vty().peer(addr)?.is_up())
    });
    check_auth_counters(&cases, subject.vty(), &rx);
}
