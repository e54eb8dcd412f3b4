//! The one semantic reader of bfdd configuration, `ConfigEditor`: fed a
//! line at a time in its current node, as FRR's CLI is, by the config file
//! loader and by the vty's configuration commands. A line the node does not
//! know is retried in the parent node (peer/profile -> bfd -> top), which is
//! how FRR leaves a node without `exit`. Top level skips what is not
//! bfdd's, so a shared frr.conf works. One heuristic stands in for FRR's
//! full command table: a line unknown to every bfd node leaves the block
//! only if it starts in column 0 (how FRR writes top-level commands);
//! indented, it is an error.

use super::grammar::{
    check_peer_args, check_profile_name, finish_auth, is_link_local, parse_peer_args,
    settings_command, shown_line, unknown, AuthDraft, PeerArgs, Place, INCOMPLETE,
};
use super::model::{Config, DebugFlags, PeerConfig, ProfileConfig, Settings, DEFAULT_VRF};

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

/// The one semantic reader of bfdd configuration, fed a line at a time in
/// its current node, as FRR's CLI is: the config file loader and the vty's
/// configuration commands both go through it.
#[derive(Debug, Clone, Default)]
pub struct ConfigEditor {
    /// Line being applied (1-based); labels auth errors.
    pub(super) lineno: usize,
    /// Auth lines per node, boxed and only once a node has one: most
    /// peers have none, and the editor lives as long as the daemon.
    peers: Vec<(PeerConfig, Option<Box<AuthDraft>>)>,
    profiles: Vec<(ProfileConfig, Option<Box<AuthDraft>>)>,
    debug: DebugFlags,
    node: Node,
    /// Warnings of the line being applied.
    warnings: Vec<String>,
    /// Top-level lines that are not bfdd's (line number, text shown).
    skipped: Vec<(usize, String)>,
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

    /// The top-level lines read so far that are not bfdd's (line number,
    /// text with secrets masked); the indented lines under them are theirs.
    pub fn take_skipped(&mut self) -> Vec<(usize, String)> {
        std::mem::take(&mut self.skipped)
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
                    None => {
                        if !indented {
                            self.skipped.push((self.lineno, shown.clone()));
                        }
                        Outcome::Done(Node::Top)
                    }
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
