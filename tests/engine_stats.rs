//! The engine thread's own accounting (`show thread cpu`): two engines on
//! loopback (127.0.0.1 and 127.0.0.2, private network namespace, needs root)
//! hold a fast session Up for a second; each must then report session
//! timeouts handled, packets sent and received, commands run, and timer
//! lateness well under a second.

mod engine_support;

use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, Instant};

use bfd::packet::State;
use bfdd_rs::engine::SessionKey;
use bfdd_rs::engine::{self, Command, EngineHandle, EngineOptions, EngineStats};
use engine_support::{in_private_netns, lo_links, v4_spec};

const A: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 1);
const B: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 2);

fn start(addr: Ipv4Addr) -> (EngineHandle, std::thread::JoinHandle<()>) {
    let (tx, rx) = engine::notification_channel(engine::NOTIFY_CAPACITY);
    // Notifications are not looked at here (state comes from snapshots);
    // the engine ignores a closed channel.
    drop(rx);
    let opts = EngineOptions {
        bind_v4: Some(addr),
        bind_v6: None,
        no_ipv6: true,
    };
    engine::spawn(opts, tx).expect("engine starts (needs root)")
}

fn stats(h: &EngineHandle) -> EngineStats {
    let (tx, rx) = tokio::sync::oneshot::channel();
    h.send(Command::Stats(tx)).expect("engine alive");
    rx.blocking_recv().expect("stats reply")
}

fn is_up(h: &EngineHandle) -> bool {
    let (tx, rx) = tokio::sync::oneshot::channel();
    h.send(Command::Snapshot(tx)).expect("engine alive");
    let snaps = rx.blocking_recv().expect("snapshot reply");
    snaps.len() == 1 && snaps[0].state == State::Up
}

fn snapshot_of(h: &EngineHandle, key: SessionKey) -> Option<State> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    h.send(Command::SnapshotOf(key, tx)).expect("engine alive");
    rx.blocking_recv().expect("reply").map(|s| s.state)
}

fn stop(h: EngineHandle, j: std::thread::JoinHandle<()>) {
    let (tx, rx) = tokio::sync::oneshot::channel();
    if h.send(Command::Shutdown(tx)).is_ok() {
        let _ = rx.blocking_recv();
    }
    let _ = j.join();
}

#[test]
fn session_up_for_a_second_shows_timer_runs_and_small_lateness() {
    in_private_netns(|| {
        let (a, ja) = start(A);
        let (b, jb) = start(B);
        let links = || lo_links(vec![IpAddr::V4(A), IpAddr::V4(B)]);
        a.send(links()).expect("engine alive");
        b.send(links()).expect("engine alive");
        a.send(Command::Upsert(v4_spec(B, A)))
            .expect("engine alive");
        b.send(Command::Upsert(v4_spec(A, B)))
            .expect("engine alive");
        let deadline = Instant::now() + Duration::from_secs(10);
        while !(is_up(&a) && is_up(&b)) {
            assert!(Instant::now() < deadline, "sessions come Up");
            std::thread::sleep(Duration::from_millis(20));
        }
        a.send(Command::ClearStats).expect("engine alive");
        std::thread::sleep(Duration::from_secs(1));
        assert!(is_up(&a) && is_up(&b), "still Up");

        for h in [&a, &b] {
            let s = stats(h);
            assert!(s.session_timer.runs > 0, "{s:?}");
            assert_eq!(s.lateness.count, s.session_timer.runs, "{s:?}");
            assert_eq!(s.lateness.histogram.iter().sum::<u64>(), s.lateness.count);
            assert!(s.lateness.max_ns < 1_000_000_000, "{s:?}");
            assert!(s.lateness.sum_ns <= s.lateness.max_ns * s.lateness.count);
            assert!(s.tx.runs > 0 && s.rx.runs > 0, "{s:?}");
            assert!(s.command.runs > 0, "{s:?}");
            assert!(s.session_timer.wall_max_ns <= s.session_timer.wall_total_ns);
        }
        // A was cleared after coming Up: it holds only the last second, B
        // everything since start including the Upsert and Links commands.
        let (sa, sb) = (stats(&a), stats(&b));
        assert!(sa.command.runs < sb.command.runs, "{sa:?} {sb:?}");
        // The per-key query (used per state change) finds exactly that key.
        assert_eq!(snapshot_of(&a, v4_spec(B, A).key), Some(State::Up));
        assert_eq!(snapshot_of(&a, v4_spec(A, B).key), None);
        stop(a, ja);
        stop(b, jb);
    });
}
