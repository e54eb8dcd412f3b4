//! The zebra client's reconnect rules in-process, with short timings: the
//! real engine and registry task in a private network namespace, a fake
//! zebra listener, and `zebra::run` with a 200 ms retry, a 1.5 s grace and a
//! 400 ms replay repeat. After zebra goes away and comes back, the sessions
//! stay while clients have the grace period to re-register; the replay
//! request is repeated during it; the one session not re-registered is
//! released when the grace period ends, the re-registered one stays. On the
//! first connect (nothing held) and once every client is back, the replay
//! request is not repeated: bfdd sends it once, and each repeat makes every
//! client re-register.
//! Needs root.

#[path = "engine_support/mod.rs"]
mod engine_support;
mod support;
mod zebra_support;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use bfdd_rs::engine::{self, EngineOptions};
use bfdd_rs::frr::zapi_glue::ZapiCounters;
use bfdd_rs::frr::zebra::{self, ZebraOptions};
use bfdd_rs::hub::{self, RegistryHandle};
use bfdd_rs::registry::{Registry, Source};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{UnixListener, UnixStream};
use tokio::time::timeout;
use zapi::{BfdDest, Frame, Framer, FrrVersion, Message, Replay};

const V: FrrVersion = FrrVersion::V8_4;

/// A single-hop registration without a local address, as bgpd sends it.
fn dest(pid: u32, peer: &str) -> BfdDest {
    zebra_support::dest(pid, peer, "0.0.0.0", 1)
}

struct Fake {
    s: UnixStream,
    framer: Framer,
}

impl Fake {
    async fn accept(l: &UnixListener) -> Fake {
        let (s, _) = timeout(Duration::from_secs(3), l.accept())
            .await
            .expect("bfdd-rs connects")
            .expect("accept");
        Fake {
            s,
            framer: Framer::new(),
        }
    }

    async fn next(&mut self) -> Frame {
        let mut buf = [0u8; 4096];
        loop {
            if let Some(r) = self.framer.next_message(V) {
                return r.expect("parsable frame");
            }
            let n = timeout(Duration::from_secs(3), self.s.read(&mut buf))
                .await
                .expect("a frame within 3 s")
                .expect("read");
            assert!(n > 0, "bfdd-rs closed");
            self.framer.push(&buf[..n]);
        }
    }

    /// HELLO, INTERFACE_ADD request, replay request, INTERFACE_ADD request.
    async fn connect_sequence(&mut self) {
        let mut cmds = Vec::new();
        for _ in 0..4 {
            cmds.push(self.next().await.message);
        }
        assert!(matches!(cmds[0], Message::Hello(_)), "{cmds:?}");
        assert_eq!(cmds[1], Message::InterfaceAddRequest);
        assert_eq!(cmds[2], Message::BfdDestReplay(Some(Replay::Request)));
        assert_eq!(cmds[3], Message::InterfaceAddRequest);
    }

    async fn register(&mut self, pid: u32, peer: &str) {
        let f = Frame::new(
            0,
            Message::BfdDestReplay(Some(Replay::Register(dest(pid, peer)))),
        );
        self.s
            .write_all(&f.encode(V).expect("encode"))
            .await
            .expect("write");
    }

    /// Whether a replay request arrives within `within` (other frames are
    /// skipped).
    async fn replay_request_within(&mut self, within: Duration) -> bool {
        timeout(within, async {
            while self.next().await.message != Message::BfdDestReplay(Some(Replay::Request)) {}
        })
        .await
        .is_ok()
    }

    /// The status reply for `peer`, skipping repeated replay requests.
    async fn reply(&mut self, peer: &str) {
        loop {
            if let Message::BfdDestReplay(Some(Replay::Status(u))) = self.next().await.message {
                assert_eq!(u.peer.to_string(), peer);
                return;
            }
        }
    }
}

async fn peers(hub: &RegistryHandle) -> Vec<String> {
    hub.sessions()
        .await
        .iter()
        .map(|s| s.spec.key.peer.to_string())
        .collect()
}

#[test]
fn zebra_reconnect_keeps_sessions_for_the_grace_period() {
    engine_support::block_on_in_private_netns(body);
}

async fn body() {
    let dir = std::env::temp_dir().join(format!("bfrs-zb-grace-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let zserv = dir.join("zserv.api");
    let listener = UnixListener::bind(&zserv).expect("bind");

    let (ntx, nrx) = engine::notification_channel(engine::NOTIFY_CAPACITY);
    let opts = EngineOptions {
        no_ipv6: !Path::new("/proc/net/if_inet6").exists(),
        ..EngineOptions::default()
    };
    let (engine, _thread) = engine::spawn(opts, ntx).expect("engine");
    let hub = hub::spawn(Registry::new(), engine, nrx);
    let zopts = ZebraOptions {
        path: zserv.clone(),
        version: V,
        retry_short: Duration::from_millis(200),
        retry_long: Duration::from_millis(200),
        grace: Duration::from_millis(1500),
        replay_every: Duration::from_millis(400),
    };
    tokio::spawn(zebra::run(
        zopts,
        hub.clone(),
        Arc::new(ZapiCounters::default()),
    ));

    let mut z = Fake::accept(&listener).await;
    z.connect_sequence().await;
    z.register(1, "10.0.0.2").await;
    z.reply("10.0.0.2").await;
    z.register(1, "10.0.0.3").await;
    z.reply("10.0.0.3").await;
    // The first connect held nothing: the request is not repeated.
    assert!(
        !z.replay_request_within(Duration::from_millis(1000)).await,
        "replay request repeated after the first connect"
    );
    assert_eq!(peers(&hub).await, ["10.0.0.2", "10.0.0.3"]);
    let infos = hub.sessions().await;
    assert!(infos.iter().all(|s| s
        .clients
        .iter()
        .all(|c| c.source == Source::Zebra && c.pid == 1)));

    // zebra restarts.
    drop(z);
    let mut z = Fake::accept(&listener).await;
    z.connect_sequence().await;
    assert_eq!(
        peers(&hub).await,
        ["10.0.0.2", "10.0.0.3"],
        "kept meanwhile"
    );
    // The client re-registers one of its two sessions.
    z.register(1, "10.0.0.2").await;
    z.reply("10.0.0.2").await;
    // The replay request comes again within the grace period.
    loop {
        if z.next().await.message == Message::BfdDestReplay(Some(Replay::Request)) {
            break;
        }
    }
    assert_eq!(
        peers(&hub).await,
        ["10.0.0.2", "10.0.0.3"],
        "still in grace"
    );
    tokio::time::sleep(Duration::from_millis(1700)).await;
    assert_eq!(
        peers(&hub).await,
        ["10.0.0.2"],
        "unclaimed session released"
    );

    // zebra restarts again, and the client re-registers everything at once:
    // the request is not repeated.
    drop(z);
    let mut z = Fake::accept(&listener).await;
    z.connect_sequence().await;
    z.register(1, "10.0.0.2").await;
    z.reply("10.0.0.2").await;
    assert!(
        !z.replay_request_within(Duration::from_millis(1000)).await,
        "replay request repeated though every client is back"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
