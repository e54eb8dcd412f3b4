//! Two engines in one process talking BFD over loopback: engine A on
//! 127.0.0.1, engine B on 127.0.0.2. Needs root (port 3784 < 1024,
//! SO_BINDTODEVICE for sessions with an interface, a private network
//! namespace per test). Tests share addresses and ports, so they run one at a
//! time under a lock.

mod engine_support;

use std::net::{IpAddr, Ipv4Addr, SocketAddr, UdpSocket};
use std::sync::Mutex;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use bfd::auth::AuthType;
use bfd::packet::{Diag, State};
use bfdd_rs::engine::{
    self, AuthSpec, Command, EngineHandle, EngineOptions, Notification, SessionConfig, SessionKey,
    SessionSnapshot,
};
use engine_support::{fast_spec, in_private_netns, lo_links};
use tokio::sync::mpsc::Receiver;

static SERIAL: Mutex<()> = Mutex::new(());

const A: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 1);
const B: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 2);
const WAIT: Duration = Duration::from_secs(10);

struct Node {
    handle: EngineHandle,
    join: Option<JoinHandle<()>>,
    events: Receiver<Notification>,
}

impl Node {
    fn start(addr: Ipv4Addr) -> Node {
        let (tx, events) = engine::notification_channel(engine::NOTIFY_CAPACITY);
        let opts = EngineOptions {
            bind_v4: Some(addr),
            bind_v6: None,
            no_ipv6: true,
        };
        let (handle, join) = engine::spawn(opts, tx).expect("engine starts (needs root)");
        Node {
            handle,
            join: Some(join),
            events,
        }
    }

    fn send(&self, cmd: Command) {
        self.handle.send(cmd).expect("engine alive");
    }

    fn snapshot(&self) -> Vec<SessionSnapshot> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.send(Command::Snapshot(tx));
        rx.blocking_recv().expect("snapshot reply")
    }

    fn counter(&self, needle: &str) -> u64 {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.send(Command::Counters(tx));
        let c = rx.blocking_recv().expect("counters reply");
        c.by_reason
            .iter()
            .filter(|(n, _)| n.to_ascii_lowercase().contains(needle))
            .map(|(_, v)| *v)
            .sum()
    }

    /// Wait for a state change into `to`; returns the notification's diag.
    fn wait_state(&mut self, to: State, within: Duration) -> Option<Diag> {
        let deadline = Instant::now() + within;
        while Instant::now() < deadline {
            match self.events.try_recv() {
                Ok(Notification::StateChanged { to: t, diag, .. }) if t == to => return Some(diag),
                Ok(_) => {}
                Err(_) => std::thread::sleep(Duration::from_millis(5)),
            }
        }
        None
    }

    /// Every notification that arrives within `within`.
    fn collect(&mut self, within: Duration) -> Vec<Notification> {
        let deadline = Instant::now() + within;
        let mut out = Vec::new();
        while Instant::now() < deadline {
            match self.events.try_recv() {
                Ok(n) => out.push(n),
                Err(_) => std::thread::sleep(Duration::from_millis(5)),
            }
        }
        out
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let (tx, rx) = tokio::sync::oneshot::channel();
        if self.handle.send(Command::Shutdown(tx)).is_ok() {
            let _ = rx.blocking_recv();
        }
        if let Some(j) = self.join.take() {
            let _ = j.join();
        }
    }
}

fn lo(addrs: &[Ipv4Addr]) -> Command {
    lo_links(addrs.iter().map(|a| IpAddr::V4(*a)).collect())
}

fn spec(peer: Ipv4Addr, local: Ipv4Addr, ifname: Option<&str>, multihop: bool) -> SessionConfig {
    fast_spec(SessionKey {
        peer: IpAddr::V4(peer),
        local: Some(IpAddr::V4(local)),
        ifname: ifname.map(str::to_string),
        vrf: "default".into(),
        multihop,
    })
}

fn pair() -> (Node, Node) {
    let a = Node::start(A);
    let b = Node::start(B);
    a.send(lo(&[A, B]));
    b.send(lo(&[A, B]));
    (a, b)
}

/// One test at a time (they share addresses and ports), each in its own
/// network namespace so nothing else on the host interferes.
fn run(body: fn()) {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    in_private_netns(body);
}

#[test]
fn single_hop_up_timer_change_and_remove() {
    run(single_hop_up_timer_change_and_remove_body);
}

fn single_hop_up_timer_change_and_remove_body() {
    let (mut a, mut b) = pair();
    let sa = spec(B, A, None, false);
    a.send(Command::Upsert(sa.clone()));
    b.send(Command::Upsert(spec(A, B, Some("lo"), false)));
    assert!(a.wait_state(State::Up, WAIT).is_some(), "A comes Up");
    assert!(b.wait_state(State::Up, WAIT).is_some(), "B comes Up");

    // New timers while Up: a poll sequence, no flap.
    let mut slower = sa.clone();
    slower.params.desired_min_tx = 100_000;
    slower.params.required_min_rx = 120_000;
    a.send(Command::Upsert(slower));
    let seen_a = a.collect(Duration::from_millis(1500));
    let seen_b = b.collect(Duration::from_millis(100));
    assert!(seen_a.is_empty(), "no state change on A: {seen_a:?}");
    assert!(seen_b.is_empty(), "no state change on B: {seen_b:?}");
    let snap_b = b.snapshot();
    assert_eq!(snap_b.len(), 1);
    assert_eq!(snap_b[0].state, State::Up);
    assert_eq!(snap_b[0].remote_desired_min_tx, 100_000);
    assert_eq!(snap_b[0].remote_required_min_rx, 120_000);
    assert!(snap_b[0].counters.control_input > 0);
    let snap_a = a.snapshot();
    assert_eq!(snap_a[0].state, State::Up);
    assert_eq!(snap_a[0].remote_discr, snap_b[0].local_discr);
    assert!(snap_a[0].enabled);

    // Remove on A: B hears AdminDown and goes Down with Neighbor Signaled Down.
    a.send(Command::Remove(sa.key.clone()));
    let diag = b.wait_state(State::Down, WAIT);
    assert_eq!(diag, Some(Diag::NEIGHBOR_SIGNALED_SESSION_DOWN));
    assert!(a.snapshot().is_empty());
}

fn with_auth(mut s: SessionConfig, secret: &[u8]) -> SessionConfig {
    s.auth = Some(AuthSpec {
        auth_type: AuthType::KeyedSha1,
        key_id: 7,
        secret: secret.to_vec(),
    });
    s
}

#[test]
fn keyed_sha1_comes_up() {
    run(keyed_sha1_comes_up_body);
}

fn keyed_sha1_comes_up_body() {
    let (mut a, mut b) = pair();
    a.send(Command::Upsert(with_auth(
        spec(B, A, None, false),
        b"s3cret",
    )));
    b.send(Command::Upsert(with_auth(
        spec(A, B, None, false),
        b"s3cret",
    )));
    assert!(a.wait_state(State::Up, WAIT).is_some(), "A comes Up");
    assert!(b.wait_state(State::Up, WAIT).is_some(), "B comes Up");
    assert_eq!(a.counter("auth"), 0);

    // Shutdown sends authenticated AdminDown: B goes Down, Neighbor Signaled Down.
    drop(a);
    assert_eq!(
        b.wait_state(State::Down, WAIT),
        Some(Diag::NEIGHBOR_SIGNALED_SESSION_DOWN)
    );
}

#[test]
fn mismatched_secret_never_comes_up() {
    run(mismatched_secret_never_comes_up_body);
}

fn mismatched_secret_never_comes_up_body() {
    let (mut a, mut b) = pair();
    a.send(Command::Upsert(with_auth(spec(B, A, None, false), b"one")));
    b.send(Command::Upsert(with_auth(spec(A, B, None, false), b"two")));
    let seen = a.collect(Duration::from_secs(3));
    assert!(
        !seen
            .iter()
            .any(|n| matches!(n, Notification::StateChanged { to: State::Up, .. })),
        "A must not come Up: {seen:?}"
    );
    assert!(b.wait_state(State::Up, Duration::from_millis(10)).is_none());
    assert!(a.counter("auth") > 0, "A counts auth failures");
    assert!(b.counter("auth") > 0, "B counts auth failures");
}

#[test]
fn address_removed_keeps_the_path_interface_deleted_takes_it_down() {
    run(address_removed_keeps_the_path_interface_deleted_takes_it_down_body);
}

/// As FRR's bfdd: a local address going away leaves the session on its
/// socket (the Detection Time decides; here the kernel still delivers, so
/// it stays Up); the interface going away takes it Down with Path Down, and
/// it comes back with the interface.
fn address_removed_keeps_the_path_interface_deleted_takes_it_down_body() {
    let (mut a, mut b) = pair();
    a.send(Command::Upsert(spec(B, A, None, false)));
    b.send(Command::Upsert(spec(A, B, Some("lo"), false)));
    assert!(a.wait_state(State::Up, WAIT).is_some(), "A comes Up");
    assert!(b.wait_state(State::Up, WAIT).is_some(), "B comes Up");

    a.send(lo(&[B]));
    let seen = a.collect(Duration::from_secs(2));
    assert!(seen.is_empty(), "A keeps its session: {seen:?}");
    let snap = a.snapshot();
    assert!(snap[0].enabled);
    assert_eq!(snap[0].state, State::Up);

    b.send(engine::Command::Links(vec![]));
    assert_eq!(b.wait_state(State::Down, WAIT), Some(Diag::PATH_DOWN));
    assert!(!b.snapshot()[0].enabled);
    assert!(
        a.wait_state(State::Down, WAIT).is_some(),
        "A detects the loss"
    );

    b.send(lo(&[A, B]));
    assert!(a.wait_state(State::Up, WAIT).is_some(), "A back Up");
    assert!(b.wait_state(State::Up, WAIT).is_some(), "B back Up");
}

#[test]
fn sessions_stay_down_before_links() {
    run(sessions_stay_down_before_links_body);
}

fn sessions_stay_down_before_links_body() {
    let mut a = Node::start(A);
    let mut b = Node::start(B);
    a.send(Command::Upsert(spec(B, A, None, false)));
    b.send(Command::Upsert(spec(A, B, None, false)));
    let seen = a.collect(Duration::from_millis(1500));
    assert!(seen.is_empty(), "{seen:?}");
    assert!(!a.snapshot()[0].enabled);
    assert_eq!(b.snapshot()[0].counters.control_output, 0);
    a.send(lo(&[A, B]));
    b.send(lo(&[A, B]));
    assert!(
        a.wait_state(State::Up, WAIT).is_some(),
        "A comes Up after Links"
    );
    assert!(
        b.wait_state(State::Up, WAIT).is_some(),
        "B comes Up after Links"
    );
}

#[test]
fn remote_cbit_and_up_down_counters() {
    run(remote_cbit_and_up_down_counters_body);
}

/// The Up notification carries the C bit the peer sends; Up and Down count
/// in the session's counters. (Which changes count as notifications to
/// clients is FRR's rule, kept by the registry: tests/registry_rules.rs.)
fn remote_cbit_and_up_down_counters_body() {
    // The remote C bit of the next change to Up.
    let up_cbit = |n: &mut Node| {
        let deadline = Instant::now() + WAIT;
        while Instant::now() < deadline {
            match n.events.try_recv() {
                Ok(Notification::StateChanged {
                    to: State::Up,
                    remote_cbit,
                    ..
                }) => return remote_cbit,
                Ok(_) => {}
                Err(_) => std::thread::sleep(Duration::from_millis(5)),
            }
        }
        panic!("no change to Up");
    };
    let (mut a, mut b) = pair();
    let mut sa = spec(B, A, None, false);
    sa.params.control_plane_independent = true;
    let sb = spec(A, B, None, false);
    a.send(Command::Upsert(sa.clone()));
    b.send(Command::Upsert(sb.clone()));
    assert!(!up_cbit(&mut a), "B sends no C bit");
    assert!(up_cbit(&mut b), "A sends the C bit");
    let counts = |n: &Node| {
        let c = n.snapshot()[0].counters;
        (c.session_up, c.session_down)
    };
    assert_eq!(counts(&a), (1, 0));
    assert_eq!(counts(&b), (1, 0));

    // B shut down: B Up -> AdminDown, A Up -> Down.
    let mut shut = sb.clone();
    shut.params.admin_down = true;
    b.send(Command::Upsert(shut));
    assert!(a.wait_state(State::Down, WAIT).is_some(), "A goes Down");
    // FRR's counting: A's Up -> Down is a session down, B's shutdown is not.
    assert_eq!(counts(&a), (1, 1));
    assert_eq!(counts(&b), (1, 0));
    // No shutdown: B AdminDown -> Down, both back Up.
    b.send(Command::Upsert(sb));
    assert!(up_cbit(&mut b));
    assert!(!up_cbit(&mut a));
    assert_eq!(counts(&a), (2, 1));
    assert_eq!(counts(&b), (2, 0));
}

/// A Down packet with Your Discriminator 0, by hand (RFC 5880 §4.1).
fn raw_down_packet(my_discr: u32) -> Vec<u8> {
    let mut p = vec![0u8; 24];
    p[0] = 1 << 5; // version 1, diag 0
    p[1] = (State::Down as u8) << 6;
    p[2] = 3;
    p[3] = 24;
    p[4..8].copy_from_slice(&my_discr.to_be_bytes());
    p[12..16].copy_from_slice(&1_000_000u32.to_be_bytes());
    p[16..20].copy_from_slice(&1_000_000u32.to_be_bytes());
    p
}

fn send_with_ttl(from: Ipv4Addr, to: Ipv4Addr, port: u16, ttl: u32, pkt: &[u8]) {
    let s = UdpSocket::bind(SocketAddr::new(IpAddr::V4(from), 0)).unwrap();
    s.set_ttl(ttl).unwrap();
    s.send_to(pkt, SocketAddr::new(IpAddr::V4(to), port))
        .unwrap();
}

#[test]
fn multihop_comes_up_and_low_ttl_is_dropped() {
    run(multihop_comes_up_and_low_ttl_is_dropped_body);
}

fn multihop_comes_up_and_low_ttl_is_dropped_body() {
    let (mut a, mut b) = pair();
    a.send(Command::Upsert(spec(B, A, None, true)));
    b.send(Command::Upsert(spec(A, B, None, true)));
    assert!(a.wait_state(State::Up, WAIT).is_some(), "A comes Up");
    assert!(b.wait_state(State::Up, WAIT).is_some(), "B comes Up");

    let before = b.counter("ttl");
    send_with_ttl(A, B, 4784, 10, &raw_down_packet(0x1234));
    // Single-hop port: anything below 255 is dropped too.
    send_with_ttl(A, B, 3784, 64, &raw_down_packet(0x1235));
    let deadline = Instant::now() + WAIT;
    while b.counter("ttl") < before + 2 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(b.counter("ttl"), before + 2);
    assert_eq!(b.snapshot()[0].state, State::Up);
    let seen = b.collect(Duration::from_millis(300));
    assert!(seen.is_empty(), "{seen:?}");
}
