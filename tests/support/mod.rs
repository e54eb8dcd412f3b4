//! Shared pieces of the daemon integration tests: a named network namespace
//! (removed on drop), a scratch directory that can reap the daemon named in
//! its pid file, FRR's vty protocol over the daemon's unix socket, and small
//! waiting and process helpers. Each test file passes its own name prefix
//! (bfrs-dm, bfrs-pv, bfrs-v4, bfrs-zb, ...) and per-test tags, so tests
//! running in parallel never share a namespace or directory.
//! Included with `mod support;`; each test binary uses only a part of it.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A network namespace `PREFIX-TAG-PID`, deleted on drop.
pub struct Netns(pub String);

impl Netns {
    /// A fresh namespace with lo up and 127.0.0.2 added to it, so one daemon
    /// can run both ends of a session over lo.
    pub fn new(prefix: &str, tag: &str) -> Netns {
        let ns = Netns::bare(prefix, tag);
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

    /// A fresh namespace as the kernel makes it (lo down, no addresses).
    pub fn bare(prefix: &str, tag: &str) -> Netns {
        let name = format!("{prefix}-{tag}-{}", std::process::id());
        // A leftover of a crashed earlier run with the same pid.
        let _ = Command::new("ip")
            .args(["netns", "del", &name])
            .stderr(Stdio::null())
            .status();
        let ok = Command::new("ip")
            .args(["netns", "add", &name])
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "ip netns add {name} failed (needs root and iproute2)");
        Netns(name)
    }

    /// Runs `f` on a thread that has entered the namespace.
    pub fn run<T: Send + 'static>(&self, f: impl FnOnce() -> T + Send + 'static) -> T {
        use std::os::fd::AsRawFd;
        let path = format!("/var/run/netns/{}", self.0);
        std::thread::spawn(move || {
            let file = std::fs::File::open(&path).expect("open netns");
            // SAFETY: setns(2) on this thread only, with a valid descriptor.
            let rc = unsafe { libc::setns(file.as_raw_fd(), libc::CLONE_NEWNET) };
            assert_eq!(rc, 0, "setns");
            f()
        })
        .join()
        .expect("namespace thread")
    }

    /// `ip ARGS` inside the namespace; must succeed.
    pub fn ip(&self, args: &str) {
        let mut full = vec!["netns", "exec", &self.0, "ip"];
        full.extend(args.split_whitespace());
        let st = Command::new("ip").args(&full).status().expect("run ip");
        assert!(st.success(), "ip {args} failed");
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = Command::new("ip").args(["netns", "del", &self.0]).status();
    }
}

/// What a dropped [`Scratch`] does to a daemon still named in its pid file.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Reap {
    /// Nothing: the test owns the daemon some other way (a child handle).
    Nothing,
    /// SIGKILL at once.
    Kill,
    /// SIGTERM, up to 5 s for it to exit, then SIGKILL ([`Scratch::stop`]).
    Stop,
}

/// Scratch directory `TMP/PREFIX-TAG-PID`, removed on drop after reaping as
/// its [`Reap`] says.
pub struct Scratch(pub PathBuf, pub Reap);

impl Scratch {
    pub fn new(prefix: &str, tag: &str, reap: Reap) -> Scratch {
        let p = std::env::temp_dir().join(format!("{prefix}-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).expect("scratch dir");
        Scratch(p, reap)
    }

    /// Hand the directory to `owner` (uid, gid) when given.
    pub fn owned_by(self, owner: Option<(u32, u32)>) -> Scratch {
        if let Some((u, g)) = owner {
            std::os::unix::fs::chown(&self.0, Some(u), Some(g)).expect("chown scratch");
        }
        self
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    pub fn dir(&self) -> String {
        self.0.to_string_lossy().into_owned()
    }

    /// The pid in `bfdd.pid`, if the file is there.
    pub fn pid(&self) -> Option<i32> {
        std::fs::read_to_string(self.path("bfdd.pid"))
            .ok()?
            .trim()
            .parse()
            .ok()
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.path("bfdd.log")).unwrap_or_default()
    }

    /// A vty connection to `bfdd.vty` here.
    pub fn vty_conn(&self) -> UnixStream {
        connect(&self.path("bfdd.vty"))
    }

    /// SIGTERM the daemon in the pid file, wait up to 5 s, SIGKILL it, and
    /// remove the pid file.
    pub fn stop(&self) {
        let Some(pid) = self.pid() else {
            return;
        };
        // SAFETY: plain kill(2) of the daemon this test started.
        unsafe { libc::kill(pid, libc::SIGTERM) };
        let deadline = Instant::now() + Duration::from_secs(5);
        while Path::new(&format!("/proc/{pid}")).exists() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        // SAFETY: as above; the daemon did not stop in time.
        unsafe { libc::kill(pid, libc::SIGKILL) };
        let _ = std::fs::remove_file(self.path("bfdd.pid"));
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        match self.1 {
            Reap::Nothing => {}
            Reap::Kill => {
                if let Some(pid) = self.pid() {
                    // SAFETY: plain kill(2) of the daemon this test started.
                    unsafe { libc::kill(pid, libc::SIGKILL) };
                }
            }
            Reap::Stop => self.stop(),
        }
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A vty connection with a 5 s read timeout.
pub fn connect(sock: &Path) -> UnixStream {
    let c = UnixStream::connect(sock).expect("connect to bfdd.vty");
    c.set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    c
}

/// One vty command: text + NUL; answer is output + 00 00 00 <status>.
pub fn vty(conn: &mut UnixStream, cmd: &str) -> (String, u8) {
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

/// `enable`, then `show bfd peers brief`; both must succeed.
pub fn brief(sock: &Path) -> String {
    let mut c = connect(sock);
    assert_eq!(vty(&mut c, "enable").1, 0);
    let (out, status) = vty(&mut c, "show bfd peers brief");
    assert_eq!(status, 0, "show bfd peers brief: {out}");
    out
}

/// Poll `f` every 50 ms until it holds; fail after `secs`.
pub fn wait_until(what: &str, secs: u64, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !f() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Alive = exists and is not a zombie waiting for a reaper.
pub fn alive(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .is_some_and(|state| state != "Z" && state != "X"),
        Err(_) => false,
    }
}

pub fn signal(pid: i32, sig: i32) {
    // SAFETY: plain kill(2) of the daemon this test started.
    assert_eq!(unsafe { libc::kill(pid, sig) }, 0, "kill {pid} {sig}");
}

/// (uid of frr, gid of frr), as an installed FRR has them.
pub fn frr_user() -> (u32, u32) {
    use nix::unistd::{Group, User};
    let u = User::from_name("frr")
        .expect("getpwnam")
        .expect("user frr (install FRR)");
    let g = Group::from_name("frr")
        .expect("getgrnam")
        .expect("group frr");
    (u.uid.as_raw(), g.gid.as_raw())
}

/// (uid of frr, gid of frr, gid of frrvty), as an installed FRR has them.
pub fn frr_ids() -> (u32, u32, u32) {
    let (uid, gid) = frr_user();
    let v = nix::unistd::Group::from_name("frrvty")
        .expect("getgrnam")
        .expect("group frrvty");
    (uid, gid, v.gid.as_raw())
}
