//! BFD authentication (RFC 5880 §6.7): simple password, keyed and meticulous
//! keyed MD5 and SHA1, with the sequence-number rules and key IDs. Digests are
//! computed over the whole packet with the secret in the digest field (not HMAC).
//!
//! SKELETON: types are the agreed interface; bodies are being written.

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
