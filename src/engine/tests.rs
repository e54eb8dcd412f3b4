//! Unit tests of the engine core over the kernel UDP data path without
//! listeners: a session's path follows its interface, a socket that cannot
//! open is retried, and timeouts are accounted. They need root
//! (SO_BINDTODEVICE, a private network namespace).

use std::time::{Duration, Instant};

use bfd::{Endpoint, EndpointConfig};

use super::core::Core;
use super::udp::KernelUdp;
use super::{Command, EngineStats, LinkInfo, Notification, SessionConfig, SessionKey};
use bfd::packet::Diag;

/// A configured single-hop session with default timers.
fn spec(peer: &str, local: &str, ifname: Option<&str>) -> SessionConfig {
    SessionConfig::new(
        SessionKey {
            peer: peer.parse().unwrap(),
            local: Some(local.parse().unwrap()),
            ifname: ifname.map(Into::into),
            vrf: "default".into(),
            multihop: false,
        },
        Default::default(),
    )
}

fn core() -> (Core, tokio::sync::mpsc::Receiver<Notification>) {
    let (tx, rx) = super::notification_channel(super::NOTIFY_CAPACITY);
    let ep = Endpoint::new(EndpointConfig {
        seed: 1,
        ..EndpointConfig::default()
    });
    (
        Core::new(ep, Box::new(KernelUdp::without_listeners()), tx),
        rx,
    )
}

fn lo(ifindex: u32) -> Vec<LinkInfo> {
    vec![LinkInfo {
        ifindex,
        name: "lo".into(),
        up: true,
        addrs: vec!["127.0.0.1".parse().unwrap()],
        master: 0,
        vrf_device: false,
    }]
}

/// The transmit side of the session's path: (source port, bound interface,
/// socket open).
fn tx_side(c: &Core, key: &SessionKey) -> (u16, Option<u32>, bool) {
    let h = c.ep.find(key).unwrap();
    let udp = c.path.as_any().downcast_ref::<KernelUdp>().unwrap();
    udp.inspect(h).unwrap()
}

fn enabled(c: &Core, key: &SessionKey) -> bool {
    c.ep.get(c.ep.find(key).unwrap()).unwrap().enabled
}

/// Needs root (SO_BINDTODEVICE): the session follows its interface
/// through removal and re-creation under a new index.
#[test]
fn session_follows_interface_index() {
    let (mut c, _rx) = core();
    let now = Instant::now();
    let spec = spec("127.0.0.9", "127.0.0.1", Some("lo"));
    c.command(Command::Upsert(spec.clone()), now);
    assert!(!enabled(&c, &spec.key), "disabled before Links");

    c.command(Command::Links(lo(1)), now);
    assert!(enabled(&c, &spec.key));
    let (port, ifindex, open) = tx_side(&c, &spec.key);
    assert!(open);
    assert_eq!(ifindex, Some(1));
    assert!(c.ep.poll_timeout().is_some(), "armed");

    c.command(Command::Links(vec![]), now);
    assert!(!enabled(&c, &spec.key));
    assert!(!tx_side(&c, &spec.key).2, "socket closed");
    let h = c.ep.find(&spec.key).unwrap();
    assert_eq!(c.ep.get(h).unwrap().session.local_diag(), Diag::PATH_DOWN);

    c.command(Command::Links(lo(1)), now);
    c.command(Command::Links(lo(77)), now);
    assert!(enabled(&c, &spec.key));
    let (port2, ifindex, open) = tx_side(&c, &spec.key);
    assert!(open);
    assert_eq!(ifindex, Some(77));
    assert_eq!(port2, port, "source port kept for the session's life");
}

/// Needs root: a socket that cannot be opened yet (address reported by
/// rtnetlink, not yet usable) is retried until it opens.
#[test]
fn failed_socket_open_is_retried() {
    std::thread::spawn(|| {
        // SAFETY: plain syscall; only this thread moves to a new namespace.
        assert_eq!(unsafe { libc::unshare(libc::CLONE_NEWNET) }, 0);
        let ip = |args: &str| {
            let st = std::process::Command::new("ip")
                .args(args.split_whitespace())
                .status()
                .unwrap();
            assert!(st.success());
        };
        ip("link set lo up");
        let (mut c, _rx) = core();
        let now = Instant::now();
        let local: std::net::IpAddr = "192.0.2.77".parse().unwrap();
        let spec = spec("192.0.2.78", &local.to_string(), None);
        c.command(Command::Upsert(spec.clone()), now);
        let mut links = lo(1);
        links[0].addrs = vec![local];
        c.command(Command::Links(links), now);
        assert!(!enabled(&c, &spec.key));
        assert_eq!(c.path.poll_timeout(), Some(now + Duration::from_secs(1)));
        assert_eq!(c.path.counters().socket_errors, 1);

        ip("addr add 192.0.2.77/32 dev lo");
        c.run_timers(now + Duration::from_millis(500));
        assert!(!enabled(&c, &spec.key), "not before the retry time");
        c.run_timers(now + Duration::from_secs(1));
        assert!(enabled(&c, &spec.key));
        assert_eq!(c.path.poll_timeout(), None);
    })
    .join()
    .unwrap();
}

/// Needs root: a timeout handled late is counted with its lateness, the
/// packet it sends as a transmit, and `ClearStats` zeroes it all.
#[test]
fn timeouts_are_accounted_with_lateness() {
    let (mut c, _rx) = core();
    let now = Instant::now();
    let spec = spec("127.0.0.9", "127.0.0.1", None);
    c.command(Command::Upsert(spec.clone()), now);
    c.command(Command::Links(lo(1)), now);
    let due = c.ep.poll_timeout().expect("armed");
    let tx_before = c.stats.tx.runs;

    c.run_timers(due - Duration::from_micros(1));
    assert_eq!(c.stats.session_timer.runs, 0, "nothing due yet");
    assert_eq!(c.ep.lateness().count, 0);

    c.run_timers(due + Duration::from_millis(3));
    assert_eq!(c.stats.session_timer.runs, 1);
    let l = c.ep.lateness();
    assert_eq!(l.count, 1);
    assert_eq!(l.max_ns, 3_000_000);
    assert_eq!(l.sum_ns, 3_000_000);
    assert_eq!(l.histogram, [0, 0, 1, 0, 0]);
    // Wall time counts from the (here future) turn clock; CPU is real.
    assert!(c.stats.session_timer.cpu_total_ns > 0);
    assert_eq!(c.stats.tx.runs, tx_before + 1, "the timeout sent a packet");

    let (tx, mut rx) = tokio::sync::oneshot::channel();
    c.command(Command::Stats(tx), now);
    let s = rx.try_recv().unwrap();
    assert_eq!(s.session_timer, c.stats.session_timer);
    assert_eq!(s.lateness, l);
    c.command(Command::ClearStats, now);
    assert_eq!(c.stats, EngineStats::default());
    assert_eq!(c.ep.lateness(), Default::default());
}
