//! Against FRR's real zebra (/usr/lib/frr/zebra, run as frr in a private
//! namespace bfrs-zb-*): zebra must accept bfdd-rs's HELLO as the BFD
//! daemon (`show zebra client summary` lists bfd), and relay a protocol
//! client's registrations to it and its status back. The protocol client
//! is this test, connected to zebra as route type BGP: its REGISTERs of
//! both ends of a session over lo come back as Down, then Up, through
//! zebra; when it disconnects, zebra's synthesized CLIENT_DEREGISTER makes
//! bfdd-rs remove both sessions. Skipped (with a message) when FRR is not
//! installed; needs root and iproute2.

mod support;
mod zebra_support;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use zapi::{BfdStatus, Frame, Hello, Message, VRF_DEFAULT};
use zebra_support::*;

const ZEBRA: &str = "/usr/lib/frr/zebra";
const VTYSH: &str = "/usr/bin/vtysh";
/// ZEBRA_ROUTE_BGP in 8.4.
const ROUTE_BGP: u8 = 9;

struct Zebra {
    pid_file: std::path::PathBuf,
}

impl Zebra {
    fn start(ns: &Netns, dir: &Scratch) -> Zebra {
        let d = dir.0.to_string_lossy().to_string();
        std::fs::write(dir.path("zebra.conf"), "").expect("zebra.conf");
        let ok = Command::new("chown")
            .args(["-R", "frr:frr", &d])
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "chown frr {d}");
        let st = Command::new("ip")
            .args([
                "netns", "exec", &ns.0, ZEBRA, "-d", "-u", "frr", "-g", "frr",
            ])
            .args(["-P", "0", "-f", &format!("{d}/zebra.conf")])
            .args(["-i", &format!("{d}/zebra.pid"), "--vty_socket", &d])
            .args(["-z", &format!("{d}/zserv.api")])
            .stdout(Stdio::null())
            .status()
            .expect("spawn zebra");
        assert!(st.success(), "zebra -d exited {st:?}");
        let z = Zebra {
            pid_file: dir.path("zebra.pid"),
        };
        wait_until("zserv.api", 10, || dir.path("zserv.api").exists());
        z
    }
}

impl Zebra {
    fn pid(&self) -> Option<i32> {
        std::fs::read_to_string(&self.pid_file)
            .ok()
            .and_then(|s| s.trim().parse::<i32>().ok())
    }

    /// SIGTERM and wait until the process is gone; its pid file goes too, so
    /// a zebra started later with the same file is not touched by our drop.
    fn stop(self) {
        let Some(pid) = self.pid() else { return };
        // SAFETY: plain kill(2) of the zebra this test started.
        unsafe { libc::kill(pid, libc::SIGTERM) };
        wait_until("zebra exit", 10, || {
            // SAFETY: signal 0 only checks that the pid exists.
            unsafe { libc::kill(pid, 0) != 0 }
        });
        let _ = std::fs::remove_file(&self.pid_file);
    }
}

impl Drop for Zebra {
    fn drop(&mut self) {
        if let Some(pid) = self.pid() {
            // SAFETY: plain kill(2) of the zebra this test started.
            unsafe { libc::kill(pid, libc::SIGTERM) };
            std::thread::sleep(Duration::from_millis(300));
            // SAFETY: as above.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
    }
}

fn vtysh(dir: &Path, cmd: &str) -> String {
    let out = Command::new(VTYSH)
        .args(["--vty_socket", &dir.to_string_lossy(), "-c", cmd])
        .output()
        .expect("run vtysh");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A protocol daemon's connection to zebra: HELLO as BGP, CLIENT_REGISTER.
fn bgp_client(dir: &Scratch, pid: u32) -> Zconn {
    let mut bgp = Zconn::connect(&dir.path("zserv.api"));
    let mut hello = Hello::bfdd(V);
    hello.proto = ROUTE_BGP;
    bgp.send(Frame::new(VRF_DEFAULT, Message::Hello(hello)));
    bgp.send(Frame::new(VRF_DEFAULT, Message::BfdClientRegister { pid }));
    bgp
}

fn register_both(bgp: &mut Zconn, pid: u32) {
    for (peer, local) in [("127.0.0.2", "127.0.0.1"), ("127.0.0.1", "127.0.0.2")] {
        bgp.send(Frame::new(
            VRF_DEFAULT,
            Message::BfdDestRegister(dest(pid, peer, local, 1)),
        ));
    }
}

fn status_of(f: &Frame, peer: &str) -> Option<BfdStatus> {
    match &f.message {
        Message::InterfaceBfdDestUpdate(u) if u.peer == ip(peer) => Some(u.status),
        _ => None,
    }
}

#[test]
fn real_zebra_accepts_bfdd_rs_and_relays() {
    if !Path::new(ZEBRA).exists() || !Path::new(VTYSH).exists() {
        eprintln!("FRR not installed ({ZEBRA}, {VTYSH}); skipping");
        return;
    }
    let ns = netns("rz");
    let dir = scratch("rz");
    let _zebra = Zebra::start(&ns, &dir);
    let zs = dir.path("zserv.api").to_string_lossy().to_string();
    let mut daemon = Daemon::start(&ns, &dir, &["-z", &zs], &dir.path("zapi.sock"));
    let vsock = dir.path("bfdd.vty");
    wait_until("vty socket", 5, || vsock.exists());

    // zebra knows bfdd-rs as its BFD client.
    let mut summary = String::new();
    wait_until("bfd in show zebra client summary", 10, || {
        summary = vtysh(&dir.0, "show zebra client summary");
        summary.lines().any(|l| l.trim_start().starts_with("bfd "))
    });

    // A protocol daemon (us, as BGP) registers both ends through zebra.
    let mut bgp = Zconn::connect(&dir.path("zserv.api"));
    let mut hello = Hello::bfdd(V);
    hello.proto = ROUTE_BGP;
    bgp.send(Frame::new(VRF_DEFAULT, Message::Hello(hello)));
    let pid = 4242;
    bgp.send(Frame::new(VRF_DEFAULT, Message::BfdClientRegister { pid }));
    bgp.send(Frame::new(
        VRF_DEFAULT,
        Message::BfdDestRegister(dest(pid, "127.0.0.2", "127.0.0.1", 1)),
    ));
    assert_eq!(
        bgp.wait_for(10, "relayed reply", |f| status_of(f, "127.0.0.2")),
        BfdStatus::Down
    );
    bgp.send(Frame::new(
        VRF_DEFAULT,
        Message::BfdDestRegister(dest(pid, "127.0.0.1", "127.0.0.2", 1)),
    ));
    bgp.wait_for(10, "Up through zebra", |f| {
        (status_of(f, "127.0.0.2") == Some(BfdStatus::Up)).then_some(())
    });
    let json = peers_json(&vsock);
    assert_eq!(json.matches(r#""status":"up""#).count(), 2, "{json}");

    // The protocol daemon goes away: zebra tells bfdd-rs, sessions go.
    drop(bgp);
    wait_until("sessions removed after client loss", 10, || {
        !peers_json(&vsock).contains(r#""peer""#)
    });
    assert!(daemon.alive(), "daemon died; log:\n{}", dir.log());
}

#[test]
fn real_zebra_restart_keeps_sessions() {
    if !Path::new(ZEBRA).exists() || !Path::new(VTYSH).exists() {
        eprintln!("FRR not installed ({ZEBRA}, {VTYSH}); skipping");
        return;
    }
    let ns = netns("rr");
    let dir = scratch("rr");
    let zebra = Zebra::start(&ns, &dir);
    let zs = dir.path("zserv.api").to_string_lossy().to_string();
    let mut daemon = Daemon::start(&ns, &dir, &["-z", &zs], &dir.path("zapi.sock"));
    let vsock = dir.path("bfdd.vty");
    wait_until("vty socket", 5, || vsock.exists());
    wait_until("bfd client in zebra", 10, || {
        vtysh(&dir.0, "show zebra client summary")
            .lines()
            .any(|l| l.trim_start().starts_with("bfd "))
    });

    let pid = 5151;
    let mut bgp = bgp_client(&dir, pid);
    register_both(&mut bgp, pid);
    bgp.wait_for(10, "Up through zebra", |f| {
        (status_of(f, "127.0.0.2") == Some(BfdStatus::Up)).then_some(())
    });
    wait_until("both up", 5, || {
        peers_json(&vsock).matches(r#""status":"up""#).count() == 2
    });
    let downs_before = dir.log().matches("Up -> Down").count();

    // zebra restarts; the protocol daemon reconnects at once, bfdd-rs on its
    // 10 s timer; its replay request reaches the client through zebra.
    zebra.stop();
    drop(bgp);
    let zebra = Zebra::start(&ns, &dir);
    let mut bgp = bgp_client(&dir, pid);
    bgp.wait_for(20, "replay request relayed by zebra", |f| {
        (f.message == Message::BfdDestReplay(None)).then_some(())
    });
    register_both(&mut bgp, pid);
    assert_eq!(
        bgp.wait_for(5, "reply after re-register", |f| status_of(f, "127.0.0.2")),
        BfdStatus::Up
    );
    both_up_without_flap(&vsock, &dir, downs_before, &mut daemon);
    drop(zebra);
}
