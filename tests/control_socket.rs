//! bfdd.sock over a real unix socket, against a fake `ControlBackend` that
//! keeps sessions in a map and emits config events the way the daemon will.

use std::collections::{BTreeMap, BTreeSet};
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use bfd::packet::{Diag, State};
use bfdd_rs::engine::SessionKey;
use bfdd_rs::frr::bfdd_sock::codec::{
    self, MSG_NOTIFY, MSG_NOTIFY_ADD, MSG_NOTIFY_DEL, MSG_REQUEST_ADD, MSG_REQUEST_DEL,
    MSG_RESPONSE,
};
use bfdd_rs::frr::bfdd_sock::{
    BoxFuture, ConfigOp, ConnId, ControlBackend, ControlCounters, ControlEvent, ControlEvents,
    ControlServer, ControlSessionInfo, PeerRequest,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::UnixStream;

#[derive(Default)]
struct FakeState {
    sessions: BTreeMap<SessionKey, ControlSessionInfo>,
    refs: BTreeSet<(SessionKey, ConnId)>,
    released: Vec<ConnId>,
    next_discr: u32,
}

#[derive(Default)]
struct Fake {
    st: Mutex<FakeState>,
    events: OnceLock<ControlEvents>,
}

fn info(key: SessionKey, discr: u32, req: &PeerRequest) -> ControlSessionInfo {
    ControlSessionInfo {
        key,
        label: req.label.clone(),
        local_discr: discr,
        state: State::Down,
        local_diag: Diag::NONE,
        remote_diag: Diag::NONE,
        since_change: Duration::from_secs(4),
        detect_mult: req.detect_mult.unwrap_or(3),
        receive_interval_ms: req.receive_interval_ms.unwrap_or(300),
        transmit_interval_ms: req.transmit_interval_ms.unwrap_or(300),
        echo_receive_interval_ms: 50,
        echo_transmit_interval_ms: 50,
        remote_detect_mult: 0,
        remote_receive_interval_ms: 0,
        remote_transmit_interval_ms: 0,
        remote_echo_receive_interval_ms: 0,
        echo_mode: req.echo_mode,
        shutdown: req.shutdown,
    }
}

impl Fake {
    fn emit(&self, ev: ControlEvent) {
        if let Some(e) = self.events.get() {
            e.send(ev);
        }
    }
}

fn ready<T: Send + 'static>(v: T) -> BoxFuture<T> {
    Box::pin(async move { v })
}

impl ControlBackend for Fake {
    fn add(&self, req: PeerRequest) -> BoxFuture<Result<(), String>> {
        let mut st = self.st.lock().expect("fake lock");
        let ev = if let Some(s) = st.sessions.get_mut(&req.key) {
            if req.create_only {
                return ready(Err("exists".into()));
            }
            if let Some(t) = req.transmit_interval_ms {
                s.transmit_interval_ms = t;
            }
            if req.label.is_some() {
                s.label = req.label.clone();
            }
            s.shutdown = req.shutdown;
            ControlEvent::Config(ConfigOp::Update, s.clone())
        } else {
            st.next_discr += 1;
            let s = info(req.key.clone(), st.next_discr, &req);
            st.sessions.insert(req.key.clone(), s.clone());
            ControlEvent::Config(ConfigOp::Add, s)
        };
        drop(st);
        self.emit(ev);
        ready(Ok(()))
    }

    fn delete(&self, req: PeerRequest) -> BoxFuture<Result<(), String>> {
        let mut st = self.st.lock().expect("fake lock");
        if st.refs.iter().any(|(k, _)| *k == req.key) {
            return ready(Err("referenced".into()));
        }
        match st.sessions.remove(&req.key) {
            Some(s) => {
                drop(st);
                self.emit(ControlEvent::Config(ConfigOp::Delete, s));
                ready(Ok(()))
            }
            None => ready(Err("no session".into())),
        }
    }

    fn subscribe(&self, conn: ConnId, key: SessionKey) -> BoxFuture<Option<ControlSessionInfo>> {
        let mut st = self.st.lock().expect("fake lock");
        let s = st.sessions.get(&key).cloned();
        if s.is_some() {
            st.refs.insert((key, conn));
        }
        ready(s)
    }

    fn unsubscribe(&self, conn: ConnId, key: SessionKey) -> BoxFuture<Option<SessionKey>> {
        let mut st = self.st.lock().expect("fake lock");
        if !st.sessions.contains_key(&key) {
            return ready(None);
        }
        st.refs.remove(&(key.clone(), conn));
        ready(Some(key))
    }

    fn release(&self, conn: ConnId) -> BoxFuture<()> {
        let mut st = self.st.lock().expect("fake lock");
        st.refs.retain(|(_, c)| *c != conn);
        st.released.push(conn);
        ready(())
    }

    fn sessions(&self) -> BoxFuture<Vec<ControlSessionInfo>> {
        let st = self.st.lock().expect("fake lock");
        ready(st.sessions.values().cloned().collect())
    }

    fn find_label(&self, label: String) -> BoxFuture<Option<ControlSessionInfo>> {
        let st = self.st.lock().expect("fake lock");
        ready(
            st.sessions
                .values()
                .find(|s| s.label.as_deref() == Some(label.as_str()))
                .cloned(),
        )
    }
}

struct Harness {
    fake: Arc<Fake>,
    events: ControlEvents,
    path: PathBuf,
    counters: Arc<ControlCounters>,
    _dir: TempDir,
    server: tokio::task::JoinHandle<()>,
}

struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn tempdir(tag: &str) -> TempDir {
    let p = std::env::temp_dir().join(format!("bfdrs-ctl-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&p);
    std::fs::create_dir_all(&p).expect("temp dir");
    TempDir(p)
}

impl Harness {
    fn start(tag: &str) -> Harness {
        let dir = tempdir(tag);
        let path = dir.0.join("bfdd.sock");
        // A stale file where the socket goes must be replaced.
        std::fs::write(&path, b"stale").expect("stale file");
        let fake = Arc::new(Fake::default());
        let (server, events) = ControlServer::bind(&path, fake.clone()).expect("bind");
        fake.events.set(events.clone()).expect("set once");
        let counters = server.counters();
        let server = tokio::spawn(server.run());
        Harness {
            fake,
            events,
            path,
            counters,
            _dir: dir,
            server,
        }
    }

    /// The fake backend's session for an IPv4 `peer`; it must exist.
    fn session(&self, peer: &str) -> ControlSessionInfo {
        self.fake
            .st
            .lock()
            .expect("lock")
            .sessions
            .get(&key(peer))
            .cloned()
            .expect("session")
    }

    async fn connect(&self) -> UnixStream {
        UnixStream::connect(&self.path).await.expect("connect")
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        self.server.abort();
    }
}

async fn send(s: &mut UnixStream, id: u16, ty: u8, payload: &[u8]) {
    s.write_all(&codec::encode(id, ty, payload))
        .await
        .expect("write");
}

/// One message: (id, type, payload as text).
async fn recv(s: &mut UnixStream) -> (u16, u8, String) {
    let mut h = [0u8; 8];
    tokio::time::timeout(Duration::from_secs(5), s.read_exact(&mut h))
        .await
        .expect("message in time")
        .expect("header");
    assert_eq!(h[7], 1, "version");
    let len = u32::from_be_bytes([h[0], h[1], h[2], h[3]]) as usize;
    let mut p = vec![0u8; len];
    s.read_exact(&mut p).await.expect("payload");
    (
        u16::from_be_bytes([h[4], h[5]]),
        h[6],
        String::from_utf8(p).expect("utf-8"),
    )
}

/// Send one message and expect the plain `ok` answer.
async fn ask_ok(s: &mut UnixStream, id: u16, ty: u8, payload: &[u8]) {
    send(s, id, ty, payload).await;
    assert_eq!(recv(s).await.2, OK);
}

fn one_peer(peer: &str) -> String {
    format!(r#"{{"ipv4":[{{"peer-address":"{peer}"}}]}}"#)
}

/// Request `id` adds an IPv4 `peer` with default settings; `ok`.
async fn add_peer(s: &mut UnixStream, id: u16, peer: &str) {
    ask_ok(s, id, MSG_REQUEST_ADD, one_peer(peer).as_bytes()).await;
}

/// Request 1 adds an IPv4 `peer`, request 2 subscribes to it; both `ok`.
async fn add_and_watch(s: &mut UnixStream, peer: &str) {
    add_peer(s, 1, peer).await;
    ask_ok(s, 2, MSG_NOTIFY_ADD, one_peer(peer).as_bytes()).await;
}

/// Nothing more arrives within a short while.
async fn quiet(s: &mut UnixStream) {
    let mut b = [0u8; 1];
    let r = tokio::time::timeout(Duration::from_millis(150), s.read(&mut b)).await;
    assert!(r.is_err(), "unexpected data or close: {r:?}");
}

const OK: &str = r#"{"status":"ok"}"#;

fn key(peer: &str) -> SessionKey {
    SessionKey {
        peer: peer.parse().expect("addr"),
        local: None,
        ifname: None,
        vrf: "default".into(),
        multihop: false,
    }
}

#[tokio::test]
async fn socket_is_world_accessible_and_replaces_stale_file() {
    let h = Harness::start("mode");
    let meta = std::fs::metadata(&h.path).expect("socket exists");
    assert_eq!(meta.permissions().mode() & 0o777, 0o777);
    use std::os::unix::fs::FileTypeExt;
    assert!(meta.file_type().is_socket());
}

#[tokio::test]
async fn add_update_create_only_and_delete() {
    let h = Harness::start("add");
    let mut c = h.connect().await;
    send(
        &mut c,
        0x0102,
        MSG_REQUEST_ADD,
        br#"{"ipv4":[{"peer-address":"192.0.2.2","transmit-interval":100}]}"#,
    )
    .await;
    assert_eq!(recv(&mut c).await, (0x0102, MSG_RESPONSE, OK.to_string()));
    let tx = |h: &Harness| {
        h.fake
            .st
            .lock()
            .expect("lock")
            .sessions
            .get(&key("192.0.2.2"))
            .map(|s| s.transmit_interval_ms)
    };
    assert_eq!(tx(&h), Some(100));

    // create-only on an existing session is refused and changes nothing.
    send(
        &mut c,
        3,
        MSG_REQUEST_ADD,
        br#"{"ipv4":[{"peer-address":"192.0.2.2","transmit-interval":700,"create-only":true}]}"#,
    )
    .await;
    assert_eq!(
        recv(&mut c).await,
        (
            3,
            MSG_RESPONSE,
            r#"{"status":"error","error":"request add failed"}"#.to_string()
        )
    );
    assert_eq!(tx(&h), Some(100));

    // Without it the same add updates.
    ask_ok(
        &mut c,
        4,
        MSG_REQUEST_ADD,
        br#"{"ipv4":[{"peer-address":"192.0.2.2","transmit-interval":700}]}"#,
    )
    .await;
    assert_eq!(tx(&h), Some(700));

    send(
        &mut c,
        5,
        MSG_REQUEST_DEL,
        br#"{"ipv4":[{"peer-address":"192.0.2.2"}]}"#,
    )
    .await;
    assert_eq!(recv(&mut c).await, (5, MSG_RESPONSE, OK.to_string()));
    assert_eq!(tx(&h), None);

    // Deleting what is not there fails with FRR's text.
    send(
        &mut c,
        6,
        MSG_REQUEST_DEL,
        br#"{"ipv4":[{"peer-address":"192.0.2.2"}]}"#,
    )
    .await;
    assert_eq!(
        recv(&mut c).await.2,
        r#"{"status":"error","error":"request del failed"}"#
    );
}

#[tokio::test]
async fn bad_requests_get_frr_error_texts() {
    let h = Harness::start("errs");
    let mut c = h.connect().await;
    let add_failed = r#"{"status":"error","error":"request add failed"}"#;
    for bad in [
        &br#"{"ipv4":[{"peer-address":"192.0.2.2","bogus":1}]}"#[..],
        br#"{"ipv4":[{"multihop":true}]}"#,
        br#"{"ipv6":[{"peer-address":"192.0.2.2"}]}"#,
        br#"{"ipv5":[]}"#,
        br#"{"label":[{"label":"nope"}]}"#,
        b"not json",
        b"[1,2]",
    ] {
        send(&mut c, 9, MSG_REQUEST_ADD, bad).await;
        assert_eq!(
            recv(&mut c).await,
            (9, MSG_RESPONSE, add_failed.to_string()),
            "{}",
            String::from_utf8_lossy(bad)
        );
    }
    send(&mut c, 10, MSG_NOTIFY_ADD, b"{\"ipv4\":[{}]}").await;
    assert_eq!(
        recv(&mut c).await.2,
        r#"{"status":"error","error":"failed to parse notify data"}"#
    );
    // Unknown types, and a client sending a RESPONSE, get the type error
    // with the id echoed.
    for ty in [0u8, MSG_RESPONSE, 7, 255] {
        send(&mut c, 0xbeef, ty, b"{}").await;
        assert_eq!(
            recv(&mut c).await,
            (
                0xbeef,
                MSG_RESPONSE,
                r#"{"status":"error","error":"invalid message type"}"#.to_string()
            )
        );
    }
    // The valid entry of a partly bad request is still applied.
    send(
        &mut c,
        11,
        MSG_REQUEST_ADD,
        br#"{"ipv4":[{"peer-address":"192.0.2.7"},{"bogus":true}]}"#,
    )
    .await;
    assert_eq!(recv(&mut c).await.2, add_failed);
    assert!(h
        .fake
        .st
        .lock()
        .expect("lock")
        .sessions
        .contains_key(&key("192.0.2.7")));
}

#[tokio::test]
async fn notify_add_sends_status_after_response_and_holds_a_reference() {
    let h = Harness::start("nadd");
    let mut c = h.connect().await;
    ask_ok(
        &mut c,
        1,
        MSG_REQUEST_ADD,
        br#"{"ipv6":[{"peer-address":"2001:db8::2","label":"core"}]}"#,
    )
    .await;

    // Subscribe by label.
    send(
        &mut c,
        2,
        MSG_NOTIFY_ADD,
        br#"{"label":[{"label":"core"}]}"#,
    )
    .await;
    assert_eq!(recv(&mut c).await, (2, MSG_RESPONSE, OK.to_string()));
    let (id, ty, text) = recv(&mut c).await;
    assert_eq!((id, ty), (0, MSG_NOTIFY));
    assert_eq!(
        text,
        concat!(
            r#"{"op":"status","ipv6":true,"multihop":false,"peer-address":"2001:db8::2","#,
            r#""label":"core","id":1,"remote-id":1,"state":"down","downtime":4,"#,
            r#""diagnostics":0,"remote-diagnostics":0}"#
        )
    );

    // Referenced: delete refused.
    let mut other = h.connect().await;
    send(
        &mut other,
        3,
        MSG_REQUEST_DEL,
        br#"{"ipv6":[{"peer-address":"2001:db8::2"}]}"#,
    )
    .await;
    assert_eq!(
        recv(&mut other).await.2,
        r#"{"status":"error","error":"request del failed"}"#
    );

    // Unsubscribe by address, then the delete works.
    send(
        &mut c,
        4,
        MSG_NOTIFY_DEL,
        br#"{"ipv6":[{"peer-address":"2001:db8::2"}]}"#,
    )
    .await;
    assert_eq!(recv(&mut c).await, (4, MSG_RESPONSE, OK.to_string()));
    ask_ok(
        &mut other,
        5,
        MSG_REQUEST_DEL,
        br#"{"label":[{"label":"core"}]}"#,
    )
    .await;
    quiet(&mut c).await;
}

#[tokio::test]
async fn events_reach_subscribers_and_mask_holders_only() {
    let h = Harness::start("events");
    let mut sub = h.connect().await;
    let mut all = h.connect().await;
    let mut none = h.connect().await;
    ask_ok(
        &mut sub,
        1,
        MSG_REQUEST_ADD,
        br#"{"ipv4":[{"peer-address":"192.0.2.2"},{"peer-address":"192.0.2.3"}]}"#,
    )
    .await;
    ask_ok(
        &mut sub,
        2,
        MSG_NOTIFY_ADD,
        br#"{"ipv4":[{"peer-address":"192.0.2.2"}]}"#,
    )
    .await;
    assert!(recv(&mut sub).await.2.contains(r#""state":"down""#));
    send(&mut all, 3, MSG_NOTIFY, &1u64.to_ne_bytes()).await;
    // Response first, then the walk: one status per session.
    assert_eq!(recv(&mut all).await, (3, MSG_RESPONSE, OK.to_string()));
    assert!(recv(&mut all)
        .await
        .2
        .contains(r#""peer-address":"192.0.2.2""#));
    assert!(recv(&mut all)
        .await
        .2
        .contains(r#""peer-address":"192.0.2.3""#));

    // 192.0.2.2 comes up: the subscriber and the mask holder hear it.
    let mut up = h.session("192.0.2.2");
    up.state = State::Up;
    up.since_change = Duration::from_millis(1500);
    assert!(h.events.send(ControlEvent::Status(up.clone())));
    let expect = concat!(
        r#"{"op":"status","ipv6":false,"multihop":false,"peer-address":"192.0.2.2","#,
        r#""id":1,"remote-id":1,"state":"up","uptime":1,"diagnostics":0,"#,
        r#""remote-diagnostics":0}"#
    );
    assert_eq!(recv(&mut sub).await, (0, MSG_NOTIFY, expect.to_string()));
    assert_eq!(recv(&mut all).await, (0, MSG_NOTIFY, expect.to_string()));
    quiet(&mut none).await;

    // 192.0.2.3: only the mask holder.
    let mut other = up.clone();
    other.key = key("192.0.2.3");
    h.events.send(ControlEvent::Status(other));
    assert!(recv(&mut all).await.2.contains("192.0.2.3"));
    quiet(&mut sub).await;

    // Config events need the config bit: nobody has it yet.
    h.events
        .send(ControlEvent::Config(ConfigOp::Update, up.clone()));
    quiet(&mut all).await;
}

#[tokio::test]
async fn notify_all_walks_config_then_status_and_gets_config_events() {
    let h = Harness::start("walk");
    let mut c = h.connect().await;
    add_peer(&mut c, 1, "192.0.2.2").await;
    send(&mut c, 2, MSG_NOTIFY, &u64::MAX.to_ne_bytes()).await;
    assert_eq!(recv(&mut c).await, (2, MSG_RESPONSE, OK.to_string()));
    assert!(recv(&mut c).await.2.starts_with(r#"{"op":"add","#));
    assert!(recv(&mut c).await.2.starts_with(r#"{"op":"status","#));

    // A new session from another client: this one gets the config "add".
    let mut other = h.connect().await;
    ask_ok(
        &mut other,
        3,
        MSG_REQUEST_ADD,
        br#"{"ipv4":[{"peer-address":"192.0.2.9","detect-multiplier":4}]}"#,
    )
    .await;
    let (id, ty, text) = recv(&mut c).await;
    assert_eq!((id, ty), (0, MSG_NOTIFY));
    assert_eq!(
        text,
        concat!(
            r#"{"op":"add","ipv6":false,"multihop":false,"peer-address":"192.0.2.9","#,
            r#""detect-multiplier":4,"receive-interval":300,"transmit-interval":300,"#,
            r#""echo-receive-interval":50,"echo-transmit-interval":50,"#,
            r#""remote-detect-multiplier":0,"remote-receive-interval":0,"#,
            r#""remote-transmit-interval":0,"remote-echo-receive-interval":0,"#,
            r#""echo-mode":false,"shutdown":false}"#
        )
    );
    ask_ok(
        &mut other,
        4,
        MSG_REQUEST_DEL,
        br#"{"ipv4":[{"peer-address":"192.0.2.9"}]}"#,
    )
    .await;
    assert_eq!(
        recv(&mut c).await.2,
        r#"{"op":"delete","ipv6":false,"multihop":false,"peer-address":"192.0.2.9"}"#
    );

    // Mask 0 turns everything off.
    ask_ok(&mut c, 5, MSG_NOTIFY, &0u64.to_ne_bytes()).await;
    add_peer(&mut other, 6, "192.0.2.10").await;
    quiet(&mut c).await;
}

#[tokio::test]
async fn config_delete_drops_subscriptions() {
    let h = Harness::start("cdel");
    let mut c = h.connect().await;
    add_and_watch(&mut c, "192.0.2.2").await;
    let s = recv(&mut c).await;
    assert_eq!(s.1, MSG_NOTIFY);
    let info = h.session("192.0.2.2");
    // The daemon deletes it (e.g. config): no more status for this socket.
    h.events
        .send(ControlEvent::Config(ConfigOp::Delete, info.clone()));
    h.events.send(ControlEvent::Status(info));
    quiet(&mut c).await;
}

#[tokio::test]
async fn bad_header_closes_and_releases_references() {
    let h = Harness::start("close");
    let mut c = h.connect().await;
    add_and_watch(&mut c, "192.0.2.2").await;
    recv(&mut c).await;
    assert_eq!(h.fake.st.lock().expect("lock").refs.len(), 1);

    // Version 2: the server closes without answering.
    c.write_all(&[0, 0, 0, 2, 0, 7, MSG_REQUEST_ADD, 2, b'{', b'}'])
        .await
        .expect("write");
    let mut b = [0u8; 16];
    let n = tokio::time::timeout(Duration::from_secs(5), c.read(&mut b))
        .await
        .expect("closed in time")
        .expect("read");
    assert_eq!(n, 0, "closed without a reply");
    // The reference went with the connection; the session stays.
    for _ in 0..50 {
        if h.fake.st.lock().expect("lock").refs.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    {
        let st = h.fake.st.lock().expect("lock");
        assert!(st.refs.is_empty());
        assert_eq!(st.released.len(), 1);
        assert!(st.sessions.contains_key(&key("192.0.2.2")));
    }

    // Payload length below 2 closes too.
    let mut c = h.connect().await;
    c.write_all(&[0, 0, 0, 1, 0, 7, MSG_REQUEST_ADD, 1, b'{'])
        .await
        .expect("write");
    let n = tokio::time::timeout(Duration::from_secs(5), c.read(&mut b))
        .await
        .expect("closed in time")
        .expect("read");
    assert_eq!(n, 0);
}

#[tokio::test]
async fn split_writes_are_reassembled() {
    let h = Harness::start("split");
    let mut c = h.connect().await;
    let msg = codec::encode(
        0x4242,
        MSG_REQUEST_ADD,
        br#"{"ipv4":[{"peer-address":"192.0.2.2"}]}"#,
    );
    for chunk in msg.chunks(3) {
        c.write_all(chunk).await.expect("write");
        c.flush().await.expect("flush");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(recv(&mut c).await, (0x4242, MSG_RESPONSE, OK.to_string()));
}

#[tokio::test]
async fn a_client_that_never_reads_is_dropped_not_buffered_forever() {
    let h = Harness::start("slow");
    let mut c = h.connect().await;
    add_peer(&mut c, 1, "192.0.2.2").await;
    ask_ok(&mut c, 2, MSG_NOTIFY, &1u64.to_ne_bytes()).await;
    recv(&mut c).await;
    let s = h.session("192.0.2.2");
    let limit = bfdd_rs::frr::bfdd_sock::server::MAX_QUEUED_NOTIFICATIONS;
    for _ in 0..(limit * 3) {
        h.events.send(ControlEvent::Status(s.clone()));
    }
    // Without reading, wait until the server gives up on us.
    let slow_clients = |h: &Harness| {
        h.counters
            .snapshot()
            .into_iter()
            .find(|(n, _)| *n == "slow-clients")
            .map(|(_, v)| v)
    };
    for _ in 0..200 {
        if slow_clients(&h) != Some(0) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Then the stream ends once what was in flight is read.
    let mut sink = Vec::new();
    tokio::time::timeout(Duration::from_secs(20), c.read_to_end(&mut sink))
        .await
        .expect("stream ends")
        .expect("read");
    assert_eq!(slow_clients(&h), Some(1));
    assert!(sink.len() < limit * 3 * 200, "not everything was delivered");
}

#[tokio::test]
async fn short_notify_mask_is_zero_padded() {
    let h = Harness::start("shortmask");
    let mut c = h.connect().await;
    add_peer(&mut c, 1, "192.0.2.2").await;
    // FRR 8.4.4 answers this 2-byte mask (low byte 1 on little-endian
    // hosts) with "ok" and one status per session.
    let mut mask = [0u8; 2];
    mask.copy_from_slice(&1u64.to_ne_bytes()[..2]);
    send(&mut c, 5, MSG_NOTIFY, &mask).await;
    assert_eq!(recv(&mut c).await, (5, MSG_RESPONSE, OK.to_string()));
    assert!(recv(&mut c).await.2.starts_with(r#"{"op":"status","#));
    quiet(&mut c).await;
}
