//! The config file's sessions and profiles in the registry: a new config
//! turned into the engine commands that take the engine from the old set
//! to the new one, with FRR's rule that a session leaving the config lives
//! on while clients reference it.

use std::collections::{BTreeMap, BTreeSet};

use super::spec::{initial_state, settings_of};
use super::table::{Entry, Registry};
use super::SessionSpec;
use crate::config::{Config, ProfileConfig};
use crate::engine::{Command, SessionKey};

impl Registry {
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
                        // A new engine session: its notifications start over.
                        moved.notifications = 0;
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
                    let config = spec.config();
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
                            notifications: 0,
                            spec,
                        }),
                    );
                    upserts.push(Command::Upsert(config));
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use bfd::session::SessionParams;

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
