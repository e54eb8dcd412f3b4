//! IPv6 between two engines: the test thread moves into a private, anonymous
//! network namespace (unshare), so it can put two IPv6 addresses on its own
//! loopback without touching the host; the engine threads it spawns inherit
//! the namespace, which vanishes with them. Needs root.

mod engine_support;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::{Duration, Instant};

use bfd::packet::State;
use bfdd_rs::engine::{self, Command, EngineOptions, Notification, SessionConfig, SessionKey};
use engine_support::{fast_spec, in_private_netns, ip, lo_links};
use tokio::sync::mpsc::Receiver;

const A6: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1);
const B6: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 2);

fn wait_up(rx: &mut Receiver<Notification>, within: Duration) -> bool {
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        match rx.try_recv() {
            Ok(Notification::StateChanged { to: State::Up, .. }) => return true,
            Ok(_) => {}
            Err(_) => std::thread::sleep(Duration::from_millis(5)),
        }
    }
    false
}

fn spec(peer: Ipv6Addr, local: Ipv6Addr, multihop: bool) -> SessionConfig {
    fast_spec(SessionKey {
        peer: IpAddr::V6(peer),
        local: Some(IpAddr::V6(local)),
        ifname: if multihop { None } else { Some("lo".into()) },
        vrf: "default".into(),
        multihop,
    })
}

fn two_engines_over_ipv6() {
    ip("-6 addr add 2001:db8::1/128 dev lo nodad");
    ip("-6 addr add 2001:db8::2/128 dev lo nodad");

    let links = || lo_links(vec![IpAddr::V6(A6), IpAddr::V6(B6)]);
    let start = |v4: Ipv4Addr, v6: Ipv6Addr| {
        let (tx, rx) = engine::notification_channel(engine::NOTIFY_CAPACITY);
        let opts = EngineOptions {
            bind_v4: Some(v4),
            bind_v6: Some(v6),
            no_ipv6: false,
        };
        let (h, j) = engine::spawn(opts, tx).expect("engine starts");
        (h, j, rx)
    };
    let (ha, ja, mut ra) = start(Ipv4Addr::new(127, 0, 0, 1), A6);
    let (hb, jb, mut rb) = start(Ipv4Addr::new(127, 0, 0, 2), B6);
    for h in [&ha, &hb] {
        h.send(links()).unwrap();
    }
    for multihop in [false, true] {
        ha.send(Command::Upsert(spec(B6, A6, multihop))).unwrap();
        hb.send(Command::Upsert(spec(A6, B6, multihop))).unwrap();
        assert!(
            wait_up(&mut ra, Duration::from_secs(10)),
            "A up, multihop={multihop}"
        );
        assert!(
            wait_up(&mut rb, Duration::from_secs(10)),
            "B up, multihop={multihop}"
        );
    }
    let (tx, rx) = tokio::sync::oneshot::channel();
    hb.send(Command::Snapshot(tx)).unwrap();
    let snap = rx.blocking_recv().unwrap();
    assert_eq!(snap.len(), 2);
    assert!(snap
        .iter()
        .all(|s| s.state == State::Up && s.counters.control_input > 0));

    for (h, j) in [(ha, ja), (hb, jb)] {
        let (tx, rx) = tokio::sync::oneshot::channel();
        h.send(Command::Shutdown(tx)).unwrap();
        rx.blocking_recv().unwrap();
        j.join().unwrap();
    }
}

#[test]
fn ipv6_single_hop_and_multihop() {
    in_private_netns(two_engines_over_ipv6);
}
