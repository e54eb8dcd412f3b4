//! Clients of bfdd-rs's own sockets, for the topotests: the example
//! programs (`examples/zapi-client.rs`, `examples/bfdctl.rs`) run as real
//! processes whose output lines are collected, and a small bfdd.sock
//! connection (FRR 8.4's 8-byte-header framing) driven from the test itself.
//!
//! The example binaries are not built by `cargo build --release`; build them
//! with `cargo build --release --examples` (scripts/test.sh does), or point
//! `BFDD_RS_EXAMPLES_DIR` at the directory that holds them.

use crate::lab::Lab;
use crate::netns::Netns;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Where example `name` is: `$BFDD_RS_EXAMPLES_DIR/name`, else the newer of
/// `target/release/examples/name` and `target/debug/examples/name` of this
/// workspace (honouring `$CARGO_TARGET_DIR`).
pub fn example_binary(name: &str) -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("BFDD_RS_EXAMPLES_DIR") {
        let p = PathBuf::from(d).join(name);
        return p.exists().then_some(p);
    }
    crate::bfdd_rs::newest_built(&Path::new("examples").join(name))
}

/// [`example_binary`] or a panic that says how to build it.
pub fn must_example(name: &str) -> PathBuf {
    example_binary(name).unwrap_or_else(|| {
        panic!(
            "example `{name}` not found: run `cargo build --release --examples` first \
             (or set BFDD_RS_EXAMPLES_DIR)"
        )
    })
}

/// A long-running client process in a namespace; every line it prints on
/// stdout is kept (with the time it arrived), stderr goes to a log file
/// that the lab shows when the test fails.
pub struct ClientProcess {
    label: String,
    child: Option<Child>,
    lines: Arc<Mutex<Vec<(Instant, String)>>>,
}

impl ClientProcess {
    /// Starts `bin args...` in `ns`; `label` names it in the logs.
    pub fn spawn(lab: &Lab, ns: &Netns, label: &str, bin: &Path, args: &[&str]) -> ClientProcess {
        let stderr = lab.dir().join(format!("{label}.stderr"));
        lab.add_log(&format!("{label} stderr"), &stderr);
        let mut child = Command::new("ip")
            .args(["netns", "exec", ns.name()])
            .arg(bin)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(crate::daemon::log_sink(&stderr))
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
        let lines = Arc::new(Mutex::new(Vec::new()));
        if let Some(out) = child.stdout.take() {
            let sink = Arc::clone(&lines);
            std::thread::spawn(move || {
                for line in BufReader::new(out).lines() {
                    let Ok(line) = line else { break };
                    if let Ok(mut l) = sink.lock() {
                        l.push((Instant::now(), line));
                    }
                }
            });
        }
        ClientProcess {
            label: label.to_string(),
            child: Some(child),
            lines,
        }
    }

    /// The process id (`ip netns exec` executes the client in its place).
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// Every stdout line so far.
    pub fn lines(&self) -> Vec<String> {
        match self.lines.lock() {
            Ok(l) => l.iter().map(|(_, s)| s.clone()).collect(),
            Err(p) => p.into_inner().iter().map(|(_, s)| s.clone()).collect(),
        }
    }

    /// Number of stdout lines so far (to wait for lines after a point).
    pub fn line_count(&self) -> usize {
        self.lines.lock().map(|l| l.len()).unwrap_or(0)
    }

    /// Waits until a line at index `from` or later satisfies `pred`; returns
    /// it with the time it arrived, or panics naming `what` and the output.
    pub fn wait_line(
        &self,
        what: &str,
        from: usize,
        timeout: Duration,
        pred: impl Fn(&str) -> bool,
    ) -> (String, Instant) {
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(l) = self.lines.lock() {
                if let Some((t, s)) = l.iter().skip(from).find(|(_, s)| pred(s)) {
                    return (s.clone(), *t);
                }
            }
            assert!(
                Instant::now() < deadline,
                "{}: no line {what} within {timeout:?}; output so far: {:?}",
                self.label,
                self.lines()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Sends SIGINT (Ctrl-C) and waits up to `timeout` for the exit status.
    pub fn interrupt(&mut self, timeout: Duration) -> Result<ExitStatus, String> {
        let pid = self.pid().ok_or("client already reaped")?;
        crate::cmd::signal(pid, "INT")?;
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(child) = self.child.as_mut() {
                if let Ok(Some(status)) = child.try_wait() {
                    self.child = None;
                    return Ok(status);
                }
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "{} still running {timeout:?} after SIGINT",
                    self.label
                ));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// `Some(status)` once the process has exited on its own.
    pub fn exited(&mut self) -> Option<ExitStatus> {
        self.child
            .as_mut()
            .and_then(|c| c.try_wait().ok().flatten())
    }
}

impl Drop for ClientProcess {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Runs example `bfdctl` once (`-s socket args...`); returns its exit
/// status and stdout.
pub fn bfdctl(socket: &Path, args: &[&str]) -> (ExitStatus, String) {
    let bin = must_example("bfdctl");
    let out = Command::new(&bin)
        .arg("-s")
        .arg(socket)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", bin.display()));
    (
        out.status,
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

// ------------------------------------------------------------- bfdd.sock --

/// bfdd.sock message types (FRR 8.4 bfdd/bfdctl.h).
pub const CTL_RESPONSE: u8 = 1;
pub const CTL_REQUEST_ADD: u8 = 2;
pub const CTL_REQUEST_DEL: u8 = 3;
pub const CTL_NOTIFY: u8 = 4;
pub const CTL_NOTIFY_ADD: u8 = 5;
pub const CTL_NOTIFY_DEL: u8 = 6;
const CTL_VERSION: u8 = 1;

/// One message received from bfdd.sock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CtlMsg {
    pub id: u16,
    pub msg_type: u8,
    pub text: String,
}

/// A client connection to bfdd.sock. Messages are read in order; the
/// helpers keep those they skip, so nothing read is lost.
pub struct CtlConn {
    stream: UnixStream,
    seen: Vec<CtlMsg>,
}

impl CtlConn {
    pub fn connect(path: &Path) -> Result<CtlConn, String> {
        let stream =
            UnixStream::connect(path).map_err(|e| format!("connect {}: {e}", path.display()))?;
        Ok(CtlConn {
            stream,
            seen: Vec::new(),
        })
    }

    /// Sends one frame: length u32 BE, id u16 BE, type, version 1, payload.
    pub fn send(&mut self, id: u16, msg_type: u8, payload: &[u8]) -> Result<(), String> {
        let len = u32::try_from(payload.len()).map_err(|_| "payload too long")?;
        let mut frame = Vec::with_capacity(8 + payload.len());
        frame.extend_from_slice(&len.to_be_bytes());
        frame.extend_from_slice(&id.to_be_bytes());
        frame.push(msg_type);
        frame.push(CTL_VERSION);
        frame.extend_from_slice(payload);
        self.stream
            .write_all(&frame)
            .map_err(|e| format!("write: {e}"))
    }

    /// The next message, waiting at most `timeout`.
    pub fn recv(&mut self, timeout: Duration) -> Result<CtlMsg, String> {
        self.stream
            .set_read_timeout(Some(timeout.max(Duration::from_millis(1))))
            .map_err(|e| e.to_string())?;
        let mut h = [0u8; 8];
        self.stream
            .read_exact(&mut h)
            .map_err(|e| format!("reading a header: {e}"))?;
        let len = u32::from_be_bytes([h[0], h[1], h[2], h[3]]) as usize;
        if h[7] != CTL_VERSION {
            return Err(format!("version {} in header {h:?}", h[7]));
        }
        let mut p = vec![0u8; len];
        self.stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .map_err(|e| e.to_string())?;
        self.stream
            .read_exact(&mut p)
            .map_err(|e| format!("reading a {len}-byte payload: {e}"))?;
        Ok(CtlMsg {
            id: u16::from_be_bytes([h[4], h[5]]),
            msg_type: h[6],
            text: String::from_utf8_lossy(&p).into_owned(),
        })
    }

    /// Sends a request and returns the response (type 1) to it; other
    /// messages read meanwhile are kept in [`CtlConn::seen`].
    pub fn request(&mut self, id: u16, msg_type: u8, payload: &[u8]) -> Result<CtlMsg, String> {
        self.send(id, msg_type, payload)?;
        self.wait(Duration::from_secs(10), |m| m.msg_type == CTL_RESPONSE)
    }

    /// Reads until a message satisfies `pred` (messages already seen and
    /// kept count too, oldest first, and are consumed when they match).
    pub fn wait(
        &mut self,
        timeout: Duration,
        pred: impl Fn(&CtlMsg) -> bool,
    ) -> Result<CtlMsg, String> {
        if let Some(i) = self.seen.iter().position(&pred) {
            return Ok(self.seen.remove(i));
        }
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(format!(
                    "no matching message within {timeout:?}; seen: {:?}",
                    self.seen
                ));
            }
            match self.recv(left) {
                Ok(m) if pred(&m) => return Ok(m),
                Ok(m) => self.seen.push(m),
                Err(e) => {
                    return Err(format!(
                        "{e} (no matching message yet; seen: {:?})",
                        self.seen
                    ))
                }
            }
        }
    }

    /// Messages read but not yet matched by [`CtlConn::wait`].
    pub fn seen(&self) -> &[CtlMsg] {
        &self.seen
    }
}
