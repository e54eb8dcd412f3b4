//! Shared by the engine integration tests: run a test body in a private,
//! anonymous network namespace so engines there neither see nor disturb
//! anything else on the host (other daemons on port 3784, parallel test
//! runs). Threads spawned by the body (the engine threads) inherit the
//! namespace; it disappears when they have all exited. Also the fast
//! session settings and the `lo` link report these tests give engines.
//! Needs root.

#![allow(dead_code)]

use std::future::Future;
use std::net::{IpAddr, Ipv4Addr};
use std::process::Command;

use bfd::session::SessionParams;
use bfdd_rs::engine::{
    self, EngineHandle, EngineOptions, LinkInfo, Notification, SessionConfig, SessionKey,
};

/// Run `body` on a thread inside a fresh network namespace with `lo` up;
/// a panic in the body fails the calling test.
pub fn in_private_netns<F: FnOnce() + Send + 'static>(body: F) {
    let t = std::thread::spawn(move || {
        // SAFETY: plain syscall; it affects only this thread and its children.
        let rc = unsafe { libc::unshare(libc::CLONE_NEWNET) };
        assert_eq!(
            rc,
            0,
            "unshare(CLONE_NEWNET) failed (needs root): {}",
            std::io::Error::last_os_error()
        );
        ip("link set lo up");
        body();
    });
    if let Err(p) = t.join() {
        std::panic::resume_unwind(p);
    }
}

/// As [`in_private_netns`], with `body()` driven to completion on a
/// current-thread tokio runtime there.
pub fn block_on_in_private_netns<F, Fut>(body: F)
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future<Output = ()>,
{
    in_private_netns(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(body());
    });
}

/// Run `ip` with the given arguments in the current namespace.
pub fn ip(args: &str) {
    let st = Command::new("ip")
        .args(args.split_whitespace())
        .status()
        .expect("the ip command runs");
    assert!(st.success(), "ip {args}");
}

pub fn lo_ifindex() -> u32 {
    // SAFETY: a NUL-terminated constant name.
    let i = unsafe { libc::if_nametoindex(c"lo".as_ptr()) };
    assert!(i > 0, "lo exists");
    i
}

/// The engine's link report: `lo`, up, holding `addrs`.
pub fn lo_links(addrs: Vec<IpAddr>) -> engine::Command {
    engine::Command::Links(vec![LinkInfo {
        ifindex: lo_ifindex(),
        name: "lo".into(),
        up: true,
        addrs,
        master: 0,
        vrf_device: false,
    }])
}

/// 50 ms both ways, detect multiplier 3.
pub fn fast_params() -> SessionParams {
    SessionParams {
        desired_min_tx: 50_000,
        required_min_rx: 50_000,
        detect_mult: 3,
        ..SessionParams::default()
    }
}

/// A configured session for `key` with [`fast_params`], no authentication,
/// no echo.
pub fn fast_spec(key: SessionKey) -> SessionConfig {
    SessionConfig::new(key, fast_params())
}

/// The single-hop IPv4 session key from `local` to `peer` in the default VRF.
pub fn v4_key(peer: Ipv4Addr, local: Ipv4Addr) -> SessionKey {
    SessionKey {
        peer: IpAddr::V4(peer),
        local: Some(IpAddr::V4(local)),
        ifname: None,
        vrf: "default".into(),
        multihop: false,
    }
}

/// [`fast_spec`] for [`v4_key`].
pub fn v4_spec(peer: Ipv4Addr, local: Ipv4Addr) -> SessionConfig {
    fast_spec(v4_key(peer, local))
}

/// The two ends of loopback pair `k`: 127.0.1.k and 127.0.2.k.
pub fn loopback_pair(k: u8) -> (Ipv4Addr, Ipv4Addr) {
    (Ipv4Addr::new(127, 0, 1, k), Ipv4Addr::new(127, 0, 2, k))
}

/// An engine (IPv4 only) whose notifications go to a channel of `capacity`,
/// told that `lo` holds both ends of loopback pairs 1..=`pairs`.
pub fn engine_with_loopback_pairs(
    capacity: usize,
    pairs: u8,
) -> (
    EngineHandle,
    std::thread::JoinHandle<()>,
    tokio::sync::mpsc::Receiver<Notification>,
) {
    let (tx, rx) = engine::notification_channel(capacity);
    let opts = EngineOptions {
        no_ipv6: true,
        ..EngineOptions::default()
    };
    let (h, join) = engine::spawn(opts, tx).expect("engine starts (needs root)");
    let addrs = (1..=pairs)
        .flat_map(|k| {
            let (x, y) = loopback_pair(k);
            [x, y]
        })
        .map(IpAddr::V4)
        .collect();
    h.send(lo_links(addrs)).expect("engine alive");
    (h, join, rx)
}
