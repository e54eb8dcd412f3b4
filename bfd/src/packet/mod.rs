//! BFD Control packet (RFC 5880 §4.1) and its authentication section header
//! (§4.2–4.4): parsing with nom, encoding beside it, and the context-free
//! reception checks of §6.8.6 as typed errors. Pure functions, no I/O, no
//! allocation. Checks that need context (TTL, session lookup, authentication)
//! are done by the engine but counted here too, in `RxErrorCounters`, so every
//! reason a packet is dropped is counted in one place.

mod auth_type;
mod codec;
mod error;
#[cfg(test)]
mod tests;

pub use auth_type::{AuthType, MAX_PASSWORD_LEN, MD5_SECTION_LEN, SHA1_SECTION_LEN};
pub(crate) use auth_type::{DIGEST_OFFSET, PASSWORD_OFFSET};
pub use codec::{check_auth_presence, parse};
pub use error::{PacketError, RxErrorCounters};

/// Minimum length of a Control packet without authentication (§4.1).
pub const MIN_LEN: usize = 24;
/// Largest Control packet we build (24 + 28-byte SHA1 section), and so the
/// receive buffer size that holds any packet we can authenticate. `parse`
/// itself accepts any Length up to the bytes given.
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

/// Smallest Length with the A bit set: the header plus Auth Type and Auth Len (§6.8.6).
pub const MIN_AUTH_LEN: usize = MIN_LEN + 2;

/// Flag bits of byte 1, below the two State bits (§4.1).
pub const FLAG_POLL: u8 = 0x20;
pub const FLAG_FINAL: u8 = 0x10;
pub const FLAG_CONTROL_PLANE_INDEPENDENT: u8 = 0x08;
pub const FLAG_AUTH_PRESENT: u8 = 0x04;
pub const FLAG_DEMAND: u8 = 0x02;
pub const FLAG_MULTIPOINT: u8 = 0x01;

impl State {
    /// The State of the two low bits of `bits` (total: every value is a state).
    pub fn from_bits(bits: u8) -> State {
        match bits & 0x03 {
            0 => State::AdminDown,
            1 => State::Down,
            2 => State::Init,
            _ => State::Up,
        }
    }
}

impl<'a> AuthSection<'a> {
    pub fn auth_type(&self) -> AuthType {
        match self {
            AuthSection::Simple { .. } => AuthType::Simple,
            AuthSection::Keyed { auth_type, .. } => *auth_type,
        }
    }
    pub fn key_id(&self) -> u8 {
        match self {
            AuthSection::Simple { key_id, .. } | AuthSection::Keyed { key_id, .. } => *key_id,
        }
    }
}
