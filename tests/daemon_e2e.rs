//! The whole daemon, as an init script runs it: `bfdd-rs -d` in a private
//! network namespace (bfrs-dm-*) must return only once its vty socket answers,
//! show the configured peers over FRR's vty protocol, pick up config changes
//! on SIGHUP (and survive a bad file), and on SIGTERM exit and remove its pid
//! file and socket. Needs root and iproute2; namespace and files are removed
//! even on failure.

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

struct Netns(String);

impl Netns {
    fn new(tag: &str) -> Netns {
        let name = format!("bfrs-dm-{tag}-{}", std::process::id());
        let _ = Command::new("ip")
            .args(["netns", "del", &name])
            .stderr(Stdio::null())
            .status();
        let ok = Command::new("ip")
            .args(["netns", "add", &name])
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "ip netns add {name} failed (needs root and iproute2)");
        let ns = Netns(name);
        // 127.0.0.2 assigned too, so the daemon can run both ends of a
        // session over lo.
        for cmd in ["link set lo up", "addr add 127.0.0.2/8 dev lo"] {
            let ok = Command::new("ip")
                .args(["netns", "exec", &ns.0, "ip"])
                .args(cmd.split_whitespace())
                .status()
                .is_ok_and(|s| s.success());
            assert!(ok, "ip {cmd}");
        }
        ns
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = Command::new("ip").args(["netns", "del", &self.0]).status();
    }
}

/// Scratch directory; on drop, kills a daemon still named in its pid file.
struct Scratch(PathBuf);

impl Scratch {
    fn new(tag: &str) -> Scratch {
        let p = std::env::temp_dir().join(format!("bfrs-dm-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).expect("scratch dir");
        Scratch(p)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    fn pid(&self) -> Option<i32> {
        std::fs::read_to_string(self.path("bfdd.pid"))
            .ok()?
            .trim()
            .parse()
            .ok()
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.path("bfdd.log")).unwrap_or_default()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if let Some(pid) = self.pid() {
            // SAFETY: plain kill(2) of the daemon this test started.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// (peer, local) pairs.
fn config(peers: &[(&str, &str)]) -> String {
    let mut s = String::from("frr version 8.4.4\n!\nbfd\n");
    for (p, l) in peers {
        s.push_str(&format!(
            " peer {p} local-address {l}\n  receive-interval 100\n  transmit-interval 100\n exit\n !\n"
        ));
    }
    s.push_str("exit\n!\n");
    s
}

/// Start `bfdd-rs -d` in the namespace; returns its exit status, which the
/// parent gives only after the child is ready (or failed).
fn start(ns: &Netns, dir: &Scratch) -> std::process::ExitStatus {
    let d = dir.0.to_string_lossy();
    let args = [
        "netns",
        "exec",
        &ns.0,
        env!("CARGO_BIN_EXE_bfdd-rs"),
        "-d",
        "-f",
        &format!("{d}/bfdd.conf"),
        "-i",
        &format!("{d}/bfdd.pid"),
        "--vty_socket",
        &d,
        "--standalone",
        "--log",
        &format!("file:{d}/bfdd.log"),
        "--log-level",
        "debug",
    ];
    let mut child = Command::new("ip")
        .args(args)
        .stdin(Stdio::null())
        .spawn()
        .expect("spawn bfdd-rs");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(st) = child.try_wait().expect("wait") {
            return st;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("bfdd-rs -d did not return within 10 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// One vty command: text + NUL; answer is output + 00 00 00 <status>.
fn vty(conn: &mut UnixStream, cmd: &str) -> (String, u8) {
    conn.write_all(cmd.as_bytes()).expect("vty write");
    conn.write_all(&[0]).expect("vty write");
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = conn.read(&mut buf).expect("vty read");
        assert!(n > 0, "vty closed during {cmd:?}");
        out.extend_from_slice(&buf[..n]);
        if out.len() >= 4 && out[out.len() - 4..out.len() - 1] == [0, 0, 0] {
            let status = out[out.len() - 1];
            out.truncate(out.len() - 4);
            return (String::from_utf8_lossy(&out).into_owned(), status);
        }
    }
}

fn connect(sock: &Path) -> UnixStream {
    let c = UnixStream::connect(sock).expect("connect to bfdd.vty");
    c.set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    c
}

fn brief(sock: &Path) -> String {
    let mut c = connect(sock);
    assert_eq!(vty(&mut c, "enable").1, 0);
    let (out, status) = vty(&mut c, "show bfd peers brief");
    assert_eq!(status, 0, "show bfd peers brief: {out}");
    out
}

fn wait_until(what: &str, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while !f() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Alive = exists and is not a zombie waiting for a reaper.
fn alive(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .is_some_and(|state| state != "Z" && state != "X"),
        Err(_) => false,
    }
}

fn signal(pid: i32, sig: i32) {
    // SAFETY: plain kill(2) of the daemon this test started.
    assert_eq!(unsafe { libc::kill(pid, sig) }, 0, "kill {pid} {sig}");
}

const A_TO_B: (&str, &str) = ("127.0.0.2", "127.0.0.1");
const B_TO_A: (&str, &str) = ("127.0.0.1", "127.0.0.2");
const A_TO_C: (&str, &str) = ("127.0.0.3", "127.0.0.1");

#[test]
fn daemon_lifecycle() {
    let ns = Netns::new("e2e");
    let dir = Scratch::new("e2e");
    // Both ends of one session in the same daemon: they must come up.
    std::fs::write(dir.path("bfdd.conf"), config(&[A_TO_B, B_TO_A])).expect("config");

    let st = start(&ns, &dir);
    assert!(
        st.success(),
        "bfdd-rs -d exited {st:?}; log:\n{}",
        dir.log()
    );
    let sock = dir.path("bfdd.vty");
    // The parent returned: the socket must be there already, no waiting.
    assert!(sock.exists(), "vty socket missing after -d returned");
    let pid = dir.pid().expect("pid file");
    assert!(alive(pid), "daemon pid {pid} not running");

    // watchfrr's liveness probe, byte for byte.
    let mut c = connect(&sock);
    c.write_all(b"echo PING\0").expect("ping");
    let mut buf = [0u8; 64];
    let n = c.read(&mut buf).expect("pong");
    assert_eq!(&buf[..n], b"PING\n\0\0\0\0");
    drop(c);

    wait_until("both sessions up", || {
        let out = brief(&sock);
        out.contains("Session count: 2") && out.matches(" up ").count() == 2
    });
    wait_until("state changes logged", || {
        dir.log()
            .contains("session 127.0.0.2 (local 127.0.0.1, vrf default) Init -> Up, diag none")
    });

    // SIGHUP with a third peer added (nobody answers it).
    std::fs::write(dir.path("bfdd.conf"), config(&[A_TO_B, B_TO_A, A_TO_C])).expect("config");
    signal(pid, libc::SIGHUP);
    wait_until("third peer after SIGHUP", || {
        brief(&sock).contains("Session count: 3")
    });

    // SIGHUP with a broken file: logged, running config kept, nothing flaps.
    std::fs::write(dir.path("bfdd.conf"), "bfd\n peer not-an-address\n").expect("config");
    signal(pid, libc::SIGHUP);
    wait_until("reload error in the log", || {
        dir.log().contains("reload failed")
    });
    assert!(alive(pid));
    let out = brief(&sock);
    assert!(out.contains("Session count: 3"), "{out}");
    assert_eq!(out.matches(" up ").count(), 2, "{out}");

    // SIGHUP removing one end: it sends AdminDown, the other end goes down.
    std::fs::write(dir.path("bfdd.conf"), config(&[A_TO_B, A_TO_C])).expect("config");
    signal(pid, libc::SIGHUP);
    wait_until("removed end signals the other down", || {
        dir.log().contains(
            "session 127.0.0.2 (local 127.0.0.1, vrf default) Up -> Down, \
             diag neighbor signaled session down",
        )
    });
    let out = brief(&sock);
    assert!(out.contains("Session count: 2"), "{out}");

    signal(pid, libc::SIGTERM);
    wait_until("daemon exit", || !alive(pid));
    assert!(!sock.exists(), "vty socket left behind");
    assert!(dir.pid().is_none(), "pid file left behind");
    let log = dir.log();
    assert!(log.contains("shutting down"), "{log}");
    assert!(log.contains("exiting"), "{log}");
    assert!(!log.contains("WARN"), "unexpected warnings:\n{log}");
}

#[test]
fn daemon_refuses_bad_config_and_unusable_vty_dir() {
    let ns = Netns::new("e2e-bad");
    let dir = Scratch::new("e2e-bad");
    std::fs::write(dir.path("bfdd.conf"), "bfd\n peer 10.0.0.300\n").expect("config");
    let out = Command::new(env!("CARGO_BIN_EXE_bfdd-rs"))
        .args(["-d", "-f"])
        .arg(dir.path("bfdd.conf"))
        .arg("-i")
        .arg(dir.path("bfdd.pid"))
        .arg("--vty_socket")
        .arg(&dir.0)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bfdd.conf:2"),
        "error names file and line: {err}"
    );
    assert!(dir.pid().is_none(), "never started");

    // Good config but the vty directory does not exist: the child fails
    // after forking, and the waiting parent must report it.
    std::fs::write(dir.path("bfdd.conf"), config(&[A_TO_B])).expect("config");
    let d = dir.0.to_string_lossy();
    let st = Command::new("ip")
        .args([
            "netns",
            "exec",
            &ns.0,
            env!("CARGO_BIN_EXE_bfdd-rs"),
            "-d",
            "--standalone",
            "-f",
            &format!("{d}/bfdd.conf"),
            "-i",
            &format!("{d}/bfdd.pid"),
            "--vty_socket",
            &format!("{d}/no-such-dir"),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("run");
    assert_eq!(st.code(), Some(1));
    wait_until("failed child removes its pid file", || dir.pid().is_none());
}

#[test]
fn foreground_logs_to_stdout_and_stops_on_sigint() {
    let ns = Netns::new("e2e-fg");
    let dir = Scratch::new("e2e-fg");
    std::fs::write(dir.path("bfdd.conf"), config(&[A_TO_B, B_TO_A])).expect("config");
    let d = dir.0.to_string_lossy();
    let mut child = Command::new("ip")
        .args([
            "netns",
            "exec",
            &ns.0,
            env!("CARGO_BIN_EXE_bfdd-rs"),
            "--standalone",
            "-f",
            &format!("{d}/bfdd.conf"),
            "-i",
            &format!("{d}/bfdd.pid"),
            "--vty_socket",
            &d,
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    // `ip netns exec` execs the daemon in place: same pid.
    let pid = i32::try_from(child.id()).expect("pid");
    let sock = dir.path("bfdd.vty");
    wait_until("vty socket", || sock.exists());
    assert_eq!(
        dir.pid(),
        Some(pid),
        "pid file names the foreground process"
    );
    wait_until("sessions up", || brief(&sock).matches(" up ").count() == 2);

    signal(pid, libc::SIGINT);
    let deadline = Instant::now() + Duration::from_secs(5);
    let status = loop {
        if let Some(st) = child.try_wait().expect("wait") {
            break st;
        }
        assert!(Instant::now() < deadline, "no exit after SIGINT");
        std::thread::sleep(Duration::from_millis(20));
    };
    let out = child.wait_with_output().expect("output");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(status.success(), "exit {status:?}; stdout:\n{stdout}");
    for line in [
        "bfdd-rs ready",
        "Init -> Up",
        "shutting down: AdminDown to every peer",
        "exiting",
    ] {
        assert!(
            stdout.contains(line),
            "{line:?} missing from stdout:\n{stdout}"
        );
    }
    assert!(!sock.exists() && dir.pid().is_none(), "files left behind");
}
