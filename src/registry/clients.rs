//! Client references on sessions (FRR's bfdd/ptm_adapter.c): registering
//! and deregistering, dropping a client or a whole connection, keeping a
//! source's references across a reconnect, and the status events an engine
//! state change sends to the clients.

use std::collections::BTreeSet;

use super::request::{ClientId, Request, Source};
use super::spec::{initial_state, placeholder_spec};
use super::status::{reported, Outcome, Status, StatusEvent};
use super::table::{Entry, Registry};
use crate::engine::{Command, Notification, SessionKey};
use bfd::packet::State;

impl Registry {
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
                    notifications: 0,
                };
                self.sessions.insert(key.clone(), Box::new(e.clone()));
                let spec = self.dynamic_spec(&key);
                e.state = initial_state(&spec);
                out.commands.push(Command::Upsert(spec.config()));
                e.spec = spec;
                self.sessions.insert(key.clone(), Box::new(e));
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
    /// Returns how many references are stale now.
    pub fn mark_stale(&mut self, source: Source) -> usize {
        for e in self.sessions.values_mut() {
            let stale: Vec<ClientId> = e
                .refs
                .iter()
                .filter(|c| c.source == source)
                .copied()
                .collect();
            e.stale.extend(stale);
        }
        self.stale_count(source)
    }

    /// How many references from `source` are stale (not re-registered since
    /// `mark_stale`).
    pub fn stale_count(&self, source: Source) -> usize {
        self.sessions
            .values()
            .map(|e| e.stale.iter().filter(|c| c.source == source).count())
            .sum()
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
        // FRR counts every status message it generates for the session.
        e.notifications += 1;
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
}
