//! FRR's vty unix-socket protocol, bfdd's command grammar and nodes, and its
//! `show bfd ...` output in FRR 8.4's exact text and JSON. Knows nothing of
//! the engine: the daemon hands it plain `PeerStatus` records and answers
//! configuration lines through `Backend::request`.
//!
//! Modules: `show` (text/brief/JSON formatting), `json` (json-c's pretty
//! printer), `grammar` (FRR-style command matching), `cli` (nodes, commands,
//! replies), `server` (the unix socket and its framing), `telnet` (the TCP
//! vty's login and line editing over the same CLI).

use std::net::IpAddr;

pub mod cli;
pub mod grammar;
pub mod json;
pub mod server;
pub mod show;
pub mod telnet;

pub use cli::{Answer, Node, NodePath, PeerSelector, Reply, Request, Session, Step};
pub use server::{bind, serve, Backend};

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
}
