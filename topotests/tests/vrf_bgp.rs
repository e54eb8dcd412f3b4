//! bgpd in a netns VRF registers its BFD peer through zebra (started with
//! `--vrfwnetns`, so the namespace NAME is VRF NAME): bfdd-rs must open the
//! session in that VRF's namespace, show it with the VRF's name, bring it
//! Up against FRR in the remote namespace, and tell bgpd, which then
//! shows BFD Up for its neighbor.
//!
//! The same case with FRR 8.4's bfdd under test passed by hand, but cannot
//! stay in CI: with `--vrfwnetns` zebra makes a VRF of every namespace in
//! /run/netns, and FRR's bfdd then binds UDP 3784 in all of them, the
//! remote's namespace too, where it takes part of the remote bfdd's packets
//! (its log: "no session found ... vrf:4"), so the session comes Up only
//! some of the time. bfdd-rs opens sockets only in the namespaces of VRFs
//! that have sessions.

use std::net::IpAddr;
use std::time::Duration;

use topotests::netns::veth;
use topotests::{wait_for, BfdKind, Lab, Netns, Router, RouterConf, Topo};

fn bgpd_conf(asn: u32, vrf: Option<&str>, id: &str, peer: &str, peer_as: u32) -> String {
    let head = match vrf {
        Some(v) => format!("router bgp {asn} vrf {v}"),
        None => format!("router bgp {asn}"),
    };
    format!(
        "{head}\n bgp router-id {id}\n no bgp ebgp-requires-policy\n no bgp network import-check\n\
         timers bgp 30 90\n neighbor {peer} remote-as {peer_as}\n neighbor {peer} timers connect 5\n\
         neighbor {peer} bfd\nexit\n!\n"
    )
}

fn case(kind: BfdKind, id: u8, name: &str) {
    let lab = Lab::new(name);
    let t = Topo::new(id, 1);
    let vrf = format!("bfrs-t{id}v");
    let v = Netns::create(&vrf);
    let (vi, wi) = (format!("bfrs-{id}v0"), format!("bfrs-{id}w0"));
    veth(&v, &vi, &t.b, &wi);
    let (a4, b4) = (format!("10.203.{id}.1"), format!("10.203.{id}.2"));
    v.addr_add(&vi, &format!("{a4}/28"));
    t.b.addr_add(&wi, &format!("{b4}/28"));
    let dut = Router::start(
        &lab,
        &t.a,
        "dut",
        kind,
        &RouterConf {
            zebra_args: vec!["--vrfwnetns".into()],
            bgpd: Some(bgpd_conf(65001, Some(&vrf), &a4, &b4, 65002)),
            ..RouterConf::default()
        },
    );
    let peer = Router::start(
        &lab,
        &t.b,
        "peer",
        BfdKind::Frr,
        &RouterConf {
            bgpd: Some(bgpd_conf(65002, None, &b4, &a4, 65001)),
            ..RouterConf::default()
        },
    );
    let b: IpAddr = b4.parse().unwrap();
    let a: IpAddr = a4.parse().unwrap();
    let show_vrf = format!("show bfd vrf {vrf} peers json");
    let neighbor = format!("show bgp vrf {vrf} neighbors {b4} json");
    wait_for(
        "BFD Up in the VRF on both sides and bgpd told",
        Duration::from_secs(60),
        Duration::from_millis(250),
        || {
            let p = dut.vty().peer(b)?;
            if !p.is_up() {
                return Err(format!("dut: {}", p.summary()));
            }
            let q = peer.vty().peer(a)?;
            if !q.is_up() {
                return Err(format!("peer: {}", q.summary()));
            }
            let n = topotests::routing_json::parse_bgp_neighbor(&dut.vty().run(&[&neighbor])?)?;
            if n.is_established() && n.bfd_status.as_deref() == Some("Up") {
                Ok(())
            } else {
                Err(format!("dut bgp: {}", n.summary()))
            }
        },
    );
    let json = dut.vty().run(&[&show_vrf]).expect("show bfd vrf peers");
    assert!(json.contains(&format!("\"vrf\":\"{vrf}\"")), "{json}");
    assert!(json.contains(&b4), "{json}");
    let default = dut
        .vty()
        .run(&["show bfd vrf default peers json"])
        .expect("default");
    assert!(
        !default.contains(&b4),
        "the VRF session shows in the default VRF: {default}"
    );
}

#[test]
fn rs_serves_bgpd_in_a_netns_vrf() {
    case(BfdKind::Rs, 108, "vb-rs");
}
