//! The vty unix socket (`bfdd.vty`) that vtysh and watchfrr talk to: FRR's
//! framing (NUL-terminated commands in, output plus `00 00 00 <ret>` out),
//! one task per connection, each a CLI session starting in VIEW. Nothing is
//! ever written except as the reply to a command: watchfrr treats stray
//! bytes as a dead daemon.

use std::future::Future;
use std::io;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{UnixListener, UnixStream};

use crate::cli::{render_show, ret, Answer, Request, Session, Step};
use crate::status::PeerStatus;

/// What the vty needs from the daemon.
pub trait Backend: Send + Sync + 'static {
    /// Every session, in the order `show bfd peers` should list them.
    fn peers(&self) -> Pin<Box<dyn Future<Output = Vec<PeerStatus>> + Send>>;

    /// Called with every command line before it runs (FRR's `log
    /// commands`).
    fn command_seen(&self, line: &[u8]) {
        let _ = line;
    }

    /// Configuration, `write`, debug flags, counters and the common daemon
    /// commands. A daemon without them answers that it cannot.
    fn request(&self, req: Request) -> Pin<Box<dyn Future<Output = Answer> + Send>> {
        // A backend without configuration has nothing to commit: the end of a
        // `vtysh -b` push must still succeed silently, as it does in FRR.
        if matches!(req, Request::Commit) {
            return Box::pin(async { Answer::ok("") });
        }
        Box::pin(async { Answer::error("% Not supported by this daemon.\n", ret::WARNING) })
    }
}

/// FRR reads at most this much per read(2) on a vty socket.
pub const READ_CHUNK: usize = 512;
/// FRR's line buffer size; a line reaching it is dropped.
pub const LINE_MAX: usize = 4096;
/// Queued when a line overflows; sent with the next reply.
pub const TOO_LONG: &[u8] = b"% Command is too long.\n";

/// One thing the byte stream produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrameEvent {
    /// A complete command line (without its NUL).
    Line(Vec<u8>),
    /// The line buffer filled up and was cleared.
    TooLong,
}

/// Splits the byte stream into NUL-terminated lines the way FRR's
/// `vtysh_read` does: bytes accumulate in a 4096-byte buffer; when it fills,
/// it is cleared (the byte that filled it, even a NUL, is lost).
#[derive(Debug, Default)]
pub struct Framer {
    line: Vec<u8>,
}

impl Framer {
    pub fn new() -> Framer {
        Framer {
            line: Vec::with_capacity(LINE_MAX),
        }
    }

    pub fn push(&mut self, bytes: &[u8], events: &mut Vec<FrameEvent>) {
        for &b in bytes {
            self.line.push(b);
            if self.line.len() >= LINE_MAX {
                self.line.clear();
                events.push(FrameEvent::TooLong);
            } else if b == 0 {
                self.line.pop();
                events.push(FrameEvent::Line(std::mem::take(&mut self.line)));
            }
        }
    }
}

/// Creates the listening socket at `path`: an old file is removed, the
/// socket gets mode 0770 and, when the group exists, group `frrvty` (best
/// effort, silently).
pub fn bind(path: &Path) -> io::Result<UnixListener> {
    match std::fs::remove_file(path) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    let listener = UnixListener::bind(path)?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o770))?;
    if let Ok(Some(group)) = nix::unistd::Group::from_name("frrvty") {
        let _ = nix::unistd::chown(path, None, Some(group.gid));
    }
    Ok(listener)
}

/// Accepts connections forever, one task each.
pub async fn serve(listener: UnixListener, backend: Arc<dyn Backend>) {
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                let backend = backend.clone();
                tokio::spawn(async move {
                    let _ = handle_connection(stream, backend).await;
                });
            }
            Err(_) => {
                // Out of descriptors or similar: back off instead of spinning.
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
        }
    }
}

/// Runs one CLI session until the peer closes or says `exit` in VIEW/ENABLE.
pub async fn handle_connection(
    mut stream: UnixStream,
    backend: Arc<dyn Backend>,
) -> io::Result<()> {
    let mut session = Session::new();
    let mut framer = Framer::new();
    let mut buf = [0u8; READ_CHUNK];
    let mut events = Vec::new();
    // Output not yet sent (the too-long notice waits for the next reply).
    let mut pending: Vec<u8> = Vec::new();
    loop {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        events.clear();
        framer.push(&buf[..n], &mut events);
        for event in events.drain(..) {
            match event {
                FrameEvent::TooLong => pending.extend_from_slice(TOO_LONG),
                FrameEvent::Line(line) => {
                    backend.command_seen(&line);
                    let reply = match session.execute(&line) {
                        Step::Reply(r) => r,
                        Step::Show(cmd) => render_show(&cmd, &backend.peers().await),
                        Step::Request(req) => session.answer(backend.request(req).await),
                    };
                    pending.extend(reply.to_wire());
                    // One write per reply: watchfrr wants its echo in one read.
                    stream.write_all(&pending).await?;
                    pending.clear();
                    if reply.close {
                        return Ok(());
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(chunks: &[&[u8]]) -> Vec<FrameEvent> {
        let mut f = Framer::new();
        let mut ev = Vec::new();
        for c in chunks {
            f.push(c, &mut ev);
        }
        ev
    }

    fn line(s: &str) -> FrameEvent {
        FrameEvent::Line(s.as_bytes().to_vec())
    }

    #[test]
    fn several_lines_in_one_read_and_split_reads() {
        assert_eq!(
            feed(&[b"echo PING\0enable\0"]),
            vec![line("echo PING"), line("enable")]
        );
        assert_eq!(
            feed(&[b"ech", b"o PI", b"NG\0ena", b"ble", b"\0"]),
            vec![line("echo PING"), line("enable")]
        );
        assert_eq!(feed(&[b"\0"]), vec![line("")]);
        assert_eq!(feed(&[b"no nul yet"]), vec![]);
    }

    #[test]
    fn overflow_matches_frr() {
        // 4094 bytes + NUL fit.
        let mut a = vec![b'x'; 4094];
        a.push(0);
        assert_eq!(feed(&[&a]), vec![FrameEvent::Line(vec![b'x'; 4094])]);
        // 4095 bytes + NUL: the NUL is the 4096th byte and is lost.
        let mut b = vec![b'x'; 4095];
        b.push(0);
        b.extend_from_slice(b"echo a\0");
        assert_eq!(feed(&[&b]), vec![FrameEvent::TooLong, line("echo a")]);
        // 5000 bytes + NUL: the first 4096 are dropped, 904 remain.
        let mut c = vec![b'x'; 5000];
        c.push(0);
        let chunks: Vec<&[u8]> = c.chunks(READ_CHUNK).collect();
        assert_eq!(
            feed(&chunks),
            vec![FrameEvent::TooLong, FrameEvent::Line(vec![b'x'; 904])]
        );
    }
}
