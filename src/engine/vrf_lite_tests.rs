//! Unit tests of VRF-lite in the engine core. This kernel cannot create a
//! VRF device, so `lo` plays one (SO_BINDTODEVICE works the same on it):
//! a VRF's sessions are served once a device of its name is in the link
//! set, follow it away and back, and a device whose sockets cannot be
//! bound leaves them waiting and is counted. They need root.

use std::time::Instant;

use bfd::packet::Diag;
use bfd::{Endpoint, EndpointConfig};

use super::core::Core;
use super::udp::KernelUdp;
use super::vrf::{VrfPaths, WantedVrfs};
use super::{Command, EngineOptions, LinkInfo, SessionConfig, SessionKey};

fn lo_ifindex() -> u32 {
    // SAFETY: a NUL-terminated constant name.
    let i = unsafe { libc::if_nametoindex(c"lo".as_ptr()) };
    assert!(i > 0, "lo exists");
    i
}

/// A multihop session from 127.0.0.1 in VRF `vrf`.
fn spec(vrf: &str) -> SessionConfig {
    SessionConfig::new(
        SessionKey {
            peer: "127.0.0.9".parse().unwrap(),
            local: Some("127.0.0.1".parse().unwrap()),
            ifname: None,
            vrf: vrf.into(),
            multihop: true,
        },
        Default::default(),
    )
}

fn core() -> Core {
    let (tx, _rx) = super::notification_channel(super::NOTIFY_CAPACITY);
    let ep = Endpoint::new(EndpointConfig {
        seed: 1,
        ..EndpointConfig::default()
    });
    let opts = EngineOptions {
        no_ipv6: true,
        ..EngineOptions::default()
    };
    let paths = VrfPaths::new(&opts, KernelUdp::without_listeners(), WantedVrfs::default());
    Core::new(ep, Box::new(paths), tx)
}

fn device(ifindex: u32, name: &str) -> LinkInfo {
    LinkInfo {
        ifindex,
        name: name.into(),
        up: true,
        addrs: vec!["127.0.0.1".parse().unwrap()],
        master: 0,
        vrf_device: true,
    }
}

fn enabled(c: &Core, key: &SessionKey) -> bool {
    c.ep.get(c.ep.find(key).unwrap()).unwrap().enabled
}

#[test]
fn a_vrf_is_served_on_its_device_and_follows_it() {
    let mut c = core();
    let now = Instant::now();
    let s = spec("lo");
    c.command(Command::Upsert(s.clone()), now);
    c.command(Command::Links(vec![]), now);
    assert!(!enabled(&c, &s.key), "no device: waiting");

    c.command(Command::Links(vec![device(lo_ifindex(), "lo")]), now);
    assert!(enabled(&c, &s.key), "served on the device");

    c.command(Command::Links(vec![]), now);
    assert!(!enabled(&c, &s.key), "device gone");
    let h = c.ep.find(&s.key).unwrap();
    assert_eq!(c.ep.get(h).unwrap().session.local_diag(), Diag::PATH_DOWN);

    c.command(Command::Links(vec![device(lo_ifindex(), "lo")]), now);
    assert!(enabled(&c, &s.key), "device back");
    assert_eq!(c.path.counters().socket_errors, 0);
}

#[test]
fn a_device_that_cannot_be_bound_leaves_the_vrf_waiting() {
    let mut c = core();
    let now = Instant::now();
    let s = spec("bfrs-nodev");
    c.command(Command::Upsert(s.clone()), now);
    c.command(Command::Links(vec![device(9999, "bfrs-nodev")]), now);
    assert!(!enabled(&c, &s.key));
    assert_eq!(c.path.counters().socket_errors, 1);
    // A default-VRF session is not touched by it.
    let d = spec("default");
    c.command(Command::Upsert(d.clone()), now);
    let lo = LinkInfo {
        vrf_device: false,
        ..device(lo_ifindex(), "lo")
    };
    c.command(Command::Links(vec![lo, device(9999, "bfrs-nodev")]), now);
    assert!(enabled(&c, &d.key));
    assert!(!enabled(&c, &s.key));
}
