//! Who wants which session: requests from the config file (and later ZAPI and
//! bfdd.sock clients), kept apart from the sessions on the wire and turned into
//! engine commands. The registry holds the desired `SessionSpec` per
//! `SessionKey`; applying a new config diffs against it so that unchanged
//! sessions are never touched, changed ones are reconfigured in place (the
//! engine uses a poll sequence, no flap) and removed ones are taken down.
//! Pure: no I/O, the caller sends the returned commands.

use std::collections::BTreeMap;

use crate::engine::{Command, SessionKey, SessionSpec};

/// Desired sessions, by key, as requested by the configuration.
#[derive(Debug, Default)]
pub struct Registry {
    from_config: BTreeMap<SessionKey, SessionSpec>,
}

impl Registry {
    pub fn new() -> Registry {
        Registry::default()
    }

    /// Replace the config-requested sessions with `specs` and return the engine
    /// commands that take the engine from the old set to the new one. Removals
    /// come first so a key that moves between specs never collides. If `specs`
    /// names one key twice, the last one wins (config validation should have
    /// refused it already).
    pub fn apply_config(&mut self, specs: Vec<SessionSpec>) -> Vec<Command> {
        let mut new: BTreeMap<SessionKey, SessionSpec> = BTreeMap::new();
        for spec in specs {
            new.insert(spec.key.clone(), spec);
        }
        let mut cmds = Vec::new();
        for key in self.from_config.keys() {
            if !new.contains_key(key) {
                cmds.push(Command::Remove(key.clone()));
            }
        }
        for (key, spec) in &new {
            if self.from_config.get(key) != Some(spec) {
                cmds.push(Command::Upsert(spec.clone()));
            }
        }
        self.from_config = new;
        cmds
    }

    /// The specs currently requested, in key order.
    pub fn specs(&self) -> impl Iterator<Item = &SessionSpec> {
        self.from_config.values()
    }

    /// The requested spec for `key`, if any.
    pub fn get(&self, key: &SessionKey) -> Option<&SessionSpec> {
        self.from_config.get(key)
    }

    pub fn len(&self) -> usize {
        self.from_config.len()
    }

    pub fn is_empty(&self) -> bool {
        self.from_config.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::SessionParams;

    fn spec(peer: &str, tx: u32) -> SessionSpec {
        SessionSpec {
            key: SessionKey {
                peer: peer.parse().expect("test address"),
                local: None,
                ifname: Some("eth0".into()),
                vrf: "default".into(),
                multihop: false,
            },
            params: SessionParams {
                desired_min_tx: tx,
                ..SessionParams::default()
            },
            auth: None,
            minimum_ttl: 254,
            configured: true,
            echo_mode: false,
            echo_transmit_interval: 50_000,
        }
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
