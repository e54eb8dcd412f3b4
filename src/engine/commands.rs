//! Commands from the control plane, applied on the engine thread: create or
//! reconfigure a session, remove one (with an AdminDown to the peer), take a
//! new link set, and answer snapshot and counter queries.

use std::time::Instant;

use rand::Rng;
use tracing::{debug, error};

use super::links::LinkTable;
use super::sockets::{dest_addr, next_src_port};
use super::table::Entry;
use super::thread::Core;
use super::tx::send_admin_down;
use super::wire::{AuthKey, AuthState};
use super::{
    AuthSpec, Command, EngineCounters, SessionCounters, SessionKey, SessionSnapshot, SessionSpec,
};
use crate::session::Session;

impl Core {
    pub fn command(&mut self, cmd: Command, now: Instant) {
        match cmd {
            Command::Upsert(spec) => self.upsert(spec, now),
            Command::Remove(key) => self.remove(&key, now),
            Command::Links(links) => {
                self.links = Some(LinkTable::new(links));
                for slot in self.table.slots() {
                    self.refresh_path(slot, now);
                }
            }
            Command::Snapshot(reply) => {
                let _ = reply.send(self.table.entries().map(|e| snapshot(e, now)).collect());
            }
            Command::SnapshotOf(key, reply) => {
                let one = self.table.by_key(&key).and_then(|s| self.table.get(s));
                let _ = reply.send(one.map(|e| snapshot(e, now)));
            }
            Command::Counters(reply) => {
                let by_reason = self.rx_errors.iter().chain(self.extra.iter()).collect();
                let _ = reply.send(EngineCounters { by_reason });
            }
            Command::ClearCounters(key) => {
                if let Some(e) = self.table.by_key(&key).and_then(|s| self.table.get_mut(s)) {
                    e.counters.control_input = 0;
                    e.counters.control_output = 0;
                    e.counters.echo_input = 0;
                    e.counters.echo_output = 0;
                }
            }
            Command::CountNotification(key) => {
                if let Some(e) = self.table.by_key(&key).and_then(|s| self.table.get_mut(s)) {
                    e.counters.zebra_notifications += 1;
                }
            }
            Command::Stats(reply) => {
                let _ = reply.send(self.stats);
            }
            Command::ClearStats => self.stats = Default::default(),
            // Handled by the loop, which must stop after it.
            Command::Shutdown(_) => {}
        }
    }

    fn new_auth(&mut self, spec: &Option<AuthSpec>) -> Result<Option<AuthState>, ()> {
        let Some(a) = spec else {
            return Ok(None);
        };
        match AuthKey::new(a.auth_type, a.key_id, &a.secret) {
            // §6.7.3: the initial transmit sequence number should be random.
            Ok(key) => Ok(Some(AuthState::new(key, self.rng.gen()))),
            Err(e) => {
                error!("BFD auth key rejected: {e:?}");
                Err(())
            }
        }
    }

    fn new_discr(&mut self) -> u32 {
        loop {
            let d: u32 = self.rng.gen();
            if d != 0 && !self.table.contains_discr(d) {
                return d;
            }
        }
    }

    fn upsert(&mut self, mut spec: SessionSpec, now: Instant) {
        spec.params.auth = spec.auth.is_some();
        if let Some(slot) = self.table.by_key(&spec.key) {
            let auth_changed = self
                .table
                .get(slot)
                .is_some_and(|e| e.spec.auth != spec.auth);
            let new_auth = if auth_changed {
                match self.new_auth(&spec.auth) {
                    Ok(a) => Some(a),
                    Err(()) => return,
                }
            } else {
                None
            };
            let Some(e) = self.table.get_mut(slot) else {
                return;
            };
            if let Some(a) = new_auth {
                e.auth = a.map(Box::new);
            }
            let actions = e.session.set_params(spec.params, now);
            e.spec = spec;
            self.apply(slot, actions, now);
            return;
        }
        let Ok(auth) = self.new_auth(&spec.auth) else {
            return;
        };
        let discr = self.new_discr();
        let session = Session::new(discr, spec.params, self.rng.gen(), now);
        debug!(
            "BFD session {:?} created, local discriminator {discr}",
            spec.key
        );
        let entry = Entry {
            dest: dest_addr(spec.key.peer, spec.key.multihop, 0),
            connected: false,
            spec,
            session,
            auth: auth.map(Box::new),
            counters: SessionCounters::default(),
            enabled: false,
            path_downed: false,
            ifindex: None,
            socket: None,
            src_port: next_src_port(),
            armed: None,
            notify_pending: None,
        };
        let slot = self.table.insert(entry);
        self.refresh_path(slot, now);
    }

    fn remove(&mut self, key: &SessionKey, now: Instant) {
        let Some(slot) = self.table.by_key(key) else {
            return;
        };
        if let Some(mut e) = self.table.remove(slot) {
            self.notify.forget(&e, slot);
            send_admin_down(&mut e, now, &mut self.extra, &mut self.stats.tx);
            debug!("BFD session {:?} removed", e.spec.key);
        }
    }
}

/// What the control plane may see of one session.
fn snapshot(e: &Entry, now: Instant) -> SessionSnapshot {
    let s = &e.session;
    SessionSnapshot {
        spec: e.spec.clone(),
        local_discr: s.local_discr(),
        remote_discr: s.remote_discr(),
        state: s.state(),
        local_diag: s.local_diag(),
        remote_diag: s.remote_diag(),
        since_change: now.saturating_duration_since(s.last_state_change()),
        remote_detect_mult: s.remote_detect_mult(),
        remote_desired_min_tx: s.remote_desired_min_tx(),
        remote_required_min_rx: s.remote_required_min_rx(),
        remote_required_min_echo_rx: s.remote_required_min_echo_rx(),
        counters: e.counters,
        enabled: e.enabled,
    }
}
