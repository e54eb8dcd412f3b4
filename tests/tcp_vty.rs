//! The TCP vty (`-A`/`-P`) against FRR 8.4.4's real bfdd: every dialogue
//! recorded from FRR (tests/fixtures/tcp-vty, README.md says how) is
//! replayed against `bfdd-rs -A 127.0.0.1` started with the same config, and
//! the bytes must be the same (the session id of `show bfd peers brief`
//! masked): refusal without a password, banner and telnet options, three
//! bad passwords, login, enable password, node prompts, line editing,
//! exec-timeout, `line vty` / `no login`, settings typed in CONFIG. Also:
//! the system host name in prompts, `show bfd peers` identical to the unix
//! socket's but with CRLF, SIGHUP re-reading the login settings, and `-P 0`
//! opening no listener. Needs root and iproute2; namespaces are bfrs-tv-*,
//! removed even on failure.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tcp-vty");
/// How long the vty must stay quiet before the next send.
const QUIET: Duration = Duration::from_millis(300);

mod support;
use support::Netns;

/// A namespace of this file's own (bfrs-tv-*) with lo up.
fn netns(tag: &str) -> Netns {
    let ns = Netns::bare("bfrs-tv", tag);
    ns.ip("link set lo up");
    ns
}

/// Scratch directory; on drop, stops the daemon named in its pid file.
struct Daemon(PathBuf);

impl Daemon {
    /// `bfdd-rs -d` in `ns` with `conf` as bfdd.conf and `extra` arguments.
    fn start(ns: &Netns, tag: &str, conf: &str, extra: &[&str]) -> Daemon {
        let p = std::env::temp_dir().join(format!("bfrs-tv-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).expect("scratch dir");
        let d = Daemon(p);
        std::fs::write(d.path("bfdd.conf"), conf).expect("write conf");
        let dir = d.0.to_string_lossy().into_owned();
        let status = Command::new("ip")
            .args(["netns", "exec", &ns.0, env!("CARGO_BIN_EXE_bfdd-rs"), "-d"])
            .args(["-f", &format!("{dir}/bfdd.conf")])
            .args(["-i", &format!("{dir}/bfdd.pid")])
            .args(["--vty_socket", &dir, "--standalone"])
            .args(["--zapi-socket", &format!("{dir}/zapi.sock")])
            .args(["--bfdctl", &format!("{dir}/bfdd.sock")])
            .args(extra)
            .stdin(Stdio::null())
            .status()
            .expect("spawn bfdd-rs");
        assert!(status.success(), "bfdd-rs -d failed: {status}");
        d
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        if let Some(pid) = std::fs::read_to_string(self.path("bfdd.pid"))
            .ok()
            .and_then(|p| p.trim().parse::<i32>().ok())
        {
            // SAFETY: plain kill(2) of the daemon this test started.
            unsafe { libc::kill(pid, libc::SIGTERM) };
            let deadline = Instant::now() + Duration::from_secs(5);
            while Path::new(&format!("/proc/{pid}")).exists() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(20));
            }
            // SAFETY: as above; it did not stop in time.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Reads until the vty is quiet for QUIET; false once it has closed.
fn drain(s: &mut TcpStream, out: &mut Vec<u8>) -> bool {
    s.set_read_timeout(Some(QUIET)).expect("timeout");
    let mut buf = [0u8; 4096];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return false,
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                return true
            }
            Err(_) => return false,
        }
    }
}

/// `\r`, `\n`, `\0`, `\xNN` as capture.py (Python) reads them.
fn unescape(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && i + 1 < b.len() {
            match b[i + 1] {
                b'r' => out.push(b'\r'),
                b'n' => out.push(b'\n'),
                b'0' => out.push(0),
                b'\\' => out.push(b'\\'),
                b'x' => {
                    let hex = std::str::from_utf8(&b[i + 2..i + 4]).expect("hex");
                    out.push(u8::from_str_radix(hex, 16).expect("hex"));
                    i += 2;
                }
                c => panic!("unknown escape \\{}", c as char),
            }
            i += 2;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

/// capture.py's dialogue against 127.0.0.1:2617 in the current namespace.
fn replay(steps: Vec<String>) -> Vec<u8> {
    let connect = || {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            match TcpStream::connect("127.0.0.1:2617") {
                Ok(s) => return s,
                Err(e) if Instant::now() > deadline => panic!("connect: {e}"),
                Err(_) => std::thread::sleep(Duration::from_millis(50)),
            }
        }
    };
    let mut out = Vec::new();
    let mut s = connect();
    let mut alive = drain(&mut s, &mut out);
    for step in steps {
        if step == "@reconnect" {
            s = connect();
            alive = drain(&mut s, &mut out);
        } else if let Some(secs) = step.strip_prefix("@wait ") {
            std::thread::sleep(Duration::from_secs_f64(secs.parse().expect("secs")));
            alive = alive && drain(&mut s, &mut out);
        } else if alive {
            s.write_all(&unescape(&step)).expect("send");
            alive = drain(&mut s, &mut out);
        }
    }
    out
}

/// The session id column of `show bfd peers brief` rows.
fn mask(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .split("\r\n")
        .map(|l| {
            if l.starts_with(|c: char| c.is_ascii_digit()) && l.len() > 11 {
                format!("<id>{}", &l[11..])
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\r\n")
}

fn golden(name: &str) {
    let fx = |ext: &str| format!("{FIXTURES}/{name}.{ext}");
    let conf = std::fs::read_to_string(fx("conf")).expect("conf");
    let steps: Vec<String> = std::fs::read_to_string(fx("in"))
        .expect("in")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(String::from)
        .collect();
    let want = std::fs::read(fx("bin")).expect("bin");
    let ns = netns(name);
    let _d = Daemon::start(&ns, name, &conf, &["-A", "127.0.0.1"]);
    let got = ns.run(move || replay(steps));
    assert_eq!(mask(&got), mask(&want), "{name}: bfdd-rs vs FRR 8.4.4");
}

#[test]
fn golden_no_password_refused() {
    golden("nopass");
}

#[test]
fn golden_three_bad_passwords() {
    golden("wrong3");
}

#[test]
fn golden_login_and_node_prompts() {
    golden("login");
}

#[test]
fn golden_cr_nul_enter_and_show() {
    golden("crnul");
}

#[test]
fn golden_enable_password() {
    golden("enablepw");
}

#[test]
fn golden_exec_timeout() {
    golden("timeout");
}

#[test]
fn golden_no_login() {
    golden("nologin");
}

#[test]
fn golden_line_editing() {
    golden("editing");
}

#[test]
fn golden_settings_typed_in_config() {
    golden("config");
}

#[test]
fn prompt_uses_system_host_name() {
    let ns = netns("host");
    let _d = Daemon::start(&ns, "host", "password zebra\n", &["-A", "127.0.0.1"]);
    let got = ns.run(|| replay(vec!["zebra\\r\\n".into()]));
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").expect("hostname");
    let want = format!("Password: \r\n{}> ", host.trim());
    assert!(
        String::from_utf8_lossy(&got).ends_with(&want),
        "{:?}",
        String::from_utf8_lossy(&got)
    );
}

/// One unix-socket command run in ENABLE, output without its trailer.
fn unix_vty(path: &Path, cmd: &str) -> Vec<u8> {
    let mut c = UnixStream::connect(path).expect("bfdd.vty");
    c.set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    let mut reply = |line: &str| {
        c.write_all(format!("{line}\0").as_bytes()).expect("write");
        let mut out = Vec::new();
        let mut buf = [0u8; 4096];
        while !(out.len() >= 4 && out[out.len() - 4..out.len() - 1] == [0, 0, 0]) {
            let n = c.read(&mut buf).expect("read");
            assert!(n > 0, "closed");
            out.extend_from_slice(&buf[..n]);
        }
        out.truncate(out.len() - 4);
        out
    };
    reply("enable");
    reply(cmd)
}

#[test]
fn show_peers_same_as_unix_socket_with_crlf() {
    let conf = "password zebra\nbfd\n peer 192.0.2.9\n !\n peer 192.0.2.10 multihop local-address 192.0.2.1\n !\n!\n";
    let ns = netns("show");
    let d = Daemon::start(&ns, "show", conf, &["-A", "127.0.0.1"]);
    let got = ns.run(|| {
        replay(vec![
            "zebra\\r\\n".into(),
            "enable\\r\\n".into(),
            "show bfd peers\\r\\n".into(),
        ])
    });
    let unix = unix_vty(&d.path("bfdd.vty"), "show bfd peers");
    let text = String::from_utf8_lossy(&unix).into_owned();
    assert!(text.contains("\tpeer 192.0.2.9"), "{text}");
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").expect("hostname");
    let host = host.trim();
    let mut want = format!("{host}# show bfd peers\r\n").into_bytes();
    for &b in &unix {
        if b == b'\n' {
            want.push(b'\r');
        }
        want.push(b);
    }
    want.extend_from_slice(format!("{host}# ").as_bytes());
    // Downtime seconds may tick between the two reads: every number is 9.
    let digits = |b: &[u8]| -> String {
        let mut out = String::new();
        for c in String::from_utf8_lossy(b).chars() {
            if !c.is_ascii_digit() {
                out.push(c);
            } else if !out.ends_with('9') {
                out.push('9');
            }
        }
        out
    };
    let (got, want) = (digits(&got), digits(&want));
    let tail = &got[got.len().saturating_sub(want.len())..];
    assert_eq!(tail, want, "telnet (left) vs unix socket with CRLF (right)");
}

#[test]
fn port_zero_opens_no_listener() {
    let ns = netns("p0");
    let d = Daemon::start(
        &ns,
        "p0",
        "password zebra\n",
        &["-A", "127.0.0.1", "-P", "0"],
    );
    assert!(d.path("bfdd.vty").exists(), "daemon is up");
    let err = ns
        .run(|| TcpStream::connect("127.0.0.1:2617").map(|_| ()))
        .expect_err("nothing listens on 2617");
    assert_eq!(err.kind(), std::io::ErrorKind::ConnectionRefused);
}

#[test]
fn sighup_rereads_login_settings() {
    let ns = netns("hup");
    let d = Daemon::start(&ns, "hup", "password zebra\n", &["-A", "127.0.0.1"]);
    let before = ns.run(|| replay(Vec::new()));
    assert!(before.ends_with(b"Password: "), "{before:?}");
    std::fs::write(d.path("bfdd.conf"), "hostname h1\nline vty\n no login\n!\n").expect("conf");
    let pid: i32 = std::fs::read_to_string(d.path("bfdd.pid"))
        .expect("pid")
        .trim()
        .parse()
        .expect("pid");
    // SAFETY: plain kill(2) of the daemon this test started.
    unsafe { libc::kill(pid, libc::SIGHUP) };
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let after = ns.run(|| replay(Vec::new()));
        if after.ends_with(b"h1> ") {
            break;
        }
        assert!(Instant::now() < deadline, "after SIGHUP: {after:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
}
