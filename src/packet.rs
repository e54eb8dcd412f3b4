//! BFD Control packet (RFC 5880 §4.1) and its authentication section header
//! (§4.2–4.4): parsing with nom, encoding beside it, and the context-free
//! reception checks of §6.8.6 as typed errors. Pure functions, no I/O, no
//! allocation. Checks that need context (TTL, session lookup, authentication)
//! are done by the engine but counted here too, in `RxErrorCounters`, so every
//! reason a packet is dropped is counted in one place.

use std::fmt;

use nom::bytes::complete::take;
use nom::number::complete::{be_u32, be_u8};
use nom::sequence::tuple;
use nom::IResult;

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

    fn index(self) -> usize {
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

impl From<crate::auth::AuthError> for PacketError {
    fn from(_: crate::auth::AuthError) -> PacketError {
        PacketError::AuthFailed
    }
}

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

/// The fixed 24-byte header fields as on the wire.
struct RawHeader {
    vers_diag: u8,
    sta_flags: u8,
    detect_mult: u8,
    length: u8,
    my_discr: u32,
    your_discr: u32,
    desired_min_tx: u32,
    required_min_rx: u32,
    required_min_echo_rx: u32,
}

fn raw_header(i: &[u8]) -> IResult<&[u8], RawHeader> {
    let (i, (vers_diag, sta_flags, detect_mult, length)) = tuple((be_u8, be_u8, be_u8, be_u8))(i)?;
    let (i, (my_discr, your_discr, desired_min_tx, required_min_rx, required_min_echo_rx)) =
        tuple((be_u32, be_u32, be_u32, be_u32, be_u32))(i)?;
    Ok((
        i,
        RawHeader {
            vers_diag,
            sta_flags,
            detect_mult,
            length,
            my_discr,
            your_discr,
            desired_min_tx,
            required_min_rx,
            required_min_echo_rx,
        },
    ))
}

/// The authentication section, `i` being the bytes from offset 24 up to the
/// Length field (at least 2 bytes, checked by the caller).
fn auth_section(i: &[u8]) -> Result<AuthSection<'_>, PacketError> {
    let (_, (ty, auth_len)) =
        tuple((be_u8, be_u8))(i).map_err(|_: nom::Err<()>| PacketError::BadAuthLen)?;
    let auth_type = AuthType::from_u8(ty).ok_or(PacketError::BadAuthType)?;
    let auth_len = auth_len as usize;
    let len_ok = match auth_type {
        AuthType::Simple => (4..=3 + crate::auth::MAX_PASSWORD_LEN).contains(&auth_len),
        other => auth_len == other.section_len(0),
    };
    if !len_ok || auth_len > i.len() {
        return Err(PacketError::BadAuthLen);
    }
    let body = &i[2..auth_len];
    let bad = |_: nom::Err<()>| PacketError::BadAuthLen;
    if auth_type == AuthType::Simple {
        let (password, key_id) = be_u8(body).map_err(bad)?;
        return Ok(AuthSection::Simple { key_id, password });
    }
    let (digest, (key_id, _reserved, sequence)) =
        tuple((be_u8, be_u8, be_u32))(body).map_err(bad)?;
    let (_, digest) = take(auth_type.digest_len())(digest).map_err(bad)?;
    Ok(AuthSection::Keyed {
        auth_type,
        key_id,
        sequence,
        digest,
    })
}

/// Parse a received datagram and apply the context-free checks of §6.8.6.
/// Bytes beyond the Length field are ignored.
pub fn parse(buf: &[u8]) -> Result<ControlPacket<'_>, PacketError> {
    if buf.len() < MIN_LEN {
        return Err(PacketError::TooShort);
    }
    let (_, h) = raw_header(buf).map_err(|_| PacketError::TooShort)?;
    let version = h.vers_diag >> 5;
    if version != VERSION {
        return Err(PacketError::BadVersion);
    }
    let auth_present = h.sta_flags & FLAG_AUTH_PRESENT != 0;
    let length = h.length as usize;
    let min = if auth_present { MIN_AUTH_LEN } else { MIN_LEN };
    if length < min {
        return Err(PacketError::BadLength);
    }
    if length > buf.len() {
        return Err(PacketError::LengthExceedsPayload);
    }
    if h.detect_mult == 0 {
        return Err(PacketError::ZeroDetectMult);
    }
    let multipoint = h.sta_flags & FLAG_MULTIPOINT != 0;
    if multipoint {
        return Err(PacketError::Multipoint);
    }
    if h.my_discr == 0 {
        return Err(PacketError::ZeroMyDiscr);
    }
    let state = State::from_bits(h.sta_flags >> 6);
    if h.your_discr == 0 && !matches!(state, State::Down | State::AdminDown) {
        return Err(PacketError::ZeroYourDiscr);
    }
    let auth = if auth_present {
        Some(auth_section(&buf[MIN_LEN..length])?)
    } else {
        None
    };
    Ok(ControlPacket {
        version,
        diag: Diag(h.vers_diag & 0x1f),
        state,
        poll: h.sta_flags & FLAG_POLL != 0,
        final_: h.sta_flags & FLAG_FINAL != 0,
        control_plane_independent: h.sta_flags & FLAG_CONTROL_PLANE_INDEPENDENT != 0,
        auth_present,
        demand: h.sta_flags & FLAG_DEMAND != 0,
        multipoint,
        detect_mult: h.detect_mult,
        length: h.length,
        my_discr: h.my_discr,
        your_discr: h.your_discr,
        desired_min_tx: h.desired_min_tx,
        required_min_rx: h.required_min_rx,
        required_min_echo_rx: h.required_min_echo_rx,
        auth,
    })
}

/// §6.8.6: the A bit must agree with whether the session uses authentication.
pub fn check_auth_presence(
    pkt: &ControlPacket<'_>,
    session_uses_auth: bool,
) -> Result<(), PacketError> {
    match (pkt.auth_present, session_uses_auth) {
        (false, true) => Err(PacketError::AuthMissing),
        (true, false) => Err(PacketError::AuthUnexpected),
        _ => Ok(()),
    }
}

impl ControlPacket<'_> {
    /// Encode the 24-byte header with Length 24 and the A bit as in
    /// `auth_present`, for unauthenticated packets (`auth::AuthState::encode`
    /// writes authenticated ones). `length` and `auth` are ignored. Returns 24.
    ///
    /// # Panics
    /// If `buf` is shorter than 24 bytes (a programming error).
    pub fn encode(&self, buf: &mut [u8]) -> usize {
        self.encode_header(buf, MIN_LEN as u8, self.auth_present);
        MIN_LEN
    }

    /// The 24-byte header with the given Length field and A bit.
    pub(crate) fn encode_header(&self, buf: &mut [u8], length: u8, auth_present: bool) {
        let mut flags = (self.state as u8) << 6;
        for (set, bit) in [
            (self.poll, FLAG_POLL),
            (self.final_, FLAG_FINAL),
            (
                self.control_plane_independent,
                FLAG_CONTROL_PLANE_INDEPENDENT,
            ),
            (auth_present, FLAG_AUTH_PRESENT),
            (self.demand, FLAG_DEMAND),
            (self.multipoint, FLAG_MULTIPOINT),
        ] {
            if set {
                flags |= bit;
            }
        }
        let out = &mut buf[..MIN_LEN];
        out[0] = (self.version << 5) | (self.diag.0 & 0x1f);
        out[1] = flags;
        out[2] = self.detect_mult;
        out[3] = length;
        out[4..8].copy_from_slice(&self.my_discr.to_be_bytes());
        out[8..12].copy_from_slice(&self.your_discr.to_be_bytes());
        out[12..16].copy_from_slice(&self.desired_min_tx.to_be_bytes());
        out[16..20].copy_from_slice(&self.required_min_rx.to_be_bytes());
        out[20..24].copy_from_slice(&self.required_min_echo_rx.to_be_bytes());
    }
}
