//! The Auth Type field (RFC 5880 §4.1) and the layout facts of each type's
//! section (§4.2–4.4): lengths and offsets that both the parser and the
//! signer need, kept apart from either so neither imports the other.

use std::fmt;

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
pub(crate) const DIGEST_OFFSET: usize = 8;
/// Offset of the password inside a simple section (type, len, key id).
pub(crate) const PASSWORD_OFFSET: usize = 3;

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
