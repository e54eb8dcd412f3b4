//! Config-file names of the authentication types and their secret limits.
//! Private to the config module until `crate::auth` exposes the same
//! helpers (`config_name`/`from_config_name`/`max_secret_len`); then these
//! go away.

use crate::auth::AuthType;

const NAMES: [(AuthType, &str); 5] = [
    (AuthType::Simple, "simple"),
    (AuthType::KeyedMd5, "keyed-md5"),
    (AuthType::MeticulousKeyedMd5, "meticulous-keyed-md5"),
    (AuthType::KeyedSha1, "keyed-sha1"),
    (AuthType::MeticulousKeyedSha1, "meticulous-keyed-sha1"),
];

/// The word used after `authentication-type`.
pub(super) fn auth_type_config_name(t: AuthType) -> &'static str {
    NAMES
        .iter()
        .find(|(k, _)| *k == t)
        .map(|(_, n)| *n)
        .unwrap_or("simple")
}

/// Inverse of `auth_type_config_name` (exact, lower case).
pub(super) fn auth_type_from_config_name(name: &str) -> Option<AuthType> {
    NAMES.iter().find(|(_, n)| *n == name).map(|(k, _)| *k)
}

/// Longest secret the type carries (RFC 5880 §4.2–4.4): a simple password
/// is 1–16 bytes, an MD5 key 16 bytes (shorter keys are zero-padded), a
/// SHA1 key 20 bytes.
pub(super) fn auth_type_max_secret_len(t: AuthType) -> usize {
    match t {
        AuthType::Simple | AuthType::KeyedMd5 | AuthType::MeticulousKeyedMd5 => 16,
        AuthType::KeyedSha1 | AuthType::MeticulousKeyedSha1 => 20,
    }
}

/// All names, for error messages.
pub(super) fn all_names() -> String {
    NAMES.iter().map(|(_, n)| *n).collect::<Vec<_>>().join("|")
}
