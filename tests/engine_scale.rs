//! Many sessions in one engine: 100 pairs of sessions on loopback addresses
//! 127.0.1.k <-> 127.0.2.k, all at 50 ms, talking to each other through one
//! wildcard listener in a private network namespace. Checks that every
//! session comes Up and stays Up (the timer heap, demux and re-arming hold
//! under load). Needs root.

mod engine_support;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use bfd::packet::State;
use bfdd_rs::engine::{self, Command, Notification};
use engine_support::{engine_with_loopback_pairs, in_private_netns, loopback_pair, v4_spec};

const PAIRS: u8 = 100;

fn body() {
    let (h, join, mut rx) = engine_with_loopback_pairs(engine::NOTIFY_CAPACITY, PAIRS);
    for k in 1..=PAIRS {
        let (x, y) = loopback_pair(k);
        h.send(Command::Upsert(v4_spec(x, y))).unwrap();
        h.send(Command::Upsert(v4_spec(y, x))).unwrap();
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
