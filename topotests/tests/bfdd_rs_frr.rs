//! bfdd-rs against FRR 8.4's bfdd: IPv4 and IPv6, single-hop and multihop
//! sessions in one topology per scenario (bfdd-rs in namespace A, FRR's
//! zebra + bfdd in B).

mod common;

use common::*;
use topotests::{Lab, Topo};

fn run(id: u8, name: &str, scenario: fn(SubjectKind, RemoteKind, &Lab, &Topo)) {
    let lab = Lab::new(name);
    let topo = Topo::new(id, 1);
    scenario(SubjectKind::BfddRs, RemoteKind::Frr, &lab, &topo);
}

/// Up on both sides; nft cut → Down with "control detection time expired"
/// within detect-mult × interval (+ margin); restore → Up.
#[test]
fn rs_vs_frr_up_cut_detect_restore() {
    run(10, "rs-frr-cut", scenario_up_cut_restore);
}

/// FRR changes transmit/receive intervals while Up: bfdd-rs shows the new
/// remote intervals, no flap on either side.
#[test]
fn rs_vs_frr_timer_change_no_flap() {
    run(11, "rs-frr-timers", scenario_timer_change);
}

/// passive-mode on bfdd-rs: silent until FRR speaks, then Up.
#[test]
fn rs_vs_frr_passive_mode() {
    run(12, "rs-frr-passive", scenario_passive);
}

/// `shutdown` via config + SIGHUP: FRR sees Down with remote-diagnostic
/// "administratively down"; `no shutdown` brings it back; SIGTERM sends
/// AdminDown and bfdd-rs exits.
#[test]
fn rs_vs_frr_shutdown_sighup_sigterm() {
    run(13, "rs-frr-shutdown", scenario_shutdown);
}
