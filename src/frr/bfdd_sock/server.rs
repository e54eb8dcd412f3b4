//! The bfdd.sock server: a unix stream listener with many clients. Each
//! connection has a reader (frames in, requests answered in order, one at a
//! time) and a writer draining two queues: responses first, then
//! notifications, so a response overtakes pending notifications but never
//! cuts into a message already being written (FRR's enqueue-first rule).
//! The notify mask and per-peer subscriptions of every connection live in
//! one table that `ControlEvent`s are matched against.

use std::collections::{HashMap, HashSet, VecDeque};
use std::fmt;
use std::io;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::unix::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::{mpsc, Notify};

use super::backend::{ConfigOp, ConnId, ControlBackend, ControlEvent, ControlSessionInfo};
use super::codec::{self, Frame, FrameDecoder, FrameError};
use super::json::Json;
use super::notify::{self, NOTIFY_CONFIG, NOTIFY_PEER_STATE};
use super::request::{self, ListKind, PeerBase, PeerError};
use crate::engine::SessionKey;

/// Notifications a client may leave unread before it is disconnected; FRR
/// queues without bound, which lets one stuck client eat the daemon's memory.
pub const MAX_QUEUED_NOTIFICATIONS: usize = 16_384;

/// Server counters (never reset).
#[derive(Debug, Default)]
pub struct ControlCounters {
    pub accepted: AtomicU64,
    pub closed: AtomicU64,
    pub accept_errors: AtomicU64,
    pub frames: AtomicU64,
    /// Connections closed for a bad header (short length, version, size).
    pub bad_frames: AtomicU64,
    pub invalid_type: AtomicU64,
    /// Requests answered with an error.
    pub failed_requests: AtomicU64,
    pub notifications: AtomicU64,
    /// Connections dropped for not reading their notifications.
    pub slow_clients: AtomicU64,
}

impl ControlCounters {
    /// Name and value of every counter.
    pub fn snapshot(&self) -> Vec<(&'static str, u64)> {
        let g = |a: &AtomicU64| a.load(Ordering::Relaxed);
        vec![
            ("accepted", g(&self.accepted)),
            ("closed", g(&self.closed)),
            ("accept-errors", g(&self.accept_errors)),
            ("frames", g(&self.frames)),
            ("bad-frames", g(&self.bad_frames)),
            ("invalid-type", g(&self.invalid_type)),
            ("failed-requests", g(&self.failed_requests)),
            ("notifications", g(&self.notifications)),
            ("slow-clients", g(&self.slow_clients)),
        ]
    }
}

fn bump(a: &AtomicU64) {
    a.fetch_add(1, Ordering::Relaxed);
}

/// Lock without ever panicking: a poisoned table is still consistent enough
/// (every critical section is a few pushes and inserts).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// What became of a notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pushed {
    Queued,
    /// The client is too far behind: the queue is closed now.
    Overflow,
    /// Already closed; dropped.
    Closed,
}

#[derive(Default)]
struct OutState {
    responses: VecDeque<Vec<u8>>,
    notes: VecDeque<Vec<u8>>,
    closed: bool,
}

/// One connection's outgoing messages.
#[derive(Default)]
struct OutQueue {
    state: Mutex<OutState>,
    wake: Notify,
}

impl OutQueue {
    fn push_response(&self, msg: Vec<u8>) {
        lock(&self.state).responses.push_back(msg);
        self.wake.notify_one();
    }

    fn push_note(&self, msg: Vec<u8>) -> Pushed {
        let mut st = lock(&self.state);
        if st.closed {
            return Pushed::Closed;
        }
        if st.notes.len() >= MAX_QUEUED_NOTIFICATIONS {
            st.closed = true;
            drop(st);
            self.wake.notify_one();
            return Pushed::Overflow;
        }
        st.notes.push_back(msg);
        drop(st);
        self.wake.notify_one();
        Pushed::Queued
    }

    async fn next(&self) -> Option<Vec<u8>> {
        loop {
            {
                let mut st = lock(&self.state);
                if st.closed {
                    return None;
                }
                if let Some(m) = st.responses.pop_front().or_else(|| st.notes.pop_front()) {
                    return Some(m);
                }
            }
            self.wake.notified().await;
        }
    }
}

struct ConnState {
    mask: u64,
    subs: HashSet<SessionKey>,
    out: Arc<OutQueue>,
}

struct Shared {
    conns: Mutex<HashMap<ConnId, ConnState>>,
    counters: Arc<ControlCounters>,
    /// Number of connections in `conns`, readable without the lock.
    clients: Arc<AtomicUsize>,
}

impl Shared {
    fn note(&self, out: &OutQueue, json: &str) {
        let msg = codec::encode(codec::NOTIFY_ID, codec::MSG_NOTIFY, json.as_bytes());
        match out.push_note(msg) {
            Pushed::Queued => bump(&self.counters.notifications),
            Pushed::Overflow => bump(&self.counters.slow_clients),
            Pushed::Closed => {}
        }
    }

    /// Route one daemon event to the connections that want it.
    fn dispatch(&self, ev: &ControlEvent) {
        let mut conns = lock(&self.conns);
        match ev {
            ControlEvent::Status(s) => {
                let text = notify::status(s);
                for c in conns.values() {
                    if c.mask & NOTIFY_PEER_STATE != 0 || c.subs.contains(&s.key) {
                        self.note(&c.out, &text);
                    }
                }
            }
            ControlEvent::Config(op, s) => {
                if *op == ConfigOp::Delete {
                    for c in conns.values_mut() {
                        c.subs.remove(&s.key);
                    }
                }
                let text = notify::config(*op, s);
                for c in conns.values() {
                    if c.mask & NOTIFY_CONFIG != 0 {
                        self.note(&c.out, &text);
                    }
                }
            }
        }
    }
}

/// Sends daemon events into a running server; cheap to clone.
#[derive(Clone, Debug)]
pub struct ControlEvents {
    tx: mpsc::UnboundedSender<ControlEvent>,
    clients: Arc<AtomicUsize>,
}

impl ControlEvents {
    /// False once the server has stopped.
    pub fn send(&self, ev: ControlEvent) -> bool {
        self.tx.send(ev).is_ok()
    }

    /// Whether any client is connected: with none, a producer can skip the
    /// work of building an event nobody would get.
    pub fn has_clients(&self) -> bool {
        self.clients.load(Ordering::Relaxed) > 0
    }
}

/// The listening socket and everything its connections share.
pub struct ControlServer {
    listener: UnixListener,
    path: PathBuf,
    shared: Arc<Shared>,
    backend: Arc<dyn ControlBackend>,
    events: mpsc::UnboundedReceiver<ControlEvent>,
}

impl ControlServer {
    /// Listen at `path` as FRR does: an old socket file is removed first and
    /// the new one is world-accessible. Must be called inside a tokio runtime.
    pub fn bind(
        path: &Path,
        backend: Arc<dyn ControlBackend>,
    ) -> io::Result<(ControlServer, ControlEvents)> {
        match std::fs::remove_file(path) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            // FRR ignores this too; bind then reports the real problem.
            Err(e) => tracing::debug!("bfdd.sock: unlink {}: {e}", path.display()),
        }
        let listener = UnixListener::bind(path)?;
        // FRR binds with umask 0; chmod gives the same mode without touching
        // the process-wide umask under other threads.
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o777))?;
        let (tx, rx) = mpsc::unbounded_channel();
        let clients = Arc::new(AtomicUsize::new(0));
        let server = ControlServer {
            listener,
            path: path.to_path_buf(),
            shared: Arc::new(Shared {
                conns: Mutex::new(HashMap::new()),
                counters: Arc::new(ControlCounters::default()),
                clients: clients.clone(),
            }),
            backend,
            events: rx,
        };
        Ok((server, ControlEvents { tx, clients }))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn counters(&self) -> Arc<ControlCounters> {
        self.shared.counters.clone()
    }

    /// Accept clients and route events until the task is dropped.
    pub async fn run(self) {
        let ControlServer {
            listener,
            shared,
            backend,
            mut events,
            ..
        } = self;
        let mut next_id = 0u64;
        let mut events_open = true;
        loop {
            tokio::select! {
                acc = listener.accept() => match acc {
                    Ok((stream, _)) => {
                        next_id += 1;
                        bump(&shared.counters.accepted);
                        let conn = Connection {
                            id: ConnId(next_id),
                            shared: shared.clone(),
                            backend: backend.clone(),
                            out: Arc::new(OutQueue::default()),
                        };
                        tokio::spawn(conn.serve(stream));
                    }
                    Err(e) => {
                        bump(&shared.counters.accept_errors);
                        tracing::warn!("bfdd.sock: accept: {e}");
                        // Out of descriptors: do not spin.
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                },
                ev = events.recv(), if events_open => match ev {
                    Some(ev) => shared.dispatch(&ev),
                    None => events_open = false,
                },
            }
        }
    }
}

/// Why a connection ended.
#[derive(Debug)]
enum CloseReason {
    Eof,
    Io(io::Error),
    Frame(FrameError),
    /// The writer stopped (slow client or write error).
    Writer,
}

impl fmt::Display for CloseReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CloseReason::Eof => write!(f, "closed by client"),
            CloseReason::Io(e) => write!(f, "{e}"),
            CloseReason::Frame(e) => write!(f, "{e}"),
            CloseReason::Writer => write!(f, "write side closed"),
        }
    }
}

/// Why one peer entry of a request failed (logged; the client only gets
/// FRR's per-type error text).
#[derive(Debug)]
enum EntryError {
    Peer(Vec<PeerError>),
    NoSession,
    Backend(String),
}

impl fmt::Display for EntryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EntryError::Peer(errs) => {
                let texts: Vec<String> = errs.iter().map(ToString::to_string).collect();
                write!(f, "{}", texts.join("; "))
            }
            EntryError::NoSession => write!(f, "no such session"),
            EntryError::Backend(e) => write!(f, "{e}"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Add,
    Del,
    NotifyAdd,
    NotifyDel,
}

struct Connection {
    id: ConnId,
    shared: Arc<Shared>,
    backend: Arc<dyn ControlBackend>,
    out: Arc<OutQueue>,
}

impl Connection {
    async fn serve(self, stream: UnixStream) {
        lock(&self.shared.conns).insert(
            self.id,
            ConnState {
                mask: 0,
                subs: HashSet::new(),
                out: self.out.clone(),
            },
        );
        self.shared.clients.fetch_add(1, Ordering::Relaxed);
        let (rd, wr) = stream.into_split();
        let reason = tokio::select! {
            r = self.read_loop(rd) => r,
            r = write_loop(wr, &self.out) => r,
        };
        tracing::debug!("bfdd.sock: client {} closed: {reason}", self.id.0);
        lock(&self.shared.conns).remove(&self.id);
        self.shared.clients.fetch_sub(1, Ordering::Relaxed);
        self.backend.release(self.id).await;
        bump(&self.shared.counters.closed);
    }

    async fn read_loop(&self, mut rd: OwnedReadHalf) -> CloseReason {
        let mut dec = FrameDecoder::new();
        let mut buf = vec![0u8; 4096];
        loop {
            let n = match rd.read(&mut buf).await {
                Ok(0) => return CloseReason::Eof,
                Ok(n) => n,
                Err(e) => return CloseReason::Io(e),
            };
            dec.extend(&buf[..n]);
            loop {
                match dec.next_frame() {
                    Ok(Some(frame)) => {
                        bump(&self.shared.counters.frames);
                        self.handle(frame).await;
                    }
                    Ok(None) => break,
                    Err(e) => {
                        bump(&self.shared.counters.bad_frames);
                        return CloseReason::Frame(e);
                    }
                }
            }
        }
    }

    fn respond(&self, id: u16, error: Option<&str>) {
        if error.is_some() {
            bump(&self.shared.counters.failed_requests);
        }
        let text = notify::response(error);
        self.out
            .push_response(codec::encode(id, codec::MSG_RESPONSE, text.as_bytes()));
    }

    async fn handle(&self, f: Frame) {
        let (op, err_text) = match f.msg_type {
            codec::MSG_REQUEST_ADD => (Op::Add, notify::ERR_ADD),
            codec::MSG_REQUEST_DEL => (Op::Del, notify::ERR_DEL),
            codec::MSG_NOTIFY_ADD => (Op::NotifyAdd, notify::ERR_NOTIFY),
            codec::MSG_NOTIFY_DEL => (Op::NotifyDel, notify::ERR_NOTIFY),
            codec::MSG_NOTIFY => return self.handle_mask(&f).await,
            other => {
                tracing::debug!("bfdd.sock: unhandled message type {other}");
                bump(&self.shared.counters.invalid_type);
                return self.respond(f.id, Some(notify::ERR_TYPE));
            }
        };
        let ok = self.apply(op, &f.payload).await;
        self.respond(f.id, if ok { None } else { Some(err_text) });
    }

    /// NOTIFY: the payload's first 8 bytes are a host-order u64 mask (a
    /// shorter payload is zero-padded where FRR reads past it). Answer, then
    /// send what was asked for about every session.
    async fn handle_mask(&self, f: &Frame) {
        let mut raw = [0u8; 8];
        let n = f.payload.len().min(8);
        raw[..n].copy_from_slice(&f.payload[..n]);
        let mask = u64::from_ne_bytes(raw);
        if let Some(c) = lock(&self.shared.conns).get_mut(&self.id) {
            c.mask = mask;
        }
        self.respond(f.id, None);
        if mask & (NOTIFY_PEER_STATE | NOTIFY_CONFIG) == 0 {
            return;
        }
        for s in self.backend.sessions().await {
            if mask & NOTIFY_CONFIG != 0 {
                self.shared
                    .note(&self.out, &notify::config(ConfigOp::Add, &s));
            }
            if mask & NOTIFY_PEER_STATE != 0 {
                self.shared.note(&self.out, &notify::status(&s));
            }
        }
    }

    /// Every entry is tried even after a failure, as FRR does; true only if
    /// all succeeded.
    async fn apply(&self, op: Op, payload: &[u8]) -> bool {
        let doc = match request::parse_request(payload) {
            Ok(d) => d,
            Err(e) => {
                tracing::debug!("bfdd.sock: client {}: {e}", self.id.0);
                return false;
            }
        };
        let mut ok = true;
        for e in &doc.errors {
            tracing::debug!("bfdd.sock: client {}: {e}", self.id.0);
            ok = false;
        }
        for (kind, entries) in &doc.lists {
            for entry in entries {
                if let Err(e) = self.apply_entry(op, *kind, entry).await {
                    tracing::debug!("bfdd.sock: client {}: {op:?}: {e}", self.id.0);
                    ok = false;
                }
            }
        }
        ok
    }

    async fn apply_entry(&self, op: Op, kind: ListKind, entry: &Json) -> Result<(), EntryError> {
        let base = match kind {
            ListKind::Ipv4 => PeerBase::Family { ipv4: true },
            ListKind::Ipv6 => PeerBase::Family { ipv4: false },
            ListKind::Label => {
                let label = request::entry_label(entry).map_err(|e| EntryError::Peer(vec![e]))?;
                match self.backend.find_label(label.clone()).await {
                    Some(s) => PeerBase::Session(s.key),
                    None => return Err(EntryError::Peer(vec![PeerError::UnknownLabel(label)])),
                }
            }
        };
        let (mut req, errs) = request::read_peer(entry, base);
        if !errs.is_empty() {
            return Err(EntryError::Peer(errs));
        }
        // An existing label wins over the address keys (FRR `bs_peer_find`).
        if let Some(l) = req.label.clone() {
            if let Some(s) = self.backend.find_label(l).await {
                req.key = s.key;
            }
        }
        match op {
            Op::Add => self.backend.add(req).await.map_err(EntryError::Backend),
            Op::Del => self.backend.delete(req).await.map_err(EntryError::Backend),
            Op::NotifyAdd => {
                let s = self
                    .backend
                    .subscribe(self.id, req.key)
                    .await
                    .ok_or(EntryError::NoSession)?;
                self.subscribed(&s);
                Ok(())
            }
            Op::NotifyDel => {
                let k = self
                    .backend
                    .unsubscribe(self.id, req.key)
                    .await
                    .ok_or(EntryError::NoSession)?;
                if let Some(c) = lock(&self.shared.conns).get_mut(&self.id) {
                    c.subs.remove(&k);
                }
                Ok(())
            }
        }
    }

    /// Record the subscription and send the peer's status right away.
    fn subscribed(&self, s: &ControlSessionInfo) {
        if let Some(c) = lock(&self.shared.conns).get_mut(&self.id) {
            c.subs.insert(s.key.clone());
        }
        self.shared.note(&self.out, &notify::status(s));
    }
}

async fn write_loop(mut wr: OwnedWriteHalf, out: &OutQueue) -> CloseReason {
    while let Some(msg) = out.next().await {
        if let Err(e) = wr.write_all(&msg).await {
            return CloseReason::Io(e);
        }
    }
    CloseReason::Writer
}
