//! A session's spec: what the control plane wants of a session (what the
//! engine runs, plus what only FRR's interfaces show), and its derivation
//! from settings and back: the spec of a dynamic session (its own settings
//! under FRR's profile rule), the stand-in spec before one is resolved, the
//! state a new spec starts in, and a spec's values in the CLI's units.

use crate::config::{self, Config, PeerConfig, ProfileConfig, Settings};
use crate::engine::{AuthSpec, SessionConfig, SessionKey};
use bfd::packet::State;
use bfd::session::SessionParams;

/// Everything the control plane wants of one session: the part the engine
/// runs (`config()`) and the fields only FRR's `show` output carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionSpec {
    pub key: SessionKey,
    pub params: SessionParams,
    pub auth: Option<AuthSpec>,
    /// Multihop: drop packets whose TTL is below this (default 254).
    pub minimum_ttl: u8,
    /// Shown as "Peer Type: configured" (true) or "dynamic".
    pub configured: bool,
}

impl SessionSpec {
    /// A configured session for `key` with `params` and the defaults for
    /// the rest: no authentication, minimum TTL 254.
    pub fn new(key: SessionKey, params: SessionParams) -> SessionSpec {
        SessionSpec {
            key,
            params,
            auth: None,
            minimum_ttl: 254,
            configured: true,
        }
    }

    /// What the engine runs of this spec.
    pub fn config(&self) -> SessionConfig {
        SessionConfig {
            key: self.key.clone(),
            params: self.params,
            auth: self.auth.clone(),
            minimum_ttl: self.minimum_ttl,
        }
    }

    /// The spec the engine's `config` stands for when the registry knows no
    /// more of it: configured.
    pub fn from_config(config: SessionConfig) -> SessionSpec {
        SessionSpec {
            auth: config.auth,
            minimum_ttl: config.minimum_ttl,
            ..SessionSpec::new(config.key, config.params)
        }
    }
}

const MS: u32 = 1000;

/// The spec of a dynamic session: its own settings under FRR's profile
/// rule with the profile a registrant named.
pub(super) fn dynamic_spec(
    key: &SessionKey,
    own: &Settings,
    profile: &Option<String>,
    cbit: bool,
    profiles: &[ProfileConfig],
) -> SessionSpec {
    let cfg = Config {
        peers: vec![PeerConfig {
            peer: key.peer,
            multihop: key.multihop,
            local_address: key.local,
            interface: key.ifname.clone(),
            vrf: key.vrf.clone(),
            profile: profile.clone(),
            settings: own.clone(),
        }],
        profiles: profiles.to_vec(),
        debug: Default::default(),
    };
    let mut spec = cfg
        .session_specs()
        .pop()
        .unwrap_or_else(|| placeholder_spec(key));
    spec.configured = false;
    spec.params.control_plane_independent = cbit;
    spec
}

pub(super) fn initial_state(spec: &SessionSpec) -> State {
    if spec.params.admin_down {
        State::AdminDown
    } else {
        State::Down
    }
}

pub(super) fn placeholder_spec(key: &SessionKey) -> SessionSpec {
    SessionSpec {
        key: key.clone(),
        params: Default::default(),
        auth: None,
        minimum_ttl: config::DEFAULT_MINIMUM_TTL,
        configured: false,
    }
}

/// A spec's values back in the CLI's units, to become a dynamic session's
/// own settings.
pub(super) fn settings_of(spec: &SessionSpec) -> Settings {
    let p = &spec.params;
    Settings {
        detect_multiplier: p.detect_mult,
        receive_interval_ms: p.required_min_rx / MS,
        transmit_interval_ms: p.desired_min_tx / MS,
        shutdown: p.admin_down,
        passive_mode: p.passive,
        echo_mode: p.echo_mode,
        echo_transmit_interval_ms: p.desired_min_echo_tx / MS,
        echo_receive_interval_ms: p.required_min_echo_rx / MS,
        minimum_ttl: spec.minimum_ttl,
        auth: spec.auth.as_ref().map(|a| config::AuthConfig {
            auth_type: a.auth_type,
            key_id: a.key_id,
            secret: a.secret.clone(),
        }),
    }
}
