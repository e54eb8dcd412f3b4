//! The direct ZAPI control socket end to end: `bfdd-rs --standalone` with an
//! empty config in a private namespace (bfrs-zb-*); two test clients each
//! register one end of a session over lo (127.0.0.1 ↔ 127.0.0.2), so the
//! sessions exist only because clients asked. Each client gets the
//! immediate Down reply, then Up as INTERFACE_BFD_DEST_UPDATE; garbage on a
//! connection is skipped; a client that disconnects loses its session (the
//! peer end reports Down), and the other client's deregister removes the
//! last one. Needs root and iproute2.

mod support;
mod zebra_support;

use std::io::Write;
use std::time::Duration;

use zapi::{BfdStatus, Frame, Message, VRF_DEFAULT};
use zebra_support::*;

fn status_of(f: &Frame, peer: &str) -> Option<BfdStatus> {
    match &f.message {
        Message::InterfaceBfdDestUpdate(u) if u.peer == ip(peer) => Some(u.status),
        _ => None,
    }
}

#[test]
fn direct_clients_create_and_remove_sessions() {
    let ns = netns("ds");
    let dir = scratch("ds");
    let zsock = dir.path("zapi.sock");
    let vsock = dir.path("bfdd.vty");
    let mut daemon = Daemon::start(&ns, &dir, &["--standalone"], &zsock);
    wait_until("vty socket", 5, || vsock.exists());

    // Client A: one end. The raw bytes of the first reply are checked too.
    let mut a = Zconn::connect(&zsock);
    a.send(Frame::new(
        VRF_DEFAULT,
        Message::BfdClientRegister { pid: 101 },
    ));
    a.send(Frame::new(
        VRF_DEFAULT,
        Message::BfdDestRegister(dest(101, "127.0.0.2", "127.0.0.1", 1)),
    ));
    let first = a.read_exact_within(31, 5);
    assert_eq!(
        first,
        [
            0x00, 0x1F, 0xFE, 0x06, 0, 0, 0, 0, 0x00, 0x19, // header, cmd 25
            0, 0, 0, 0, // ifindex: no interface
            2, 127, 0, 0, 2, 32, // peer
            0, 0, 0, 2, // Down
            2, 127, 0, 0, 1, 32, // local
            0   // remote C bit
        ],
        "immediate status reply, unwrapped"
    );

    // Garbage on A's connection: an unknown command and a truncated
    // registration, both skipped; the connection stays usable.
    let mut junk = vec![0x00, 0x0E, 0xFE, 0x06, 0, 0, 0, 0, 0x00, 0x63, 1, 2, 3, 4];
    junk.extend([0x00, 0x0E, 0xFE, 0x06, 0, 0, 0, 0, 0x00, 0x1A, 0, 0, 0, 1]);
    a.stream.write_all(&junk).expect("write junk");

    // Client B: the other end, on its own connection.
    let mut b = Zconn::connect(&zsock);
    b.send(Frame::new(
        VRF_DEFAULT,
        Message::BfdDestRegister(dest(202, "127.0.0.1", "127.0.0.2", 1)),
    ));
    assert_eq!(
        b.wait_for(5, "B's reply", |f| status_of(f, "127.0.0.1")),
        BfdStatus::Down
    );
    a.wait_for(10, "A sees Up", |f| {
        (status_of(f, "127.0.0.2") == Some(BfdStatus::Up)).then_some(())
    });
    b.wait_for(10, "B sees Up", |f| {
        (status_of(f, "127.0.0.1") == Some(BfdStatus::Up)).then_some(())
    });
    let json = peers_json(&vsock);
    assert!(json.contains(r#""peer":"127.0.0.2""#), "{json}");
    assert!(json.contains(r#""peer":"127.0.0.1""#), "{json}");
    assert_eq!(json.matches(r#""status":"up""#).count(), 2, "{json}");

    // A re-registering on the same connection is idempotent: another reply,
    // now Up, nothing else changes.
    a.send(Frame::new(
        VRF_DEFAULT,
        Message::BfdDestRegister(dest(101, "127.0.0.2", "127.0.0.1", 1)),
    ));
    assert_eq!(
        a.wait_for(5, "A's second reply", |f| status_of(f, "127.0.0.2")),
        BfdStatus::Up
    );

    // A disconnects: its session goes (AdminDown to the peer end), B hears Down.
    drop(a);
    b.wait_for(10, "B sees Down", |f| {
        (status_of(f, "127.0.0.1") == Some(BfdStatus::Down)).then_some(())
    });
    wait_until("A's session removed", 5, || {
        !peers_json(&vsock).contains(r#""peer":"127.0.0.2""#)
    });

    // B deregisters explicitly: no sessions left, B still connected.
    b.send(Frame::new(
        VRF_DEFAULT,
        Message::BfdDestDeregister(dest(202, "127.0.0.1", "127.0.0.2", 1)),
    ));
    wait_until("B's session removed", 5, || {
        !peers_json(&vsock).contains(r#""peer":"127.0.0.1""#)
    });
    assert!(
        b.next_frame(Duration::from_millis(300)).is_none(),
        "no status after deregister"
    );
    assert!(daemon.alive(), "daemon died; log:\n{}", dir.log());
    let log = dir.log();
    assert!(log.contains("ZAPI client message skipped"), "{log}");
}

/// The example client, built if `cargo test` has not built it already.
fn example_client() -> std::path::PathBuf {
    let exe = std::env::current_exe().expect("test exe");
    let dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target dir");
    let bin = dir.join("examples").join("zapi-client");
    if !bin.exists() {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let ok = std::process::Command::new(cargo)
            .args(["build", "--example", "zapi-client"])
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "cargo build --example zapi-client");
    }
    bin
}

/// `zapi-client SOCKET PEER --local ADDR` in the namespace, stdout piped.
fn run_client(ns: &Netns, sock: &std::path::Path, peer: &str, local: &str) -> std::process::Child {
    std::process::Command::new("ip")
        .args(["netns", "exec", &ns.0])
        .arg(example_client())
        .arg(sock)
        .args([peer, "--local", local])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn zapi-client")
}

/// Read stdout lines until one equals `want`.
fn expect_line(out: &mut impl std::io::BufRead, want: &str) {
    let mut seen = Vec::new();
    loop {
        let mut line = String::new();
        let n = out.read_line(&mut line).expect("read client output");
        assert!(n > 0, "client output ended before {want:?}; saw {seen:?}");
        if line.trim_end() == want {
            return;
        }
        seen.push(line);
    }
}

struct Reap(std::process::Child);

impl Drop for Reap {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn example_client_registers_and_deregisters_on_ctrl_c() {
    let ns = netns("ex");
    let dir = scratch("ex");
    let zsock = dir.path("zapi.sock");
    let vsock = dir.path("bfdd.vty");
    let _daemon = Daemon::start(&ns, &dir, &["--standalone"], &zsock);
    wait_until("vty socket", 5, || vsock.exists());

    let mut a = Reap(run_client(&ns, &zsock, "127.0.0.2", "127.0.0.1"));
    let mut b = Reap(run_client(&ns, &zsock, "127.0.0.1", "127.0.0.2"));
    let mut a_out = std::io::BufReader::new(a.0.stdout.take().expect("stdout"));
    let mut b_out = std::io::BufReader::new(b.0.stdout.take().expect("stdout"));
    expect_line(&mut a_out, "127.0.0.2 127.0.0.1 Down");
    expect_line(&mut a_out, "127.0.0.2 127.0.0.1 Up");
    expect_line(&mut b_out, "127.0.0.1 127.0.0.2 Up");

    // Ctrl-C: A deregisters and exits 0; its session goes, B hears Down.
    // SAFETY: plain kill(2) of the `ip netns exec` child, which execs the
    // client in place, so the pid is the client's.
    unsafe { libc::kill(a.0.id() as i32, libc::SIGINT) };
    let st = a.0.wait().expect("wait client");
    assert!(st.success(), "zapi-client exited {st:?}");
    expect_line(&mut b_out, "127.0.0.1 127.0.0.2 Down");
    wait_until("A's session removed", 5, || {
        !peers_json(&vsock).contains(r#""peer":"127.0.0.2""#)
    });
}
