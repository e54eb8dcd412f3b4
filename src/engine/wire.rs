//! The engine's single point of contact with the packet and auth modules:
//! parsing, encoding, drop reasons and authentication state. Keeping these
//! calls in one file lets the rest of the engine stay independent of how
//! those modules spell their functions.

use crate::packet::ControlPacket;

pub use crate::auth::{AuthKey, AuthState};
pub use crate::packet::{check_auth_presence, parse, PacketError, RxErrorCounters};

/// Encode without authentication; returns the length written.
pub fn encode(pkt: &ControlPacket<'_>, buf: &mut [u8]) -> usize {
    pkt.encode(buf)
}
