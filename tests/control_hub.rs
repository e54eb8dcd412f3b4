//! bfdd.sock on the real stack: `HubBackend` over the registry task and an
//! engine at 127.0.0.1, a plain engine at 127.0.0.2 as the peer, clients on
//! a real unix socket. Needs root (private network namespace, port 3784).

mod engine_support;

use std::net::{IpAddr, Ipv4Addr};
use std::path::Path;
use std::time::{Duration, Instant};

use bfdd_rs::engine::{self, Command, EngineHandle, EngineOptions, SessionConfig, SessionKey};
use bfdd_rs::frr::bfdd_sock::codec::{
    self, MSG_NOTIFY, MSG_NOTIFY_ADD, MSG_REQUEST_ADD, MSG_REQUEST_DEL,
};
use bfdd_rs::frr::bfdd_sock::hub_backend::HubBackend;
use bfdd_rs::frr::bfdd_sock::ControlServer;
use bfdd_rs::hub;
use bfdd_rs::registry::Registry;
use engine_support::{block_on_in_private_netns, fast_spec, lo_links};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::UnixStream;

const A: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 1);
const B: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 2);
const OK: &str = r#"{"status":"ok"}"#;

fn start_engine(
    addr: Ipv4Addr,
) -> (
    EngineHandle,
    tokio::sync::mpsc::Receiver<engine::Notification>,
) {
    let (tx, rx) = engine::notification_channel(engine::NOTIFY_CAPACITY);
    let opts = EngineOptions {
        bind_v4: Some(addr),
        bind_v6: None,
        no_ipv6: true,
    };
    let (h, _join) = engine::spawn(opts, tx).expect("engine starts (needs root)");
    h.send(lo_links(vec![IpAddr::V4(A), IpAddr::V4(B)]))
        .expect("engine alive");
    (h, rx)
}

async fn send(s: &mut UnixStream, id: u16, ty: u8, payload: &[u8]) {
    s.write_all(&codec::encode(id, ty, payload))
        .await
        .expect("write");
}

async fn recv(s: &mut UnixStream) -> (u16, u8, String) {
    let mut h = [0u8; 8];
    tokio::time::timeout(Duration::from_secs(15), s.read_exact(&mut h))
        .await
        .expect("message in time")
        .expect("header");
    let len = u32::from_be_bytes([h[0], h[1], h[2], h[3]]) as usize;
    let mut p = vec![0u8; len];
    s.read_exact(&mut p).await.expect("payload");
    (
        u16::from_be_bytes([h[4], h[5]]),
        h[6],
        String::from_utf8(p).expect("utf-8"),
    )
}

/// Read notifications until one contains `needle`.
async fn wait_for(s: &mut UnixStream, needle: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(15);
    while Instant::now() < deadline {
        let (_, ty, text) = recv(s).await;
        if ty == MSG_NOTIFY && text.contains(needle) {
            return text;
        }
    }
    panic!("no notification with {needle}");
}

#[test]
fn add_watch_up_subscribe_and_delete_on_the_real_stack() {
    block_on_in_private_netns(body);
}

async fn body() {
    let dir = std::env::temp_dir().join(format!("bfdrs-ctl-hub-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("bfdd.sock");

    let (engine_a, notify_a) = start_engine(A);
    let registry = hub::spawn(Registry::new(), engine_a.clone(), notify_a);
    let backend = HubBackend::new(registry.clone());
    let (server, events) =
        ControlServer::bind(&path, std::sync::Arc::new(backend.clone())).expect("bind");
    backend.attach(events);
    tokio::spawn(server.run());

    let (engine_b, _notify_b) = start_engine(B);

    run_clients(&path, &registry, &engine_b).await;

    let _ = engine_b.send(Command::Remove(key(A, B)));
    let _ = std::fs::remove_dir_all(&dir);
}

fn key(peer: Ipv4Addr, local: Ipv4Addr) -> SessionKey {
    SessionKey {
        peer: IpAddr::V4(peer),
        local: Some(IpAddr::V4(local)),
        ifname: Some("lo".into()),
        vrf: "default".into(),
        multihop: false,
    }
}

async fn run_clients(path: &Path, registry: &hub::RegistryHandle, peer: &EngineHandle) {
    let mut watcher = UnixStream::connect(path).await.expect("connect");
    send(&mut watcher, 1, MSG_NOTIFY, &u64::MAX.to_ne_bytes()).await;
    assert_eq!(recv(&mut watcher).await.2, OK);

    let mut c = UnixStream::connect(path).await.expect("connect");
    send(
        &mut c,
        2,
        MSG_REQUEST_ADD,
        br#"{"ipv4":[{"peer-address":"127.0.0.2","local-address":"127.0.0.1","local-interface":"lo","transmit-interval":50,"receive-interval":50,"label":"b"}]}"#,
    )
    .await;
    assert_eq!(recv(&mut c).await.2, OK);
    let add = wait_for(&mut watcher, r#""op":"add""#).await;
    assert!(add.contains(r#""label":"b""#), "{add}");
    assert!(add.contains(r#""transmit-interval":50"#), "{add}");

    // The peer engine: the session comes Up and the watcher hears it.
    peer.send(Command::Upsert(peer_spec()))
        .expect("peer engine alive");
    let up = wait_for(&mut watcher, r#""state":"up""#).await;
    assert!(up.contains(r#""peer-address":"127.0.0.2""#), "{up}");

    // A subscriber by label gets the status at once and holds a reference.
    let mut sub = UnixStream::connect(path).await.expect("connect");
    send(&mut sub, 3, MSG_NOTIFY_ADD, br#"{"label":[{"label":"b"}]}"#).await;
    assert_eq!(recv(&mut sub).await.2, OK);
    assert!(recv(&mut sub).await.2.contains(r#""state":"up""#));
    let del = br#"{"ipv4":[{"peer-address":"127.0.0.2","local-address":"127.0.0.1","local-interface":"lo"}]}"#;
    send(&mut c, 4, MSG_REQUEST_DEL, del).await;
    assert_eq!(
        recv(&mut c).await.2,
        r#"{"status":"error","error":"request del failed"}"#
    );

    // The subscriber leaves; then the delete works.
    drop(sub);
    let mut deleted = false;
    for i in 0..50u16 {
        send(&mut c, 10 + i, MSG_REQUEST_DEL, del).await;
        if recv(&mut c).await.2 == OK {
            deleted = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(deleted, "delete succeeds once unreferenced");
    wait_for(&mut watcher, r#""op":"delete""#).await;
    assert!(registry.sessions().await.is_empty());
}

fn peer_spec() -> SessionConfig {
    fast_spec(key(A, B))
}
