//! Privilege drop, end to end: `bfdd-rs -d -u frr -g frr` started as root in
//! a private network namespace (bfrs-pv-*) must run as frr with the frrvty
//! group and NET_BIND_SERVICE, NET_RAW, NET_ADMIN and SYS_ADMIN effective in
//! every thread, still bring a session up over lo (the engine opens its
//! sockets after the switch), and remove its pid file and vty socket on
//! SIGTERM. A missing user or a directory the user cannot write stops an
//! explicit -u; left at the default, the daemon stays root and says why.
//! Started as another user, it runs as it is and says so.
//! Needs root, iproute2 and the frr user of an installed FRR.

use std::os::unix::fs::MetadataExt;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

mod support;

use support::{alive, brief, frr_ids, wait_until, Netns, Reap, Scratch};

/// This file's namespaces and directories: bfrs-pv-TAG-PID.
const PREFIX: &str = "bfrs-pv";

fn netns(tag: &str) -> Netns {
    Netns::new(PREFIX, tag)
}

/// Owned by `owner` (uid, gid) when given, else by root; on drop, kills a
/// daemon still named in its pid file.
fn scratch(tag: &str, owner: Option<(u32, u32)>) -> Scratch {
    Scratch::new(PREFIX, tag, Reap::Kill).owned_by(owner)
}

/// Both ends of one session, bound to lo (SO_BINDTODEVICE after the switch).
const CONFIG: &str = "bfd\n peer 127.0.0.2 interface lo local-address 127.0.0.1\n  receive-interval 100\n  \
transmit-interval 100\n exit\n !\n peer 127.0.0.1 interface lo local-address 127.0.0.2\n  receive-interval 100\n  \
transmit-interval 100\n exit\n !\nexit\n";

/// Run `bfdd-rs -d` with every path in `dir`, plus `extra`, in `ns`.
fn start(ns: &Netns, dir: &Scratch, extra: &[&str]) -> Output {
    start_as(ns, dir, &[], extra)
}

/// As `start`, with `wrap` (e.g. runuser) between `ip netns exec` and us.
fn start_as(ns: &Netns, dir: &Scratch, wrap: &[&str], extra: &[&str]) -> Output {
    let d = dir.0.to_string_lossy();
    let mut child = Command::new("ip")
        .args(["netns", "exec", &ns.0])
        .args(wrap)
        .args([env!("CARGO_BIN_EXE_bfdd-rs"), "-d"])
        .args(["--standalone", "-P", "0"])
        .args(["-f", &format!("{d}/bfdd.conf")])
        .args(["-i", &format!("{d}/bfdd.pid")])
        .args(["--vty_socket", &d, "--bfdctl", &format!("{d}/bfdd.sock")])
        .args([
            "--log",
            &format!("file:{d}/bfdd.log"),
            "--log-level",
            "debug",
        ])
        .args(extra)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn bfdd-rs");
    let deadline = Instant::now() + Duration::from_secs(10);
    while child.try_wait().expect("wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("bfdd-rs -d did not return within 10 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

/// `Key:` line of a /proc status file, split into words.
fn status_field(status: &str, key: &str) -> Vec<String> {
    status
        .lines()
        .find_map(|l| l.strip_prefix(key))
        .unwrap_or_else(|| panic!("{key} missing from status"))
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

const NET_BIND_SERVICE: u64 = 1 << 10;
const NET_ADMIN: u64 = 1 << 12;
const NET_RAW: u64 = 1 << 13;
const SYS_ADMIN: u64 = 1 << 21;
/// Never kept: file permission overrides, setuid, module loading.
const DAC_OVERRIDE: u64 = 1 << 1;
const SETUID: u64 = 1 << 7;
const SYS_MODULE: u64 = 1 << 16;

#[test]
fn runs_as_frr_with_kept_capabilities_and_sessions_come_up() {
    let (uid, gid, vty_gid) = frr_ids();
    let ns = netns("drop");
    let dir = scratch("drop", Some((uid, gid)));
    std::fs::write(dir.path("bfdd.conf"), CONFIG).expect("config");

    let out = start(&ns, &dir, &["-u", "frr", "-g", "frr"]);
    assert!(
        out.status.success(),
        "exit {:?}; stderr {}; log:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr),
        dir.log()
    );
    let pid = dir.pid().expect("pid file");
    assert!(alive(pid));
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("status");
    let (u, g) = (uid.to_string(), gid.to_string());
    assert_eq!(status_field(&status, "Uid:"), [u.as_str(); 4], "{status}");
    assert_eq!(status_field(&status, "Gid:"), [g.as_str(); 4], "{status}");
    let groups = status_field(&status, "Groups:");
    assert!(groups.contains(&vty_gid.to_string()), "frrvty: {groups:?}");
    assert!(
        !groups.contains(&"0".to_string()),
        "root group kept: {groups:?}"
    );

    // The session must come up: the engine bound 3784 and opened its
    // per-session sockets after the switch.
    let sock = dir.path("bfdd.vty");
    wait_until("both sessions up", 5, || {
        brief(&sock).matches(" up ").count() == 2
    });

    // Every thread, including the engine's, holds the kept set and only it.
    let want = NET_BIND_SERVICE | NET_RAW | NET_ADMIN | SYS_ADMIN;
    let tasks: Vec<_> = std::fs::read_dir(format!("/proc/{pid}/task"))
        .expect("tasks")
        .map(|e| e.expect("task").path())
        .collect();
    assert!(tasks.len() >= 2, "engine thread expected: {tasks:?}");
    for t in &tasks {
        let st = std::fs::read_to_string(t.join("status")).expect("task status");
        let eff = u64::from_str_radix(&status_field(&st, "CapEff:")[0], 16).expect("hex");
        let prm = u64::from_str_radix(&status_field(&st, "CapPrm:")[0], 16).expect("hex");
        assert_eq!(eff & want, want, "{}: CapEff {eff:#x}", t.display());
        assert_eq!(prm, want, "{}: CapPrm {prm:#x}", t.display());
        assert_eq!(eff & (DAC_OVERRIDE | SETUID | SYS_MODULE), 0);
    }

    // Files FRR would create as the user belong to the user.
    for f in ["bfdd.pid", "bfdd.vty", "bfdd.log"] {
        let m = std::fs::metadata(dir.path(f)).expect(f);
        assert_eq!(m.uid(), uid, "{f} owner");
    }
    assert_eq!(std::fs::metadata(&sock).expect("vty").gid(), vty_gid);
    assert!(dir.log().contains("running as user frr"), "{}", dir.log());

    // SIGTERM: clean exit, and the unprivileged daemon removes its files.
    // SAFETY: plain kill(2) of the daemon this test started.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
    wait_until("daemon exit", 5, || !alive(pid));
    assert!(!sock.exists(), "vty socket left behind");
    assert!(dir.pid().is_none(), "pid file left behind");
    let log = dir.log();
    assert!(log.contains("bfdd-rs exiting"), "{log}");
    assert!(!log.contains("WARN") && !log.contains("ERROR"), "{log}");
}

#[test]
fn unknown_user_or_group_stops_the_daemon() {
    let ns = netns("nouser");
    let dir = scratch("nouser", None);
    std::fs::write(dir.path("bfdd.conf"), CONFIG).expect("config");
    for (args, text) in [
        (
            ["-u", "bfrs-pv-nosuchuser"],
            "could not lookup user bfrs-pv-nosuchuser",
        ),
        (
            ["-g", "bfrs-pv-nosuchgroup"],
            "could not lookup group bfrs-pv-nosuchgroup",
        ),
    ] {
        let out = start(&ns, &dir, &args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(text), "{args:?}: stderr {err}");
        assert!(dir.pid().is_none(), "never started");
        assert!(!dir.path("bfdd.vty").exists());
    }
}

#[test]
fn explicit_user_needs_writable_state_dirs_default_user_stays_root() {
    frr_ids();
    let ns = netns("rootdir");
    // Owned by root, mode 0755: frr could create files there but never
    // remove them.
    let dir = scratch("rootdir", None);
    std::fs::write(dir.path("bfdd.conf"), CONFIG).expect("config");

    let out = start(&ns, &dir, &["-u", "frr"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("is not writable by user frr"), "stderr {err}");
    assert!(dir.pid().is_none());

    // Defaults: best effort, so it runs, as root, and says why.
    let out = start(&ns, &dir, &[]);
    assert!(out.status.success(), "{:?}", out);
    let pid = dir.pid().expect("pid file");
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("status");
    assert_eq!(status_field(&status, "Uid:")[0], "0");
    assert!(dir.log().contains("staying root"), "{}", dir.log());
    // SAFETY: plain kill(2) of the daemon this test started.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
    wait_until("daemon exit", 5, || !alive(pid));
    assert!(dir.pid().is_none() && !dir.path("bfdd.vty").exists());
}

#[test]
fn not_started_as_root_runs_as_it_is() {
    let (uid, gid, _) = frr_ids();
    let ns = netns("user");
    let dir = scratch("user", Some((uid, gid)));
    std::fs::write(dir.path("bfdd.conf"), CONFIG).expect("config");
    let out = start_as(&ns, &dir, &["runuser", "-u", "frr", "--"], &["-u", "frr"]);
    assert!(out.status.success(), "{out:?}\n{}", dir.log());
    let pid = dir.pid().expect("pid file");
    let log = dir.log();
    assert!(
        log.contains(&format!("not started as root (uid {uid})")),
        "{log}"
    );
    // SAFETY: plain kill(2) of the daemon this test started.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
    wait_until("daemon exit", 5, || !alive(pid));
    assert!(dir.pid().is_none() && !dir.path("bfdd.vty").exists());
}
