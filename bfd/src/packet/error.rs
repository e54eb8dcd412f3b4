//! Why a received packet was dropped (the §6.8.6 checks and the receive
//! path's own), and one counter per reason.

use std::fmt;

/// Why a received packet was dropped. The first group is found by `parse`
/// (§6.8.6, context-free); `AuthMissing`/`AuthUnexpected` by
/// `check_auth_presence`; the last three by the engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(usize)]
pub enum PacketError {
    /// Fewer than 24 bytes received.
    TooShort,
    /// Version is not 1.
    BadVersion,
    /// Length field below 24, or below 26 with the A bit set.
    BadLength,
    /// Length field larger than the bytes received.
    LengthExceedsPayload,
    ZeroDetectMult,
    /// Multipoint (M) bit set.
    Multipoint,
    ZeroMyDiscr,
    /// Your Discriminator 0 while the packet's State is Init or Up.
    ZeroYourDiscr,
    /// A bit set with a reserved Auth Type.
    BadAuthType,
    /// A bit set with an Auth Len wrong for its type or past the Length field.
    BadAuthLen,
    /// A bit clear but the session uses authentication.
    AuthMissing,
    /// A bit set but the session uses no authentication.
    AuthUnexpected,
    /// Single-hop TTL/hop limit not 255, or multihop below the minimum.
    TtlInvalid,
    /// No session matches (Your Discriminator unknown, or no session for the
    /// addresses when it is 0).
    NoSession,
    /// The authentication section did not verify (`auth::AuthError`).
    AuthFailed,
}

impl PacketError {
    /// Every variant, in counter order.
    pub const ALL: [PacketError; 15] = [
        PacketError::TooShort,
        PacketError::BadVersion,
        PacketError::BadLength,
        PacketError::LengthExceedsPayload,
        PacketError::ZeroDetectMult,
        PacketError::Multipoint,
        PacketError::ZeroMyDiscr,
        PacketError::ZeroYourDiscr,
        PacketError::BadAuthType,
        PacketError::BadAuthLen,
        PacketError::AuthMissing,
        PacketError::AuthUnexpected,
        PacketError::TtlInvalid,
        PacketError::NoSession,
        PacketError::AuthFailed,
    ];
    pub const COUNT: usize = PacketError::ALL.len();

    /// Stable snake_case counter name.
    pub fn name(&self) -> &'static str {
        match self {
            PacketError::TooShort => "too_short",
            PacketError::BadVersion => "bad_version",
            PacketError::BadLength => "bad_length",
            PacketError::LengthExceedsPayload => "length_exceeds_payload",
            PacketError::ZeroDetectMult => "zero_detect_mult",
            PacketError::Multipoint => "multipoint",
            PacketError::ZeroMyDiscr => "zero_my_discr",
            PacketError::ZeroYourDiscr => "zero_your_discr",
            PacketError::BadAuthType => "bad_auth_type",
            PacketError::BadAuthLen => "bad_auth_len",
            PacketError::AuthMissing => "auth_missing",
            PacketError::AuthUnexpected => "auth_unexpected",
            PacketError::TtlInvalid => "ttl_invalid",
            PacketError::NoSession => "no_session",
            PacketError::AuthFailed => "auth_failed",
        }
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for PacketError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PacketError::TooShort => "packet shorter than 24 bytes",
            PacketError::BadVersion => "version is not 1",
            PacketError::BadLength => "Length field below the minimum",
            PacketError::LengthExceedsPayload => "Length field exceeds the received bytes",
            PacketError::ZeroDetectMult => "Detect Mult is zero",
            PacketError::Multipoint => "Multipoint bit set",
            PacketError::ZeroMyDiscr => "My Discriminator is zero",
            PacketError::ZeroYourDiscr => "Your Discriminator is zero outside Down/AdminDown",
            PacketError::BadAuthType => "reserved Auth Type",
            PacketError::BadAuthLen => "Auth Len inconsistent with Auth Type or Length",
            PacketError::AuthMissing => "A bit clear but the session uses authentication",
            PacketError::AuthUnexpected => "A bit set but the session uses no authentication",
            PacketError::TtlInvalid => "TTL/hop limit invalid",
            PacketError::NoSession => "no matching session",
            PacketError::AuthFailed => "authentication failed",
        })
    }
}

impl std::error::Error for PacketError {}

/// Drop counters, one per `PacketError` variant; bumping is an array index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RxErrorCounters {
    counts: [u64; PacketError::COUNT],
}

impl Default for RxErrorCounters {
    fn default() -> Self {
        RxErrorCounters {
            counts: [0; PacketError::COUNT],
        }
    }
}

impl RxErrorCounters {
    pub fn new() -> RxErrorCounters {
        RxErrorCounters::default()
    }
    pub fn bump(&mut self, err: &PacketError) {
        let c = &mut self.counts[err.index()];
        *c = c.wrapping_add(1);
    }
    pub fn get(&self, err: &PacketError) -> u64 {
        self.counts[err.index()]
    }
    /// Sum over all reasons.
    pub fn total(&self) -> u64 {
        self.counts.iter().fold(0u64, |a, c| a.wrapping_add(*c))
    }
    /// (counter name, count) for every reason, in a stable order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, u64)> + '_ {
        PacketError::ALL
            .iter()
            .map(move |e| (e.name(), self.counts[e.index()]))
    }
}
