//! VRFs as network namespaces (FRR's netns backend): bfdd-rs in namespace A
//! serves `peer ... vrf NAME` through the namespace NAME (a third namespace
//! holding the VRF's link to the remote), next to a default-VRF session on
//! A's own link, against a real FRR bfdd in namespace B. Checked: both VRFs
//! come Up; `show bfd vrf NAME peers [json]` lists the VRF's sessions only,
//! with FRR's vrf fields; a VRF peer added from vtysh comes Up; the VRF's
//! namespace deleted at run time takes its sessions Down (Path Down) while
//! the default VRF holds; re-created, they come back without a restart.

mod common;

use std::net::IpAddr;
use std::time::Duration;

use common::*;
use topotests::netns::veth;
use topotests::{hold_for, wait_for, BfddRs, FrrRouter, Lab, Netns, Topo};

const VRF_NS: &str = "bfrs-t106v";
const VRF_IF: &str = "bfrs-106v0";
const REMOTE_VRF_IF: &str = "bfrs-106w0";
const VRF_A4: &str = "10.203.106.1";
const VRF_B4: &str = "10.203.106.2";
const VRF_A6: &str = "fd00:203:106::1";
const VRF_B6: &str = "fd00:203:106::2";

/// The VRF's namespace with its link to the remote's namespace `b`.
fn make_vrf(b: &Netns) -> Netns {
    let v = Netns::create(VRF_NS);
    veth(&v, VRF_IF, b, REMOTE_VRF_IF);
    v.addr_add(VRF_IF, &format!("{VRF_A4}/28"));
    v.addr_add(VRF_IF, &format!("{VRF_A6}/64"));
    v
}

fn timers() -> &'static str {
    "  detect-multiplier 3\n  transmit-interval 300\n  receive-interval 300\n"
}

fn status(r: &topotests::Vtysh, peer: &str) -> Result<String, String> {
    let p: IpAddr = peer.parse().expect("address");
    r.peer(p).map(|s| s.status)
}

#[test]
fn rs_serves_a_netns_vrf_that_comes_and_goes() {
    let lab = Lab::new("vrf-rs");
    let t = Topo::new(106, 1);
    let l = t.link().clone();
    let remote_block = format!(
        "bfd\n peer {a4} interface {ib}\n{tm} exit\n !\n peer {va4} interface {rw}\n{tm} exit\n !\n \
         peer {va6} interface {rw}\n{tm} exit\n !\nexit\n!\n",
        a4 = l.a4,
        ib = l.if_b,
        va4 = VRF_A4,
        va6 = VRF_A6,
        rw = REMOTE_VRF_IF,
        tm = timers()
    );
    // The remote side's end of the VRF link exists from the start.
    let vrf = make_vrf(&t.b);
    t.b.addr_add(REMOTE_VRF_IF, &format!("{VRF_B4}/28"));
    t.b.addr_add(REMOTE_VRF_IF, &format!("{VRF_B6}/64"));
    let remote = FrrRouter::start(&lab, &t.b, "remote-frr", &remote_block);
    let subject_block = format!(
        "bfd\n peer {b4} interface {ia}\n{tm} exit\n !\n peer {vb4} interface {vi} vrf {vrf}\n{tm} exit\n !\nexit\n!\n",
        b4 = l.b4,
        ia = l.if_a,
        vb4 = VRF_B4,
        vi = VRF_IF,
        vrf = VRF_NS,
        tm = timers()
    );
    let subject = BfddRs::start(&lab, &t.a, "subject-rs", &subject_block);
    let rv = remote.vty();
    let sv = subject.vty();
    let up = |peers: &[&str], vty: &topotests::Vtysh| -> Result<(), String> {
        for p in peers {
            let st = status(vty, p)?;
            if st != "up" {
                return Err(format!("{p}: {st}"));
            }
        }
        Ok(())
    };
    let b4 = l.b4.to_string();
    let a4 = l.a4.to_string();
    wait_for(
        "default and VRF sessions Up",
        UP_TIMEOUT,
        Duration::from_millis(200),
        || {
            up(&[&b4, VRF_B4], sv)?;
            up(&[&a4, VRF_A4], rv)
        },
    );

    // FRR's vrf filter and fields.
    let vrf_json = sv
        .run(&[&format!("show bfd vrf {VRF_NS} peers json")])
        .expect("show bfd vrf NAME peers json");
    assert!(
        vrf_json.contains(&format!("\"vrf\":\"{VRF_NS}\"")),
        "{vrf_json}"
    );
    assert!(
        vrf_json.contains(VRF_B4) && !vrf_json.contains(&b4),
        "{vrf_json}"
    );
    let default_json = sv
        .run(&["show bfd vrf default peers json"])
        .expect("default");
    assert!(
        default_json.contains(&b4) && !default_json.contains(VRF_B4),
        "{default_json}"
    );
    let text = sv
        .run(&[&format!("show bfd vrf {VRF_NS} peers")])
        .expect("text");
    assert!(text.contains(&format!("vrf {VRF_NS}")), "{text}");

    // A VRF peer added from vtysh.
    sv.configure(&[
        "bfd",
        &format!("peer {VRF_B6} interface {VRF_IF} vrf {VRF_NS}"),
        "detect-multiplier 3",
        "transmit-interval 300",
        "receive-interval 300",
    ])
    .expect("vtysh VRF peer");
    wait_for(
        "the vtysh VRF peer Up",
        UP_TIMEOUT,
        Duration::from_millis(200),
        || {
            up(&[VRF_B6], sv)?;
            up(&[VRF_A6], rv)
        },
    );

    // The VRF's namespace goes away: its sessions go Down (path down), the
    // default VRF's session holds.
    drop(vrf);
    wait_for(
        "VRF sessions Down",
        Duration::from_secs(15),
        Duration::from_millis(200),
        || {
            for p in [VRF_B4, VRF_B6] {
                let s = sv.peer(p.parse().unwrap())?;
                if s.status != "down" || s.diagnostic != "path down" {
                    return Err(format!("{p}: {} {}", s.status, s.diagnostic));
                }
            }
            up(&[&b4], sv)
        },
    );
    // Re-created: back Up without a restart.
    let _vrf = make_vrf(&t.b);
    t.b.addr_add(REMOTE_VRF_IF, &format!("{VRF_B4}/28"));
    t.b.addr_add(REMOTE_VRF_IF, &format!("{VRF_B6}/64"));
    wait_for(
        "VRF sessions back Up",
        UP_TIMEOUT,
        Duration::from_millis(200),
        || {
            up(&[&b4, VRF_B4, VRF_B6], sv)?;
            up(&[&a4, VRF_A4, VRF_A6], rv)
        },
    );
    hold_for(
        "all Up",
        Duration::from_secs(3),
        Duration::from_millis(100),
        || up(&[&b4, VRF_B4, VRF_B6], sv),
    );
}
