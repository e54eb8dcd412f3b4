//! The engine thread's bounded notification channel under a consumer that
//! does not read: state changes are deferred and coalesced, the loop flushes
//! them once the consumer drains the channel (no other wake-up needed), and
//! every session's Down survives a flap that happened while it was full.
//! One engine holds both sides of each pair over loopback, in a private
//! network namespace. Needs root.

mod engine_support;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use bfd::packet::State;
use bfdd_rs::engine::{Command, EngineHandle, Notification, SessionKey};
use engine_support::{
    engine_with_loopback_pairs, fast_spec, in_private_netns, loopback_pair, v4_key,
};
use tokio::sync::mpsc::Receiver;

const PAIRS: u8 = 20;
const WAIT: Duration = Duration::from_secs(15);

/// (x side, y side) of pair k.
fn pair(k: u8) -> (SessionKey, SessionKey) {
    let (x, y) = loopback_pair(k);
    (v4_key(y, x), v4_key(x, y))
}

fn x_sides() -> Vec<SessionKey> {
    (1..=PAIRS).map(|k| pair(k).0).collect()
}

fn all_up(h: &EngineHandle, keys: &[SessionKey]) -> bool {
    let (tx, rx) = tokio::sync::oneshot::channel();
    h.send(Command::Snapshot(tx)).unwrap();
    let snap = rx.blocking_recv().unwrap();
    keys.iter().all(|k| {
        snap.iter()
            .any(|s| &s.config.key == k && s.state == State::Up)
    })
}

fn wait_all_up(h: &EngineHandle, keys: &[SessionKey]) {
    let deadline = Instant::now() + WAIT;
    while !all_up(h, keys) {
        assert!(Instant::now() < deadline, "every session comes Up");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn counter(h: &EngineHandle, name: &str) -> u64 {
    let (tx, rx) = tokio::sync::oneshot::channel();
    h.send(Command::Counters(tx)).unwrap();
    let c = rx.blocking_recv().unwrap();
    c.by_reason
        .iter()
        .find(|(n, _)| *n == name)
        .map(|&(_, v)| v)
        .expect("counter listed")
}

/// Read notifications until `done` holds for the transitions seen per
/// session; each session's transitions must chain (from = previous to) and
/// never repeat a state.
fn drain_until(
    rx: &mut Receiver<Notification>,
    seen: &mut HashMap<SessionKey, Vec<(State, State)>>,
    done: impl Fn(&HashMap<SessionKey, Vec<(State, State)>>) -> bool,
) {
    let deadline = Instant::now() + WAIT;
    while !done(seen) {
        assert!(Instant::now() < deadline, "notifications flushed: {seen:?}");
        match rx.try_recv() {
            Ok(Notification::StateChanged { key, from, to, .. }) => {
                assert_ne!(from, to, "{key:?}: from == to sent");
                let v = seen.entry(key.clone()).or_default();
                if let Some(&(_, last)) = v.last() {
                    assert_eq!(from, last, "{key:?}: transitions chain: {v:?}");
                }
                v.push((from, to));
            }
            Err(_) => std::thread::sleep(Duration::from_millis(2)),
        }
    }
}

fn ends_up(seen: &HashMap<SessionKey, Vec<(State, State)>>, k: &SessionKey) -> bool {
    seen.get(k)
        .and_then(|v| v.last())
        .is_some_and(|&(_, to)| to == State::Up)
}

fn body() {
    // Room for one notification: nearly everything is deferred.
    let (h, join, mut rx) = engine_with_loopback_pairs(1, PAIRS);
    for k in 1..=PAIRS {
        let (x, y) = pair(k);
        h.send(Command::Upsert(fast_spec(x))).unwrap();
        h.send(Command::Upsert(fast_spec(y))).unwrap();
    }
    let xs = x_sides();
    wait_all_up(&h, &xs);
    assert!(counter(&h, "notify_deferred") > 0, "the channel was full");

    // Draining is enough: the engine flushes without being sent anything.
    let mut seen = HashMap::new();
    drain_until(&mut rx, &mut seen, |s| xs.iter().all(|k| ends_up(s, k)));

    // Flap every x side while nobody reads: the y side goes away (AdminDown
    // to x, which goes Down) and comes back.
    let before = counter(&h, "notify_deferred");
    for k in 1..=PAIRS {
        h.send(Command::Remove(pair(k).1)).unwrap();
    }
    let deadline = Instant::now() + WAIT;
    loop {
        let (stx, srx) = tokio::sync::oneshot::channel();
        h.send(Command::Snapshot(stx)).unwrap();
        let snap = srx.blocking_recv().unwrap();
        if snap.iter().all(|s| s.state == State::Down) {
            break;
        }
        assert!(Instant::now() < deadline, "x sides go Down");
        std::thread::sleep(Duration::from_millis(10));
    }
    for k in 1..=PAIRS {
        h.send(Command::Upsert(fast_spec(pair(k).1))).unwrap();
    }
    wait_all_up(&h, &xs);
    assert!(counter(&h, "notify_deferred") > before);

    let mut flap = HashMap::new();
    drain_until(&mut rx, &mut flap, |s| {
        xs.iter().all(|k| {
            ends_up(s, k)
                && s.get(k)
                    .is_some_and(|v| v.contains(&(State::Up, State::Down)))
        })
    });
    // Down -> Init -> Up while deferred comes out as one Down -> Up.
    for k in &xs {
        assert_eq!(
            flap[k],
            [(State::Up, State::Down), (State::Down, State::Up)],
            "{k:?}"
        );
    }

    let (stx, srx) = tokio::sync::oneshot::channel();
    h.send(Command::Shutdown(stx)).unwrap();
    let _ = srx.blocking_recv();
    join.join().unwrap();
}

#[test]
fn full_channel_defers_coalesces_and_keeps_downs() {
    in_private_netns(body);
}
