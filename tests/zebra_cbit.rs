//! The remote C bit and the "Zebra notifications" counter end to end, over
//! the direct ZAPI socket: `bfdd-rs --standalone` (no zebra at all) in a
//! private namespace (bfrs-zb-*), two clients registering the two ends of a
//! session over lo (127.0.0.1 ↔ 127.0.0.2), only A with cbit=1 (bgpd's
//! check-control-plane-failure). A's session therefore sends C, B's does
//! not, and each status report carries the C bit the other end sends: B
//! hears 1, A hears 0. The counter counts every status message generated
//! for a session (register replies and reportable changes), as FRR does,
//! with no zebra connected. A second test does the same through a fake
//! zebra's relay. Needs root and iproute2.

mod support;
mod zebra_support;

use std::path::Path;

use zapi::{BfdStatus, Frame, Message, VRF_DEFAULT};
use zebra_support::*;

/// (status, remote C bit) of a report about `peer`.
fn report(f: &Frame, peer: &str) -> Option<(BfdStatus, bool)> {
    match &f.message {
        Message::InterfaceBfdDestUpdate(u) if u.peer == ip(peer) => Some((u.status, u.remote_cbit)),
        _ => None,
    }
}

/// "Zebra notifications: N" of `show bfd peer PEER counters`.
fn notifications(vsock: &Path, peer: &str) -> u64 {
    let out = vty(vsock, &format!("show bfd peer {peer} counters"));
    out.lines()
        .find_map(|l| l.trim().strip_prefix("Zebra notifications: "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no counter in {out:?}"))
}

#[test]
fn remote_cbit_reported_and_notifications_counted() {
    let ns = netns("cb");
    let dir = scratch("cb");
    let zsock = dir.path("zapi.sock");
    let vsock = dir.path("bfdd.vty");
    let mut daemon = Daemon::start(&ns, &dir, &["--standalone"], &zsock);
    wait_until("vty socket", 5, || vsock.exists());

    let mut reg_a = dest(101, "127.0.0.2", "127.0.0.1", 1);
    reg_a.cbit = true;
    let reg_b = dest(202, "127.0.0.1", "127.0.0.2", 1);

    let mut a = Zconn::connect(&zsock);
    a.send(Frame::new(
        VRF_DEFAULT,
        Message::BfdDestRegister(reg_a.clone()),
    ));
    assert_eq!(
        a.wait_for(5, "A's reply", |f| report(f, "127.0.0.2")),
        (BfdStatus::Down, false),
        "nothing received yet"
    );
    let mut b = Zconn::connect(&zsock);
    b.send(Frame::new(VRF_DEFAULT, Message::BfdDestRegister(reg_b)));
    assert_eq!(
        b.wait_for(5, "B's reply", |f| report(f, "127.0.0.1")),
        (BfdStatus::Down, false)
    );

    // Up: B's end receives A's C bit, A's end receives none.
    let a_up = a.wait_for(10, "A sees Up", |f| {
        report(f, "127.0.0.2").filter(|(s, _)| *s == BfdStatus::Up)
    });
    assert_eq!(a_up, (BfdStatus::Up, false), "B's end sends no C");
    let b_up = b.wait_for(10, "B sees Up", |f| {
        report(f, "127.0.0.1").filter(|(s, _)| *s == BfdStatus::Up)
    });
    assert_eq!(b_up, (BfdStatus::Up, true), "A's end sends C");

    // Counters: the register reply and the change to Up, per session.
    assert_eq!(notifications(&vsock, "127.0.0.2"), 2);
    assert_eq!(notifications(&vsock, "127.0.0.1"), 2);

    // A registers again: one more reply (now Up, still remote C 0), counted.
    a.send(Frame::new(VRF_DEFAULT, Message::BfdDestRegister(reg_a)));
    assert_eq!(
        a.wait_for(5, "A's second reply", |f| report(f, "127.0.0.2")),
        (BfdStatus::Up, false)
    );
    wait_until("A's counter at 3", 5, || {
        notifications(&vsock, "127.0.0.2") == 3
    });
    assert_eq!(notifications(&vsock, "127.0.0.1"), 2);

    // A goes: B's end goes Up -> Down (reported, counted).
    drop(a);
    assert_eq!(
        b.wait_for(10, "B sees Down", |f| {
            report(f, "127.0.0.1").filter(|(s, _)| *s == BfdStatus::Down)
        }),
        (BfdStatus::Down, true),
        "the last C bit received"
    );
    assert_eq!(notifications(&vsock, "127.0.0.1"), 3);
    assert!(daemon.alive(), "daemon died; log:\n{}", dir.log());
}

/// The same through zebra: a fake zebra relays both registrations (A with
/// cbit=1); the status reports bfdd-rs sends back (DEST_REPLAY wrapping
/// INTERFACE_BFD_DEST_UPDATE) carry the remote C bit, and the counter
/// counts the relayed register reply and the change to Up.
#[test]
fn remote_cbit_through_fake_zebra() {
    use std::os::unix::net::UnixListener;
    use std::time::{Duration, Instant};
    use zapi::Replay;

    let ns = netns("cz");
    let dir = scratch("cz");
    let zserv = dir.path("zserv.api");
    let listener = UnixListener::bind(&zserv).expect("bind fake zserv");
    listener.set_nonblocking(true).expect("nonblocking");
    let vsock = dir.path("bfdd.vty");
    let zs = zserv.to_string_lossy().to_string();
    let mut daemon = Daemon::start(&ns, &dir, &["-z", &zs], &dir.path("zapi.sock"));
    wait_until("vty socket", 5, || vsock.exists());
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut z = loop {
        match listener.accept() {
            Ok((s, _)) => {
                s.set_nonblocking(false).expect("blocking");
                break Zconn::new(s);
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                assert!(Instant::now() < deadline, "bfdd-rs did not connect");
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(e) => panic!("accept: {e}"),
        }
    };
    let relay = |z: &mut Zconn, r: Replay| z.send(Frame::new(0, Message::BfdDestReplay(Some(r))));
    let mut reg_a = dest(1, "127.0.0.2", "127.0.0.1", 1);
    reg_a.cbit = true;
    relay(&mut z, Replay::Register(reg_a));
    relay(
        &mut z,
        Replay::Register(dest(2, "127.0.0.1", "127.0.0.2", 1)),
    );

    // Reports in any order: both register replies (Down, 0), then both Up.
    let mut up = (None, None);
    z.wait_for(10, "both ends Up", |f| {
        if let Message::BfdDestReplay(Some(Replay::Status(u))) = &f.message {
            if u.status == BfdStatus::Up {
                if u.peer == ip("127.0.0.2") {
                    up.0 = Some(u.remote_cbit);
                } else if u.peer == ip("127.0.0.1") {
                    up.1 = Some(u.remote_cbit);
                }
            }
        }
        (up.0.is_some() && up.1.is_some()).then_some(())
    });
    assert_eq!(up, (Some(false), Some(true)), "(A's end, B's end)");
    assert_eq!(notifications(&vsock, "127.0.0.2"), 2);
    assert_eq!(notifications(&vsock, "127.0.0.1"), 2);
    assert!(daemon.alive(), "daemon died; log:\n{}", dir.log());
}
