//! Parsing (nom) and encoding of the Control packet, side by side so a
//! round-trip test pins them together; parsing applies the context-free
//! reception checks of RFC 5880 §6.8.6.

use nom::bytes::complete::take;
use nom::number::complete::{be_u32, be_u8};
use nom::sequence::tuple;
use nom::IResult;

use super::{
    AuthSection, AuthType, ControlPacket, Diag, PacketError, State, FLAG_AUTH_PRESENT,
    FLAG_CONTROL_PLANE_INDEPENDENT, FLAG_DEMAND, FLAG_FINAL, FLAG_MULTIPOINT, FLAG_POLL,
    MAX_PASSWORD_LEN, MIN_AUTH_LEN, MIN_LEN, VERSION,
};

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
        AuthType::Simple => (4..=3 + MAX_PASSWORD_LEN).contains(&auth_len),
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
