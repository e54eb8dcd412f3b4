//! BFD Control packet (RFC 5880 §4.1) and its authentication section header
//! (§4.2–4.4): parsing with nom, encoding beside it, and the context-free
//! reception checks of §6.8.6 as typed errors. Pure functions, no I/O.
//!
//! SKELETON: types are the agreed interface; bodies are being written.

use crate::auth::AuthType;

/// Minimum length of a Control packet without authentication (§4.1).
pub const MIN_LEN: usize = 24;
/// Largest Control packet we ever build or accept (24 + 28-byte SHA1 section).
pub const MAX_LEN: usize = 64;
/// The protocol version of RFC 5880.
pub const VERSION: u8 = 1;

/// bfd.SessionState values (§4.1 "Sta").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum State {
    AdminDown = 0,
    Down = 1,
    Init = 2,
    Up = 3,
}

/// Diagnostic code (§4.1 "Diag", 5 bits). Kept as a raw value so reserved codes
/// survive a round trip; the RFC's names are associated constants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Diag(pub u8);

impl Diag {
    pub const NONE: Diag = Diag(0);
    pub const CONTROL_DETECTION_TIME_EXPIRED: Diag = Diag(1);
    pub const ECHO_FUNCTION_FAILED: Diag = Diag(2);
    pub const NEIGHBOR_SIGNALED_SESSION_DOWN: Diag = Diag(3);
    pub const FORWARDING_PLANE_RESET: Diag = Diag(4);
    pub const PATH_DOWN: Diag = Diag(5);
    pub const CONCATENATED_PATH_DOWN: Diag = Diag(6);
    pub const ADMINISTRATIVELY_DOWN: Diag = Diag(7);
    pub const REVERSE_CONCATENATED_PATH_DOWN: Diag = Diag(8);
}

/// The authentication section as received (§4.2–4.4), borrowing the packet buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthSection<'a> {
    /// §4.2: Auth Type 1.
    Simple { key_id: u8, password: &'a [u8] },
    /// §4.3/§4.4: Auth Types 2–5; `digest` is 16 (MD5) or 20 (SHA1) bytes.
    Keyed {
        auth_type: AuthType,
        key_id: u8,
        sequence: u32,
        digest: &'a [u8],
    },
}

/// A BFD Control packet (§4.1). Intervals are in microseconds as on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ControlPacket<'a> {
    pub version: u8,
    pub diag: Diag,
    pub state: State,
    pub poll: bool,
    pub final_: bool,
    pub control_plane_independent: bool,
    pub auth_present: bool,
    pub demand: bool,
    pub multipoint: bool,
    pub detect_mult: u8,
    pub length: u8,
    pub my_discr: u32,
    pub your_discr: u32,
    pub desired_min_tx: u32,
    pub required_min_rx: u32,
    pub required_min_echo_rx: u32,
    pub auth: Option<AuthSection<'a>>,
}
