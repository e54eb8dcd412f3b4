//! The registry's table: desired sessions by exact key, each with the
//! clients referencing it and the spec in force; FRR's loose key rule for
//! finding the session a client means; read-only views for `show` commands
//! and bfdd.sock.

use std::collections::{BTreeMap, BTreeSet};

use super::request::ClientId;
use super::spec::{dynamic_spec, placeholder_spec};
use super::SessionSpec;
use crate::config::{ProfileConfig, Settings};
use crate::engine::{Command, SessionKey};
use bfd::packet::State;

/// Read-only view of one session for `show` commands and bfdd.sock.
#[derive(Debug, Clone, Copy)]
pub struct SessionView<'a> {
    pub spec: &'a SessionSpec,
    pub configured: bool,
    pub clients: &'a BTreeSet<ClientId>,
    /// Last state the engine reported (Down/AdminDown before any report).
    pub state: State,
    /// Status notifications generated for the session's clients.
    pub notifications: u64,
}

/// One desired session: who wants it and what the engine has.
#[derive(Debug, Clone)]
pub(super) struct Entry {
    /// The config file names the session. (Its spec from the file is not
    /// kept: `spec` holds what is in force, and a copy per session costs
    /// about 200 bytes.)
    pub(super) configured: bool,
    /// The settings the session has when not configured: the first
    /// registrant's, or the config's when the peer left the file.
    pub(super) own: Settings,
    pub(super) cbit: bool,
    /// Last profile a registrant applied.
    pub(super) profile: Option<String>,
    pub(super) refs: BTreeSet<ClientId>,
    /// Clients whose references survive only until the next sweep.
    pub(super) stale: BTreeSet<ClientId>,
    /// The spec the engine has.
    pub(super) spec: SessionSpec,
    pub(super) state: State,
    /// The remote C bit of the last engine notification.
    pub(super) remote_cbit: bool,
    /// Status notifications generated for the session's clients (FRR's
    /// "Zebra notifications"): every reported transition plus each reply
    /// to a ZAPI registration.
    pub(super) notifications: u64,
}

/// Desired sessions, by exact key, with their requesters.
#[derive(Debug, Default)]
pub struct Registry {
    pub(super) sessions: BTreeMap<SessionKey, Box<Entry>>,
    pub(super) profiles: Vec<ProfileConfig>,
}

impl Registry {
    pub fn new() -> Registry {
        Registry::default()
    }

    /// Every session, in key order.
    pub fn sessions(&self) -> impl Iterator<Item = SessionView<'_>> {
        self.sessions.values().map(|e| view(e))
    }

    /// The session `key` names exactly.
    pub fn session(&self, key: &SessionKey) -> Option<SessionView<'_>> {
        self.sessions.get(key).map(|e| view(e))
    }

    /// The session a client's key designates under FRR's rule (local address
    /// compared only if both are set, interface only if both are set).
    pub fn lookup(&self, key: &SessionKey) -> Option<SessionView<'_>> {
        self.find_loose(key, |_| true)
            .and_then(|k| self.sessions.get(&k))
            .map(|e| view(e))
    }

    /// The spec in force for `key`, if any.
    pub fn get(&self, key: &SessionKey) -> Option<&SessionSpec> {
        self.sessions.get(key).map(|e| &e.spec)
    }

    /// The specs in force, in key order.
    pub fn specs(&self) -> impl Iterator<Item = &SessionSpec> {
        self.sessions.values().map(|e| &e.spec)
    }

    pub fn len(&self) -> usize {
        self.sessions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sessions.is_empty()
    }

    /// Drop one reference; remove the session if it was the last and the
    /// config does not name it.
    pub(super) fn unref(&mut self, key: &SessionKey, client: &ClientId) -> Option<Command> {
        let e = self.sessions.get_mut(key)?;
        e.refs.remove(client);
        e.stale.remove(client);
        if e.refs.is_empty() && !e.configured {
            self.sessions.remove(key);
            return Some(Command::Remove(key.clone()));
        }
        None
    }

    /// The best session for `key` by FRR's rule among those `ok` accepts:
    /// the exact key first, then the one with most optional fields equal.
    pub(super) fn find_loose(
        &self,
        key: &SessionKey,
        ok: impl Fn(&Entry) -> bool,
    ) -> Option<SessionKey> {
        if let Some(e) = self.sessions.get(key) {
            if ok(e) {
                return Some(key.clone());
            }
        }
        let mut best: Option<(u8, &SessionKey)> = None;
        for (k, e) in self.same_peer(key.peer) {
            if !ok(e) {
                continue;
            }
            if let Some(score) = frr_key_match(k, key) {
                if best.is_none_or(|(s, _)| score > s) {
                    best = Some((score, k));
                }
            }
        }
        best.map(|(_, k)| k.clone())
    }

    pub(super) fn same_peer(
        &self,
        peer: std::net::IpAddr,
    ) -> impl Iterator<Item = (&SessionKey, &Entry)> {
        let lo = SessionKey {
            peer,
            local: None,
            ifname: None,
            vrf: String::new(),
            multihop: false,
        };
        self.sessions
            .range(lo..)
            .take_while(move |(k, _)| k.peer == peer)
            .map(|(k, e)| (k, &**e))
    }

    /// The spec of a dynamic session (see `spec::dynamic_spec`).
    pub(super) fn dynamic_spec(&self, key: &SessionKey) -> SessionSpec {
        let Some(e) = self.sessions.get(key) else {
            return placeholder_spec(key);
        };
        dynamic_spec(key, &e.own, &e.profile, e.cbit, &self.profiles)
    }

    /// Put `spec` in force; an Upsert only if it changed.
    pub(super) fn set_spec(&mut self, key: &SessionKey, spec: SessionSpec) -> Option<Command> {
        let e = self.sessions.get_mut(key)?;
        if e.spec == spec {
            return None;
        }
        let config = spec.config();
        e.spec = spec;
        Some(Command::Upsert(config))
    }
}

fn view(e: &Entry) -> SessionView<'_> {
    SessionView {
        spec: &e.spec,
        configured: e.configured,
        clients: &e.refs,
        state: e.state,
        notifications: e.notifications,
    }
}

/// FRR's key equality (bfdd/bfd.c): peer, vrf and multihop equal; local
/// addresses compared only if both are set, interfaces only if both are set.
/// Returns how many optional fields matched, None if the keys differ.
pub fn frr_key_match(a: &SessionKey, b: &SessionKey) -> Option<u8> {
    if a.peer != b.peer || a.vrf != b.vrf || a.multihop != b.multihop {
        return None;
    }
    let mut score = 0;
    if let (Some(x), Some(y)) = (a.local, b.local) {
        if x != y {
            return None;
        }
        score += 1;
    }
    if let (Some(x), Some(y)) = (&a.ifname, &b.ifname) {
        if x != y {
            return None;
        }
        score += 1;
    }
    Some(score)
}
