//! Line parser for frr.conf. It follows FRR's config reader: each line is a
//! command of the current node; a line the node does not know is retried in
//! the parent node (peer/profile -> bfd -> top), which is how FRR leaves a
//! node without `exit`. Top level skips what is not bfdd's, so a shared
//! frr.conf works. One heuristic stands in for FRR's full command table: a
//! line unknown to every bfd node leaves the block only if it starts in
//! column 0 (how FRR writes top-level commands); indented, it is an error.

use std::net::IpAddr;

use super::{
    AuthConfig, Config, ConfigError, DebugFlags, PeerConfig, ProfileConfig, Settings,
    DEFAULT_AUTH_KEY_ID, DEFAULT_MINIMUM_TTL, DEFAULT_VRF,
};
use crate::auth::AuthType;

const INCOMPLETE: &str = "% Command incomplete.";
const ECHO_ONLY_SINGLE_HOP: &str = "% Echo mode is only available for single hop sessions.";
const TTL_ONLY_MULTI_HOP: &str = "% Minimum TTL is only available for multi hop sessions.";
const NO_TTL_ON_SINGLE_HOP: &str =
    "% Failed to edit configuration.\n\nYANG error(s):\n Not found node \"minimum-ttl\" in path.";
const ECHO_WARNING: &str =
    "% Echo mode works correctly for IPv4, but only works when the peer is also FRR for IPv6.";
/// Linux IFNAMSIZ - 1.
const MAX_IFNAME_LEN: usize = 15;
/// FRR's VRF_NAMSIZ - 1.
const MAX_VRF_LEN: usize = 35;
/// yang/frr-bfdd.yang profile-name.
const MAX_PROFILE_NAME_LEN: usize = 64;

/// FRR's CLI node the reader is in. Peer and profile nodes hold the index
/// of their entry in the editor's lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EditNode {
    #[default]
    Top,
    Bfd,
    Peer(usize),
    Profile(usize),
}

type Node = EditNode;

/// What one line did: the node the editor is now in and any warnings the
/// command printed while succeeding (FRR's echo-mode notice).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeChange {
    pub node: EditNode,
    pub warnings: Vec<String>,
}

/// What a node made of a line.
enum Outcome {
    /// Executed; continue in this node.
    Done(Node),
    /// Not a command of this node: try the parent.
    NoMatch,
}

/// Auth lines seen in one node, with their line numbers, checked once the
/// whole file is read (a node may be re-entered, so its lines can be apart).
#[derive(Debug, Clone, Default)]
struct AuthDraft {
    auth_type: Option<(AuthType, usize)>,
    key_id: Option<(u8, usize)>,
    secret: Option<(Vec<u8>, usize)>,
}

/// The one semantic reader of bfdd configuration, fed a line at a time in
/// its current node, as FRR's CLI is: the config file loader and the vty's
/// configuration commands both go through it.
#[derive(Debug, Clone, Default)]
pub struct ConfigEditor {
    /// Line being applied (1-based); labels auth errors.
    lineno: usize,
    /// Auth lines per node, boxed and only once a node has one: most
    /// peers have none, and the editor lives as long as the daemon.
    peers: Vec<(PeerConfig, Option<Box<AuthDraft>>)>,
    profiles: Vec<(ProfileConfig, Option<Box<AuthDraft>>)>,
    debug: DebugFlags,
    node: Node,
    /// Warnings of the line being applied.
    warnings: Vec<String>,
}

pub(super) fn parse(text: &str, file: &str) -> Result<Config, ConfigError> {
    let lines: Vec<&str> = text.lines().collect();
    let mut p = ConfigEditor::new();
    for (i, raw) in lines.iter().enumerate() {
        p.lineno = i;
        match p.apply_line(raw) {
            Ok(change) => {
                for w in change.warnings {
                    tracing::warn!("{file}:{}: {w}", i + 1);
                }
            }
            Err(message) => return Err(file_error(file, &lines, i + 1, message)),
        }
    }
    p.config()
        .map_err(|(line, message)| file_error(file, &lines, line, message))
}

fn file_error(file: &str, lines: &[&str], line: usize, message: String) -> ConfigError {
    let text = line
        .checked_sub(1)
        .and_then(|i| lines.get(i))
        .map(|l| shown_line(l))
        .unwrap_or_default();
    ConfigError {
        file: file.to_string(),
        line,
        message,
        text,
    }
}

/// The line as shown in errors: trimmed, with a secret replaced.
fn shown_line(raw: &str) -> String {
    let trimmed = raw.trim();
    let toks: Vec<&str> = trimmed.split_whitespace().collect();
    let secret_from = match toks.as_slice() {
        ["authentication-key", ..] => 1,
        ["no", "authentication-key", ..] => 2,
        _ => return trimmed.to_string(),
    };
    let mut out: Vec<&str> = toks.iter().take(secret_from).copied().collect();
    if toks.len() > secret_from {
        out.push("<secret>");
    }
    out.join(" ")
}

fn unknown(shown: &str) -> String {
    format!("% [bfdd] Unknown command: {shown}")
}

/// A decimal number in [min, max], as FRR's range tokens accept.
fn number(tok: &str, min: u64, max: u64) -> Option<u64> {
    if tok.is_empty() || tok.len() > 19 || !tok.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let v: u64 = tok.parse().ok()?;
    (min..=max).contains(&v).then_some(v)
}

/// The single numeric argument of a command.
fn one_number(rest: &[&str], min: u64, max: u64, shown: &str) -> Result<u64, String> {
    match rest {
        [] => Err(INCOMPLETE.to_string()),
        [t] => number(t, min, max).ok_or_else(|| unknown(shown)),
        _ => Err(unknown(shown)),
    }
}

fn is_link_local(a: &IpAddr) -> bool {
    match a {
        IpAddr::V6(v6) => (v6.segments()[0] & 0xffc0) == 0xfe80,
        IpAddr::V4(_) => false,
    }
}

/// Keywords of the peer/profile nodes: a line starting with one of them
/// belongs to the node even if its arguments are wrong (then it is an error,
/// never a silent exit from the block).
const SETTING_WORDS: [&str; 14] = [
    "detect-multiplier",
    "receive-interval",
    "transmit-interval",
    "shutdown",
    "passive-mode",
    "echo-mode",
    "echo-interval",
    "echo",
    "minimum-ttl",
    "authentication-type",
    "authentication-key-id",
    "authentication-key",
    "profile",
    "exit",
];

/// Where a settings command runs: echo needs single-hop or a profile,
/// minimum-ttl needs multihop or a profile.
#[derive(Clone, Copy)]
struct Place {
    profile: bool,
    multihop: bool,
}

/// The `peer` command's arguments.
struct PeerArgs {
    peer: IpAddr,
    multihop: bool,
    local: Option<IpAddr>,
    ifname: Option<String>,
    vrf: String,
}

impl ConfigEditor {
    /// An empty configuration, at top level.
    pub fn new() -> ConfigEditor {
        ConfigEditor::default()
    }

    /// Continue editing a configuration read earlier.
    pub fn from_config(cfg: &Config) -> ConfigEditor {
        let draft = |s: &Settings| {
            s.auth.as_ref().map(|a| {
                Box::new(AuthDraft {
                    auth_type: Some((a.auth_type, 0)),
                    key_id: Some((a.key_id, 0)),
                    secret: Some((a.secret.clone(), 0)),
                })
            })
        };
        ConfigEditor {
            peers: cfg
                .peers
                .iter()
                .map(|p| (p.clone(), draft(&p.settings)))
                .collect(),
            profiles: cfg
                .profiles
                .iter()
                .map(|p| (p.clone(), draft(&p.settings)))
                .collect(),
            debug: cfg.debug,
            ..ConfigEditor::default()
        }
    }

    pub fn node(&self) -> EditNode {
        self.node
    }

    pub fn set_node(&mut self, node: EditNode) {
        self.node = node;
    }

    /// Runs one line in the current node (a line the node does not know is
    /// retried in its parents, as FRR's config reader does). On error the
    /// configuration and node are unchanged.
    pub fn apply_line(&mut self, raw: &str) -> Result<NodeChange, String> {
        self.lineno += 1;
        self.warnings.clear();
        self.line(raw)?;
        Ok(NodeChange {
            node: self.node,
            warnings: std::mem::take(&mut self.warnings),
        })
    }

    /// A name for a peer or profile node that survives other entries being
    /// added or removed: the command that enters it (`peer ADDR ...` with
    /// only its key options, `profile NAME`). None for other nodes.
    pub fn node_label(&self, node: EditNode) -> Option<String> {
        match node {
            Node::Peer(i) => {
                let (p, _) = self.peers.get(i)?;
                let mut s = format!("peer {}", p.peer);
                if p.multihop {
                    s.push_str(" multihop");
                    if let Some(l) = p.local_address {
                        s.push_str(&format!(" local-address {l}"));
                    }
                }
                if p.vrf != DEFAULT_VRF {
                    s.push_str(&format!(" vrf {}", p.vrf));
                }
                if let (false, Some(i)) = (p.multihop, &p.interface) {
                    s.push_str(&format!(" interface {i}"));
                }
                Some(s)
            }
            Node::Profile(i) => Some(format!("profile {}", self.profiles.get(i)?.0.name)),
            Node::Top | Node::Bfd => None,
        }
    }

    /// Enters the node `label` (from [`node_label`]) names; false when that
    /// peer or profile no longer exists.
    pub fn enter_label(&mut self, label: &str) -> bool {
        let toks: Vec<&str> = label.split_whitespace().collect();
        let found = match toks.as_slice() {
            ["profile", name] => self
                .profiles
                .iter()
                .position(|(p, _)| p.name == *name)
                .map(Node::Profile),
            ["peer", rest @ ..] => parse_peer_args(rest, label)
                .ok()
                .and_then(|a| self.find_peer(&a))
                .map(Node::Peer),
            _ => None,
        };
        match found {
            Some(n) => {
                self.node = n;
                true
            }
            None => false,
        }
    }

    fn line(&mut self, raw: &str) -> Result<(), String> {
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            return Ok(());
        }
        if trimmed.starts_with('!') {
            // ` !` (one space) is how FRR closes a peer or profile node.
            let indent = raw.len() - raw.trim_start().len();
            if indent == 1 && matches!(self.node, Node::Peer(_) | Node::Profile(_)) {
                self.node = Node::Bfd;
            }
            return Ok(());
        }
        let toks: Vec<&str> = trimmed.split_whitespace().collect();
        if toks.as_slice() == ["end"] {
            self.node = Node::Top;
            return Ok(());
        }
        let shown = shown_line(raw);
        let indented = raw.starts_with(char::is_whitespace);
        let mut node = self.node;
        loop {
            let outcome = match node {
                Node::Peer(i) => self.peer_node(i, &toks, &shown)?,
                Node::Profile(i) => self.profile_node(i, &toks, &shown)?,
                Node::Bfd => self.bfd_node(&toks, &shown)?,
                Node::Top => match self.top_node(&toks) {
                    Some(n) => Outcome::Done(n),
                    // An indented line nobody in the bfd block knows is a
                    // typo inside the block, not the start of another block.
                    None if self.node != Node::Top && indented => return Err(unknown(&shown)),
                    None => Outcome::Done(Node::Top),
                },
            };
            match outcome {
                Outcome::Done(n) => {
                    self.node = n;
                    return Ok(());
                }
                Outcome::NoMatch => {
                    node = match node {
                        Node::Peer(_) | Node::Profile(_) => Node::Bfd,
                        Node::Bfd | Node::Top => Node::Top,
                    }
                }
            }
        }
    }

    /// Top level: `bfd`, `no bfd`, `[no] debug bfd FLAG`, `exit-vrf`.
    /// None = another daemon's line.
    fn top_node(&mut self, toks: &[&str]) -> Option<Node> {
        match toks {
            ["bfd"] => Some(Node::Bfd),
            ["no", "bfd"] => {
                // FRR drops every configured session and profile.
                self.peers.clear();
                self.profiles.clear();
                Some(Node::Top)
            }
            // The end of a `vrf` block; never an error, even indented.
            ["exit-vrf"] => Some(Node::Top),
            ["debug", "bfd", flag] => self.set_debug(flag, true),
            ["no", "debug", "bfd", flag] => self.set_debug(flag, false),
            _ => None,
        }
    }

    fn set_debug(&mut self, flag: &str, on: bool) -> Option<Node> {
        let f = match flag {
            "peer" => &mut self.debug.peer,
            "zebra" => &mut self.debug.zebra,
            "network" => &mut self.debug.network,
            "distributed" => &mut self.debug.distributed,
            _ => return None,
        };
        *f = on;
        Some(Node::Top)
    }

    fn bfd_node(&mut self, toks: &[&str], shown: &str) -> Result<Outcome, String> {
        match toks {
            ["exit"] | ["quit"] => Ok(Outcome::Done(Node::Top)),
            ["peer", rest @ ..] => self.peer_enter(rest, shown),
            ["no", "peer", rest @ ..] => {
                let args = parse_peer_args(rest, shown)?;
                check_peer_args(&args)?;
                if let Some(i) = self.find_peer(&args) {
                    self.peers.remove(i);
                }
                Ok(Outcome::Done(Node::Bfd))
            }
            ["profile"] | ["no", "profile"] => Err(INCOMPLETE.to_string()),
            ["profile", name] => {
                check_profile_name(name)?;
                let i = match self.profiles.iter().position(|(p, _)| p.name == *name) {
                    Some(i) => i,
                    None => {
                        self.profiles.push((
                            ProfileConfig {
                                name: (*name).to_string(),
                                settings: Settings::default(),
                            },
                            None,
                        ));
                        self.profiles.len() - 1
                    }
                };
                Ok(Outcome::Done(Node::Profile(i)))
            }
            ["no", "profile", name] => {
                // Peers naming it keep the name; it now resolves to defaults.
                self.profiles.retain(|(p, _)| p.name != *name);
                Ok(Outcome::Done(Node::Bfd))
            }
            ["profile", ..] | ["no", "profile", ..] => Err(unknown(shown)),
            _ => Ok(Outcome::NoMatch),
        }
    }

    fn find_peer(&self, a: &PeerArgs) -> Option<usize> {
        self.peers.iter().position(|(p, _)| {
            p.peer == a.peer
                && p.multihop == a.multihop
                && p.vrf == a.vrf
                && if a.multihop {
                    p.local_address == a.local
                } else {
                    p.interface == a.ifname
                }
        })
    }

    fn peer_enter(&mut self, rest: &[&str], shown: &str) -> Result<Outcome, String> {
        let args = parse_peer_args(rest, shown)?;
        check_peer_args(&args)?;
        if let Some(i) = self.find_peer(&args) {
            // Re-entering the node; single-hop local-address is not part of
            // the key, so a new one replaces the old.
            if !args.multihop && args.local.is_some() {
                self.peers[i].0.local_address = args.local;
            }
            return Ok(Outcome::Done(Node::Peer(i)));
        }
        // FRR's YANG validation when the session is created.
        if args.multihop && is_link_local(&args.peer) {
            return Err(
                "% Configuration failed: Cannot use link-local address for multihop sessions"
                    .to_string(),
            );
        }
        if !args.multihop && is_link_local(&args.peer) && args.ifname.is_none() {
            return Err(
                "% Configuration failed: When using link-local you must specify an interface"
                    .to_string(),
            );
        }
        if !args.multihop {
            let same: Vec<&PeerConfig> = self
                .peers
                .iter()
                .map(|(p, _)| p)
                .filter(|p| !p.multihop && p.peer == args.peer && p.vrf == args.vrf)
                .collect();
            let wildcard = args.ifname.is_none() || same.iter().any(|p| p.interface.is_none());
            if !same.is_empty() && wildcard {
                return Err("% Configuration failed: It is not allowed to configure the same peer with and without ifname".to_string());
            }
        }
        self.peers.push((
            PeerConfig {
                peer: args.peer,
                multihop: args.multihop,
                local_address: args.local,
                interface: args.ifname,
                vrf: args.vrf,
                profile: None,
                settings: Settings::default(),
            },
            None,
        ));
        Ok(Outcome::Done(Node::Peer(self.peers.len() - 1)))
    }

    fn peer_node(&mut self, i: usize, toks: &[&str], shown: &str) -> Result<Outcome, String> {
        let here = Outcome::Done(Node::Peer(i));
        let Some((peer, auth)) = self.peers.get_mut(i) else {
            return Ok(Outcome::NoMatch);
        };
        match toks {
            ["exit"] | ["quit"] => return Ok(Outcome::Done(Node::Bfd)),
            ["profile"] => return Err(INCOMPLETE.to_string()),
            ["profile", name] => {
                check_profile_name(name)?;
                peer.profile = Some((*name).to_string());
                return Ok(here);
            }
            // FRR 8.4 wants the name (`no profile BFDPROF`); without it is
            // accepted too, it can only mean the same thing.
            ["no", "profile"] | ["no", "profile", _] => {
                peer.profile = None;
                return Ok(here);
            }
            ["profile", ..] | ["no", "profile", ..] => return Err(unknown(shown)),
            _ => {}
        }
        let place = Place {
            profile: false,
            multihop: peer.multihop,
        };
        let matched = settings_command(
            place,
            &mut peer.settings,
            auth,
            toks,
            shown,
            &mut self.warnings,
            self.lineno,
        )?;
        Ok(if matched { here } else { Outcome::NoMatch })
    }

    fn profile_node(&mut self, i: usize, toks: &[&str], shown: &str) -> Result<Outcome, String> {
        let Some((profile, auth)) = self.profiles.get_mut(i) else {
            return Ok(Outcome::NoMatch);
        };
        if matches!(toks, ["exit"] | ["quit"]) {
            return Ok(Outcome::Done(Node::Bfd));
        }
        // `profile X` here is the bfd node's (opens another profile).
        if matches!(toks.first(), Some(&"profile")) || toks.starts_with(&["no", "profile"]) {
            return Ok(Outcome::NoMatch);
        }
        let place = Place {
            profile: true,
            multihop: false,
        };
        let matched = settings_command(
            place,
            &mut profile.settings,
            auth,
            toks,
            shown,
            &mut self.warnings,
            self.lineno,
        )?;
        Ok(if matched {
            Outcome::Done(Node::Profile(i))
        } else {
            Outcome::NoMatch
        })
    }

    /// The configuration so far, with each node's auth lines checked; the
    /// first (by line) auth error wins, as (line, message).
    pub fn config(&self) -> Result<Config, (usize, String)> {
        let mut first_err: Option<(usize, String)> = None;
        let mut keep = |e: (usize, String)| {
            if first_err.as_ref().is_none_or(|(l, _)| e.0 < *l) {
                first_err = Some(e);
            }
        };
        let mut peers = Vec::with_capacity(self.peers.len());
        for (mut p, draft) in self.peers.iter().map(|(p, d)| (p.clone(), d)) {
            match finish_auth(draft) {
                Ok(a) => p.settings.auth = a,
                Err(e) => keep(e),
            }
            peers.push(p);
        }
        let mut profiles = Vec::with_capacity(self.profiles.len());
        for (mut p, draft) in self.profiles.iter().map(|(p, d)| (p.clone(), d)) {
            match finish_auth(draft) {
                Ok(a) => p.settings.auth = a,
                Err(e) => keep(e),
            }
            profiles.push(p);
        }
        if let Some(e) = first_err {
            return Err(e);
        }
        Ok(Config {
            peers,
            profiles,
            debug: self.debug,
        })
    }
}

fn check_profile_name(name: &str) -> Result<(), String> {
    if name.len() > MAX_PROFILE_NAME_LEN {
        return Err(format!(
            "% profile name is longer than {MAX_PROFILE_NAME_LEN} characters"
        ));
    }
    Ok(())
}

/// `<A.B.C.D|X:X::X:X> [{multihop|local-address ADDR|interface IFNAME|vrf NAME}]`
fn parse_peer_args(rest: &[&str], shown: &str) -> Result<PeerArgs, String> {
    let Some(first) = rest.first() else {
        return Err(INCOMPLETE.to_string());
    };
    let peer: IpAddr = first.parse().map_err(|_| unknown(shown))?;
    let mut multihop = false;
    let mut local: Option<IpAddr> = None;
    let mut ifname: Option<String> = None;
    let mut vrf: Option<String> = None;
    let mut it = rest.iter().skip(1);
    while let Some(tok) = it.next() {
        match *tok {
            "multihop" if !multihop => multihop = true,
            "local-address" if local.is_none() => {
                let a = it.next().ok_or_else(|| INCOMPLETE.to_string())?;
                local = Some(a.parse().map_err(|_| unknown(shown))?);
            }
            "interface" if ifname.is_none() => {
                let n = it.next().ok_or_else(|| INCOMPLETE.to_string())?;
                ifname = Some((*n).to_string());
            }
            "vrf" if vrf.is_none() => {
                let n = it.next().ok_or_else(|| INCOMPLETE.to_string())?;
                vrf = Some((*n).to_string());
            }
            // Unknown word, or an option given twice.
            _ => return Err(unknown(shown)),
        }
    }
    Ok(PeerArgs {
        peer,
        multihop,
        local,
        ifname,
        vrf: vrf.unwrap_or_else(|| DEFAULT_VRF.to_string()),
    })
}

/// The checks FRR's `peer`/`no peer` commands make before touching anything.
fn check_peer_args(a: &PeerArgs) -> Result<(), String> {
    if a.multihop {
        if a.local.is_none() {
            return Err("% local-address is required when using multihop".to_string());
        }
        if a.ifname.is_some() {
            return Err("% interface is prohibited when using multihop".to_string());
        }
    }
    if let Some(l) = a.local {
        if l.is_ipv4() != a.peer.is_ipv4() {
            return Err("% local-address and peer must be of the same address family".to_string());
        }
    }
    if a.ifname.as_ref().is_some_and(|n| n.len() > MAX_IFNAME_LEN) {
        return Err("% interface name too long".to_string());
    }
    if a.vrf.len() > MAX_VRF_LEN {
        return Err("% vrf name too long".to_string());
    }
    Ok(())
}

/// Commands shared by peer and profile nodes. Ok(false): not one of ours.
fn settings_command(
    place: Place,
    s: &mut Settings,
    auth: &mut Option<Box<AuthDraft>>,
    toks: &[&str],
    shown: &str,
    warnings: &mut Vec<String>,
    line: usize,
) -> Result<bool, String> {
    let echo_ok = || {
        if place.profile || !place.multihop {
            Ok(())
        } else {
            Err(ECHO_ONLY_SINGLE_HOP.to_string())
        }
    };
    let ttl_ok = || {
        if place.profile || place.multihop {
            Ok(())
        } else {
            Err(TTL_ONLY_MULTI_HOP.to_string())
        }
    };
    // Numbers narrower than u64 are range-checked first, so `as` is exact.
    match toks {
        ["detect-multiplier", rest @ ..] => {
            s.detect_multiplier = one_number(rest, 2, 255, shown)? as u8;
        }
        ["receive-interval", rest @ ..] => {
            s.receive_interval_ms = one_number(rest, 10, 60000, shown)? as u32;
        }
        ["transmit-interval", rest @ ..] => {
            s.transmit_interval_ms = one_number(rest, 10, 60000, shown)? as u32;
        }
        ["shutdown"] => s.shutdown = true,
        ["no", "shutdown"] => s.shutdown = false,
        ["passive-mode"] => s.passive_mode = true,
        ["no", "passive-mode"] => s.passive_mode = false,
        ["echo-mode"] => {
            echo_ok()?;
            warnings.push(ECHO_WARNING.to_string());
            s.echo_mode = true;
        }
        ["no", "echo-mode"] => {
            echo_ok()?;
            s.echo_mode = false;
        }
        ["echo-interval", rest @ ..] => {
            let v = one_number(rest, 10, 60000, shown)? as u32;
            echo_ok()?;
            s.echo_transmit_interval_ms = v;
            s.echo_receive_interval_ms = v;
        }
        ["echo", "transmit-interval", rest @ ..] => {
            let v = one_number(rest, 10, 60000, shown)? as u32;
            echo_ok()?;
            s.echo_transmit_interval_ms = v;
        }
        ["echo", "receive-interval", "disabled"] => {
            echo_ok()?;
            s.echo_receive_interval_ms = 0;
        }
        ["echo", "receive-interval", rest @ ..] => {
            let v = one_number(rest, 10, 60000, shown)? as u32;
            echo_ok()?;
            s.echo_receive_interval_ms = v;
        }
        ["echo"] => return Err(INCOMPLETE.to_string()),
        ["minimum-ttl", rest @ ..] => {
            let v = one_number(rest, 1, 254, shown)? as u8;
            ttl_ok()?;
            s.minimum_ttl = v;
        }
        // `no minimum-ttl` alone is a separate FRR command without the
        // single-hop check; with a value it is `[no] minimum-ttl (1-254)`.
        ["no", "minimum-ttl"] => {
            if !place.profile && !place.multihop {
                // FRR 8.4 reports the missing YANG leaf but succeeds.
                warnings.push(NO_TTL_ON_SINGLE_HOP.to_string());
            }
            s.minimum_ttl = DEFAULT_MINIMUM_TTL;
        }
        ["no", "minimum-ttl", rest @ ..] => {
            one_number(rest, 1, 254, shown)?;
            ttl_ok()?;
            s.minimum_ttl = DEFAULT_MINIMUM_TTL;
        }
        ["authentication-type", rest @ ..] => match rest {
            [] => return Err(INCOMPLETE.to_string()),
            [name] => {
                let t = AuthType::from_config_name(name).ok_or_else(|| {
                    format!(
                        "% unknown authentication-type '{name}' (expected {})",
                        AuthType::ALL
                            .iter()
                            .map(|t| t.config_name())
                            .collect::<Vec<_>>()
                            .join("|")
                    )
                })?;
                draft(auth).auth_type = Some((t, line));
            }
            _ => return Err(unknown(shown)),
        },
        ["no", "authentication-type"] | ["no", "authentication-type", _] => {
            draft(auth).auth_type = None
        }
        ["authentication-key-id", rest @ ..] => match rest {
            [] => return Err(INCOMPLETE.to_string()),
            [t] => {
                let id = number(t, 0, 255)
                    .ok_or_else(|| format!("% authentication-key-id must be 0-255, not '{t}'"))?;
                draft(auth).key_id = Some((id as u8, line));
            }
            _ => return Err(unknown(shown)),
        },
        ["no", "authentication-key-id"] | ["no", "authentication-key-id", _] => {
            draft(auth).key_id = None
        }
        ["authentication-key", rest @ ..] => match rest {
            [] => return Err(INCOMPLETE.to_string()),
            [secret] => draft(auth).secret = Some((secret.as_bytes().to_vec(), line)),
            _ => {
                return Err(format!(
                    "{} (the key is one word without spaces)",
                    unknown(shown)
                ))
            }
        },
        ["no", "authentication-key"] | ["no", "authentication-key", _] => draft(auth).secret = None,
        [w, ..] if SETTING_WORDS.contains(w) => return Err(unknown(shown)),
        ["no", w, ..] if SETTING_WORDS.contains(w) => return Err(unknown(shown)),
        _ => return Ok(false),
    }
    Ok(true)
}

/// A node's auth lines make a complete, legal setting or none at all.
/// The node's auth draft, created by its first auth line.
fn draft(a: &mut Option<Box<AuthDraft>>) -> &mut AuthDraft {
    a.get_or_insert_with(Default::default)
}

fn finish_auth(a: &Option<Box<AuthDraft>>) -> Result<Option<AuthConfig>, (usize, String)> {
    let Some(a) = a else {
        return Ok(None);
    };
    match (&a.auth_type, &a.secret) {
        (None, None) => match a.key_id {
            Some((_, l)) => Err((
                l,
                "% authentication-key-id without authentication-type and authentication-key"
                    .to_string(),
            )),
            None => Ok(None),
        },
        (Some((_, l)), None) => Err((
            *l,
            "% authentication-type without authentication-key".to_string(),
        )),
        (None, Some((_, l))) => Err((
            *l,
            "% authentication-key without authentication-type".to_string(),
        )),
        (Some((t, _)), Some((secret, l))) => {
            let max = t.max_secret_len();
            if secret.is_empty() || secret.len() > max {
                return Err((
                    *l,
                    format!(
                        "% authentication-key for {} must be 1 to {max} bytes, not {}",
                        t.config_name(),
                        secret.len()
                    ),
                ));
            }
            Ok(Some(AuthConfig {
                auth_type: *t,
                key_id: a.key_id.map(|(k, _)| k).unwrap_or(DEFAULT_AUTH_KEY_ID),
                secret: secret.clone(),
            }))
        }
    }
}
