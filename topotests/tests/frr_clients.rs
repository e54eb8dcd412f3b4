//! BFD for real FRR routing daemons: zebra, bgpd, ospfd and ospf6d use the
//! router's BFD daemon through zebra. `frr_bfdd_*` run each scenario with
//! FRR 8.4's own bfdd as that daemon (proving scenario and harness);
//! `rs_*` run the same scenario with bfdd-rs in FRR mode in its place. The
//! neighbouring router always runs FRR's bfdd.

mod clients_common;

use clients_common::*;
use topotests::{BfdKind, Lab, Topo};

fn run(id: u8, name: &str, kind: BfdKind, scenario: fn(BfdKind, &Lab, &Topo)) {
    run_links(id, 1, name, kind, scenario);
}

fn run_links(id: u8, links: u8, name: &str, kind: BfdKind, scenario: fn(BfdKind, &Lab, &Topo)) {
    let lab = Lab::new(name);
    let topo = Topo::new(id, links);
    scenario(kind, &lab, &topo);
}

// ---- FRR's own bfdd under test (ids 40-44) ----------------------------------

#[test]
fn frr_bfdd_bgp_bfd_cut_drops_bgp() {
    run(40, "c-frr-bgp-cut", BfdKind::Frr, scenario_bgp_cut);
}

#[test]
fn frr_bfdd_bgp_profile_and_cbit() {
    run(
        41,
        "c-frr-bgp-profile",
        BfdKind::Frr,
        scenario_bgp_profile_cbit,
    );
}

#[test]
fn frr_bfdd_ospf_ospf6_registrations() {
    run(42, "c-frr-ospf", BfdKind::Frr, scenario_ospf);
}

#[test]
fn frr_bfdd_zebra_and_bgpd_restart() {
    run_links(
        43,
        2,
        "c-frr-restart",
        BfdKind::Frr,
        scenario_zebra_bgpd_restart,
    );
}

#[test]
fn frr_bfdd_config_file_vs_vtysh_peer() {
    run(44, "c-frr-vtysh", BfdKind::Frr, scenario_vtysh_peer);
}

// ---- bfdd-rs under test (ids 50-54) -----------------------------------------

#[test]
fn rs_bgp_bfd_cut_drops_bgp() {
    run(50, "c-rs-bgp-cut", BfdKind::Rs, scenario_bgp_cut);
}

#[test]
fn rs_bgp_profile_and_cbit() {
    run(
        51,
        "c-rs-bgp-profile",
        BfdKind::Rs,
        scenario_bgp_profile_cbit,
    );
}

#[test]
fn rs_ospf_ospf6_registrations() {
    run(52, "c-rs-ospf", BfdKind::Rs, scenario_ospf);
}

#[test]
fn rs_zebra_and_bgpd_restart() {
    run_links(
        53,
        2,
        "c-rs-restart",
        BfdKind::Rs,
        scenario_zebra_bgpd_restart,
    );
}

#[test]
fn rs_config_file_vs_frr_vtysh_peer() {
    run(54, "c-rs-vtysh", BfdKind::Rs, scenario_vtysh_peer);
}
