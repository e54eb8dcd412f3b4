//! The 10-byte ZAPI v6 header that starts every message: u16 total length
//! (header included), marker 0xFE, version 6, u32 VRF id, u16 command.

use crate::error::ZapiError;

/// Length of the header.
pub const HEADER_LEN: usize = 10;
/// Header marker byte.
pub const MARKER: u8 = 0xFE;
/// ZAPI version spoken by FRR 8.4 through 10.x.
pub const VERSION: u8 = 6;
/// ZEBRA_MAX_PACKET_SIZ: longest message, header included.
pub const MAX_PACKET_SIZE: usize = 16384;
/// VRF_DEFAULT.
pub const VRF_DEFAULT: u32 = 0;
/// VRF_UNKNOWN.
pub const VRF_UNKNOWN: u32 = u32::MAX;

/// A parsed header; `command` is the raw number (see `FrrVersion::command`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// Total message length, header included.
    pub length: u16,
    pub vrf_id: u32,
    pub command: u16,
}

impl Header {
    /// Parse and validate the first 10 bytes of `buf`, in FRR's order:
    /// marker and version first, then the length bounds.
    pub fn parse(buf: &[u8]) -> Result<Header, ZapiError> {
        let Some(h) = buf.get(..HEADER_LEN) else {
            return Err(ZapiError::Truncated);
        };
        if h[2] != MARKER {
            return Err(ZapiError::BadMarker(h[2]));
        }
        if h[3] != VERSION {
            return Err(ZapiError::BadVersion(h[3]));
        }
        let length = u16::from_be_bytes([h[0], h[1]]);
        if usize::from(length) < HEADER_LEN {
            return Err(ZapiError::LengthTooShort(length));
        }
        if usize::from(length) > MAX_PACKET_SIZE {
            return Err(ZapiError::TooLong(usize::from(length)));
        }
        Ok(Header {
            length,
            vrf_id: u32::from_be_bytes([h[4], h[5], h[6], h[7]]),
            command: u16::from_be_bytes([h[8], h[9]]),
        })
    }

    /// The 10 wire bytes.
    pub fn encode(&self) -> [u8; HEADER_LEN] {
        let mut b = [0u8; HEADER_LEN];
        b[0..2].copy_from_slice(&self.length.to_be_bytes());
        b[2] = MARKER;
        b[3] = VERSION;
        b[4..8].copy_from_slice(&self.vrf_id.to_be_bytes());
        b[8..10].copy_from_slice(&self.command.to_be_bytes());
        b
    }

    /// Payload length (what follows the header).
    pub fn payload_len(&self) -> usize {
        usize::from(self.length).saturating_sub(HEADER_LEN)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let h = Header {
            length: 14,
            vrf_id: 7,
            command: 37,
        };
        let b = h.encode();
        assert_eq!(b, [0, 14, 0xFE, 6, 0, 0, 0, 7, 0, 37]);
        assert_eq!(Header::parse(&b), Ok(h));
        assert_eq!(h.payload_len(), 4);
    }

    #[test]
    fn rejects_bad_fields() {
        let good = [0, 10, 0xFE, 6, 0, 0, 0, 0, 0, 18];
        assert_eq!(Header::parse(&good[..9]), Err(ZapiError::Truncated));
        let mut b = good;
        b[2] = 0xFF;
        assert_eq!(Header::parse(&b), Err(ZapiError::BadMarker(0xFF)));
        let mut b = good;
        b[3] = 5;
        assert_eq!(Header::parse(&b), Err(ZapiError::BadVersion(5)));
        let mut b = good;
        b[1] = 9;
        assert_eq!(Header::parse(&b), Err(ZapiError::LengthTooShort(9)));
        let mut b = good;
        b[0..2].copy_from_slice(&16385u16.to_be_bytes());
        assert_eq!(Header::parse(&b), Err(ZapiError::TooLong(16385)));
        b[0..2].copy_from_slice(&16384u16.to_be_bytes());
        assert!(Header::parse(&b).is_ok());
    }
}
