//! FRR's own command lines, unchanged, with every path defaulted: the
//! binary installed as `bfdd` and run the way FRR's topotests run a router —
//! a private mount namespace with its own /etc/frr and /var/run/frr (temp
//! directories owned by frr, bind-mounted over them) inside a network
//! namespace bfrs-pv-*. Checks that `-d` returns only once the vty socket
//! exists, the pid file names the live daemon, vtysh reaches it at the
//! default path, a missing /etc/frr/bfdd.conf is logged and survived as FRR
//! does, `-A` gives FRR's TCP vty refusal, SIGTERM/SIGINT stop it within
//! seconds, and a SIGKILLed daemon's leftovers do not block a restart.
//! Needs root, iproute2, util-linux (unshare, nsenter) and FRR's vtysh.

use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

mod support;

use support::{alive, frr_user, signal, wait_until, Netns};

/// This file's namespaces: bfrs-pv-TAG-PID (its routers' directories too).
fn netns(tag: &str) -> Netns {
    Netns::new("bfrs-pv", tag)
}

/// A router's private file system: etc/ and run/ go over /etc/frr and
/// /var/run/frr, cwd/ is where it starts, bin/bfdd is the installed binary.
struct Router {
    base: PathBuf,
    frr_uid: u32,
}

impl Router {
    fn new(tag: &str) -> Router {
        let base = std::env::temp_dir().join(format!("bfrs-pv-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        let (uid, gid) = frr_user();
        for d in ["etc", "run", "cwd", "bin"] {
            let p = base.join(d);
            std::fs::create_dir_all(&p).expect("mkdir");
            // As FRR's packages and topotests set them up.
            if d != "bin" {
                std::os::unix::fs::chown(&p, Some(uid), Some(gid)).expect("chown");
            }
        }
        std::fs::copy(env!("CARGO_BIN_EXE_bfdd-rs"), base.join("bin/bfdd")).expect("install");
        Router { base, frr_uid: uid }
    }

    fn path(&self, p: &str) -> PathBuf {
        self.base.join(p)
    }

    fn pid(&self) -> Option<i32> {
        std::fs::read_to_string(self.path("run/bfdd.pid"))
            .ok()?
            .trim()
            .parse()
            .ok()
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.path("cwd/bfdd.log")).unwrap_or_default()
    }

    /// `bfdd ARGV` in a fresh private mount namespace with this router's
    /// directories mounted, inside `ns`; returns when the command does.
    fn run(&self, ns: &Netns, argv: &[&str]) -> Output {
        let p = |d: &str| self.path(d).to_string_lossy().into_owned();
        let script = format!(
            "mount --bind {} /etc/frr && mount --bind {} /var/run/frr && cd {} && \
             exec ip netns exec {} {} \"$@\"",
            p("etc"),
            p("run"),
            p("cwd"),
            ns.0,
            p("bin/bfdd")
        );
        let mut child = Command::new("unshare")
            .args(["-m", "--propagation", "private", "sh", "-c", &script, "sh"])
            .args(argv)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn unshare");
        let deadline = Instant::now() + Duration::from_secs(10);
        while child.try_wait().expect("wait").is_none() {
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("bfdd {argv:?} did not return within 10 s");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        child.wait_with_output().expect("output")
    }
}

impl Drop for Router {
    fn drop(&mut self) {
        if let Some(pid) = self.pid() {
            // SAFETY: plain kill(2) of the daemon this test started.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
        let _ = std::fs::remove_dir_all(&self.base);
    }
}

/// vtysh in the daemon's own mount and network namespaces, so it finds
/// Nobody holds the lock on `path` (a running daemon holds its pid file's).
fn lock_free(path: &std::path::Path) -> bool {
    use nix::fcntl::{Flock, FlockArg};
    let Ok(f) = std::fs::File::open(path) else {
        return true;
    };
    Flock::lock(f, FlockArg::LockExclusiveNonblock).is_ok()
}

/// /var/run/frr/bfdd.vty where bfdd made it.
fn vtysh(pid: i32, cmd: &str) -> String {
    let out = Command::new("nsenter")
        .args(["-t", &pid.to_string(), "-m", "-n", "vtysh", "-c", cmd])
        .output()
        .expect("run nsenter vtysh (util-linux and FRR's vtysh needed)");
    assert!(
        out.status.success(),
        "vtysh -c {cmd:?}: {:?}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The running daemon: the pid file's process, live, the installed `bfdd`.
fn daemon(r: &Router, out: &Output) -> i32 {
    assert!(
        out.status.success(),
        "bfdd -d exited {:?}; stderr:\n{}\nlog:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr),
        r.log()
    );
    // The parent has returned: the socket must already be there.
    assert!(r.path("run/bfdd.vty").exists(), "no vty socket after -d");
    let pid = r.pid().expect("pid file");
    assert!(alive(pid), "pid file names {pid}, not running");
    let exe = std::fs::read_link(format!("/proc/{pid}/exe")).expect("exe");
    assert_eq!(exe.file_name().and_then(|n| n.to_str()), Some("bfdd"));
    pid
}

const CONFIG: &str = "frr version 8.4.4\n!\nbfd\n peer 127.0.0.2 local-address 127.0.0.1\n  \
receive-interval 100\n  transmit-interval 100\n exit\n !\n peer 127.0.0.1 local-address 127.0.0.2\n  \
receive-interval 100\n  transmit-interval 100\n exit\n !\nexit\n!\n";

/// tests/topotests/lib/topotest.py's bfdd line.
const TOPOTEST_ARGV: [&str; 6] = [
    "--command-log-always",
    "--log",
    "file:bfdd.log",
    "--log-level",
    "debug",
    "-d",
];

#[test]
fn topotest_argv_missing_config_sigkill_restart_sigterm() {
    let ns = netns("topo");
    let r = Router::new("topo");

    // No /etc/frr/bfdd.conf: FRR logs it and runs with an empty config.
    let first = daemon(&r, &r.run(&ns, &TOPOTEST_ARGV));
    let log = r.log();
    assert!(
        log.contains("can't open configuration file [/etc/frr/bfdd.conf]"),
        "{log}"
    );
    let status = std::fs::read_to_string(format!("/proc/{first}/status")).expect("status");
    let uid_line = status.lines().find(|l| l.starts_with("Uid:")).expect("Uid");
    assert_eq!(
        uid_line.split_whitespace().nth(1),
        Some(r.frr_uid.to_string().as_str()),
        "default -u frr applies: {uid_line}"
    );
    let out = vtysh(first, "show bfd peers");
    assert!(
        out.contains("BFD Peers:") && !out.contains("peer "),
        "{out}"
    );

    // SIGKILL leaves its pid file and socket behind...
    signal(first, libc::SIGKILL);
    // The main thread turns zombie before the other threads have closed the
    // process's files: wait for the pid file's lock to go too.
    wait_until("killed daemon gone, its pid file lock released", 5, || {
        !alive(first) && lock_free(&r.path("run/bfdd.pid"))
    });
    assert!(r.path("run/bfdd.pid").exists() && r.path("run/bfdd.vty").exists());

    // ...which must not stop the next start, now with a config.
    std::fs::write(r.path("etc/bfdd.conf"), CONFIG).expect("config");
    let second = daemon(&r, &r.run(&ns, &TOPOTEST_ARGV));
    assert_ne!(second, first);
    wait_until("both sessions up in vtysh", 10, || {
        vtysh(second, "show bfd peers")
            .matches("Status: up")
            .count()
            == 2
    });
    // The files are the new daemon's and the user's.
    for f in ["run/bfdd.pid", "run/bfdd.vty", "cwd/bfdd.log"] {
        let m = std::fs::metadata(r.path(f)).expect(f);
        assert_eq!(m.uid(), r.frr_uid, "{f} owner");
    }

    signal(second, libc::SIGTERM);
    wait_until("exit after SIGTERM", 5, || !alive(second));
    assert!(!r.path("run/bfdd.pid").exists(), "pid file left");
    assert!(!r.path("run/bfdd.vty").exists(), "vty socket left");
    assert!(r.log().contains("bfdd-rs exiting"), "{}", r.log());
}

#[test]
fn debian_argv_tcp_vty_and_sigint() {
    let ns = netns("deb");
    let r = Router::new("deb");
    std::fs::write(r.path("etc/bfdd.conf"), CONFIG).expect("config");

    let pid = daemon(
        &r,
        &r.run(&ns, &["-d", "-F", "traditional", "-A", "127.0.0.1"]),
    );
    wait_until("both sessions up in vtysh", 10, || {
        vtysh(pid, "show bfd peers").matches("Status: up").count() == 2
    });

    // TCP vty on 127.0.0.1:2617 only, refusing as FRR does without a password.
    let ss = Command::new("ip")
        .args(["netns", "exec", &ns.0, "ss", "-Hltn"])
        .output()
        .expect("ss");
    let ss = String::from_utf8_lossy(&ss.stdout);
    let vty_lines: Vec<&str> = ss.lines().filter(|l| l.contains(":2617")).collect();
    assert_eq!(vty_lines.len(), 1, "{ss}");
    assert!(vty_lines[0].contains("127.0.0.1:2617"), "{ss}");
    let tcp = Command::new("ip")
        .args(["netns", "exec", &ns.0, "timeout", "5", "bash", "-c"])
        .arg("exec 3<>/dev/tcp/127.0.0.1/2617 && cat <&3")
        .output()
        .expect("bash /dev/tcp");
    assert!(tcp.status.success(), "{tcp:?}");
    assert_eq!(tcp.stdout, b"Vty password is not set.\r\n");

    signal(pid, libc::SIGINT);
    wait_until("exit after SIGINT", 5, || !alive(pid));
    assert!(!r.path("run/bfdd.pid").exists(), "pid file left");
    assert!(!r.path("run/bfdd.vty").exists(), "vty socket left");
}
