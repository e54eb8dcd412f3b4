//! The control-plane task that owns the `Registry`: every request source
//! (config reloads, the zebra client, direct ZAPI connections, bfdd.sock
//! connections, the vty) talks to it through a cloneable `RegistryHandle`,
//! and it alone feeds the engine commands and turns engine notifications
//! into status events for the sources subscribed to them. Queries and
//! clears for the engine (snapshots, counters, stats) pass through it too,
//! so a query sees every change asked for before it. One task, one owner:
//! requests from all sources are applied in arrival order, without locks.
//!
//! For a new kind of client (e.g. bfdd.sock): pick a `Source` with a
//! connection id from `RegistryHandle::next_connection_id`, `subscribe` it
//! before the first `register` (so the immediate status reply is not lost),
//! and call `closed` when the connection goes: that drops its references
//! and its subscription.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use tokio::sync::mpsc::{unbounded_channel, Receiver, UnboundedReceiver, UnboundedSender};
use tokio::sync::oneshot;

use crate::config::Config;
use crate::engine::{
    Command, EngineCounters, EngineHandle, EngineStats, Notification, SessionKey, SessionSnapshot,
};
use crate::registry::{
    ClientId, Outcome, PeerSnapshot, Registry, Request, SessionSpec, Source, StatusEvent,
};
use bfd::packet::State;

/// Delay between a config apply and the heap trim (see `memory::trim`).
const TRIM_AFTER_APPLY: std::time::Duration = std::time::Duration::from_secs(2);

/// An owned copy of one registry session (see `registry::SessionView`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionInfo {
    pub spec: SessionSpec,
    pub configured: bool,
    pub clients: Vec<ClientId>,
    pub state: State,
}

enum Msg {
    Apply(Box<Config>, oneshot::Sender<usize>),
    Register(ClientId, Request),
    Deregister(ClientId, SessionKey),
    DropClient(ClientId),
    Closed(Source),
    MarkStale(Source, oneshot::Sender<usize>),
    StaleCount(Source, oneshot::Sender<usize>),
    SweepStale(Source),
    Subscribe(Source, UnboundedSender<StatusEvent>),
    Watch(UnboundedSender<Notification>),
    Sessions(oneshot::Sender<Vec<SessionInfo>>),
    /// Engine snapshots to join with the registry's view of each session.
    Peers(Vec<SessionSnapshot>, oneshot::Sender<Vec<PeerSnapshot>>),
    /// A query or clear for the engine, built only by the handle's methods:
    /// the engine answers the query's own reply channel.
    Engine(Command),
}

/// Cheap to clone; every method only queues a message (no await needed
/// except for the queries).
#[derive(Debug, Clone)]
pub struct RegistryHandle {
    tx: UnboundedSender<Msg>,
    next_conn: Arc<AtomicU64>,
}

impl RegistryHandle {
    /// Replace the config's sessions and profiles; resolves to the number of
    /// engine commands it caused (0 when the task is gone).
    pub async fn apply(&self, cfg: Config) -> usize {
        let (tx, rx) = oneshot::channel();
        if self.tx.send(Msg::Apply(Box::new(cfg), tx)).is_err() {
            return 0;
        }
        rx.await.unwrap_or(0)
    }

    /// `Registry::register`; the status reply goes to `client.source`'s
    /// subscription.
    pub fn register(&self, client: ClientId, req: Request) {
        let _ = self.tx.send(Msg::Register(client, req));
    }

    /// `Registry::deregister`.
    pub fn deregister(&self, client: ClientId, key: SessionKey) {
        let _ = self.tx.send(Msg::Deregister(client, key));
    }

    /// `Registry::drop_client` (FRR CLIENT_DEREGISTER).
    pub fn drop_client(&self, client: ClientId) {
        let _ = self.tx.send(Msg::DropClient(client));
    }

    /// A connection went away: drop its references and its subscription.
    pub fn closed(&self, source: Source) {
        let _ = self.tx.send(Msg::Closed(source));
    }

    /// `Registry::mark_stale`: resolves to the number of references now
    /// stale (0 when the task is gone).
    pub async fn mark_stale(&self, source: Source) -> usize {
        let (tx, rx) = oneshot::channel();
        if self.tx.send(Msg::MarkStale(source, tx)).is_err() {
            return 0;
        }
        rx.await.unwrap_or(0)
    }

    /// `Registry::stale_count` (0 when the task is gone).
    pub async fn stale_count(&self, source: Source) -> usize {
        let (tx, rx) = oneshot::channel();
        if self.tx.send(Msg::StaleCount(source, tx)).is_err() {
            return 0;
        }
        rx.await.unwrap_or(0)
    }

    /// `Registry::sweep_stale`.
    pub fn sweep_stale(&self, source: Source) {
        let _ = self.tx.send(Msg::SweepStale(source));
    }

    /// Status events for `source` from now on (replaces an earlier
    /// subscription of the same source).
    pub fn subscribe(&self, source: Source) -> UnboundedReceiver<StatusEvent> {
        let (tx, rx) = unbounded_channel();
        let _ = self.tx.send(Msg::Subscribe(source, tx));
        rx
    }

    /// Every engine notification, unfiltered, after the registry saw it.
    pub fn watch_notifications(&self) -> UnboundedReceiver<Notification> {
        let (tx, rx) = unbounded_channel();
        let _ = self.tx.send(Msg::Watch(tx));
        rx
    }

    /// Every session the registry holds.
    pub async fn sessions(&self) -> Vec<SessionInfo> {
        let (tx, rx) = oneshot::channel();
        if self.tx.send(Msg::Sessions(tx)).is_err() {
            return Vec::new();
        }
        rx.await.unwrap_or_default()
    }

    /// Every engine session as the engine sees it now, in the engine's
    /// order, with the registry's display fields and notification counts
    /// (empty when the engine is gone).
    pub async fn snapshots(&self) -> Vec<PeerSnapshot> {
        let snaps = self.ask(Command::Snapshot).await;
        self.as_peers(snaps).await
    }

    /// The engine session with exactly this key (None when there is none
    /// or the engine is gone).
    pub async fn snapshot_of(&self, key: SessionKey) -> Option<PeerSnapshot> {
        let snap = self.ask(|tx| Command::SnapshotOf(key, tx)).await?;
        self.as_peers(vec![snap]).await.pop()
    }

    /// Join engine snapshots with the registry's view (`Registry::peer_snapshot`).
    async fn as_peers(&self, snaps: Vec<SessionSnapshot>) -> Vec<PeerSnapshot> {
        let (tx, rx) = oneshot::channel();
        if self.tx.send(Msg::Peers(snaps, tx)).is_err() {
            return Vec::new();
        }
        rx.await.unwrap_or_default()
    }

    /// The engine's drop and error counters by reason (empty when the
    /// engine is gone).
    pub async fn engine_counters(&self) -> EngineCounters {
        self.ask(Command::Counters).await
    }

    /// The engine thread's handler and lateness figures (zero when the
    /// engine is gone).
    pub async fn engine_stats(&self) -> EngineStats {
        self.ask(Command::Stats).await
    }

    /// Zero one session's packet counters (`clear bfd peer ... counters`).
    pub fn clear_counters(&self, key: SessionKey) {
        let _ = self.tx.send(Msg::Engine(Command::ClearCounters(key)));
    }

    /// Zero the engine thread's figures (`clear thread cpu`).
    pub fn clear_stats(&self) {
        let _ = self.tx.send(Msg::Engine(Command::ClearStats));
    }

    /// Send the engine the query `cmd` builds around a reply channel; the
    /// default when the task or the engine is gone.
    async fn ask<T: Default>(&self, cmd: impl FnOnce(oneshot::Sender<T>) -> Command) -> T {
        let (tx, rx) = oneshot::channel();
        if self.tx.send(Msg::Engine(cmd(tx))).is_err() {
            return T::default();
        }
        rx.await.unwrap_or_default()
    }

    /// A fresh connection id for `Source::Direct` / `Source::Control`.
    pub fn next_connection_id(&self) -> u64 {
        self.next_conn.fetch_add(1, Ordering::Relaxed)
    }
}

/// Start the task. It runs until every handle is dropped and the
/// notification channel closes.
pub fn spawn(
    registry: Registry,
    engine: EngineHandle,
    notifications: Receiver<Notification>,
) -> RegistryHandle {
    let (tx, rx) = unbounded_channel();
    tokio::spawn(run(registry, engine, rx, notifications));
    RegistryHandle {
        tx,
        next_conn: Arc::new(AtomicU64::new(1)),
    }
}

struct Task {
    registry: Registry,
    engine: EngineHandle,
    subscribers: std::collections::HashMap<Source, UnboundedSender<StatusEvent>>,
    watchers: Vec<UnboundedSender<Notification>>,
}

async fn run(
    registry: Registry,
    engine: EngineHandle,
    mut rx: UnboundedReceiver<Msg>,
    mut notifications: Receiver<Notification>,
) {
    let mut t = Task {
        registry,
        engine,
        subscribers: Default::default(),
        watchers: Vec::new(),
    };
    let mut msgs_open = true;
    loop {
        tokio::select! {
            m = rx.recv(), if msgs_open => match m {
                Some(m) => t.message(m),
                None => msgs_open = false,
            },
            n = notifications.recv() => match n {
                Some(n) => t.notification(n),
                None => return,
            },
        }
    }
}

impl Task {
    fn message(&mut self, m: Msg) {
        match m {
            Msg::Apply(cfg, reply) => {
                let cmds = self.registry.apply(&cfg);
                let _ = reply.send(cmds.len());
                let changed = !cmds.is_empty();
                self.commands(cmds);
                drop(cfg);
                if changed {
                    // Once the engine has taken the new sessions in, give
                    // back what parsing and resolving left free.
                    tokio::spawn(async {
                        tokio::time::sleep(TRIM_AFTER_APPLY).await;
                        crate::memory::trim();
                    });
                }
            }
            Msg::Register(client, req) => {
                tracing::debug!("client {client:?} registers {:?}", req.key);
                let out = self.registry.register(client, req);
                self.registry.count_replies(&out.events);
                self.outcome(out);
            }
            Msg::Deregister(client, key) => {
                tracing::debug!("client {client:?} deregisters {key:?}");
                let out = self.registry.deregister(client, &key);
                self.outcome(out);
            }
            Msg::DropClient(client) => {
                tracing::debug!("client {client:?} gone");
                let out = self.registry.drop_client(client);
                self.outcome(out);
            }
            Msg::Closed(source) => {
                self.subscribers.remove(&source);
                let out = self.registry.drop_source(source);
                self.outcome(out);
            }
            Msg::MarkStale(source, reply) => {
                let _ = reply.send(self.registry.mark_stale(source));
            }
            Msg::StaleCount(source, reply) => {
                let _ = reply.send(self.registry.stale_count(source));
            }
            Msg::SweepStale(source) => {
                let out = self.registry.sweep_stale(source);
                if !out.commands.is_empty() {
                    tracing::info!(
                        "{} session(s) not re-registered after reconnect released",
                        out.commands.len()
                    );
                }
                self.outcome(out);
            }
            Msg::Subscribe(source, tx) => {
                self.subscribers.insert(source, tx);
            }
            Msg::Watch(tx) => self.watchers.push(tx),
            Msg::Sessions(reply) => {
                let v = self
                    .registry
                    .sessions()
                    .map(|s| SessionInfo {
                        spec: s.spec.clone(),
                        configured: s.configured,
                        clients: s.clients.iter().copied().collect(),
                        state: s.state,
                    })
                    .collect();
                let _ = reply.send(v);
            }
            Msg::Peers(snaps, reply) => {
                let peers = snaps
                    .into_iter()
                    .map(|s| self.registry.peer_snapshot(s))
                    .collect();
                let _ = reply.send(peers);
            }
            // A gone engine drops the reply channel with the command: the
            // caller gets its default, as a query to a gone engine always did.
            Msg::Engine(cmd) => {
                let _ = self.engine.send(cmd);
            }
        }
    }

    fn notification(&mut self, n: Notification) {
        let events = self.registry.notification(&n);
        self.deliver(events);
        self.watchers.retain(|w| w.send(n.clone()).is_ok());
    }

    fn outcome(&mut self, out: Outcome) {
        self.commands(out.commands);
        self.deliver(out.events);
    }

    fn commands(&self, cmds: Vec<Command>) {
        for cmd in cmds {
            if self.engine.send(cmd).is_err() {
                tracing::error!("BFD engine is gone; command dropped");
                return;
            }
        }
    }

    fn deliver(&mut self, events: Vec<StatusEvent>) {
        for ev in events {
            let target = ev.target;
            if let Some(tx) = self.subscribers.get(&target) {
                if tx.send(ev).is_err() {
                    self.subscribers.remove(&target);
                }
            }
        }
    }
}
