//! BFD authentication (RFC 5880 §6.7): simple password, keyed and meticulous
//! keyed MD5 and SHA1, with the sequence-number rules and key IDs. Digests are
//! computed over the whole packet with the secret in the digest field (not HMAC).
//! `AuthState` is one session's bfd.AuthType/XmitAuthSeq/RcvAuthSeq/AuthSeqKnown;
//! it signs outgoing packets into a caller's buffer and verifies received ones,
//! allocating nothing on either path.

use std::fmt;

use md5::Md5;
use sha1::{Digest, Sha1};

use crate::packet::{AuthSection, ControlPacket, MIN_LEN};

/// Auth Type field values (§4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum AuthType {
    Simple = 1,
    KeyedMd5 = 2,
    MeticulousKeyedMd5 = 3,
    KeyedSha1 = 4,
    MeticulousKeyedSha1 = 5,
}

/// Longest simple password (§4.2: 1 to 16 bytes).
pub const MAX_PASSWORD_LEN: usize = 16;
/// Auth Len of a Keyed/Meticulous Keyed MD5 section (§4.3).
pub const MD5_SECTION_LEN: usize = 24;
/// Auth Len of a Keyed/Meticulous Keyed SHA1 section (§4.4).
pub const SHA1_SECTION_LEN: usize = 28;
/// Offset of the Auth Key/Digest field inside a keyed section
/// (type, len, key id, reserved, 4-byte sequence number).
const DIGEST_OFFSET: usize = 8;
/// Offset of the password inside a simple section (type, len, key id).
const PASSWORD_OFFSET: usize = 3;

impl AuthType {
    pub const ALL: [AuthType; 5] = [
        AuthType::Simple,
        AuthType::KeyedMd5,
        AuthType::MeticulousKeyedMd5,
        AuthType::KeyedSha1,
        AuthType::MeticulousKeyedSha1,
    ];

    /// The wire value; 0 and 6..=255 are reserved and yield None.
    pub fn from_u8(v: u8) -> Option<AuthType> {
        match v {
            1 => Some(AuthType::Simple),
            2 => Some(AuthType::KeyedMd5),
            3 => Some(AuthType::MeticulousKeyedMd5),
            4 => Some(AuthType::KeyedSha1),
            5 => Some(AuthType::MeticulousKeyedSha1),
            _ => None,
        }
    }

    /// Name used in configuration and `show` output.
    pub fn config_name(self) -> &'static str {
        match self {
            AuthType::Simple => "simple",
            AuthType::KeyedMd5 => "keyed-md5",
            AuthType::MeticulousKeyedMd5 => "meticulous-keyed-md5",
            AuthType::KeyedSha1 => "keyed-sha1",
            AuthType::MeticulousKeyedSha1 => "meticulous-keyed-sha1",
        }
    }

    pub fn from_config_name(name: &str) -> Option<AuthType> {
        AuthType::ALL.into_iter().find(|t| t.config_name() == name)
    }

    /// Longest secret: 16 bytes for a password or MD5 key, 20 for SHA1 (§4.2–4.4).
    pub fn max_secret_len(self) -> usize {
        match self {
            AuthType::Simple | AuthType::KeyedMd5 | AuthType::MeticulousKeyedMd5 => 16,
            AuthType::KeyedSha1 | AuthType::MeticulousKeyedSha1 => 20,
        }
    }

    /// Length of the Auth Key/Digest field: 16 (MD5), 20 (SHA1), 0 for simple.
    pub fn digest_len(self) -> usize {
        match self {
            AuthType::Simple => 0,
            AuthType::KeyedMd5 | AuthType::MeticulousKeyedMd5 => 16,
            AuthType::KeyedSha1 | AuthType::MeticulousKeyedSha1 => 20,
        }
    }

    /// Auth Len of the section: 3 + password length for simple (the only
    /// type where `secret_len` matters), 24 for MD5, 28 for SHA1.
    pub fn section_len(self, secret_len: usize) -> usize {
        match self {
            AuthType::Simple => PASSWORD_OFFSET + secret_len,
            AuthType::KeyedMd5 | AuthType::MeticulousKeyedMd5 => MD5_SECTION_LEN,
            AuthType::KeyedSha1 | AuthType::MeticulousKeyedSha1 => SHA1_SECTION_LEN,
        }
    }

    /// Meticulous types bump the sequence number on every packet and reject repeats.
    pub fn is_meticulous(self) -> bool {
        matches!(
            self,
            AuthType::MeticulousKeyedMd5 | AuthType::MeticulousKeyedSha1
        )
    }
}

impl fmt::Display for AuthType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.config_name())
    }
}

/// Why a configured secret was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthKeyError {
    Empty {
        auth_type: AuthType,
    },
    TooLong {
        auth_type: AuthType,
        len: usize,
        max: usize,
    },
}

impl fmt::Display for AuthKeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuthKeyError::Empty { auth_type } => {
                write!(f, "{auth_type} authentication needs a non-empty secret")
            }
            AuthKeyError::TooLong {
                auth_type,
                len,
                max,
            } => write!(
                f,
                "{auth_type} secret is {len} bytes long; at most {max} bytes are allowed"
            ),
        }
    }
}

impl std::error::Error for AuthKeyError {}

/// One configured key: the type, the Auth Key ID sent and expected, the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct AuthKey {
    pub auth_type: AuthType,
    pub key_id: u8,
    pub secret: Vec<u8>,
}

impl fmt::Debug for AuthKey {
    // Keep secrets out of logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthKey")
            .field("auth_type", &self.auth_type)
            .field("key_id", &self.key_id)
            .field("secret", &"<hidden>")
            .finish()
    }
}

impl AuthKey {
    pub fn new(auth_type: AuthType, key_id: u8, secret: &[u8]) -> Result<AuthKey, AuthKeyError> {
        if secret.is_empty() {
            return Err(AuthKeyError::Empty { auth_type });
        }
        let max = auth_type.max_secret_len();
        if secret.len() > max {
            return Err(AuthKeyError::TooLong {
                auth_type,
                len: secret.len(),
                max,
            });
        }
        Ok(AuthKey {
            auth_type,
            key_id,
            secret: secret.to_vec(),
        })
    }

    /// Auth Len of the section this key produces.
    pub fn section_len(&self) -> usize {
        self.auth_type.section_len(self.secret.len())
    }
}

/// Why a received packet failed authentication (§6.7); the engine counts all
/// of these as `PacketError::AuthFailed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthError {
    /// The packet has no authentication section.
    Missing,
    /// Auth Type differs from the session's.
    TypeMismatch,
    /// Auth Key ID differs from the configured key's.
    KeyIdMismatch,
    /// Simple password differs.
    WrongPassword,
    /// Keyed MD5/SHA1 digest differs.
    WrongDigest,
    /// Sequence number outside the accepted window.
    SequenceOutOfWindow,
    /// `raw` does not hold the packet `pkt` was parsed from.
    Malformed,
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AuthError::Missing => "no authentication section",
            AuthError::TypeMismatch => "authentication type mismatch",
            AuthError::KeyIdMismatch => "authentication key ID mismatch",
            AuthError::WrongPassword => "wrong password",
            AuthError::WrongDigest => "wrong digest",
            AuthError::SequenceOutOfWindow => "sequence number out of window",
            AuthError::Malformed => "packet bytes do not match the parsed packet",
        })
    }
}

impl std::error::Error for AuthError {}

/// A session's authentication state (§6.8.1 bfd.AuthType and friends).
///
/// Transmit sequence: bfd.XmitAuthSeq is incremented after every packet sent
/// for all four keyed types. §6.7.3/§6.7.4 require it for the meticulous types
/// and allow it for the plain keyed ones; doing it always keeps one code path
/// and still stays within a receiver's 3 × Detect Mult window, since the
/// receiver advances bfd.RcvAuthSeq on every packet it accepts.
#[derive(Debug, Clone)]
pub struct AuthState {
    key: AuthKey,
    /// bfd.XmitAuthSeq: the sequence number the next packet carries.
    xmit_seq: u32,
    /// bfd.RcvAuthSeq.
    rcv_seq: u32,
    /// bfd.AuthSeqKnown.
    seq_known: bool,
}

impl AuthState {
    /// `initial_xmit_seq` should be random (§6.8.1: bfd.XmitAuthSeq is
    /// initialized to a random 32-bit value).
    pub fn new(key: AuthKey, initial_xmit_seq: u32) -> AuthState {
        AuthState {
            key,
            xmit_seq: initial_xmit_seq,
            rcv_seq: 0,
            seq_known: false,
        }
    }

    pub fn key(&self) -> &AuthKey {
        &self.key
    }
    /// Replace the key (reconfiguration); sequence state is kept.
    pub fn set_key(&mut self, key: AuthKey) {
        self.key = key;
    }
    /// bfd.XmitAuthSeq: the sequence number of the next packet.
    pub fn xmit_seq(&self) -> u32 {
        self.xmit_seq
    }
    /// bfd.RcvAuthSeq.
    pub fn rcv_seq(&self) -> u32 {
        self.rcv_seq
    }
    /// bfd.AuthSeqKnown.
    pub fn seq_known(&self) -> bool {
        self.seq_known
    }

    /// bfd.AuthSeqKnown = 0: no packet for 2 × Detection Time (§6.8.1), so
    /// the next valid packet's sequence number is taken as is.
    pub fn reset_rx_seq(&mut self) {
        self.seq_known = false;
    }

    /// Encode `pkt` with the A bit, the Length covering the authentication
    /// section, and the section itself (digest per §6.7.3/§6.7.4). Returns the
    /// number of bytes written. `pkt.length`, `pkt.auth_present` and
    /// `pkt.auth` are ignored.
    ///
    /// # Panics
    /// If `buf` is shorter than the packet (24 + section, at most
    /// `packet::MAX_LEN`): a programming error, never outside input.
    pub fn encode(&mut self, pkt: &ControlPacket<'_>, buf: &mut [u8]) -> usize {
        let section_len = self.key.section_len();
        let total = MIN_LEN + section_len;
        // Secrets are at most 20 bytes, so total fits in the u8 Length field.
        pkt.encode_header(buf, total as u8, true);
        let sec = &mut buf[MIN_LEN..total];
        sec[0] = self.key.auth_type as u8;
        sec[1] = section_len as u8;
        sec[2] = self.key.key_id;
        if self.key.auth_type == AuthType::Simple {
            sec[PASSWORD_OFFSET..].copy_from_slice(&self.key.secret);
            return total;
        }
        sec[3] = 0; // Reserved: zero on transmit.
        sec[4..8].copy_from_slice(&self.xmit_seq.to_be_bytes());
        self.xmit_seq = self.xmit_seq.wrapping_add(1);
        // The digest field holds the secret, zero-padded, while hashing.
        let field = &mut sec[DIGEST_OFFSET..];
        field.fill(0);
        field[..self.key.secret.len()].copy_from_slice(&self.key.secret);
        let digest_start = MIN_LEN + DIGEST_OFFSET;
        match self.key.auth_type {
            AuthType::KeyedMd5 | AuthType::MeticulousKeyedMd5 => {
                let d = Md5::digest(&buf[..total]);
                buf[digest_start..total].copy_from_slice(&d);
            }
            _ => {
                let d = Sha1::digest(&buf[..total]);
                buf[digest_start..total].copy_from_slice(&d);
            }
        }
        total
    }

    /// Authenticate a received packet (§6.7.2–§6.7.4). `raw` is the datagram
    /// `pkt` was parsed from. Sequence state changes only when every check
    /// passes, so a forged or replayed packet cannot move the window.
    pub fn verify(&mut self, raw: &[u8], pkt: &ControlPacket<'_>) -> Result<(), AuthError> {
        let section = pkt.auth.ok_or(AuthError::Missing)?;
        if section.auth_type() != self.key.auth_type {
            return Err(AuthError::TypeMismatch);
        }
        if section.key_id() != self.key.key_id {
            return Err(AuthError::KeyIdMismatch);
        }
        match section {
            AuthSection::Simple { password, .. } => {
                if !ct_eq(password, &self.key.secret) {
                    return Err(AuthError::WrongPassword);
                }
                Ok(())
            }
            AuthSection::Keyed {
                sequence, digest, ..
            } => {
                self.check_sequence(sequence, pkt.detect_mult)?;
                self.check_digest(raw, pkt.length as usize, digest)?;
                self.rcv_seq = sequence;
                self.seq_known = true;
                Ok(())
            }
        }
    }

    /// Keyed: [RcvAuthSeq, RcvAuthSeq + 3·DetectMult]; meticulous: the same
    /// without its first value; both in 32-bit circular space. DetectMult is
    /// the received packet's.
    fn check_sequence(&self, seq: u32, detect_mult: u8) -> Result<(), AuthError> {
        if !self.seq_known {
            return Ok(());
        }
        let ahead = seq.wrapping_sub(self.rcv_seq);
        let lowest = u32::from(self.key.auth_type.is_meticulous());
        if ahead < lowest || ahead > 3 * u32::from(detect_mult) {
            return Err(AuthError::SequenceOutOfWindow);
        }
        Ok(())
    }

    /// Hash `raw[..length]` with the zero-padded secret in place of the
    /// received digest, fed in three pieces to avoid copying the packet.
    fn check_digest(&self, raw: &[u8], length: usize, received: &[u8]) -> Result<(), AuthError> {
        let dlen = self.key.auth_type.digest_len();
        let start = MIN_LEN + DIGEST_OFFSET;
        let end = start + dlen;
        if length > raw.len() || end > length || received.len() != dlen {
            return Err(AuthError::Malformed);
        }
        let mut padded = [0u8; 20];
        padded[..self.key.secret.len()].copy_from_slice(&self.key.secret);
        let padded = &padded[..dlen];
        let ok = match self.key.auth_type {
            AuthType::KeyedMd5 | AuthType::MeticulousKeyedMd5 => {
                let d = Md5::new()
                    .chain_update(&raw[..start])
                    .chain_update(padded)
                    .chain_update(&raw[end..length])
                    .finalize();
                ct_eq(&d, received)
            }
            _ => {
                let d = Sha1::new()
                    .chain_update(&raw[..start])
                    .chain_update(padded)
                    .chain_update(&raw[end..length])
                    .finalize();
                ct_eq(&d, received)
            }
        };
        if ok {
            Ok(())
        } else {
            Err(AuthError::WrongDigest)
        }
    }
}

/// Equality whose time depends only on the lengths, not on where bytes differ.
fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(diff) == 0
}
