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

impl ControlPacket<'static> {
    /// A plain packet: version 1, no flags, no authentication, Detect Mult 3,
    /// both intervals `interval_us`, no echo. Callers override the rest with
    /// struct-update syntax.
    pub fn plain(state: State, my_discr: u32, your_discr: u32, interval_us: u32) -> Self {
        ControlPacket {
            version: VERSION,
            diag: Diag::NONE,
            state,
            poll: false,
            final_: false,
            control_plane_independent: false,
            auth_present: false,
            demand: false,
            multipoint: false,
            detect_mult: 3,
            length: MIN_LEN as u8,
            my_discr,
            your_discr,
            desired_min_tx: interval_us,
            required_min_rx: interval_us,
            required_min_echo_rx: 0,
            auth: None,
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::{AuthKey, AuthState};
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};

    /// A valid Up packet with every flag clear.
    fn sample() -> ControlPacket<'static> {
        ControlPacket {
            required_min_rx: 200_000,
            required_min_echo_rx: 50_000,
            ..ControlPacket::plain(State::Up, 0x0102_0304, 0x0506_0708, 300_000)
        }
    }

    fn sample_bytes() -> [u8; 24] {
        let mut b = [0u8; 24];
        sample().encode(&mut b);
        b
    }

    /// [P, F, C, A, D, M] as parsed.
    fn flags_of(p: &ControlPacket<'_>) -> [bool; 6] {
        [
            p.poll,
            p.final_,
            p.control_plane_independent,
            p.auth_present,
            p.demand,
            p.multipoint,
        ]
    }

    const FLAG_BITS: [u8; 6] = [0x20, 0x10, 0x08, 0x04, 0x02, 0x01];

    fn one_hot(i: usize) -> [bool; 6] {
        let mut f = [false; 6];
        f[i] = true;
        f
    }

    #[test]
    fn encode_is_byte_exact() {
        let mut p = sample();
        p.diag = Diag::PATH_DOWN;
        p.state = State::Init;
        p.poll = true;
        p.demand = true;
        p.detect_mult = 5;
        p.my_discr = 0xdead_beef;
        p.your_discr = 1;
        p.desired_min_tx = 1_000_000;
        p.required_min_rx = 0x0a0b_0c0d;
        p.required_min_echo_rx = 0;
        let mut buf = [0xffu8; 30];
        assert_eq!(p.encode(&mut buf), 24);
        let expected: [u8; 24] = [
            0x25, // version 1, diag 5
            0xa2, // Init (2 << 6) | P | D
            5, 24, //
            0xde, 0xad, 0xbe, 0xef, //
            0, 0, 0, 1, //
            0x00, 0x0f, 0x42, 0x40, // 1 s
            0x0a, 0x0b, 0x0c, 0x0d, //
            0, 0, 0, 0,
        ];
        assert_eq!(&buf[..24], &expected);
        assert_eq!(&buf[24..], &[0xff; 6], "encode wrote past 24 bytes");
    }

    #[test]
    fn round_trip_many() {
        let states = [State::AdminDown, State::Down, State::Init, State::Up];
        let mut n = 0;
        for (si, state) in states.into_iter().enumerate() {
            for diag in 0..32u8 {
                for flags in 0..16u8 {
                    let mut p = sample();
                    p.state = state;
                    p.diag = Diag(diag);
                    p.poll = flags & 1 != 0;
                    p.final_ = flags & 2 != 0;
                    p.control_plane_independent = flags & 4 != 0;
                    p.demand = flags & 8 != 0;
                    p.detect_mult = 1 + (diag.wrapping_mul(37) ^ flags);
                    p.my_discr = u32::MAX - u32::from(diag);
                    p.your_discr = if si < 2 && flags & 1 == 0 {
                        0
                    } else {
                        u32::from(flags) + 1
                    };
                    p.desired_min_tx = u32::from(diag) * 1000 + u32::from(flags);
                    p.required_min_rx = u32::MAX - u32::from(flags);
                    p.required_min_echo_rx = u32::from(diag) << 24;
                    let mut buf = [0u8; MAX_LEN];
                    let len = p.encode(&mut buf);
                    assert_eq!(parse(&buf[..len]), Ok(p));
                    n += 1;
                }
            }
        }
        assert_eq!(n, 4 * 32 * 16);
    }

    #[test]
    fn each_flag_bit_parses_alone() {
        for (i, bit) in FLAG_BITS.into_iter().enumerate() {
            let mut b = [0u8; 40];
            b[..24].copy_from_slice(&sample_bytes());
            assert_eq!(b[1] & 0x3f, 0, "sample has no flags");
            b[1] |= bit;
            match bit {
                FLAG_AUTH_PRESENT => {
                    // A needs a section: simple, key 1, password "pw".
                    b[3] = 29;
                    b[24..29].copy_from_slice(&[1, 5, 1, b'p', b'w']);
                    let p = parse(&b[..29]).unwrap();
                    assert_eq!(flags_of(&p), one_hot(i));
                }
                FLAG_MULTIPOINT => {
                    assert_eq!(parse(&b[..24]), Err(PacketError::Multipoint));
                }
                _ => {
                    let p = parse(&b[..24]).unwrap();
                    assert_eq!(flags_of(&p), one_hot(i), "bit {bit:#04x}");
                    assert_eq!(p.state, State::Up);
                }
            }
        }
    }

    #[test]
    fn each_flag_field_encodes_alone() {
        for (i, bit) in FLAG_BITS.into_iter().enumerate() {
            let mut p = sample();
            let f = one_hot(i);
            p.poll = f[0];
            p.final_ = f[1];
            p.control_plane_independent = f[2];
            p.auth_present = f[3];
            p.demand = f[4];
            p.multipoint = f[5];
            let mut b = [0u8; 24];
            p.encode(&mut b);
            assert_eq!(b[1], (State::Up as u8) << 6 | bit, "field {i}");
        }
    }

    #[test]
    fn state_field_extraction() {
        for (bits, state) in [
            (0, State::AdminDown),
            (1, State::Down),
            (2, State::Init),
            (3, State::Up),
        ] {
            let mut b = sample_bytes();
            b[1] = bits << 6;
            assert_eq!(parse(&b).unwrap().state, state);
            assert_eq!(State::from_bits(bits), state);
        }
        // Total: only the two low bits count.
        for v in 0..=255u8 {
            assert_eq!(State::from_bits(v) as u8, v & 3);
        }
    }

    #[test]
    fn diag_and_version_field_extraction() {
        for d in 0..32u8 {
            let mut b = sample_bytes();
            b[0] = 0x20 | d;
            let p = parse(&b).unwrap();
            assert_eq!(p.diag, Diag(d));
            assert_eq!(p.version, 1);
        }
        let mut b = sample_bytes();
        b[0] = 0x20 | 7;
        assert_eq!(parse(&b).unwrap().diag, Diag::ADMINISTRATIVELY_DOWN);
    }

    #[test]
    fn err_too_short() {
        let b = sample_bytes();
        for n in 0..24 {
            assert_eq!(parse(&b[..n]), Err(PacketError::TooShort));
        }
    }

    #[test]
    fn err_bad_version() {
        for v in [0u8, 2, 3, 7] {
            let mut b = sample_bytes();
            b[0] = v << 5;
            assert_eq!(parse(&b), Err(PacketError::BadVersion));
        }
    }

    #[test]
    fn err_bad_length() {
        let mut b = sample_bytes();
        b[3] = 23;
        assert_eq!(parse(&b), Err(PacketError::BadLength));
        b[3] = 0;
        assert_eq!(parse(&b), Err(PacketError::BadLength));
        // With A set the minimum is 26.
        let mut b = [0u8; 40];
        b[..24].copy_from_slice(&sample_bytes());
        b[1] |= FLAG_AUTH_PRESENT;
        b[24..29].copy_from_slice(&[1, 5, 1, b'p', b'w']);
        for len in [24u8, 25] {
            b[3] = len;
            assert_eq!(parse(&b), Err(PacketError::BadLength), "len {len}");
        }
    }

    #[test]
    fn err_length_exceeds_payload_and_trailing_bytes_ignored() {
        let mut b = [0u8; 30];
        b[..24].copy_from_slice(&sample_bytes());
        b[3] = 25;
        assert_eq!(parse(&b[..24]), Err(PacketError::LengthExceedsPayload));
        // Length 24 with 6 trailing bytes: the extra bytes are ignored.
        b[3] = 24;
        b[24..].copy_from_slice(&[9; 6]);
        let p = parse(&b).unwrap();
        assert_eq!(p.length, 24);
        assert_eq!(p.auth, None);
    }

    #[test]
    fn err_zero_detect_mult() {
        let mut b = sample_bytes();
        b[2] = 0;
        assert_eq!(parse(&b), Err(PacketError::ZeroDetectMult));
    }

    #[test]
    fn err_multipoint() {
        let mut b = sample_bytes();
        b[1] |= FLAG_MULTIPOINT;
        assert_eq!(parse(&b), Err(PacketError::Multipoint));
    }

    #[test]
    fn err_zero_my_discr() {
        let mut b = sample_bytes();
        b[4..8].fill(0);
        assert_eq!(parse(&b), Err(PacketError::ZeroMyDiscr));
    }

    #[test]
    fn err_zero_your_discr_depends_on_packet_state() {
        for (state, ok) in [
            (State::AdminDown, true),
            (State::Down, true),
            (State::Init, false),
            (State::Up, false),
        ] {
            let mut b = sample_bytes();
            b[1] = (state as u8) << 6;
            b[8..12].fill(0);
            let r = parse(&b);
            if ok {
                assert_eq!(r.unwrap().your_discr, 0);
            } else {
                assert_eq!(r, Err(PacketError::ZeroYourDiscr), "{state:?}");
            }
        }
    }

    /// Header with the A bit and the given section, Length covering it.
    fn with_section(section: &[u8]) -> ([u8; MAX_LEN], usize) {
        let mut b = [0u8; MAX_LEN];
        b[..24].copy_from_slice(&sample_bytes());
        b[1] |= FLAG_AUTH_PRESENT;
        let len = 24 + section.len();
        b[3] = len as u8;
        b[24..len].copy_from_slice(section);
        (b, len)
    }

    #[test]
    fn err_bad_auth_type() {
        for ty in [0u8, 6, 255] {
            let (b, len) = with_section(&[ty, 4, 1, b'x']);
            assert_eq!(parse(&b[..len]), Err(PacketError::BadAuthType), "type {ty}");
        }
    }

    #[test]
    fn err_bad_auth_len() {
        let mut md5 = [0u8; 24];
        md5[0] = 2;
        md5[1] = 24;
        let mut sha1 = [0u8; 28];
        sha1[0] = 4;
        sha1[1] = 28;
        // Well-formed sections parse.
        for s in [&md5[..], &sha1[..], &[1, 4, 1, b'x'][..]] {
            let (b, len) = with_section(s);
            assert!(parse(&b[..len]).is_ok());
        }
        let mut password = [b'p'; 20];
        password[0] = 1;
        password[2] = 1;
        // Simple: 3 (empty password) and 20 (17 bytes) are out of range.
        for auth_len in [3u8, 20] {
            password[1] = auth_len;
            let (b, len) = with_section(&password[..auth_len as usize]);
            assert_eq!(parse(&b[..len]), Err(PacketError::BadAuthLen));
        }
        for ty in [2u8, 3] {
            for auth_len in [23u8, 25, 28] {
                let mut s = md5;
                s[0] = ty;
                s[1] = auth_len;
                let (b, len) = with_section(&s);
                assert_eq!(parse(&b[..len]), Err(PacketError::BadAuthLen));
            }
        }
        for ty in [4u8, 5] {
            for auth_len in [24u8, 27, 29] {
                let mut s = sha1;
                s[0] = ty;
                s[1] = auth_len;
                let (b, len) = with_section(&s);
                assert_eq!(parse(&b[..len]), Err(PacketError::BadAuthLen));
            }
        }
        // Auth Len runs past the Length field, even with bytes after it.
        let (mut b, len) = with_section(&md5);
        b[3] = (len - 1) as u8;
        assert_eq!(parse(&b[..len]), Err(PacketError::BadAuthLen));
        let (mut b, _) = with_section(&[1, 6, 1, b'a', b'b', b'c']);
        b[3] = 27;
        assert_eq!(parse(&b), Err(PacketError::BadAuthLen));
    }

    #[test]
    fn err_auth_presence() {
        let (b, len) = with_section(&[1, 4, 1, b'x']);
        let with_a = parse(&b[..len]).unwrap();
        let plain = sample_bytes();
        let without_a = parse(&plain).unwrap();
        assert_eq!(
            check_auth_presence(&with_a, false),
            Err(PacketError::AuthUnexpected)
        );
        assert_eq!(
            check_auth_presence(&without_a, true),
            Err(PacketError::AuthMissing)
        );
        assert_eq!(check_auth_presence(&with_a, true), Ok(()));
        assert_eq!(check_auth_presence(&without_a, false), Ok(()));
    }

    #[test]
    fn engine_error_variants_count_and_convert() {
        let mut c = RxErrorCounters::new();
        for e in [
            PacketError::TtlInvalid,
            PacketError::NoSession,
            PacketError::NoSession,
            PacketError::from(crate::auth::AuthError::WrongDigest),
        ] {
            c.bump(&e);
        }
        assert_eq!(c.get(&PacketError::TtlInvalid), 1);
        assert_eq!(c.get(&PacketError::NoSession), 2);
        assert_eq!(c.get(&PacketError::AuthFailed), 1);
        assert_eq!(c.get(&PacketError::TooShort), 0);
        assert_eq!(c.total(), 4);
    }

    #[test]
    fn counters_have_stable_unique_names_in_order() {
        let mut names: Vec<&str> = PacketError::ALL.iter().map(|e| e.name()).collect();
        for n in &names {
            assert!(n.chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{n}");
        }
        for (i, e) in PacketError::ALL.iter().enumerate() {
            assert_eq!(e.index(), i, "{e:?} out of order");
        }
        names.sort();
        names.dedup();
        assert_eq!(names.len(), PacketError::COUNT);

        let mut c = RxErrorCounters::default();
        for (i, e) in PacketError::ALL.iter().enumerate() {
            for _ in 0..=i {
                c.bump(e);
            }
        }
        let listed: Vec<(&str, u64)> = c.iter().collect();
        assert_eq!(listed.len(), PacketError::COUNT);
        for (i, (name, n)) in listed.into_iter().enumerate() {
            assert_eq!(name, PacketError::ALL[i].name());
            assert_eq!(n, i as u64 + 1);
        }
    }

    /// A random packet that `parse` must accept.
    fn random_valid(rng: &mut StdRng) -> ControlPacket<'static> {
        let state = State::from_bits(rng.gen());
        let your_discr = if matches!(state, State::Down | State::AdminDown) && rng.gen_bool(0.3) {
            0
        } else {
            rng.gen_range(1..=u32::MAX)
        };
        ControlPacket {
            version: 1,
            diag: Diag(rng.gen_range(0..32)),
            state,
            poll: rng.gen(),
            final_: rng.gen(),
            control_plane_independent: rng.gen(),
            auth_present: false,
            demand: rng.gen(),
            multipoint: false,
            detect_mult: rng.gen_range(1..=255),
            length: 24,
            my_discr: rng.gen_range(1..=u32::MAX),
            your_discr,
            desired_min_tx: rng.gen(),
            required_min_rx: rng.gen(),
            required_min_echo_rx: rng.gen(),
            auth: None,
        }
    }

    fn random_key(rng: &mut StdRng) -> AuthKey {
        let t = crate::auth::AuthType::ALL[rng.gen_range(0..5)];
        let len = rng.gen_range(1..=t.max_secret_len());
        let mut secret = [0u8; 20];
        rng.fill(&mut secret[..]);
        AuthKey::new(t, rng.gen(), &secret[..len]).unwrap()
    }

    /// Parse never panics on random or mutated input, and valid packets
    /// survive encode → parse unchanged (authenticated ones also verify).
    #[test]
    fn randomized_robustness() {
        let mut rng = StdRng::seed_from_u64(0x5880_5881);
        let mut buf = [0u8; 80];
        let mut parsed_ok = 0u32;
        for iter in 0..200_000u32 {
            let p = random_valid(&mut rng);
            let len = match iter % 4 {
                // Pure noise, any length.
                0 => {
                    rng.fill(&mut buf[..]);
                    rng.gen_range(0..=buf.len())
                }
                // Valid unauthenticated packet.
                1 => {
                    let len = p.encode(&mut buf);
                    assert_eq!(parse(&buf[..len]), Ok(p));
                    len
                }
                // Valid authenticated packet.
                _ => {
                    let key = random_key(&mut rng);
                    let mut tx = AuthState::new(key.clone(), rng.gen());
                    let mut rx = AuthState::new(key, 0);
                    let len = tx.encode(&p, &mut buf);
                    let q = parse(&buf[..len]).unwrap();
                    let mut expect = p;
                    expect.auth_present = true;
                    expect.length = len as u8;
                    expect.auth = q.auth;
                    assert_eq!(q, expect);
                    assert!(q.auth.is_some());
                    assert_eq!(rx.verify(&buf[..len], &q), Ok(()));
                    len
                }
            };
            // Mutate: flip bits, overwrite bytes, or truncate/extend.
            if iter % 4 != 0 {
                for _ in 0..rng.gen_range(1..4) {
                    match rng.gen_range(0..3) {
                        0 => buf[rng.gen_range(0..len)] ^= 1 << rng.gen_range(0..8),
                        1 => buf[rng.gen_range(0..len)] = rng.gen(),
                        _ => {}
                    }
                }
            }
            let cut = if iter % 7 == 0 {
                rng.gen_range(0..=buf.len())
            } else {
                len
            };
            if let Ok(q) = parse(&buf[..cut]) {
                parsed_ok += 1;
                assert!(q.length as usize <= cut);
                assert!(q.detect_mult != 0 && q.my_discr != 0 && !q.multipoint);
            }
        }
        assert!(parsed_ok > 10_000, "mutations too destructive: {parsed_ok}");
    }
}
