//! From config to the engine's `SessionSpec`s, with FRR's profile override
//! rule (bfdd/bfd.c `bfd_session_apply`): for each parameter the peer's own
//! value wins only if it differs from the default; otherwise the attached
//! profile's value is used if that profile exists. A profile name that
//! names no profile means the peer's own values. Echo settings apply to
//! single-hop sessions only, minimum-ttl to multihop only. Our
//! authentication follows the same rule as a whole: the peer's if it has
//! one, else the existing profile's.

use super::model::{Config, PeerConfig, Settings, DEFAULT_MINIMUM_TTL};
use crate::engine::{AuthSpec, SessionKey};
use crate::registry::SessionSpec;
use bfd::session::SessionParams;

impl Config {
    /// The engine's view of every configured peer, after FRR's profile
    /// override rule (see above).
    pub fn session_specs(&self) -> Vec<SessionSpec> {
        session_specs(self)
    }
}

fn session_specs(cfg: &Config) -> Vec<SessionSpec> {
    cfg.peers.iter().map(|p| session_spec(cfg, p)).collect()
}

const MS: u32 = 1000;

fn session_spec(cfg: &Config, p: &PeerConfig) -> SessionSpec {
    let own = &p.settings;
    let defaults = Settings::default();
    let profile = p
        .profile
        .as_ref()
        .and_then(|name| cfg.profiles.iter().find(|pr| &pr.name == name));
    // FRR: "bp = bs->profile ? bs->profile : &bs->peer_profile".
    let base = profile.map(|pr| &pr.settings).unwrap_or(own);
    macro_rules! pick {
        ($f:ident) => {
            if own.$f != defaults.$f {
                own.$f.clone()
            } else {
                base.$f.clone()
            }
        };
    }
    let single_hop = !p.multihop;
    let (echo_mode, echo_tx_ms, echo_rx_ms) = if single_hop {
        (
            pick!(echo_mode),
            pick!(echo_transmit_interval_ms),
            pick!(echo_receive_interval_ms),
        )
    } else {
        (
            false,
            defaults.echo_transmit_interval_ms,
            defaults.echo_receive_interval_ms,
        )
    };
    let minimum_ttl = if p.multihop {
        pick!(minimum_ttl)
    } else {
        DEFAULT_MINIMUM_TTL
    };
    let auth = own.auth.as_ref().or(base.auth.as_ref()).map(|a| AuthSpec {
        auth_type: a.auth_type,
        key_id: a.key_id,
        secret: a.secret.clone(),
    });
    let params = SessionParams {
        desired_min_tx: pick!(transmit_interval_ms) * MS,
        required_min_rx: pick!(receive_interval_ms) * MS,
        required_min_echo_rx: echo_rx_ms * MS,
        desired_min_echo_tx: echo_tx_ms * MS,
        echo_mode,
        detect_mult: pick!(detect_multiplier),
        passive: pick!(passive_mode),
        admin_down: pick!(shutdown),
        control_plane_independent: false,
        auth: auth.is_some(),
    };
    SessionSpec {
        key: SessionKey {
            peer: p.peer,
            local: p.local_address,
            ifname: p.interface.clone(),
            vrf: p.vrf.clone(),
            multihop: p.multihop,
        },
        params,
        auth,
        minimum_ttl,
        configured: true,
    }
}
