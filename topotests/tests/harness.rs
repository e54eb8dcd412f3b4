//! Harness self-tests: the same scenarios the bfdd-rs tests use, run with
//! FRR 8.4's own bfdd as the subject against real FRR and BIRD peers. They
//! prove the topologies, drivers and checks work (and can pass) on a
//! known-good implementation, independently of bfdd-rs.

mod common;

use common::*;
use topotests::{Lab, Topo};

fn run(id: u8, name: &str, remote: RemoteKind, scenario: fn(SubjectKind, RemoteKind, &Lab, &Topo)) {
    let lab = Lab::new(name);
    let topo = Topo::new(id, 1);
    scenario(SubjectKind::Frr, remote, &lab, &topo);
}

#[test]
fn frr_vs_frr_up_cut_detect_restore() {
    run(1, "h-frr-frr-cut", RemoteKind::Frr, scenario_up_cut_restore);
}

#[test]
fn frr_vs_frr_timer_change_no_flap() {
    run(
        2,
        "h-frr-frr-timers",
        RemoteKind::Frr,
        scenario_timer_change,
    );
}

#[test]
fn frr_vs_frr_passive_mode() {
    run(3, "h-frr-frr-passive", RemoteKind::Frr, scenario_passive);
}

#[test]
fn frr_vs_frr_shutdown_admin_down() {
    run(4, "h-frr-frr-shutdown", RemoteKind::Frr, scenario_shutdown);
}

#[test]
fn frr_vs_bird_up_cut_detect_restore() {
    run(
        5,
        "h-frr-bird-cut",
        RemoteKind::Bird,
        scenario_up_cut_restore,
    );
}

#[test]
fn frr_vs_bird_timer_change_no_flap() {
    run(
        6,
        "h-frr-bird-timers",
        RemoteKind::Bird,
        scenario_timer_change,
    );
}

#[test]
fn frr_vs_bird_passive_mode() {
    run(7, "h-frr-bird-passive", RemoteKind::Bird, scenario_passive);
}

#[test]
fn frr_vs_bird_shutdown_admin_down() {
    run(
        8,
        "h-frr-bird-shutdown",
        RemoteKind::Bird,
        scenario_shutdown,
    );
}

/// BIRD against BIRD over six links: each auth type Up, a wrong key never
/// (FRR 8.4 has no authentication, so BIRD is the subject here).
#[test]
fn bird_vs_bird_auth_five_types_and_wrong_key() {
    let lab = Lab::new("h-bird-bird-auth");
    let topo = Topo::new(9, AUTH_LINKS);
    let cases = auth_cases(&topo);
    let subject = topotests::BirdRouter::start(
        &lab,
        &topo.a,
        "subject-bird",
        &bird_auth_conf(&cases, false),
    );
    let remote =
        topotests::BirdRouter::start(&lab, &topo.b, "remote-bird", &bird_auth_conf(&cases, true));
    check_auth(&cases, &remote, |addr| Ok(subject.session(addr)?.is_up()));
}
