//! The echo payload as FRR's bfdd sends it: version (1), length (24), two
//! reserved bytes, the sender's My Discriminator, and the send time as two
//! 64-bit big-endian fields (seconds, microseconds) that only the sender
//! reads back (for a round-trip time). Only the discriminator matters to the
//! receiver of its own echo; the reflecting side never parses the payload.

/// FRR's echo packet version.
pub const ECHO_VERSION: u8 = 1;
/// Length of the payload.
pub const ECHO_LEN: usize = 24;

/// Why an echo payload was not ours to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EchoError {
    /// Fewer than `ECHO_LEN` bytes.
    TooShort,
    /// Discriminator zero: no session can own it.
    ZeroDiscriminator,
}

/// The payload for the session with discriminator `my_discr`, stamped with
/// `sent` = (seconds, microseconds) of some clock the sender reads back.
pub fn encode(my_discr: u32, sent: (u64, u64)) -> [u8; ECHO_LEN] {
    let mut b = [0u8; ECHO_LEN];
    b[0] = ECHO_VERSION;
    b[1] = ECHO_LEN as u8;
    b[4..8].copy_from_slice(&my_discr.to_be_bytes());
    b[8..16].copy_from_slice(&sent.0.to_be_bytes());
    b[16..24].copy_from_slice(&sent.1.to_be_bytes());
    b
}

/// The discriminator and send time of an echo payload we sent.
pub fn parse(data: &[u8]) -> Result<(u32, (u64, u64)), EchoError> {
    if data.len() < ECHO_LEN {
        return Err(EchoError::TooShort);
    }
    let discr = u32::from_be_bytes(data[4..8].try_into().unwrap_or_default());
    if discr == 0 {
        return Err(EchoError::ZeroDiscriminator);
    }
    let sec = u64::from_be_bytes(data[8..16].try_into().unwrap_or_default());
    let usec = u64::from_be_bytes(data[16..24].try_into().unwrap_or_default());
    Ok((discr, (sec, usec)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let b = encode(0xdead_beef, (17, 999_999));
        assert_eq!(&b[..4], &[1, 24, 0, 0]);
        assert_eq!(parse(&b), Ok((0xdead_beef, (17, 999_999))));
    }

    #[test]
    fn rejects_short_and_zero() {
        let b = encode(7, (0, 0));
        assert_eq!(parse(&b[..23]), Err(EchoError::TooShort));
        assert_eq!(parse(&[]), Err(EchoError::TooShort));
        assert_eq!(parse(&encode(0, (1, 2))), Err(EchoError::ZeroDiscriminator));
    }
}
