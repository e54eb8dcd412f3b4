//! One session as the vty shows it: `PeerStatus`, the plain record the
//! daemon hands over for every `show bfd peers` line and JSON object, with
//! bfdd's `PeerState` names. The daemon fills it; this crate only prints it.

use std::net::IpAddr;

/// bfdd's state as FRR names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeerState {
    AdminDown,
    Down,
    Init,
    Up,
}

/// Everything `show bfd peers` prints for one session. Intervals in
/// microseconds, as FRR stores them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerStatus {
    pub peer: IpAddr,
    /// Key local address, None when unset.
    pub local: Option<IpAddr>,
    pub vrf: String,
    pub interface: Option<String>,
    pub multihop: bool,
    pub label: Option<String>,
    pub local_discr: u32,
    pub remote_discr: u32,
    pub passive: bool,
    /// Shown for multihop only.
    pub minimum_ttl: u8,
    pub state: PeerState,
    /// Seconds since the last state change (uptime when up, downtime when down).
    pub since_change_secs: u64,
    pub local_diag: u8,
    pub remote_diag: u8,
    pub configured: bool,
    pub detect_mult: u8,
    pub receive_interval: u32,
    pub transmit_interval: u32,
    pub echo_receive_interval: u32,
    /// Configured echo transmit interval; shown as disabled/0 when echo is off.
    pub echo_transmit_interval: u32,
    pub echo_mode: bool,
    pub remote_detect_mult: u8,
    pub remote_receive_interval: u32,
    pub remote_transmit_interval: u32,
    pub remote_echo_receive_interval: u32,
    pub control_packet_input: u64,
    pub control_packet_output: u64,
    pub echo_packet_input: u64,
    pub echo_packet_output: u64,
    pub session_up: u64,
    pub session_down: u64,
    pub zebra_notifications: u64,
    /// Echo round trip (min, avg, max), µs: FRR's "RTT min/avg/max".
    pub rtt_usec: (u32, u32, u32),
}

impl PeerStatus {
    /// A made-up session for examples, tests and fuzzing: 192.0.2.2 from
    /// 192.0.2.1 on eth0 in vrf default, configured, Up with discriminators
    /// 1/2 and FRR's default timers on both ends, no label, counters and
    /// time since the last change zero. Override fields with `..`.
    #[doc(hidden)]
    pub fn example() -> PeerStatus {
        PeerStatus {
            peer: [192, 0, 2, 2].into(),
            local: Some([192, 0, 2, 1].into()),
            vrf: "default".into(),
            interface: Some("eth0".into()),
            multihop: false,
            label: None,
            local_discr: 1,
            remote_discr: 2,
            passive: false,
            minimum_ttl: 254,
            state: PeerState::Up,
            since_change_secs: 0,
            local_diag: 0,
            remote_diag: 0,
            configured: true,
            detect_mult: 3,
            receive_interval: 300_000,
            transmit_interval: 300_000,
            echo_receive_interval: 50_000,
            echo_transmit_interval: 50_000,
            echo_mode: false,
            remote_detect_mult: 3,
            remote_receive_interval: 300_000,
            remote_transmit_interval: 300_000,
            remote_echo_receive_interval: 50_000,
            control_packet_input: 0,
            control_packet_output: 0,
            echo_packet_input: 0,
            echo_packet_output: 0,
            session_up: 0,
            session_down: 0,
            zebra_notifications: 0,
            rtt_usec: (0, 0, 0),
        }
    }
}
