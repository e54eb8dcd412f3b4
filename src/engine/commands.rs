//! Commands from the control plane, applied on the engine thread: create or
//! reconfigure a session, remove one (its AdminDown sent before its path is
//! released), take a new link set, and answer snapshot, counter and
//! statistics queries.

use std::time::Instant;

use bfd::endpoint::SessionRef;
use bfd::SessionConfig;
use tracing::{debug, error};

use super::core::Core;
use super::{Command, EngineCounters, EngineStats, SessionCounters, SessionSnapshot};

impl Core {
    pub fn command(&mut self, cmd: Command, now: Instant) {
        self.before();
        match cmd {
            Command::Upsert(config) => self.upsert(config, now),
            Command::Remove(key) => {
                if let Some(h) = self.ep.remove(&key, now) {
                    // The AdminDown goes out on the path before it is released.
                    self.flush_transmits();
                    self.path.detach(h);
                    debug!("BFD session {key:?} removed");
                }
            }
            Command::Links(links) => {
                self.ep
                    .set_interfaces(links.iter().map(|l| (l.ifindex, l.name.clone())));
                self.path.set_links(links, &mut self.ep, now);
            }
            Command::VrfLinks { vrf, ns, links } => {
                self.path.vrf_links(&vrf, ns, links, &mut self.ep, now);
            }
            Command::VrfGone(vrf) => self.path.vrf_gone(&vrf, &mut self.ep, now),
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

    fn upsert(&mut self, config: SessionConfig, now: Instant) {
        let existed = self.ep.find(&config.key).is_some();
        let h = match self.ep.upsert(config, now) {
            Ok(h) => h,
            Err(e) => {
                error!("BFD auth key rejected: {e:?}");
                return;
            }
        };
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
        let e = self.ep.echo_counters();
        let echo = [
            ("echo_reflected", e.reflected),
            ("echo_not_reflected", e.not_reflected),
            ("echo_foreign", e.foreign),
            ("echo_bad_ttl", e.bad_ttl),
            ("echo_malformed", e.malformed + p.echo.rx_bad_frame),
            ("echo_no_session", e.no_session),
            ("echo_inactive", e.inactive),
            ("echo_tx_no_mac", p.echo.tx_no_mac),
            ("echo_tx_no_socket", p.echo.tx_no_socket),
            ("echo_tx_error", p.echo.tx_errors),
            ("echo_socket_error", p.echo.socket_errors),
        ];
        EngineCounters {
            by_reason: ep.rx_errors.iter().chain(rest).chain(echo).collect(),
        }
    }

    /// What the control plane may see of one session.
    fn snapshot(&self, s: &SessionRef<'_>, now: Instant) -> SessionSnapshot {
        let ss = s.session;
        SessionSnapshot {
            config: s.config.clone(),
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
                echo_input: s.counters.echo_input,
                echo_output: s.counters.echo_output,
                session_up: s.counters.session_up,
                session_down: s.counters.session_down,
            },
            enabled: s.enabled,
            rtt_usec: s.rtt_us,
        }
    }
}
