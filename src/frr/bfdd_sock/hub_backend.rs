//! `ControlBackend` over the daemon's registry task (`hub`): how bfdd.sock
//! requests become registry requests, and how engine state changes become
//! status notifications. Session figures come from engine snapshots, asked
//! for through the hub like everything else.
//!
//! Mapping: a session created by REQUEST_ADD is held by one reserved client,
//! `PIN` (`Source::Control(0)`; server connection ids start at 1), so it
//! stays without other references as FRR's dynamic sessions do; DEL refuses
//! a session that is configured or referenced by anyone but `PIN`. An ADD
//! that updates a session someone else created registers `PIN` with the new
//! settings and lets go again (the registry keeps the settings). NOTIFY_ADD
//! is a registry reference of `Source::Control(conn)`. Labels live here.
//! Not covered yet: config notifications for sessions created or changed by
//! the config file or zebra clients (the hub does not publish those), and
//! the registry keeps a configured session's settings on ADD.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use super::adapt;
use super::backend::{
    BoxFuture, ConfigOp, ConnId, ControlBackend, ControlEvent, ControlSessionInfo, PeerRequest,
};
use super::server::ControlEvents;
use crate::config::Settings;
use crate::engine::{Notification, SessionKey};
use crate::hub::{RegistryHandle, SessionInfo};
use crate::registry::{self, ClientId, Request, Source};

/// The client that holds sessions created through bfdd.sock.
pub const PIN: ClientId = ClientId {
    source: Source::Control(0),
    pid: 0,
};

fn client(conn: ConnId) -> ClientId {
    ClientId {
        source: Source::Control(conn.0),
        pid: 0,
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

struct Inner {
    hub: RegistryHandle,
    labels: Mutex<HashMap<SessionKey, String>>,
    events: OnceLock<ControlEvents>,
}

/// Cheap to clone; see the module text.
#[derive(Clone)]
pub struct HubBackend {
    inner: Arc<Inner>,
}

impl HubBackend {
    /// The engine is reached through the hub only; its handle is still
    /// taken so that callers written before that need not change.
    pub fn new(hub: RegistryHandle) -> HubBackend {
        HubBackend {
            inner: Arc::new(Inner {
                hub,
                labels: Mutex::new(HashMap::new()),
                events: OnceLock::new(),
            }),
        }
    }

    /// Connect to the server's event input (from `ControlServer::bind`) and
    /// start forwarding engine state changes as status notifications. Call
    /// once, inside the tokio runtime.
    pub fn attach(&self, events: ControlEvents) {
        if self.inner.events.set(events.clone()).is_err() {
            return;
        }
        let inner = self.inner.clone();
        let mut rx = inner.hub.watch_notifications();
        tokio::spawn(async move {
            while let Some(n) = rx.recv().await {
                let Notification::StateChanged {
                    key,
                    from,
                    to,
                    diag,
                    ..
                } = n;
                if registry::reported(from, to).is_none() || !events.has_clients() {
                    continue;
                }
                let Some(mut info) = inner.info(&key).await else {
                    continue;
                };
                // The snapshot may be later than the change; report the change.
                info.state = to;
                info.local_diag = diag;
                if !events.send(ControlEvent::Status(info)) {
                    break;
                }
            }
        });
    }
}

impl Inner {
    fn label(&self, key: &SessionKey) -> Option<String> {
        lock(&self.labels).get(key).cloned()
    }

    async fn info(&self, key: &SessionKey) -> Option<ControlSessionInfo> {
        let s = self.hub.snapshot_of(key.clone()).await?;
        Some(adapt::session_info(&s, self.label(key)))
    }

    /// The registry session `key` names, by FRR's key rule (the closest one).
    async fn find(&self, key: &SessionKey) -> Option<SessionInfo> {
        self.hub
            .sessions()
            .await
            .into_iter()
            .filter_map(|s| registry::frr_key_match(&s.spec.key, key).map(|m| (m, s)))
            .max_by_key(|(m, _)| *m)
            .map(|(_, s)| s)
    }

    fn emit(&self, ev: ControlEvent) {
        if let Some(e) = self.events.get() {
            e.send(ev);
        }
    }

    async fn add(&self, req: PeerRequest) -> Result<(), String> {
        let found = self.find(&req.key).await;
        let (key, base, had_pin) = match &found {
            Some(s) if req.create_only => {
                return Err(format!("session {:?} exists (create-only)", s.spec.key))
            }
            Some(s) => (
                s.spec.key.clone(),
                adapt::settings_of(&s.spec),
                s.clients.contains(&PIN),
            ),
            None => (req.key.clone(), Settings::default(), false),
        };
        let settings = adapt::settings_for_add(&req, base)?;
        let mut r = Request::new(key.clone());
        r.settings = settings;
        r.update_existing = true;
        self.hub.register(PIN, r);
        if found.is_some() && !had_pin {
            // Someone else's session: update it without holding it.
            self.hub.deregister(PIN, key.clone());
        }
        if let Some(l) = req.label {
            let mut labels = lock(&self.labels);
            // A label names one session: move it.
            labels.retain(|_, v| *v != l);
            labels.insert(key.clone(), l);
        }
        // The hub passes our snapshot query on behind the engine commands
        // of the request above, so the snapshot shows the request applied.
        let op = if found.is_some() {
            ConfigOp::Update
        } else {
            ConfigOp::Add
        };
        if let Some(info) = self.info(&key).await {
            self.emit(ControlEvent::Config(op, info));
        }
        Ok(())
    }

    async fn delete(&self, req: PeerRequest) -> Result<(), String> {
        let s = self.find(&req.key).await.ok_or("no such session")?;
        if s.configured {
            return Err("session is configured".into());
        }
        if s.clients.iter().any(|c| *c != PIN) {
            return Err(format!("session has {} references", s.clients.len()));
        }
        if !s.clients.contains(&PIN) {
            return Err("session is not dynamic".into());
        }
        let info = self.info(&s.spec.key).await;
        self.hub.deregister(PIN, s.spec.key.clone());
        lock(&self.labels).remove(&s.spec.key);
        if let Some(info) = info {
            self.emit(ControlEvent::Config(ConfigOp::Delete, info));
        }
        Ok(())
    }

    async fn subscribe(&self, conn: ConnId, key: SessionKey) -> Option<ControlSessionInfo> {
        let s = self.find(&key).await?;
        if !s.clients.contains(&client(conn)) {
            // update_existing false: a reference, no settings change.
            self.hub
                .register(client(conn), Request::new(s.spec.key.clone()));
        }
        self.info(&s.spec.key).await
    }

    async fn unsubscribe(&self, conn: ConnId, key: SessionKey) -> Option<SessionKey> {
        let s = self.find(&key).await?;
        if s.clients.contains(&client(conn)) {
            self.hub.deregister(client(conn), s.spec.key.clone());
        }
        Some(s.spec.key)
    }

    async fn sessions(&self) -> Vec<ControlSessionInfo> {
        let labels = lock(&self.labels).clone();
        self.hub
            .snapshots()
            .await
            .iter()
            .map(|s| adapt::session_info(s, labels.get(&s.spec.key).cloned()))
            .collect()
    }

    async fn find_label(&self, label: String) -> Option<ControlSessionInfo> {
        let key = lock(&self.labels)
            .iter()
            .find(|(_, v)| **v == label)
            .map(|(k, _)| k.clone())?;
        self.info(&key).await
    }
}

impl ControlBackend for HubBackend {
    fn add(&self, req: PeerRequest) -> BoxFuture<Result<(), String>> {
        let inner = self.inner.clone();
        Box::pin(async move { inner.add(req).await })
    }

    fn delete(&self, req: PeerRequest) -> BoxFuture<Result<(), String>> {
        let inner = self.inner.clone();
        Box::pin(async move { inner.delete(req).await })
    }

    fn subscribe(&self, conn: ConnId, key: SessionKey) -> BoxFuture<Option<ControlSessionInfo>> {
        let inner = self.inner.clone();
        Box::pin(async move { inner.subscribe(conn, key).await })
    }

    fn unsubscribe(&self, conn: ConnId, key: SessionKey) -> BoxFuture<Option<SessionKey>> {
        let inner = self.inner.clone();
        Box::pin(async move { inner.unsubscribe(conn, key).await })
    }

    fn release(&self, conn: ConnId) -> BoxFuture<()> {
        self.inner.hub.closed(Source::Control(conn.0));
        Box::pin(async {})
    }

    fn sessions(&self) -> BoxFuture<Vec<ControlSessionInfo>> {
        let inner = self.inner.clone();
        Box::pin(async move { inner.sessions().await })
    }

    fn find_label(&self, label: String) -> BoxFuture<Option<ControlSessionInfo>> {
        let inner = self.inner.clone();
        Box::pin(async move { inner.find_label(label).await })
    }
}
