//! Many sessions in one engine: 100 pairs of sessions on loopback addresses
//! 127.0.1.k <-> 127.0.2.k, all at 50 ms, talking to each other through one
//! wildcard listener in a private network namespace. Checks that every
//! session comes Up and stays Up (the timer heap, demux and re-arming hold
//! under load). Needs root.

mod engine_support;

use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, Instant};

use bfdd_rs::engine::{self, Command, EngineOptions, Notification, SessionKey, SessionSpec};
use bfdd_rs::packet::State;
use engine_support::{fast_spec, in_private_netns, lo_links};

const PAIRS: u8 = 100;

fn spec(peer: Ipv4Addr, local: Ipv4Addr) -> SessionSpec {
    fast_spec(SessionKey {
        peer: IpAddr::V4(peer),
        local: Some(IpAddr::V4(local)),
        ifname: None,
        vrf: "default".into(),
        multihop: false,
    })
}

fn body() {
    let (tx, mut rx) = engine::notification_channel(engine::NOTIFY_CAPACITY);
    let opts = EngineOptions {
        no_ipv6: true,
        ..EngineOptions::default()
    };
    let (h, join) = engine::spawn(opts, tx).expect("engine starts");
    let addrs = (1..=PAIRS)
        .flat_map(|k| [Ipv4Addr::new(127, 0, 1, k), Ipv4Addr::new(127, 0, 2, k)])
        .map(IpAddr::V4)
        .collect();
    h.send(lo_links(addrs)).unwrap();
    for k in 1..=PAIRS {
        let (x, y) = (Ipv4Addr::new(127, 0, 1, k), Ipv4Addr::new(127, 0, 2, k));
        h.send(Command::Upsert(spec(x, y))).unwrap();
        h.send(Command::Upsert(spec(y, x))).unwrap();
    }

    let total = 2 * PAIRS as usize;
    let mut up = HashSet::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while up.len() < total && Instant::now() < deadline {
        match rx.try_recv() {
            Ok(Notification::StateChanged {
                to, local_discr, ..
            }) => {
                assert_ne!(to, State::Down, "no session falls back while coming up");
                if to == State::Up {
                    up.insert(local_discr);
                }
            }
            Err(_) => std::thread::sleep(Duration::from_millis(5)),
        }
    }
    assert_eq!(up.len(), total, "every session comes Up");

    // Two seconds of steady state: no session goes down.
    std::thread::sleep(Duration::from_secs(2));
    let mut downs = 0;
    while let Ok(Notification::StateChanged { to, .. }) = rx.try_recv() {
        if to != State::Up {
            downs += 1;
        }
    }
    assert_eq!(downs, 0, "no session flaps under load");
    let (stx, srx) = tokio::sync::oneshot::channel();
    h.send(Command::Snapshot(stx)).unwrap();
    let snap = srx.blocking_recv().unwrap();
    assert_eq!(snap.len(), total);
    assert!(snap.iter().all(|s| s.state == State::Up));

    let (dtx, drx) = tokio::sync::oneshot::channel();
    h.send(Command::Shutdown(dtx)).unwrap();
    drx.blocking_recv().unwrap();
    join.join().unwrap();
}

#[test]
fn hundred_pairs_come_up_and_stay_up() {
    in_private_netns(body);
}
