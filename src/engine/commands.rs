//! Commands from the control plane, applied on the engine thread: create or
//! reconfigure a session, remove one (its AdminDown sent before its path is
//! released), take a new link set, and answer snapshot, counter and
//! statistics queries. The engine's `SessionSpec` is split here into what the
//! endpoint runs (`bfd::SessionConfig`) and what only the control plane shows
//! (`Extras`), and joined again for snapshots.

use std::time::Instant;

use bfd::endpoint::SessionRef;
use bfd::{Handle, SessionConfig};
use tracing::{debug, error};

use super::core::Core;
use super::{Command, EngineCounters, EngineStats, SessionCounters, SessionSnapshot, SessionSpec};

/// What the engine keeps of a session beside the endpoint's state: the
/// control plane's display fields, and the count of status notifications
/// its clients were sent.
#[derive(Debug, Clone)]
pub struct Extras {
    pub handle: Handle,
    pub configured: bool,
    pub echo_mode: bool,
    pub echo_transmit_interval: u32,
    pub zebra_notifications: u64,
}

impl Core {
    pub fn command(&mut self, cmd: Command, now: Instant) {
        self.before();
        match cmd {
            Command::Upsert(spec) => self.upsert(spec, now),
            Command::Remove(key) => {
                if let Some(h) = self.ep.remove(&key, now) {
                    // The AdminDown goes out on the path before it is released.
                    self.flush_transmits();
                    self.path.detach(h);
                    if let Some(x) = self.extras.get_mut(h.index()) {
                        *x = None;
                    }
                    debug!("BFD session {key:?} removed");
                }
            }
            Command::Links(links) => {
                self.ep
                    .set_interfaces(links.iter().map(|l| (l.ifindex, l.name.clone())));
                self.path.set_links(links, &mut self.ep, now);
            }
            Command::Snapshot(reply) => {
                let all = self.ep.sessions().map(|s| self.snapshot(&s, now)).collect();
                let _ = reply.send(all);
            }
            Command::SnapshotOf(key, reply) => {
                let one = self.ep.find(&key).and_then(|h| self.ep.get(h));
                let _ = reply.send(one.map(|s| self.snapshot(&s, now)));
            }
            Command::Counters(reply) => {
                let _ = reply.send(self.counters());
            }
            Command::ClearCounters(key) => {
                if let Some(h) = self.ep.find(&key) {
                    self.ep.clear_counters(h);
                }
            }
            Command::CountNotification(key) => {
                if let Some(h) = self.ep.find(&key) {
                    if let Some(x) = self.extras_mut(h) {
                        x.zebra_notifications += 1;
                    }
                }
            }
            Command::Stats(reply) => {
                let _ = reply.send(EngineStats {
                    lateness: self.ep.lateness(),
                    ..self.stats
                });
            }
            Command::ClearStats => {
                self.stats = EngineStats::default();
                self.ep.clear_lateness();
            }
            // Handled by the loop, which must stop after it.
            Command::Shutdown(_) => {}
        }
        self.after();
    }

    fn upsert(&mut self, spec: SessionSpec, now: Instant) {
        let existed = self.ep.find(&spec.key).is_some();
        let config = SessionConfig {
            key: spec.key,
            params: spec.params,
            auth: spec.auth,
            minimum_ttl: spec.minimum_ttl,
        };
        let h = match self.ep.upsert(config, now) {
            Ok(h) => h,
            Err(e) => {
                error!("BFD auth key rejected: {e:?}");
                return;
            }
        };
        let i = h.index();
        if self.extras.len() <= i {
            self.extras.resize_with(i + 1, || None);
        }
        let notified = self.extras_mut(h).map_or(0, |x| x.zebra_notifications);
        self.extras[i] = Some(Extras {
            handle: h,
            configured: spec.configured,
            echo_mode: spec.echo_mode,
            echo_transmit_interval: spec.echo_transmit_interval,
            zebra_notifications: notified,
        });
        if !existed {
            if let Some(s) = self.ep.get(h) {
                debug!(
                    "BFD session {:?} created, local discriminator {}",
                    s.config.key,
                    s.session.local_discr()
                );
            }
            self.path.attach(h, &mut self.ep, now);
            self.path.size_for(self.ep.len());
        }
    }

    /// Drop counters by reason: the endpoint's §6.8.6 checks, then the rest
    /// in a fixed order (names are stable: `show thread cpu` prints them).
    fn counters(&self) -> EngineCounters {
        let ep = self.ep.counters();
        let p = self.path.counters();
        let rest = [
            ("rx_truncated", p.rx_truncated),
            ("rx_no_source", p.rx_no_source),
            ("session_disabled", ep.session_disabled),
            ("socket_error", p.socket_errors + self.loop_errors),
            ("tx_error", p.tx_errors),
            ("notify_deferred", ep.events_deferred),
            ("notify_flushed", ep.events_flushed),
            ("rx_backlog", p.rx_backlog),
        ];
        EngineCounters {
            by_reason: ep.rx_errors.iter().chain(rest).collect(),
        }
    }

    /// What the control plane may see of one session.
    fn snapshot(&self, s: &SessionRef<'_>, now: Instant) -> SessionSnapshot {
        let x = self
            .extras
            .get(s.handle.index())
            .and_then(Option::as_ref)
            .filter(|x| x.handle == s.handle);
        let ss = s.session;
        SessionSnapshot {
            spec: SessionSpec {
                key: s.config.key.clone(),
                params: s.config.params,
                auth: s.config.auth.clone(),
                minimum_ttl: s.config.minimum_ttl,
                configured: x.is_none_or(|x| x.configured),
                echo_mode: x.is_some_and(|x| x.echo_mode),
                echo_transmit_interval: x.map_or(50_000, |x| x.echo_transmit_interval),
            },
            local_discr: ss.local_discr(),
            remote_discr: ss.remote_discr(),
            state: ss.state(),
            local_diag: ss.local_diag(),
            remote_diag: ss.remote_diag(),
            since_change: now.saturating_duration_since(ss.last_state_change()),
            remote_detect_mult: ss.remote_detect_mult(),
            remote_desired_min_tx: ss.remote_desired_min_tx(),
            remote_required_min_rx: ss.remote_required_min_rx(),
            remote_required_min_echo_rx: ss.remote_required_min_echo_rx(),
            counters: SessionCounters {
                control_input: s.counters.control_input,
                control_output: s.counters.control_output,
                echo_input: 0,
                echo_output: 0,
                session_up: s.counters.session_up,
                session_down: s.counters.session_down,
                zebra_notifications: x.map_or(0, |x| x.zebra_notifications),
            },
            enabled: s.enabled,
        }
    }
}
