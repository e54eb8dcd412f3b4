//! Config text for the daemons under test, in FRR 8.4's `bfd` block syntax
//! (shared by FRR's bfdd and bfdd-rs), plus bfdd-rs's authentication lines.

use std::fmt::Write;
use std::net::IpAddr;

/// The five RFC 5880 authentication types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthKind {
    Simple,
    KeyedMd5,
    MeticulousKeyedMd5,
    KeyedSha1,
    MeticulousKeyedSha1,
}

impl AuthKind {
    pub const ALL: [AuthKind; 5] = [
        AuthKind::Simple,
        AuthKind::KeyedMd5,
        AuthKind::MeticulousKeyedMd5,
        AuthKind::KeyedSha1,
        AuthKind::MeticulousKeyedSha1,
    ];

    /// The word bfdd-rs's `authentication-type` takes.
    pub fn frr_word(self) -> &'static str {
        match self {
            AuthKind::Simple => "simple",
            AuthKind::KeyedMd5 => "keyed-md5",
            AuthKind::MeticulousKeyedMd5 => "meticulous-keyed-md5",
            AuthKind::KeyedSha1 => "keyed-sha1",
            AuthKind::MeticulousKeyedSha1 => "meticulous-keyed-sha1",
        }
    }

    /// The words BIRD's `authentication` takes.
    pub fn bird_words(self) -> &'static str {
        match self {
            AuthKind::Simple => "simple",
            AuthKind::KeyedMd5 => "keyed md5",
            AuthKind::MeticulousKeyedMd5 => "meticulous keyed md5",
            AuthKind::KeyedSha1 => "keyed sha1",
            AuthKind::MeticulousKeyedSha1 => "meticulous keyed sha1",
        }
    }
}

/// An authentication setting: type, key id and secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Auth {
    pub kind: AuthKind,
    pub key_id: u8,
    pub secret: String,
}

impl Auth {
    pub fn new(kind: AuthKind, key_id: u8, secret: &str) -> Auth {
        Auth {
            kind,
            key_id,
            secret: secret.to_string(),
        }
    }
}

/// One `peer` of a `bfd` block.
#[derive(Debug, Clone)]
pub struct PeerConf {
    pub peer: IpAddr,
    pub local: Option<IpAddr>,
    pub interface: Option<String>,
    pub multihop: bool,
    pub detect_multiplier: Option<u8>,
    pub receive_interval: Option<u32>,
    pub transmit_interval: Option<u32>,
    pub passive: bool,
    pub shutdown: bool,
    pub minimum_ttl: Option<u8>,
    pub auth: Option<Auth>,
    /// `profile NAME` (the profile is defined elsewhere in the block).
    pub profile: Option<String>,
}

impl PeerConf {
    fn base(peer: IpAddr) -> PeerConf {
        PeerConf {
            peer,
            local: None,
            interface: None,
            multihop: false,
            detect_multiplier: None,
            receive_interval: None,
            transmit_interval: None,
            passive: false,
            shutdown: false,
            minimum_ttl: None,
            auth: None,
            profile: None,
        }
    }

    /// `peer ADDR interface IF`.
    pub fn single_hop(peer: impl Into<IpAddr>, interface: &str) -> PeerConf {
        PeerConf {
            interface: Some(interface.to_string()),
            ..PeerConf::base(peer.into())
        }
    }

    /// `peer ADDR multihop local-address LOCAL`.
    pub fn multihop(peer: impl Into<IpAddr>, local: impl Into<IpAddr>) -> PeerConf {
        PeerConf {
            local: Some(local.into()),
            multihop: true,
            ..PeerConf::base(peer.into())
        }
    }

    /// transmit-interval, receive-interval (ms) and detect-multiplier.
    pub fn timers(mut self, tx_ms: u32, rx_ms: u32, mult: u8) -> PeerConf {
        self.transmit_interval = Some(tx_ms);
        self.receive_interval = Some(rx_ms);
        self.detect_multiplier = Some(mult);
        self
    }

    pub fn passive(mut self, on: bool) -> PeerConf {
        self.passive = on;
        self
    }

    pub fn shutdown(mut self, on: bool) -> PeerConf {
        self.shutdown = on;
        self
    }

    pub fn minimum_ttl(mut self, ttl: u8) -> PeerConf {
        self.minimum_ttl = Some(ttl);
        self
    }

    pub fn profile(mut self, name: &str) -> PeerConf {
        self.profile = Some(name.to_string());
        self
    }

    pub fn auth(mut self, auth: Auth) -> PeerConf {
        self.auth = Some(auth);
        self
    }

    /// The `peer ...` line without indentation, as vtysh's BFD node takes it.
    pub fn header(&self) -> String {
        let mut s = format!("peer {}", self.peer);
        if self.multihop {
            s.push_str(" multihop");
        }
        if let Some(l) = self.local {
            let _ = write!(s, " local-address {l}");
        }
        if let Some(i) = &self.interface {
            let _ = write!(s, " interface {i}");
        }
        s
    }

    /// The peer's lines, indented for a `bfd` block, ending with ` exit`.
    pub fn render(&self) -> String {
        let mut s = format!(" {}\n", self.header());
        if let Some(p) = &self.profile {
            let _ = writeln!(s, "  profile {p}");
        }
        if let Some(m) = self.detect_multiplier {
            let _ = writeln!(s, "  detect-multiplier {m}");
        }
        if let Some(t) = self.transmit_interval {
            let _ = writeln!(s, "  transmit-interval {t}");
        }
        if let Some(r) = self.receive_interval {
            let _ = writeln!(s, "  receive-interval {r}");
        }
        if self.shutdown {
            s.push_str("  shutdown\n");
        }
        if self.passive {
            s.push_str("  passive-mode\n");
        }
        if let Some(t) = self.minimum_ttl {
            let _ = writeln!(s, "  minimum-ttl {t}");
        }
        if let Some(a) = &self.auth {
            let _ = writeln!(s, "  authentication-type {}", a.kind.frr_word());
            let _ = writeln!(s, "  authentication-key-id {}", a.key_id);
            let _ = writeln!(s, "  authentication-key {}", a.secret);
        }
        s.push_str(" exit\n !\n");
        s
    }
}

/// A whole `bfd` block holding `peers`.
pub fn bfd_block(peers: &[PeerConf]) -> String {
    let mut s = String::from("bfd\n");
    for p in peers {
        s.push_str(&p.render());
    }
    s.push_str("exit\n!\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{Ipv4Addr, Ipv6Addr};

    #[test]
    fn renders_frr_syntax() {
        let peers = [
            PeerConf::single_hop(Ipv4Addr::new(10, 0, 0, 2), "eth0").timers(200, 250, 3),
            PeerConf::multihop(
                Ipv6Addr::new(0xfd00, 0, 0, 0, 0, 0, 0, 2),
                Ipv6Addr::new(0xfd00, 0, 0, 0, 0, 0, 0, 1),
            )
            .minimum_ttl(60)
            .passive(true)
            .shutdown(true)
            .auth(Auth::new(AuthKind::MeticulousKeyedSha1, 7, "s3cret")),
        ];
        let text = bfd_block(&peers);
        assert_eq!(
            text,
            "bfd\n peer 10.0.0.2 interface eth0\n  detect-multiplier 3\n  transmit-interval 200\n  receive-interval 250\n exit\n !\n peer fd00::2 multihop local-address fd00::1\n  shutdown\n  passive-mode\n  minimum-ttl 60\n  authentication-type meticulous-keyed-sha1\n  authentication-key-id 7\n  authentication-key s3cret\n exit\n !\nexit\n!\n"
        );
    }
}
