//! The engine's single point of contact with the packet and auth modules:
//! parsing, encoding, drop reasons and authentication state. Keeping these
//! calls in one file lets the rest of the engine stay independent of how
//! those modules spell their functions.
//!
//! TEMPORARY: until src/packet.rs and src/auth.rs land on main, this holds
//! stand-ins with the expected signatures (they fail every call at runtime).

use crate::auth::AuthType;
use crate::packet::ControlPacket;

/// Stand-in for `packet::PacketError` (engine-side variants only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PacketError {
    TtlInvalid,
    NoSession,
    AuthFailed,
    Unavailable,
}

impl PacketError {
    pub fn name(&self) -> &'static str {
        match self {
            PacketError::TtlInvalid => "ttl_invalid",
            PacketError::NoSession => "no_session",
            PacketError::AuthFailed => "auth_failed",
            PacketError::Unavailable => "unavailable",
        }
    }
}

/// Stand-in for `packet::RxErrorCounters`.
#[derive(Debug, Clone, Default)]
pub struct RxErrorCounters {
    counts: Vec<(&'static str, u64)>,
}

impl RxErrorCounters {
    pub fn bump(&mut self, e: &PacketError) {
        let name = e.name();
        match self.counts.iter_mut().find(|(n, _)| *n == name) {
            Some((_, c)) => *c += 1,
            None => self.counts.push((name, 1)),
        }
    }
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, u64)> + '_ {
        self.counts.iter().copied()
    }
}

pub fn parse(_buf: &[u8]) -> Result<ControlPacket<'_>, PacketError> {
    Err(PacketError::Unavailable)
}

pub fn check_auth_presence(_pkt: &ControlPacket<'_>, _has_auth: bool) -> Result<(), PacketError> {
    Err(PacketError::Unavailable)
}

/// Encode without authentication; returns the length written.
pub fn encode(_pkt: &ControlPacket<'_>, _buf: &mut [u8]) -> usize {
    0
}

#[derive(Debug, Clone)]
pub struct AuthKey;

impl AuthKey {
    pub fn new(_t: AuthType, _key_id: u8, _secret: &[u8]) -> Result<AuthKey, String> {
        Err("auth module not available".into())
    }
}

#[derive(Debug, Clone, Copy)]
pub struct AuthError;

#[derive(Debug, Clone)]
pub struct AuthState;

impl AuthState {
    pub fn new(_key: AuthKey, _initial_seq: u32) -> AuthState {
        AuthState
    }
    pub fn encode(&mut self, _pkt: &ControlPacket<'_>, _buf: &mut [u8]) -> usize {
        0
    }
    pub fn verify(&mut self, _raw: &[u8], _pkt: &ControlPacket<'_>) -> Result<(), AuthError> {
        Err(AuthError)
    }
    pub fn reset_rx_seq(&mut self) {}
}
