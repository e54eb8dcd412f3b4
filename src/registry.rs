//! Who wants which session. Requests come from the config file and from
//! clients (protocol daemons relayed by zebra, direct ZAPI connections,
//! bfdd.sock connections); they are kept apart from the sessions on the wire
//! and turned into engine commands, with FRR 8.4 bfdd's semantics
//! (bfdd/ptm_adapter.c, bfdd/bfd.c): per-client references, the first
//! registrant's timers, a later registrant's profile, hops → minimum TTL,
//! an immediate status reply, configured sessions that outlive their clients,
//! and status only on the transitions FRR reports. Pure: no I/O and no
//! clock; every call returns the engine commands to send and the status
//! events to deliver, so the rules are unit-tested deterministically.
//!
//! API in short (all methods on `Registry`):
//! - `apply_config(specs)` / `set_profiles(profiles)` / `apply(&Config)`:
//!   the config file's sessions and profiles;
//! - `register(client, request)`, `deregister(client, request)`: one client
//!   reference on one session (FRR's DEST_REGISTER / DEST_DEREGISTER);
//! - `drop_client(client)`: every reference of one client (CLIENT_DEREGISTER);
//!   `drop_source(source)`: of every client behind one connection (closed);
//! - `mark_stale(source)` / `sweep_stale(source)`: keep a source's references
//!   across a reconnect until the clients had a chance to re-register;
//! - `notification(&n)`: an engine state change → the status events to send;
//! - `sessions()`: read-only view (configured flag, clients, spec, state).

use std::collections::{BTreeMap, BTreeSet};

use crate::config::{self, Config, PeerConfig, ProfileConfig, Settings};
use crate::engine::{Command, Notification, SessionKey, SessionSpec};
use crate::packet::State;
use crate::session::reportable_transition;

/// Where a client's requests arrive from. A connection id is chosen by the
/// server that accepted the connection and is unique for the daemon's life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Source {
    /// Relayed by zebra (FRR mode); one zebra connection at a time.
    Zebra,
    /// A client on the direct ZAPI control socket.
    Direct(u64),
    /// A client on bfdd.sock.
    Control(u64),
}

/// One client: FRR keys clients by pid; we add where they came from so two
/// connections can never share references.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClientId {
    pub source: Source,
    pub pid: u32,
}

/// A client's wish for one session (a ZAPI DEST_REGISTER after parsing, or
/// a bfdd.sock add request).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// FRR's key: `local` None when the client gave no source (all-zero),
    /// `ifname` None when it gave none; always None for multihop.
    pub key: SessionKey,
    /// The client's own settings, in the CLI's units (ms). A field equal to
    /// FRR's default counts as "not set" (profiles may then override it), as
    /// bfdd does with ZAPI's 300/300/3.
    pub settings: Settings,
    /// bgpd's check-control-plane-failure: we send the C bit.
    pub cbit: bool,
    /// Profile to apply; may name no existing profile (then ignored until one
    /// with that name is configured).
    pub profile: Option<String>,
    /// false (ZAPI): an existing session keeps its settings and only the
    /// profile is applied. true (bfdd.sock-style updates): a dynamic
    /// session takes this request's settings.
    pub update_existing: bool,
}

impl Request {
    /// A request with default settings for `key`.
    pub fn new(key: SessionKey) -> Request {
        Request {
            key,
            settings: Settings::default(),
            cbit: false,
            profile: None,
            update_existing: false,
        }
    }

    /// FRR's ZAPI registration fields: timers in ms (each "set" only when not
    /// the default 300/300/3), hops → minimum TTL 256 − hops for multihop
    /// (0 = unset, keep 254), cbit, profile name (empty = none). Values the
    /// engine cannot take are clamped: a zero timer or multiplier means the
    /// default, timers above 60 s are 60 s.
    pub fn from_zapi(
        key: SessionKey,
        min_rx_ms: u32,
        min_tx_ms: u32,
        detect_mult: u8,
        hops: u8,
        cbit: bool,
        profile: &str,
    ) -> Request {
        let d = Settings::default();
        let clamp = |v: u32, def: u32| if v == 0 { def } else { v.min(MAX_INTERVAL_MS) };
        let mut settings = Settings {
            receive_interval_ms: clamp(min_rx_ms, d.receive_interval_ms),
            transmit_interval_ms: clamp(min_tx_ms, d.transmit_interval_ms),
            detect_multiplier: if detect_mult == 0 {
                d.detect_multiplier
            } else {
                detect_mult
            },
            ..d
        };
        if key.multihop && hops != 0 {
            settings.minimum_ttl = (256 - u16::from(hops)) as u8;
        }
        Request {
            key,
            settings,
            cbit,
            profile: (!profile.is_empty()).then(|| profile.to_string()),
            update_existing: false,
        }
    }
}

/// Largest interval a client may ask for (FRR's CLI limit, 60 s).
pub const MAX_INTERVAL_MS: u32 = 60_000;

/// Session status as FRR reports it to clients (lib/bfd.h values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    Down,
    Up,
    AdminDown,
}

impl Status {
    /// FRR 8.4 mapping: Up → Up, AdminDown → AdminDown, Down/Init → Down.
    pub fn of(state: State) -> Status {
        match state {
            State::Up => Status::Up,
            State::AdminDown => Status::AdminDown,
            State::Down | State::Init => Status::Down,
        }
    }

    /// lib/bfd.h BFD_STATUS_* value.
    pub fn zapi_value(self) -> u32 {
        match self {
            Status::Down => 2,
            Status::Up => 4,
            Status::AdminDown => 8,
        }
    }
}

/// Whether FRR 8.4 bfdd tells the protocols about a transition
/// (bfdd/bfd.c): every transition to Up, Up → Down (not Init → Down), to
/// AdminDown (`shutdown`) and AdminDown → Down (`no shutdown`) — the
/// session's own `reportable_transition` rule — and with which status.
pub fn reported(from: State, to: State) -> Option<Status> {
    reportable_transition(from, to).then(|| Status::of(to))
}

/// The engine commands that count status replies in the sessions'
/// notification counters: FRR counts every status message bfdd generates
/// (bfdd/ptm_adapter.c), and the reply to a ZAPI registration is one; a
/// bfdd.sock source's events are not ZAPI messages and are not counted.
/// State-change reports are counted by the engine itself.
pub fn reply_counts(events: &[StatusEvent]) -> Vec<Command> {
    events
        .iter()
        .filter(|ev| matches!(ev.target, Source::Zebra | Source::Direct(_)))
        .map(|ev| Command::CountNotification(ev.key.clone()))
        .collect()
}

/// One status message to deliver to `target`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusEvent {
    pub target: Source,
    /// The session's key (its local address is what FRR reports as source).
    pub key: SessionKey,
    pub status: Status,
    /// The C bit last received from the peer (false before any packet).
    pub remote_cbit: bool,
}

/// What a call asks the caller to do, in order.
#[derive(Debug, Default)]
pub struct Outcome {
    pub commands: Vec<Command>,
    pub events: Vec<StatusEvent>,
}

impl Outcome {
    /// Append `other`'s commands and events after these.
    pub fn extend(&mut self, other: Outcome) {
        self.commands.extend(other.commands);
        self.events.extend(other.events);
    }
}

/// Read-only view of one session for `show` commands and bfdd.sock.
#[derive(Debug, Clone, Copy)]
pub struct SessionView<'a> {
    pub spec: &'a SessionSpec,
    pub configured: bool,
    pub clients: &'a BTreeSet<ClientId>,
    /// Last state the engine reported (Down/AdminDown before any report).
    pub state: State,
}

#[derive(Debug, Clone)]
struct Entry {
    /// The config file names the session. (Its spec from the file is not
    /// kept: `spec` holds what is in force, and a copy per session costs
    /// about 200 bytes.)
    configured: bool,
    /// The settings the session has when not configured: the first
    /// registrant's, or the config's when the peer left the file.
    own: Settings,
    cbit: bool,
    /// Last profile a registrant applied.
    profile: Option<String>,
    refs: BTreeSet<ClientId>,
    /// Clients whose references survive only until the next sweep.
    stale: BTreeSet<ClientId>,
    /// The spec the engine has.
    spec: SessionSpec,
    state: State,
    /// The remote C bit of the last engine notification.
    remote_cbit: bool,
}

/// Desired sessions, by exact key, with their requesters.
#[derive(Debug, Default)]
pub struct Registry {
    sessions: BTreeMap<SessionKey, Box<Entry>>,
    profiles: Vec<ProfileConfig>,
}

const MS: u32 = 1000;

impl Registry {
    pub fn new() -> Registry {
        Registry::default()
    }

    /// Replace the config-requested sessions with `specs` and return the engine
    /// commands that take the engine from the old set to the new one. Removals
    /// come first so a key that moves between specs never collides. If `specs`
    /// names one key twice, the last one wins (config validation should have
    /// refused it already). A session that leaves the config but is still
    /// referenced by clients stays, as a dynamic session with the settings
    /// it had (FRR clears only the "configured" flag).
    pub fn apply_config(&mut self, specs: Vec<SessionSpec>) -> Vec<Command> {
        let mut new: BTreeMap<SessionKey, SessionSpec> = BTreeMap::new();
        for spec in specs {
            new.insert(spec.key.clone(), spec);
        }
        let mut removes = Vec::new();
        let mut upserts = Vec::new();
        // Sessions that stop being configured.
        let keys: Vec<SessionKey> = self
            .sessions
            .iter()
            .filter(|(k, e)| e.configured && !new.contains_key(*k))
            .map(|(k, _)| k.clone())
            .collect();
        for key in keys {
            let Some(e) = self.sessions.get_mut(&key) else {
                continue;
            };
            e.configured = false;
            if e.refs.is_empty() {
                self.sessions.remove(&key);
                removes.push(Command::Remove(key));
            } else {
                e.own = settings_of(&e.spec);
                e.cbit = e.spec.params.control_plane_independent;
                e.profile = None;
                let spec = self.dynamic_spec(&key);
                if let Some(c) = self.set_spec(&key, spec) {
                    upserts.push(c);
                }
            }
        }
        // New and changed configured sessions.
        for (key, spec) in new {
            if !self.sessions.contains_key(&key) {
                // A dynamic session the new peer matches by FRR's rule (but
                // not exactly) becomes this one: its clients move over.
                if let Some(old) = self.find_loose(&key, |e| !e.configured) {
                    if let Some(e) = self.sessions.remove(&old) {
                        removes.push(Command::Remove(old));
                        let mut moved = e;
                        moved.spec.key = key.clone();
                        moved.state = initial_state(&spec);
                        moved.remote_cbit = false;
                        self.sessions.insert(key.clone(), moved);
                    }
                }
            }
            match self.sessions.get_mut(&key) {
                Some(e) => {
                    e.configured = true;
                    if let Some(c) = self.set_spec(&key, spec) {
                        upserts.push(c);
                    }
                }
                None => {
                    self.sessions.insert(
                        key.clone(),
                        Box::new(Entry {
                            own: settings_of(&spec),
                            cbit: false,
                            profile: None,
                            refs: BTreeSet::new(),
                            stale: BTreeSet::new(),
                            state: initial_state(&spec),
                            remote_cbit: false,
                            configured: true,
                            spec: spec.clone(),
                        }),
                    );
                    upserts.push(Command::Upsert(spec));
                }
            }
        }
        removes.extend(upserts);
        removes
    }

    /// Replace the known profiles; dynamic sessions that use one are
    /// re-resolved (configured sessions get theirs from `apply_config`).
    pub fn set_profiles(&mut self, profiles: Vec<ProfileConfig>) -> Vec<Command> {
        self.profiles = profiles;
        let keys: Vec<SessionKey> = self
            .sessions
            .iter()
            .filter(|(_, e)| !e.configured)
            .map(|(k, _)| k.clone())
            .collect();
        let mut cmds = Vec::new();
        for key in keys {
            let spec = self.dynamic_spec(&key);
            cmds.extend(self.set_spec(&key, spec));
        }
        cmds
    }

    /// A whole config: profiles, then peers.
    pub fn apply(&mut self, cfg: &Config) -> Vec<Command> {
        let mut cmds = self.set_profiles(cfg.profiles.clone());
        cmds.extend(self.apply_config(cfg.session_specs()));
        cmds
    }

    /// A client asks for a session (FRR `bfdd_dest_register`). The session
    /// is found by FRR's key rule or created from the request; an existing
    /// one only takes the request's profile (or, with `update_existing`, its
    /// settings when dynamic). A configured session keeps the config file's
    /// settings: unlike FRR, a client's profile does not override them. The client gets a reference (idempotent) and
    /// an immediate status event with the current state and the remote C
    /// bit of the last engine notification (the C bit only changes in
    /// practice with the peer's configuration, and every report to Up
    /// carries it; a change without a state change is picked up by the next
    /// reported transition).
    pub fn register(&mut self, client: ClientId, req: Request) -> Outcome {
        let mut out = Outcome::default();
        let key = match self.find_loose(&req.key, |_| true) {
            Some(key) => {
                let configured = self.sessions.get(&key).is_some_and(|e| e.configured);
                if let Some(e) = self.sessions.get_mut(&key) {
                    if req.update_existing && !configured {
                        e.own = req.settings.clone();
                        e.cbit = req.cbit;
                    }
                    if req.profile.is_some() && !configured {
                        e.profile = req.profile.clone();
                    }
                }
                if !configured {
                    let spec = self.dynamic_spec(&key);
                    out.commands.extend(self.set_spec(&key, spec));
                }
                key
            }
            None => {
                let key = req.key.clone();
                let mut e = Entry {
                    configured: false,
                    own: req.settings,
                    cbit: req.cbit,
                    profile: req.profile,
                    refs: BTreeSet::new(),
                    stale: BTreeSet::new(),
                    spec: placeholder_spec(&key),
                    state: State::Down,
                    remote_cbit: false,
                };
                self.sessions.insert(key.clone(), Box::new(e.clone()));
                let spec = self.dynamic_spec(&key);
                e.state = initial_state(&spec);
                e.spec = spec.clone();
                self.sessions.insert(key.clone(), Box::new(e));
                out.commands.push(Command::Upsert(spec));
                key
            }
        };
        if let Some(e) = self.sessions.get_mut(&key) {
            e.refs.insert(client);
            e.stale.remove(&client);
            out.events.push(StatusEvent {
                target: client.source,
                key: key.clone(),
                status: Status::of(e.state),
                remote_cbit: e.remote_cbit,
            });
        }
        out
    }

    /// A client gives up a session (FRR `bfdd_dest_deregister`): its
    /// reference goes; a session nobody references and the config does not
    /// name is removed (the engine sends AdminDown, so the peer goes Down at
    /// once, as with FRR's forced Down). Unlike FRR 8.4 a session that
    /// survives is left alone, so the other clients see no flap. No status
    /// event, as in FRR.
    pub fn deregister(&mut self, client: ClientId, key: &SessionKey) -> Outcome {
        let found = self
            .find_loose(key, |e| e.refs.contains(&client))
            .or_else(|| self.find_loose(key, |_| true));
        let mut out = Outcome::default();
        if let Some(k) = found {
            out.commands.extend(self.unref(&k, &client));
        }
        out
    }

    /// Every reference of one client goes (FRR CLIENT_DEREGISTER: zebra saw
    /// the daemon disconnect).
    pub fn drop_client(&mut self, client: ClientId) -> Outcome {
        self.drop_where(|c| *c == client)
    }

    /// Every reference of every client behind `source` goes (the connection
    /// closed).
    pub fn drop_source(&mut self, source: Source) -> Outcome {
        self.drop_where(|c| c.source == source)
    }

    /// Mark every reference from `source` stale: a re-registration refreshes
    /// it; `sweep_stale` drops those that were not refreshed. Used across a
    /// zebra reconnect so sessions do not flap while clients re-register.
    pub fn mark_stale(&mut self, source: Source) {
        for e in self.sessions.values_mut() {
            let stale: Vec<ClientId> = e
                .refs
                .iter()
                .filter(|c| c.source == source)
                .copied()
                .collect();
            e.stale.extend(stale);
        }
    }

    /// Drop the references from `source` still stale.
    pub fn sweep_stale(&mut self, source: Source) -> Outcome {
        let mut out = Outcome::default();
        let keys: Vec<SessionKey> = self.sessions.keys().cloned().collect();
        for key in keys {
            let stale: Vec<ClientId> = match self.sessions.get(&key) {
                Some(e) => e
                    .stale
                    .iter()
                    .filter(|c| c.source == source)
                    .copied()
                    .collect(),
                None => continue,
            };
            for c in stale {
                out.commands.extend(self.unref(&key, &c));
            }
        }
        out
    }

    /// An engine state change: remember the state, and if FRR would report
    /// the transition, one event for zebra (bfdd reports every session to
    /// zebra, which relays to all protocol daemons) and one per other
    /// source with a client referencing the session.
    pub fn notification(&mut self, n: &Notification) -> Vec<StatusEvent> {
        let Notification::StateChanged {
            key,
            from,
            to,
            remote_cbit,
            ..
        } = n;
        let Some(e) = self.sessions.get_mut(key) else {
            return Vec::new();
        };
        e.state = *to;
        e.remote_cbit = *remote_cbit;
        let Some(status) = reported(*from, *to) else {
            return Vec::new();
        };
        let mut targets: BTreeSet<Source> = e.refs.iter().map(|c| c.source).collect();
        targets.insert(Source::Zebra);
        targets
            .into_iter()
            .map(|target| StatusEvent {
                target,
                key: key.clone(),
                status,
                remote_cbit: *remote_cbit,
            })
            .collect()
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

    fn drop_where(&mut self, pred: impl Fn(&ClientId) -> bool) -> Outcome {
        let mut out = Outcome::default();
        let keys: Vec<SessionKey> = self.sessions.keys().cloned().collect();
        for key in keys {
            let gone: Vec<ClientId> = match self.sessions.get(&key) {
                Some(e) => e.refs.iter().filter(|c| pred(c)).copied().collect(),
                None => continue,
            };
            for c in gone {
                out.commands.extend(self.unref(&key, &c));
            }
        }
        out
    }

    /// Drop one reference; remove the session if it was the last and the
    /// config does not name it.
    fn unref(&mut self, key: &SessionKey, client: &ClientId) -> Option<Command> {
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
    fn find_loose(&self, key: &SessionKey, ok: impl Fn(&Entry) -> bool) -> Option<SessionKey> {
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

    fn same_peer(&self, peer: std::net::IpAddr) -> impl Iterator<Item = (&SessionKey, &Entry)> {
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

    /// The spec of a dynamic session: its own settings under FRR's profile
    /// rule with the profile a registrant named.
    fn dynamic_spec(&self, key: &SessionKey) -> SessionSpec {
        let Some(e) = self.sessions.get(key) else {
            return placeholder_spec(key);
        };
        let cfg = Config {
            peers: vec![PeerConfig {
                peer: key.peer,
                multihop: key.multihop,
                local_address: key.local,
                interface: key.ifname.clone(),
                vrf: key.vrf.clone(),
                profile: e.profile.clone(),
                settings: e.own.clone(),
            }],
            profiles: self.profiles.clone(),
            debug: Default::default(),
        };
        let mut spec = cfg
            .session_specs()
            .pop()
            .unwrap_or_else(|| placeholder_spec(key));
        spec.configured = false;
        spec.params.control_plane_independent = e.cbit;
        spec
    }

    /// Put `spec` in force; an Upsert only if it changed.
    fn set_spec(&mut self, key: &SessionKey, spec: SessionSpec) -> Option<Command> {
        let e = self.sessions.get_mut(key)?;
        if e.spec == spec {
            return None;
        }
        e.spec = spec.clone();
        Some(Command::Upsert(spec))
    }
}

fn view(e: &Entry) -> SessionView<'_> {
    SessionView {
        spec: &e.spec,
        configured: e.configured,
        clients: &e.refs,
        state: e.state,
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

fn initial_state(spec: &SessionSpec) -> State {
    if spec.params.admin_down {
        State::AdminDown
    } else {
        State::Down
    }
}

fn placeholder_spec(key: &SessionKey) -> SessionSpec {
    SessionSpec {
        key: key.clone(),
        params: Default::default(),
        auth: None,
        minimum_ttl: config::DEFAULT_MINIMUM_TTL,
        configured: false,
        echo_mode: false,
        echo_transmit_interval: config::DEFAULT_ECHO_INTERVAL_MS * MS,
    }
}

/// A spec's values back in the CLI's units, to become a dynamic session's
/// own settings.
fn settings_of(spec: &SessionSpec) -> Settings {
    let p = &spec.params;
    Settings {
        detect_multiplier: p.detect_mult,
        receive_interval_ms: p.required_min_rx / MS,
        transmit_interval_ms: p.desired_min_tx / MS,
        shutdown: p.admin_down,
        passive_mode: p.passive,
        echo_mode: spec.echo_mode,
        echo_transmit_interval_ms: spec.echo_transmit_interval / MS,
        echo_receive_interval_ms: p.required_min_echo_rx / MS,
        minimum_ttl: spec.minimum_ttl,
        auth: spec.auth.as_ref().map(|a| config::AuthConfig {
            auth_type: a.auth_type,
            key_id: a.key_id,
            secret: a.secret.clone(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::SessionParams;

    fn spec(peer: &str, tx: u32) -> SessionSpec {
        SessionSpec::new(
            SessionKey {
                peer: peer.parse().expect("test address"),
                local: None,
                ifname: Some("eth0".into()),
                vrf: "default".into(),
                multihop: false,
            },
            SessionParams {
                desired_min_tx: tx,
                ..SessionParams::default()
            },
        )
    }

    /// Commands as comparable text: `Command` holds oneshot senders in some
    /// variants, so it has no PartialEq.
    fn describe(cmds: &[Command]) -> Vec<String> {
        cmds.iter()
            .map(|c| match c {
                Command::Upsert(s) => {
                    format!("upsert {} tx={}", s.key.peer, s.params.desired_min_tx)
                }
                Command::Remove(k) => format!("remove {}", k.peer),
                other => format!("unexpected {other:?}"),
            })
            .collect()
    }

    #[test]
    fn first_apply_upserts_everything() {
        let mut r = Registry::new();
        let cmds = r.apply_config(vec![spec("10.0.0.2", 300_000), spec("10.0.0.3", 300_000)]);
        assert_eq!(
            describe(&cmds),
            ["upsert 10.0.0.2 tx=300000", "upsert 10.0.0.3 tx=300000"]
        );
        assert_eq!(r.len(), 2);
    }

    #[test]
    fn unchanged_config_gives_no_commands() {
        let mut r = Registry::new();
        r.apply_config(vec![spec("10.0.0.2", 300_000), spec("10.0.0.3", 300_000)]);
        let cmds = r.apply_config(vec![spec("10.0.0.3", 300_000), spec("10.0.0.2", 300_000)]);
        assert!(cmds.is_empty(), "{:?}", describe(&cmds));
    }

    #[test]
    fn changed_new_and_removed() {
        let mut r = Registry::new();
        r.apply_config(vec![
            spec("10.0.0.2", 300_000),
            spec("10.0.0.3", 300_000),
            spec("10.0.0.4", 300_000),
        ]);
        let cmds = r.apply_config(vec![
            spec("10.0.0.2", 300_000),
            spec("10.0.0.3", 100_000),
            spec("10.0.0.5", 300_000),
        ]);
        assert_eq!(
            describe(&cmds),
            [
                "remove 10.0.0.4",
                "upsert 10.0.0.3 tx=100000",
                "upsert 10.0.0.5 tx=300000"
            ]
        );
        assert!(r.get(&spec("10.0.0.4", 0).key).is_none());
        assert_eq!(
            r.get(&spec("10.0.0.3", 0).key)
                .map(|s| s.params.desired_min_tx),
            Some(100_000)
        );
    }

    #[test]
    fn empty_config_removes_all() {
        let mut r = Registry::new();
        r.apply_config(vec![
            spec("10.0.0.2", 300_000),
            spec("2001:db8::2", 300_000),
        ]);
        let cmds = r.apply_config(Vec::new());
        assert_eq!(describe(&cmds), ["remove 10.0.0.2", "remove 2001:db8::2"]);
        assert!(r.is_empty());
    }

    #[test]
    fn same_peer_different_key_fields_are_distinct_sessions() {
        let mut r = Registry::new();
        let a = spec("10.0.0.2", 300_000);
        let mut b = spec("10.0.0.2", 300_000);
        b.key.multihop = true;
        b.key.ifname = None;
        let cmds = r.apply_config(vec![a.clone(), b]);
        assert_eq!(cmds.len(), 2);
        // Dropping the multihop one removes only it.
        let cmds = r.apply_config(vec![a]);
        match cmds.as_slice() {
            [Command::Remove(k)] => assert!(k.multihop),
            other => panic!("expected one multihop remove, got {:?}", describe(other)),
        }
    }

    #[test]
    fn shutdown_change_is_an_upsert() {
        let mut r = Registry::new();
        r.apply_config(vec![spec("10.0.0.2", 300_000)]);
        let mut s = spec("10.0.0.2", 300_000);
        s.params.admin_down = true;
        let cmds = r.apply_config(vec![s]);
        assert_eq!(describe(&cmds), ["upsert 10.0.0.2 tx=300000"]);
    }
}
