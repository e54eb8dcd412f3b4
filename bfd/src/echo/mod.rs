//! The echo function's bytes (RFC 5880 §6.4, RFC 5881 §4). The RFCs leave the
//! echo packet's contents to the sender; we use FRR's bfdd format so that an
//! FRR peer and we loop each other's packets: a 24-byte payload carrying the
//! sender's discriminator (`packet.rs`), sent over IPv6 as plain UDP to the
//! peer's port 3785 (the peer's daemon reflects it), and over IPv4 as a
//! whole IP/UDP datagram addressed to ourselves and handed to the peer's MAC,
//! so that the peer's forwarding plane loops it (`frame.rs`). Pure functions
//! on byte slices: the engine's echo data path does the I/O.

mod frame;
mod packet;

pub use frame::{build_ipv4_frame, parse_ipv4_frame, FrameError, Ipv4Echo, IPV4_FRAME_LEN};
pub use packet::{encode, parse, EchoError, ECHO_LEN, ECHO_VERSION};

/// UDP port of BFD echo packets (RFC 5881 §4).
pub const ECHO_PORT: u16 = 3785;
/// TTL / hop limit an echo packet is sent with (RFC 5881 §5 spirit: 255).
pub const ECHO_TTL: u8 = 255;
/// TTL of an echo packet that one forwarding hop (the peer) sent back.
pub const ECHO_LOOPED_TTL: u8 = 254;
