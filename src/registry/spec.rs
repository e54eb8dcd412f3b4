//! A session's spec from settings and back: the spec of a dynamic session
//! (its own settings under FRR's profile rule), the stand-in spec before
//! one is resolved, the state a new spec starts in, and a spec's values in
//! the CLI's units.

use crate::config::{self, Config, PeerConfig, ProfileConfig, Settings};
use crate::engine::{SessionKey, SessionSpec};
use crate::packet::State;

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
        echo_mode: false,
        echo_transmit_interval: config::DEFAULT_ECHO_INTERVAL_MS * MS,
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
