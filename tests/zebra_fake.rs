//! The zebra client against a fake zebra: a unix listener in this test that
//! speaks ZAPI bytes built with the `zapi` crate. `bfdd-rs -z PATH` in a
//! private namespace (bfrs-zb-*) must send HELLO (BFD route type 25), the
//! INTERFACE_ADD request, then the replay request and a second INTERFACE_ADD
//! request, byte for byte as FRR 8.4's bfdd does; turn relayed registrations
//! into sessions with an immediate status reply wrapped in BFD_DEST_REPLAY;
//! report Up and Up→Down; remove sessions on relayed deregister and client
//! deregister; skip garbage; and after zebra goes away, reconnect (10 s),
//! repeat the sequence and keep every session on the wire while clients
//! re-register. Needs root and iproute2.

mod support;
mod zebra_support;

use std::os::unix::net::UnixListener;
use std::time::{Duration, Instant};

use zapi::{BfdStatus, Frame, Message, Replay, Vrf};
use zebra_support::*;

/// HELLO (proto 25) + INTERFACE_ADD request + replay request + INTERFACE_ADD
/// request, as frr-bfdd-interfaces.md §3.2 / §2.11 give them.
const CONNECT_SEQUENCE: [u8; 53] = [
    0x00, 0x13, 0xFE, 0x06, 0, 0, 0, 0, 0x00, 0x12, 0x19, 0, 0, 0, 0, 0, 0, 0, 0, // HELLO
    0x00, 0x0A, 0xFE, 0x06, 0, 0, 0, 0, 0x00, 0x00, // INTERFACE_ADD request
    0x00, 0x0E, 0xFE, 0x06, 0, 0, 0, 0, 0x00, 0x1D, 0, 0, 0, 0x1D, // replay request
    0x00, 0x0A, 0xFE, 0x06, 0, 0, 0, 0, 0x00, 0x00, // INTERFACE_ADD request
];

fn accept(l: &UnixListener, secs: u64) -> Zconn {
    l.set_nonblocking(true).expect("nonblocking");
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        match l.accept() {
            Ok((s, _)) => {
                s.set_nonblocking(false).expect("blocking");
                return Zconn::new(s);
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                assert!(Instant::now() < deadline, "bfdd-rs did not connect");
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(e) => panic!("accept: {e}"),
        }
    }
}

fn relay(z: &mut Zconn, r: Replay) {
    z.send(Frame::new(0, Message::BfdDestReplay(Some(r))));
}

fn status_of(f: &Frame, peer: &str) -> Option<BfdStatus> {
    match &f.message {
        Message::BfdDestReplay(Some(Replay::Status(u))) if u.peer == ip(peer) => Some(u.status),
        _ => None,
    }
}

fn wait_status(z: &mut Zconn, peer: &str, want: BfdStatus) {
    z.wait_for(10, &format!("{peer} {want:?}"), |f| {
        (status_of(f, peer) == Some(want)).then_some(())
    });
}

/// Wait until every (peer, status) was reported, in any order.
fn wait_all(z: &mut Zconn, want: &[(&str, BfdStatus)]) {
    let mut left: Vec<(&str, BfdStatus)> = want.to_vec();
    z.wait_for(10, &format!("{want:?}"), |f| {
        left.retain(|(peer, st)| status_of(f, peer) != Some(*st));
        left.is_empty().then_some(())
    });
}

fn both_ends(z: &mut Zconn, pid: u32) {
    relay(z, Replay::Register(dest(pid, "127.0.0.2", "127.0.0.1", 1)));
    relay(z, Replay::Update(dest(pid, "127.0.0.1", "127.0.0.2", 1)));
}

#[test]
fn fake_zebra_relay_and_reconnect() {
    let ns = netns("fz");
    let dir = scratch("fz");
    let zserv = dir.path("zserv.api");
    let listener = UnixListener::bind(&zserv).expect("bind fake zserv");
    let vsock = dir.path("bfdd.vty");
    let zs = zserv.to_string_lossy().to_string();
    let mut daemon = Daemon::start(&ns, &dir, &["-z", &zs], &dir.path("zapi.sock"));
    wait_until("vty socket", 5, || vsock.exists());

    let mut z = accept(&listener, 10);
    assert_eq!(z.read_exact_within(53, 5), CONNECT_SEQUENCE);
    // What zebra says first: the default VRF.
    z.send(Frame::new(
        0,
        Message::VrfAdd(Vrf {
            table_id: 254,
            netns: String::new(),
            name: "default".into(),
        }),
    ));

    // Relayed REGISTER from pid 1 → session + immediate Down, wrapped.
    relay(
        &mut z,
        Replay::Register(dest(1, "127.0.0.2", "127.0.0.1", 1)),
    );
    assert_eq!(
        z.read_exact_within(35, 5),
        [
            0x00, 0x23, 0xFE, 0x06, 0, 0, 0, 0, 0x00, 0x1D, // DEST_REPLAY
            0, 0, 0, 0x19, // inner: INTERFACE_BFD_DEST_UPDATE
            0, 0, 0, 0, // ifindex
            2, 127, 0, 0, 2, 32, // peer
            0, 0, 0, 2, // Down
            2, 127, 0, 0, 1, 32, // local
            0   // remote C bit
        ]
    );
    // The other end from pid 2, as an UPDATE (treated as register).
    relay(&mut z, Replay::ClientRegister { pid: 2 });
    relay(&mut z, Replay::Update(dest(2, "127.0.0.1", "127.0.0.2", 1)));
    wait_all(
        &mut z,
        &[("127.0.0.2", BfdStatus::Up), ("127.0.0.1", BfdStatus::Up)],
    );
    let json = peers_json(&vsock);
    assert_eq!(json.matches(r#""status":"up""#).count(), 2, "{json}");

    // Relayed DEREGISTER of pid 1's session: removed, the other end Down.
    relay(
        &mut z,
        Replay::Deregister(dest(1, "127.0.0.2", "127.0.0.1", 1)),
    );
    wait_status(&mut z, "127.0.0.1", BfdStatus::Down);
    wait_until("pid 1's session removed", 5, || {
        !peers_json(&vsock).contains(r#""peer":"127.0.0.2""#)
    });
    // zebra's synthesized CLIENT_DEREGISTER for pid 2: its session goes.
    relay(&mut z, Replay::ClientDeregister { pid: 2 });
    wait_until("pid 2's session removed", 5, || {
        !peers_json(&vsock).contains(r#""peer":"127.0.0.1""#)
    });

    // Garbage from zebra: an unknown command, a garbled relay. Skipped.
    z.send(Frame::new(
        0,
        Message::Unknown {
            command: 99,
            vrf_id: 0,
            payload: vec![1, 2, 3],
        },
    ));
    {
        use std::io::Write;
        let bad = [
            0x00, 0x10, 0xFE, 0x06, 0, 0, 0, 0, 0x00, 0x1D, 0, 0, 0, 0x1A, 0, 1,
        ];
        z.stream.write_all(&bad).expect("write");
    }

    // pid 3 holds both ends; they come up.
    both_ends(&mut z, 3);
    wait_all(
        &mut z,
        &[("127.0.0.2", BfdStatus::Up), ("127.0.0.1", BfdStatus::Up)],
    );
    let downs_before = dir.log().matches("Up -> Down").count();

    // zebra goes away. Sessions stay up; bfdd-rs reconnects after 10 s.
    drop(z);
    std::thread::sleep(Duration::from_secs(2));
    let json = peers_json(&vsock);
    assert_eq!(json.matches(r#""status":"up""#).count(), 2, "{json}");
    let mut z = accept(&listener, 15);
    assert_eq!(z.read_exact_within(53, 5), CONNECT_SEQUENCE);
    // The clients replay their registrations: immediate Up replies.
    both_ends(&mut z, 3);
    assert_eq!(
        z.wait_for(5, "reply for 127.0.0.2", |f| status_of(f, "127.0.0.2")),
        BfdStatus::Up
    );
    assert_eq!(
        z.wait_for(5, "reply for 127.0.0.1", |f| status_of(f, "127.0.0.1")),
        BfdStatus::Up
    );
    both_up_without_flap(&vsock, &dir, downs_before, &mut daemon);
    let log = dir.log();
    assert!(log.contains("connected to zebra"), "{log}");
    assert!(log.contains("zebra message skipped"), "{log}");
}
