//! `show bfd peers` from engine snapshots: one `PeerSnapshot` as the
//! `PeerStatus` the vtysh-compat crate renders, with FRR's names for states.

use vtysh_compat::{PeerState, PeerStatus};

use crate::registry::PeerSnapshot;
use bfd::packet::State;

/// FRR's name for a session state.
pub fn peer_state(state: State) -> PeerState {
    match state {
        State::AdminDown => PeerState::AdminDown,
        State::Down => PeerState::Down,
        State::Init => PeerState::Init,
        State::Up => PeerState::Up,
    }
}

/// One snapshot as `show bfd peers` needs it. Configured timers come from the
/// spec (what the operator asked for, as FRR shows them), remote timers from
/// the last packet received; all intervals stay in microseconds.
pub fn peer_status(s: &PeerSnapshot) -> PeerStatus {
    let spec = &s.spec;
    let p = &spec.params;
    PeerStatus {
        peer: spec.key.peer,
        local: spec.key.local,
        vrf: spec.key.vrf.clone(),
        interface: spec.key.ifname.clone(),
        multihop: spec.key.multihop,
        label: None,
        local_discr: s.session.local_discr,
        remote_discr: s.session.remote_discr,
        passive: p.passive,
        minimum_ttl: spec.minimum_ttl,
        state: peer_state(s.session.state),
        since_change_secs: s.session.since_change.as_secs(),
        local_diag: s.session.local_diag.0,
        remote_diag: s.session.remote_diag.0,
        configured: spec.configured,
        detect_mult: p.detect_mult,
        receive_interval: p.required_min_rx,
        transmit_interval: p.desired_min_tx,
        echo_receive_interval: p.required_min_echo_rx,
        echo_transmit_interval: spec.params.desired_min_echo_tx,
        echo_mode: spec.params.echo_mode,
        remote_detect_mult: s.session.remote_detect_mult,
        remote_receive_interval: s.session.remote_required_min_rx,
        remote_transmit_interval: s.session.remote_desired_min_tx,
        remote_echo_receive_interval: s.session.remote_required_min_echo_rx,
        control_packet_input: s.session.counters.control_input,
        control_packet_output: s.session.counters.control_output,
        echo_packet_input: s.session.counters.echo_input,
        echo_packet_output: s.session.counters.echo_output,
        session_up: s.session.counters.session_up,
        session_down: s.session.counters.session_down,
        zebra_notifications: s.zebra_notifications,
        rtt_usec: s.session.rtt_usec,
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::engine::{SessionCounters, SessionKey, SessionSnapshot};
    use crate::registry::SessionSpec;
    use bfd::packet::Diag;
    use bfd::session::SessionParams;

    fn snapshot() -> PeerSnapshot {
        let spec = SessionSpec {
            key: SessionKey {
                peer: "2001:db8::2".parse().expect("addr"),
                local: Some("2001:db8::1".parse().expect("addr")),
                ifname: None,
                vrf: "red".into(),
                multihop: true,
            },
            params: SessionParams {
                desired_min_tx: 200_000,
                required_min_rx: 250_000,
                required_min_echo_rx: 60_000,
                detect_mult: 5,
                passive: true,
                echo_mode: true,
                desired_min_echo_tx: 70_000,
                ..SessionParams::default()
            },
            auth: None,
            minimum_ttl: 250,
            configured: true,
        };
        PeerSnapshot {
            session: SessionSnapshot {
                config: spec.config(),
                local_discr: 0x1234_5678,
                remote_discr: 42,
                state: State::Up,
                local_diag: Diag::NONE,
                remote_diag: Diag::CONTROL_DETECTION_TIME_EXPIRED,
                since_change: Duration::from_millis(61_999),
                remote_detect_mult: 4,
                remote_desired_min_tx: 1_000_000,
                remote_required_min_rx: 900_000,
                remote_required_min_echo_rx: 0,
                counters: SessionCounters {
                    control_input: 10,
                    control_output: 11,
                    echo_input: 12,
                    echo_output: 13,
                    session_up: 2,
                    session_down: 1,
                },
                enabled: true,
                rtt_usec: (300, 400, 500),
            },
            spec,
            zebra_notifications: 3,
        }
    }

    #[test]
    fn maps_every_field() {
        let p = peer_status(&snapshot());
        assert_eq!(
            p.peer,
            "2001:db8::2".parse::<std::net::IpAddr>().expect("addr")
        );
        assert_eq!(p.local, Some("2001:db8::1".parse().expect("addr")));
        assert_eq!(p.vrf, "red");
        assert_eq!(p.interface, None);
        assert!(p.multihop);
        assert_eq!(p.label, None);
        assert_eq!((p.local_discr, p.remote_discr), (0x1234_5678, 42));
        assert!(p.passive);
        assert_eq!(p.minimum_ttl, 250);
        assert_eq!(p.state, PeerState::Up);
        assert_eq!(p.since_change_secs, 61);
        assert_eq!((p.local_diag, p.remote_diag), (0, 1));
        assert!(p.configured);
        assert_eq!(p.detect_mult, 5);
        assert_eq!(p.receive_interval, 250_000);
        assert_eq!(p.transmit_interval, 200_000);
        assert_eq!(p.echo_receive_interval, 60_000);
        assert_eq!(p.echo_transmit_interval, 70_000);
        assert!(p.echo_mode);
        assert_eq!(p.remote_detect_mult, 4);
        assert_eq!(p.remote_receive_interval, 900_000);
        assert_eq!(p.remote_transmit_interval, 1_000_000);
        assert_eq!(p.remote_echo_receive_interval, 0);
        assert_eq!((p.control_packet_input, p.control_packet_output), (10, 11));
        assert_eq!((p.echo_packet_input, p.echo_packet_output), (12, 13));
        assert_eq!(p.rtt_usec, (300, 400, 500));
        assert_eq!(
            (p.session_up, p.session_down, p.zebra_notifications),
            (2, 1, 3)
        );
    }

    #[test]
    fn state_names() {
        assert_eq!(peer_state(State::AdminDown), PeerState::AdminDown);
        assert_eq!(peer_state(State::Down), PeerState::Down);
        assert_eq!(peer_state(State::Init), PeerState::Init);
        assert_eq!(peer_state(State::Up), PeerState::Up);
        let mut s = snapshot();
        s.session.state = State::Down;
        s.spec.key.ifname = Some("eth1".into());
        s.spec.configured = false;
        let p = peer_status(&s);
        assert_eq!(p.state, PeerState::Down);
        assert_eq!(p.interface.as_deref(), Some("eth1"));
        assert!(!p.configured);
    }
}
