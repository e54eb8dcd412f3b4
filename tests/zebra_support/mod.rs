//! Shared pieces of the ZAPI integration tests, on top of `support`: a
//! private network namespace (bfrs-zb-*, lo up with 127.0.0.2 added so one
//! daemon runs both ends of a session), a scratch directory, the daemon binary as a child process
//! (killed on drop), ZAPI frame reading with deadlines, and vty queries.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::IpAddr;
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use zapi::{BfdDest, Frame, Framer, FrrVersion};

use crate::support::{connect, vty as vty_cmd, Reap};
// Re-exported for the zebra tests; zebra_grace uses only `dest`.
#[allow(unused_imports)]
pub use crate::support::{wait_until, Netns, Scratch};

pub const V: FrrVersion = FrrVersion::V8_4;

/// This module's namespaces and directories: bfrs-zb-TAG-PID.
const PREFIX: &str = "bfrs-zb";

/// A namespace with lo up and 127.0.0.2 added.
pub fn netns(tag: &str) -> Netns {
    Netns::new(PREFIX, tag)
}

/// A scratch directory; the daemon is a [`Daemon`] child, reaped by its own
/// drop.
pub fn scratch(tag: &str) -> Scratch {
    Scratch::new(PREFIX, tag, Reap::Nothing)
}

/// The daemon in the foreground, in the namespace; killed on drop.
pub struct Daemon(pub Child);

impl Daemon {
    /// Start with an empty config and `extra` arguments; wait until `ready`
    /// exists (a socket the daemon creates).
    pub fn start(ns: &Netns, dir: &Scratch, extra: &[&str], ready: &Path) -> Daemon {
        std::fs::write(dir.path("bfdd.conf"), "").expect("config");
        let d = dir.0.to_string_lossy().to_string();
        let mut args: Vec<String> = vec![
            "netns".into(),
            "exec".into(),
            ns.0.clone(),
            env!("CARGO_BIN_EXE_bfdd-rs").into(),
            "-f".into(),
            format!("{d}/bfdd.conf"),
            "-i".into(),
            format!("{d}/bfdd.pid"),
            "--vty_socket".into(),
            d.clone(),
            "--zapi-socket".into(),
            format!("{d}/zapi.sock"),
            "--log".into(),
            format!("file:{d}/bfdd.log"),
            "--log-level".into(),
            "debug".into(),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        let child = Command::new("ip")
            .args(&args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
            .expect("spawn bfdd-rs");
        let mut daemon = Daemon(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while !ready.exists() {
            if let Ok(Some(st)) = daemon.0.try_wait() {
                panic!("bfdd-rs exited {st:?}; log:\n{}", dir.log());
            }
            assert!(
                Instant::now() < deadline,
                "daemon not ready; log:\n{}",
                dir.log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        daemon
    }

    pub fn alive(&mut self) -> bool {
        matches!(self.0.try_wait(), Ok(None))
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        // SIGTERM first so the daemon removes its files; then make sure.
        // SAFETY: plain kill(2) of the child this test started.
        unsafe { libc::kill(self.0.id() as i32, libc::SIGTERM) };
        let deadline = Instant::now() + Duration::from_secs(5);
        while matches!(self.0.try_wait(), Ok(None)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A ZAPI peer over a blocking unix stream, with a frame buffer.
pub struct Zconn {
    pub stream: UnixStream,
    framer: Framer,
}

impl Zconn {
    pub fn new(stream: UnixStream) -> Zconn {
        stream
            .set_read_timeout(Some(Duration::from_millis(200)))
            .expect("timeout");
        Zconn {
            stream,
            framer: Framer::new(),
        }
    }

    pub fn connect(path: &Path) -> Zconn {
        Zconn::new(UnixStream::connect(path).expect("connect"))
    }

    pub fn send(&mut self, frame: Frame) {
        let bytes = frame.encode(V).expect("encode");
        self.stream.write_all(&bytes).expect("write");
    }

    /// Exactly `n` raw bytes, within `secs`.
    pub fn read_exact_within(&mut self, n: usize, secs: u64) -> Vec<u8> {
        let deadline = Instant::now() + Duration::from_secs(secs);
        let mut out = vec![0u8; n];
        let mut got = 0;
        while got < n {
            assert!(Instant::now() < deadline, "only {got} of {n} bytes arrived");
            match self.stream.read(&mut out[got..]) {
                Ok(0) => panic!("connection closed after {got} of {n} bytes"),
                Ok(k) => got += k,
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) => {}
                Err(e) => panic!("read: {e}"),
            }
        }
        out
    }

    /// The next frame, or None when nothing arrives within `timeout`.
    pub fn next_frame(&mut self, timeout: Duration) -> Option<Frame> {
        let deadline = Instant::now() + timeout;
        let mut buf = [0u8; 4096];
        loop {
            if let Some(r) = self.framer.next_message(V) {
                return Some(r.expect("daemon sent a frame we cannot parse"));
            }
            if Instant::now() >= deadline {
                return None;
            }
            match self.stream.read(&mut buf) {
                Ok(0) => return None,
                Ok(k) => self.framer.push(&buf[..k]),
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) => {}
                Err(e) => panic!("read: {e}"),
            }
        }
    }

    /// Read frames until `pick` returns Some, within `secs`.
    pub fn wait_for<T>(
        &mut self,
        secs: u64,
        what: &str,
        mut pick: impl FnMut(&Frame) -> Option<T>,
    ) -> T {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(!left.is_zero(), "timed out waiting for {what}");
            if let Some(f) = self.next_frame(left) {
                if let Some(t) = pick(&f) {
                    return t;
                }
            }
        }
    }
}

/// A registration as bgpd would send it (300 ms timers), single hop unless
/// a hop count above 1 is given. Detect Mult 10 rather than bgpd's 3: both
/// ends run in one daemon on a loaded 2-core CI machine, and these tests are
/// about registrations, not about detecting within 900 ms.
pub fn dest(pid: u32, peer: &str, local: &str, hops: u8) -> BfdDest {
    BfdDest {
        pid,
        dst: peer.parse().expect("addr"),
        min_rx: 300,
        min_tx: 300,
        detect_mult: 10,
        multihop: hops > 1,
        src: local.parse().expect("addr"),
        hops,
        ifname: String::new(),
        cbit: false,
        profile: String::new(),
    }
}

pub fn ip(s: &str) -> IpAddr {
    s.parse().expect("addr")
}

/// `enable`, then one vty command over bfdd.vty; its output.
pub fn vty(sock: &Path, cmd: &str) -> String {
    let mut conn = connect(sock);
    vty_cmd(&mut conn, "enable");
    vty_cmd(&mut conn, cmd).0
}

/// `show bfd peers json` with all whitespace removed, for plain matching.
pub fn peers_json(sock: &Path) -> String {
    vty(sock, "show bfd peers json")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// After a zebra restart: both sessions still up, no `Up -> Down` logged
/// beyond the `downs_before` counted earlier, the daemon alive.
pub fn both_up_without_flap(vsock: &Path, dir: &Scratch, downs_before: usize, daemon: &mut Daemon) {
    let json = peers_json(vsock);
    assert_eq!(json.matches(r#""status":"up""#).count(), 2, "{json}");
    assert_eq!(
        dir.log().matches("Up -> Down").count(),
        downs_before,
        "a session flapped across the zebra restart:\n{}",
        dir.log()
    );
    assert!(daemon.alive(), "daemon died; log:\n{}", dir.log());
}
