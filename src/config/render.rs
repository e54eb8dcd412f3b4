//! FRR 8.4's running-config text for bfdd (bfdd_write_config and the
//! northbound CLI callbacks): `debug bfd` lines, then `bfd` with profiles
//! first, then single-hop peers, then multihop peers (the YANG schema
//! order), each in insertion order; leaves equal to their YANG default are
//! not printed. Our auth lines come last in each node. The secret is
//! printed: this is config text, like FRR's own passwords.

use std::fmt::Write;

use super::model::{Config, PeerConfig, Settings, DEFAULT_AUTH_KEY_ID, DEFAULT_VRF};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    SingleHop,
    MultiHop,
    Profile,
}

impl Config {
    /// FRR 8.4's running-config text for bfdd: `debug bfd` lines, then the
    /// `bfd` block with defaults suppressed; our auth lines close each node.
    pub fn render(&self) -> String {
        render(self)
    }
}

fn render(cfg: &Config) -> String {
    let mut out = String::new();
    let d = &cfg.debug;
    for (on, name) in [
        (d.distributed, "distributed"),
        (d.peer, "peer"),
        (d.zebra, "zebra"),
        (d.network, "network"),
    ] {
        if on {
            let _ = writeln!(out, "debug bfd {name}");
        }
    }
    if cfg.peers.is_empty() && cfg.profiles.is_empty() {
        return out;
    }
    out.push_str("!\nbfd\n");
    for p in &cfg.profiles {
        let _ = writeln!(out, " profile {}", p.name);
        settings(&mut out, &p.settings, Kind::Profile);
        out.push_str(" exit\n !\n");
    }
    let single = cfg.peers.iter().filter(|p| !p.multihop);
    let multi = cfg.peers.iter().filter(|p| p.multihop);
    for p in single.chain(multi) {
        peer(&mut out, p);
    }
    out.push_str("exit\n!\n");
    out
}

fn peer(out: &mut String, p: &PeerConfig) {
    let _ = write!(out, " peer {}", p.peer);
    if p.multihop {
        out.push_str(" multihop");
    }
    if let Some(l) = p.local_address {
        let _ = write!(out, " local-address {l}");
    }
    if p.vrf != DEFAULT_VRF {
        let _ = write!(out, " vrf {}", p.vrf);
    }
    if let (false, Some(i)) = (p.multihop, &p.interface) {
        let _ = write!(out, " interface {i}");
    }
    out.push('\n');
    if let Some(name) = &p.profile {
        let _ = writeln!(out, "  profile {name}");
    }
    let kind = if p.multihop {
        Kind::MultiHop
    } else {
        Kind::SingleHop
    };
    settings(out, &p.settings, kind);
    out.push_str(" exit\n !\n");
}

fn settings(out: &mut String, s: &Settings, kind: Kind) {
    let d = Settings::default();
    if s.detect_multiplier != d.detect_multiplier {
        let _ = writeln!(out, "  detect-multiplier {}", s.detect_multiplier);
    }
    if s.transmit_interval_ms != d.transmit_interval_ms {
        let _ = writeln!(out, "  transmit-interval {}", s.transmit_interval_ms);
    }
    if s.receive_interval_ms != d.receive_interval_ms {
        let _ = writeln!(out, "  receive-interval {}", s.receive_interval_ms);
    }
    if s.shutdown {
        out.push_str("  shutdown\n");
    }
    if s.passive_mode {
        out.push_str("  passive-mode\n");
    }
    if kind != Kind::MultiHop {
        if s.echo_mode {
            out.push_str("  echo-mode\n");
        }
        if s.echo_transmit_interval_ms != d.echo_transmit_interval_ms {
            let _ = writeln!(
                out,
                "  echo transmit-interval {}",
                s.echo_transmit_interval_ms
            );
        }
        if s.echo_receive_interval_ms != d.echo_receive_interval_ms {
            if s.echo_receive_interval_ms == 0 {
                out.push_str("  echo receive-interval disabled\n");
            } else {
                let _ = writeln!(
                    out,
                    "  echo receive-interval {}",
                    s.echo_receive_interval_ms
                );
            }
        }
    }
    if kind != Kind::SingleHop && s.minimum_ttl != d.minimum_ttl {
        let _ = writeln!(out, "  minimum-ttl {}", s.minimum_ttl);
    }
    if let Some(a) = &s.auth {
        let _ = writeln!(out, "  authentication-type {}", a.auth_type.config_name());
        if a.key_id != DEFAULT_AUTH_KEY_ID {
            let _ = writeln!(out, "  authentication-key-id {}", a.key_id);
        }
        let _ = writeln!(
            out,
            "  authentication-key {}",
            String::from_utf8_lossy(&a.secret)
        );
    }
}
