//! What identifies a session and what the endpoint is given to run one:
//! its key (RFC 5881 §3 and RFC 5883: the peer, the local address and
//! interface when known, the VRF, single-hop or multihop), its timers and
//! flags, its authentication secret and, for multihop, the minimum TTL.

use std::net::IpAddr;

use crate::auth::AuthType;
use crate::session::SessionParams;

/// Identity of a session: (peer, local, interface, vrf, multihop).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SessionKey {
    pub peer: IpAddr,
    /// Local address; None = unspecified (single-hop only).
    pub local: Option<IpAddr>,
    /// Interface name; None = any (single-hop only).
    pub ifname: Option<String>,
    /// VRF name; "default" for the default VRF.
    pub vrf: String,
    pub multihop: bool,
}

/// Authentication for one session (§6.7): validated before it gets here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthSpec {
    pub auth_type: AuthType,
    pub key_id: u8,
    pub secret: Vec<u8>,
}

/// Everything the endpoint needs to create or reconfigure a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionConfig {
    pub key: SessionKey,
    pub params: SessionParams,
    pub auth: Option<AuthSpec>,
    /// Multihop: drop packets whose TTL is below this (RFC 5883 §5; 254 by
    /// default).
    pub minimum_ttl: u8,
}

impl SessionConfig {
    /// A session for `key` with `params`, no authentication and minimum TTL 254.
    pub fn new(key: SessionKey, params: SessionParams) -> SessionConfig {
        SessionConfig {
            key,
            params,
            auth: None,
            minimum_ttl: 254,
        }
    }
}
