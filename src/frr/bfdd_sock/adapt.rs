//! Helpers for a `ControlBackend`: turn an engine snapshot into the
//! `ControlSessionInfo` the socket reports, and a `PeerRequest` into the
//! registry's `Settings` (or straight into an engine `SessionSpec`). FRR 8.4 takes any number from the socket
//! (a multiplier of 0 included); we refuse what the CLI would refuse
//! (multiplier 2-255, intervals 10-60000 ms, echo receive 0 = disabled),
//! which the client sees as "request add failed".

use super::backend::{ControlSessionInfo, PeerRequest};
use crate::config::Settings;
use crate::registry::{PeerSnapshot, SessionSpec};
use bfd::session::SessionParams;

const MIN_INTERVAL_MS: u64 = 10;
const MAX_INTERVAL_MS: u64 = 60_000;
/// Multihop sessions without a configured minimum TTL (FRR's default).
const DEFAULT_MINIMUM_TTL: u8 = 254;

/// The socket's view of one session. `label` is kept by the daemon (labels
/// are not part of the engine's spec).
pub fn session_info(snap: &PeerSnapshot, label: Option<String>) -> ControlSessionInfo {
    let p = &snap.spec.params;
    let ms = |us: u32| u64::from(us) / 1000;
    // Before the first packet from the peer FRR reports its initial remote
    // values (multiplier 3, 1 s intervals), as seen from FRR 8.4.4's socket.
    let heard = snap.session.remote_detect_mult != 0;
    ControlSessionInfo {
        key: snap.spec.key.clone(),
        label,
        local_discr: snap.session.local_discr,
        state: snap.session.state,
        local_diag: snap.session.local_diag,
        remote_diag: snap.session.remote_diag,
        since_change: snap.session.since_change,
        detect_mult: p.detect_mult,
        receive_interval_ms: ms(p.required_min_rx),
        transmit_interval_ms: ms(p.desired_min_tx),
        echo_receive_interval_ms: ms(p.required_min_echo_rx),
        echo_transmit_interval_ms: ms(snap.spec.params.desired_min_echo_tx),
        remote_detect_mult: if heard {
            snap.session.remote_detect_mult
        } else {
            3
        },
        remote_receive_interval_ms: if heard {
            ms(snap.session.remote_required_min_rx)
        } else {
            1000
        },
        remote_transmit_interval_ms: if heard {
            ms(snap.session.remote_desired_min_tx)
        } else {
            1000
        },
        remote_echo_receive_interval_ms: ms(snap.session.remote_required_min_echo_rx),
        echo_mode: snap.spec.params.echo_mode,
        shutdown: p.admin_down,
    }
}

/// The spec for a REQUEST_ADD: `existing` updated in place (only the timers
/// the client sent; echo mode and shutdown always, as FRR does), or a new
/// dynamic session with the defaults. Errors name the refused value.
pub fn spec_for_add(
    req: &PeerRequest,
    existing: Option<&SessionSpec>,
) -> Result<SessionSpec, String> {
    let mut spec = match existing {
        Some(s) => s.clone(),
        None => SessionSpec {
            key: req.key.clone(),
            params: SessionParams::default(),
            auth: None,
            minimum_ttl: DEFAULT_MINIMUM_TTL,
            configured: false,
        },
    };
    if let Some(m) = req.detect_mult {
        if m < 2 {
            return Err(format!("detect-multiplier {m} out of range 2-255"));
        }
        spec.params.detect_mult = m;
    }
    if let Some(v) = req.receive_interval_ms {
        spec.params.required_min_rx = interval("receive-interval", v, false)?;
    }
    if let Some(v) = req.transmit_interval_ms {
        spec.params.desired_min_tx = interval("transmit-interval", v, false)?;
    }
    if let Some(v) = req.echo_receive_interval_ms {
        spec.params.required_min_echo_rx = interval("echo-receive-interval", v, true)?;
    }
    if let Some(v) = req.echo_transmit_interval_ms {
        spec.params.desired_min_echo_tx = interval("echo-transmit-interval", v, false)?;
    }
    spec.params.echo_mode = req.echo_mode;
    spec.params.admin_down = req.shutdown;
    Ok(spec)
}

/// A session's settings in the registry's terms (the CLI's units).
pub fn settings_of(spec: &SessionSpec) -> Settings {
    let p = &spec.params;
    Settings {
        detect_multiplier: p.detect_mult,
        receive_interval_ms: p.required_min_rx / 1000,
        transmit_interval_ms: p.desired_min_tx / 1000,
        shutdown: p.admin_down,
        passive_mode: p.passive,
        echo_mode: p.echo_mode,
        echo_transmit_interval_ms: p.desired_min_echo_tx / 1000,
        echo_receive_interval_ms: p.required_min_echo_rx / 1000,
        minimum_ttl: spec.minimum_ttl,
        ..Settings::default()
    }
}

/// `base` with a REQUEST_ADD applied, as `spec_for_add` does for a spec.
pub fn settings_for_add(req: &PeerRequest, base: Settings) -> Result<Settings, String> {
    let mut out = base;
    if let Some(m) = req.detect_mult {
        if m < 2 {
            return Err(format!("detect-multiplier {m} out of range 2-255"));
        }
        out.detect_multiplier = m;
    }
    let ms = |name: &str, v: u64, zero_ok: bool| -> Result<u32, String> {
        interval(name, v, zero_ok).map(|us| us / 1000)
    };
    if let Some(v) = req.receive_interval_ms {
        out.receive_interval_ms = ms("receive-interval", v, false)?;
    }
    if let Some(v) = req.transmit_interval_ms {
        out.transmit_interval_ms = ms("transmit-interval", v, false)?;
    }
    if let Some(v) = req.echo_receive_interval_ms {
        out.echo_receive_interval_ms = ms("echo-receive-interval", v, true)?;
    }
    if let Some(v) = req.echo_transmit_interval_ms {
        out.echo_transmit_interval_ms = ms("echo-transmit-interval", v, false)?;
    }
    out.echo_mode = req.echo_mode;
    out.shutdown = req.shutdown;
    Ok(out)
}

/// A client's interval in ms, checked, in µs.
fn interval(name: &str, v: u64, zero_ok: bool) -> Result<u32, String> {
    if (zero_ok && v == 0) || (MIN_INTERVAL_MS..=MAX_INTERVAL_MS).contains(&v) {
        // At most 60 000 000 µs: fits a u32.
        u32::try_from(v * 1000).map_err(|_| format!("{name} {v} out of range"))
    } else {
        Err(format!(
            "{name} {v} out of range {MIN_INTERVAL_MS}-{MAX_INTERVAL_MS}"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{SessionCounters, SessionKey, SessionSnapshot};
    use bfd::packet::{Diag, State};
    use std::time::Duration;

    fn req() -> PeerRequest {
        super::super::request::blank(SessionKey {
            peer: "192.0.2.2".parse().expect("addr"),
            local: None,
            ifname: None,
            vrf: "default".into(),
            multihop: false,
        })
    }

    #[test]
    fn new_dynamic_session_gets_defaults() {
        let s = spec_for_add(&req(), None).expect("valid");
        assert!(!s.configured);
        assert_eq!(s.params, SessionParams::default());
        assert_eq!(s.minimum_ttl, 254);
    }

    #[test]
    fn update_applies_only_sent_timers_but_always_flags() {
        let mut base = spec_for_add(&req(), None).expect("valid");
        base.params.required_min_rx = 100_000;
        base.params.admin_down = true;
        let mut r = req();
        r.transmit_interval_ms = Some(50);
        r.detect_mult = Some(7);
        r.echo_receive_interval_ms = Some(0);
        let s = spec_for_add(&r, Some(&base)).expect("valid");
        assert_eq!(s.params.desired_min_tx, 50_000);
        assert_eq!(s.params.required_min_rx, 100_000);
        assert_eq!(s.params.detect_mult, 7);
        assert_eq!(s.params.required_min_echo_rx, 0);
        assert!(!s.params.admin_down, "shutdown absent means false");
    }

    #[test]
    fn out_of_range_is_refused() {
        for f in [
            |r: &mut PeerRequest| r.detect_mult = Some(1),
            |r: &mut PeerRequest| r.transmit_interval_ms = Some(9),
            |r: &mut PeerRequest| r.receive_interval_ms = Some(60_001),
            |r: &mut PeerRequest| r.echo_transmit_interval_ms = Some(0),
            |r: &mut PeerRequest| r.transmit_interval_ms = Some(u64::MAX),
        ] {
            let mut r = req();
            f(&mut r);
            assert!(spec_for_add(&r, None).is_err(), "{r:?}");
        }
    }

    #[test]
    fn settings_round_trip_and_update() {
        let spec = spec_for_add(&req(), None).expect("valid");
        let base = settings_of(&spec);
        assert_eq!(base.transmit_interval_ms, 300);
        assert_eq!(base.echo_receive_interval_ms, 50);
        let mut r = req();
        r.receive_interval_ms = Some(120);
        r.shutdown = true;
        let s = settings_for_add(&r, base.clone()).expect("valid");
        assert_eq!(s.receive_interval_ms, 120);
        assert_eq!(s.transmit_interval_ms, 300);
        assert!(s.shutdown);
        r.detect_mult = Some(0);
        assert!(settings_for_add(&r, base).is_err());
    }

    #[test]
    fn snapshot_to_info_in_milliseconds() {
        let spec = spec_for_add(&req(), None).expect("valid");
        let snap = PeerSnapshot {
            session: SessionSnapshot {
                config: spec.config(),
                local_discr: 9,
                remote_discr: 10,
                state: State::Up,
                local_diag: Diag::NONE,
                remote_diag: Diag(1),
                since_change: Duration::from_secs(3),
                remote_detect_mult: 5,
                remote_desired_min_tx: 100_999,
                remote_required_min_rx: 200_000,
                remote_required_min_echo_rx: 0,
                counters: SessionCounters::default(),
                enabled: true,
                rtt_usec: (0, 0, 0),
            },
            spec,
            zebra_notifications: 0,
        };
        let i = session_info(&snap, Some("l".into()));
        assert_eq!(i.transmit_interval_ms, 300);
        assert_eq!(i.remote_transmit_interval_ms, 100);
        assert_eq!(i.remote_receive_interval_ms, 200);
        assert_eq!(i.echo_transmit_interval_ms, 50);
        assert_eq!(i.local_discr, 9);
        assert_eq!(i.label.as_deref(), Some("l"));
        let silent = PeerSnapshot {
            session: SessionSnapshot {
                remote_detect_mult: 0,
                remote_desired_min_tx: 0,
                remote_required_min_rx: 0,
                ..snap.session
            },
            ..snap
        };
        let i = session_info(&silent, None);
        assert_eq!(
            (
                i.remote_detect_mult,
                i.remote_receive_interval_ms,
                i.remote_transmit_interval_ms,
                i.remote_echo_receive_interval_ms
            ),
            (3, 1000, 1000, 0)
        );
    }
}
