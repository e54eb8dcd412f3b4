//! What the `bfd` block of a config holds: peers, profiles, `debug bfd`
//! flags and each node's settings, with FRR 8.4's defaults, and the error
//! that stops the daemon from using a file.

use std::fmt;
use std::net::IpAddr;

use bfd::auth::AuthType;

/// Key ID used when `authentication-key-id` is not given. BIRD numbers the
/// passwords of a list from 1 when no `id` is set, so 1 interoperates with a
/// BIRD peer configured with a single `password "..."`.
pub const DEFAULT_AUTH_KEY_ID: u8 = 1;

/// FRR 8.4 defaults (yang/frr-bfdd.yang).
pub const DEFAULT_DETECT_MULTIPLIER: u8 = 3;
pub const DEFAULT_INTERVAL_MS: u32 = 300;
pub const DEFAULT_ECHO_INTERVAL_MS: u32 = 50;
pub const DEFAULT_MINIMUM_TTL: u8 = 254;
pub const DEFAULT_VRF: &str = "default";

/// The whole bfdd-relevant content of a config file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Config {
    /// In order of first appearance (FRR keeps list entries in insertion order).
    pub peers: Vec<PeerConfig>,
    pub profiles: Vec<ProfileConfig>,
    pub debug: DebugFlags,
}

/// Top-level `debug bfd ...` lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DebugFlags {
    pub peer: bool,
    pub zebra: bool,
    pub network: bool,
    pub distributed: bool,
}

/// One `peer` node. The key is (peer, interface, vrf) for single-hop and
/// (peer, local-address, vrf) for multihop, as in FRR's YANG lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerConfig {
    pub peer: IpAddr,
    pub multihop: bool,
    /// Required for multihop; optional source address for single-hop.
    pub local_address: Option<IpAddr>,
    /// Single-hop only.
    pub interface: Option<String>,
    /// "default" unless `vrf NAME` was given.
    pub vrf: String,
    /// Attached profile name; may name a profile that does not exist.
    pub profile: Option<String>,
    pub settings: Settings,
}

/// One `profile NAME` node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileConfig {
    pub name: String,
    pub settings: Settings,
}

/// The settings a peer or profile node holds, in the CLI's units (ms).
/// Unset values hold FRR's defaults: like FRR, "set to the default" and
/// "not set" are the same thing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub detect_multiplier: u8,
    pub receive_interval_ms: u32,
    pub transmit_interval_ms: u32,
    pub shutdown: bool,
    pub passive_mode: bool,
    pub echo_mode: bool,
    pub echo_transmit_interval_ms: u32,
    /// 0 = `echo receive-interval disabled`.
    pub echo_receive_interval_ms: u32,
    pub minimum_ttl: u8,
    /// Our extension; validated (type, key id and a secret of legal length).
    pub auth: Option<AuthConfig>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            detect_multiplier: DEFAULT_DETECT_MULTIPLIER,
            receive_interval_ms: DEFAULT_INTERVAL_MS,
            transmit_interval_ms: DEFAULT_INTERVAL_MS,
            shutdown: false,
            passive_mode: false,
            echo_mode: false,
            echo_transmit_interval_ms: DEFAULT_ECHO_INTERVAL_MS,
            echo_receive_interval_ms: DEFAULT_ECHO_INTERVAL_MS,
            minimum_ttl: DEFAULT_MINIMUM_TTL,
            auth: None,
        }
    }
}

/// Authentication of a peer or profile (RFC 5880 §6.7).
#[derive(Clone, PartialEq, Eq)]
pub struct AuthConfig {
    pub auth_type: AuthType,
    pub key_id: u8,
    pub secret: Vec<u8>,
}

// Hand-written so the secret never lands in a log through `{:?}`.
impl fmt::Debug for AuthConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthConfig")
            .field("auth_type", &self.auth_type)
            .field("key_id", &self.key_id)
            .field("secret", &format_args!("<{} bytes>", self.secret.len()))
            .finish()
    }
}

/// A config file that must not be used. `line` is 1-based; 0 means the file
/// as a whole (e.g. it cannot be read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub file: String,
    pub line: usize,
    pub message: String,
    /// The offending line, trimmed, with any secret masked; empty if none.
    pub text: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file, self.message)?;
        } else {
            write!(f, "{}:{}: {}", self.file, self.line, self.message)?;
        }
        if !self.text.is_empty() {
            write!(f, "\n    {}", self.text)?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigError {}
