//! ZAPI v6 (FRR's zebra protocol): framing and the BFD-related messages. This
//! crate knows nothing of the BFD engine. The 10-byte header lives here now; the
//! messages arrive with issue 3.

/// Length of the ZAPI v6 header: u16 length, u8 marker, u8 version, u32 vrf, u16 command.
pub const HEADER_LEN: usize = 10;
/// Header marker byte.
pub const MARKER: u8 = 0xFE;
/// ZAPI version spoken by FRR 8.4 through 10.x.
pub const VERSION: u8 = 6;
