//! The whole daemon, as an init script runs it: `bfdd-rs -d` in a private
//! network namespace (bfrs-dm-*) must return only once its vty socket answers,
//! show the configured peers over FRR's vty protocol, pick up config changes
//! on SIGHUP (and survive a bad file), and on SIGTERM exit and remove its pid
//! file and socket. Needs root and iproute2; namespace and files are removed
//! even on failure.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod support;

use support::{alive, brief, connect, signal, wait_until, Netns, Reap, Scratch};

/// This file's namespaces and directories: bfrs-dm-TAG-PID.
const PREFIX: &str = "bfrs-dm";

fn netns(tag: &str) -> Netns {
    Netns::new(PREFIX, tag)
}

/// On drop, kills a daemon still named in its pid file.
fn scratch(tag: &str) -> Scratch {
    Scratch::new(PREFIX, tag, Reap::Kill)
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
    // Its own bfdd.sock: the default path under /var/run/frr is one for
    // the whole host, and the tests of this file run at the same time.
    let ctl = format!("{d}/bfdd.sock");
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
        "--bfdctl",
        &ctl,
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

const A_TO_B: (&str, &str) = ("127.0.0.2", "127.0.0.1");
const B_TO_A: (&str, &str) = ("127.0.0.1", "127.0.0.2");
const A_TO_C: (&str, &str) = ("127.0.0.3", "127.0.0.1");

#[test]
fn daemon_lifecycle() {
    let ns = netns("e2e");
    let dir = scratch("e2e");
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

    wait_until("both sessions up", 5, || {
        let out = brief(&sock);
        out.contains("Session count: 2") && out.matches(" up ").count() == 2
    });
    wait_until("state changes logged", 5, || {
        // Down -> Up is as valid as Init -> Up (§6.2: Down goes straight to
        // Up when the peer's Init arrives first); which one happens is a race.
        let log = dir.log();
        ["Init -> Up", "Down -> Up"].iter().any(|t| {
            log.contains(&format!(
                "session 127.0.0.2 (local 127.0.0.1, vrf default) {t}, diag none"
            ))
        })
    });

    // SIGHUP with a third peer added (nobody answers it).
    std::fs::write(dir.path("bfdd.conf"), config(&[A_TO_B, B_TO_A, A_TO_C])).expect("config");
    signal(pid, libc::SIGHUP);
    wait_until("third peer after SIGHUP", 5, || {
        brief(&sock).contains("Session count: 3")
    });

    // SIGHUP with a broken file: logged, running config kept, nothing flaps.
    std::fs::write(dir.path("bfdd.conf"), "bfd\n peer not-an-address\n").expect("config");
    signal(pid, libc::SIGHUP);
    wait_until("reload error in the log", 5, || {
        dir.log().contains("reload failed")
    });
    assert!(alive(pid));
    let out = brief(&sock);
    assert!(out.contains("Session count: 3"), "{out}");
    assert_eq!(out.matches(" up ").count(), 2, "{out}");

    // SIGHUP removing one end: it sends AdminDown, the other end goes down.
    std::fs::write(dir.path("bfdd.conf"), config(&[A_TO_B, A_TO_C])).expect("config");
    signal(pid, libc::SIGHUP);
    wait_until("removed end signals the other down", 5, || {
        dir.log().contains(
            "session 127.0.0.2 (local 127.0.0.1, vrf default) Up -> Down, \
             diag neighbor signaled session down",
        )
    });
    let out = brief(&sock);
    assert!(out.contains("Session count: 2"), "{out}");

    signal(pid, libc::SIGTERM);
    wait_until("daemon exit", 5, || !alive(pid));
    assert!(!sock.exists(), "vty socket left behind");
    assert!(dir.pid().is_none(), "pid file left behind");
    let log = dir.log();
    assert!(log.contains("shutting down"), "{log}");
    assert!(log.contains("exiting"), "{log}");
    assert!(!log.contains("WARN"), "unexpected warnings:\n{log}");
}

#[test]
fn daemon_refuses_bad_config_and_unusable_vty_dir() {
    let ns = netns("e2e-bad");
    let dir = scratch("e2e-bad");
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
    wait_until("failed child removes its pid file", 5, || {
        dir.pid().is_none()
    });
}

#[test]
fn foreground_logs_to_stdout_and_stops_on_sigint() {
    let ns = netns("e2e-fg");
    let dir = scratch("e2e-fg");
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
    wait_until("vty socket", 5, || sock.exists());
    assert_eq!(
        dir.pid(),
        Some(pid),
        "pid file names the foreground process"
    );
    wait_until("sessions up", 5, || {
        brief(&sock).matches(" up ").count() == 2
    });

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

/// Nothing in the config file is taken in silence: its `log file` line is
/// run as FRR runs it (shown by `write terminal`, the file written), and a
/// line of another daemon's (`router bgp`) is named in the log with its
/// line number.
#[test]
fn config_file_log_lines_run_and_other_daemons_lines_named() {
    let ns = netns("cfglog");
    let dir = scratch("cfglog");
    let d = dir.0.to_string_lossy().into_owned();
    let text = format!(
        "frr version 8.4.4\nhostname r1\nlog file {d}/from-config.log debugging\n\
         router bgp 65001\n neighbor 192.0.2.1 remote-as 65002\nexit\n!\n\
         bfd\n peer 127.0.0.2 local-address 127.0.0.1\n exit\nexit\n"
    );
    std::fs::write(dir.path("bfdd.conf"), text).expect("config");
    let st = start(&ns, &dir);
    assert!(
        st.success(),
        "bfdd-rs -d exited {st:?}; log:\n{}",
        dir.log()
    );
    let mut c = dir.vty_conn();
    assert_eq!(support::vty(&mut c, "enable").1, 0);
    let (out, code) = support::vty(&mut c, "write terminal");
    assert_eq!(code, 0, "{out}");
    assert!(
        // debugging is the default level: FRR writes none.
        out.contains(&format!("log file {d}/from-config.log\n")),
        "{out}"
    );
    assert!(out.contains("hostname r1\n"), "{out}");
    let log = dir.log();
    assert!(
        log.contains("bfdd.conf:4: not a bfdd command, left to other daemons: router bgp 65001"),
        "{log}"
    );
    // The indented line belongs to router bgp's block: not listed on its own.
    assert!(!log.contains("neighbor 192.0.2.1"), "{log}");
    // Host and log lines are applied, so not reported.
    assert!(!log.contains("left to other daemons: hostname"), "{log}");
    assert!(!log.contains("left to other daemons: log"), "{log}");
    wait_until("the config's log file written", 5, || {
        std::fs::metadata(dir.path("from-config.log")).is_ok_and(|m| m.len() > 0)
    });
    dir.stop();
}
