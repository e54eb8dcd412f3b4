//! The command side of a vty session: which commands exist in which node
//! (VIEW, ENABLE, CONFIG, BFD, BFD-PEER, BFD-PROFILE, as in FRR 8.4's bfdd),
//! what a line means, and the reply bytes and return code FRR would give.
//! Pure: the caller supplies the peers when a line asks for them
//! (`Step::Show`) and the daemon's answer for configuration and daemon
//! commands (`Step::Request`, with the line's keywords written out in full).

use std::net::IpAddr;
use std::sync::OnceLock;

use crate::grammar::{expand, expand_words, match_words_tokens, split_words, MatchError, Tok};
use crate::show;
use crate::PeerStatus;

/// FRR's command return codes (lib/command.h) that bfdd-rs produces.
pub mod ret {
    pub const SUCCESS: u8 = 0;
    pub const WARNING: u8 = 1;
    pub const ERR_NO_MATCH: u8 = 2;
    pub const ERR_AMBIGUOUS: u8 = 3;
    pub const ERR_INCOMPLETE: u8 = 4;
    pub const WARNING_CONFIG_FAILED: u8 = 13;
}

/// bfdd's protocol name as FRR prints it in "Unknown command" replies.
pub const PROTOCOL_NAME: &str = "BFD";

/// CLI node of a session. Every vty-socket session starts in `View`.
/// `Bfd`, `BfdPeer` and `BfdProfile` are FRR's `(config-bfd)#`,
/// `(config-bfd-peer)#` and `(config-bfd-profile)#`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Node {
    View,
    Enable,
    Config,
    Bfd,
    BfdPeer,
    BfdProfile,
}

impl Node {
    /// FRR's `node_parent` for the configuration nodes.
    fn parent(self) -> Option<Node> {
        match self {
            Node::BfdPeer | Node::BfdProfile => Some(Node::Bfd),
            Node::Bfd => Some(Node::Config),
            _ => None,
        }
    }
}

/// Where in the configuration a session is: the node, and for a peer or
/// profile node the daemon's name for the entry (the command that entered
/// it, e.g. `peer 192.0.2.1 interface eth0`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodePath {
    pub node: Node,
    pub label: Option<String>,
}

impl NodePath {
    pub fn new(node: Node) -> NodePath {
        NodePath { node, label: None }
    }
}

/// Work the daemon does for a command (see `Backend::request`). Lines are
/// handed over with every keyword written out in full.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// A configuration line (`bfd`, `peer ...`, `detect-multiplier 5`,
    /// `debug bfd peer` in CONFIG, ...) to run in `node`. `defer`: inside
    /// XFRR_start/end_configuration (a vtysh config push), so the daemon
    /// may wait for `Commit` before applying.
    Configure {
        node: NodePath,
        line: String,
        defer: bool,
    },
    /// XFRR_end_configuration: apply what was deferred.
    Commit,
    /// `show startup-config`.
    ShowStartupConfig,
    /// `write terminal` / `show running-config`.
    WriteTerminal,
    /// `write [file|memory]`, `copy running-config startup-config`.
    WriteMemory,
    /// `show debugging [bfd]`.
    ShowDebugging,
    /// `clear bfd [vrf NAME] peer ... counters`.
    ClearCounters {
        vrf: Option<String>,
        selector: PeerSelector,
    },
    /// The daemon commands every FRR daemon has (`log ...`, `show logging`,
    /// `show memory`, `show thread cpu`, `clear log cmdline-targets`).
    Daemon { line: String },
}

/// The daemon's answer to a `Request`: output, return code, and for
/// configuration lines the node the session is in afterwards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub output: String,
    pub ret: u8,
    pub node: Option<NodePath>,
}

impl Answer {
    pub fn ok(output: impl Into<String>) -> Answer {
        Answer {
            output: output.into(),
            ret: ret::SUCCESS,
            node: None,
        }
    }

    pub fn error(output: impl Into<String>, ret: u8) -> Answer {
        Answer {
            output: output.into(),
            ret,
            node: None,
        }
    }
}

/// Which `show bfd peers` variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeersView {
    Detail,
    Brief,
    Counters,
}

/// `show bfd peer <...>`: how the user named the peer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerSelector {
    /// Label, or the address as typed when it is one.
    pub label: Option<String>,
    pub peer: Option<IpAddr>,
    pub multihop: bool,
    pub local: Option<IpAddr>,
    pub interface: Option<String>,
}

/// A parsed command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Accepted, nothing to do (XFRR markers, terminal length, ...).
    Nothing,
    Enable,
    Disable,
    End,
    /// `exit`/`quit`: one node up, or close the session from VIEW/ENABLE.
    Exit,
    ConfigureTerminal,
    Echo(String),
    ShowVersion,
    /// Accepted, prints nothing (`who`, `show history`: no other sessions
    /// or history are kept).
    Empty,
    /// `terminal monitor`: needs FD passing, which bfdd-rs does not do.
    TerminalMonitor,
    /// `show bfd distributed`: no data-plane clients, so FRR's header only.
    ShowDistributed,
    /// XFRR_start_configuration: the lines until XFRR_end_configuration
    /// are one vtysh config push.
    XfrrStart,
    /// Work for the daemon.
    Request(Request),
    ShowPeers {
        vrf: Option<String>,
        view: PeersView,
        json: bool,
    },
    ShowPeer {
        vrf: Option<String>,
        selector: PeerSelector,
        counters: bool,
        json: bool,
    },
}

/// What a command line produced: output (no NUL inside), the return code
/// for the trailer, and whether the session ends after the reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub output: Vec<u8>,
    pub ret: u8,
    pub close: bool,
}

impl Reply {
    fn ok(output: impl Into<Vec<u8>>) -> Reply {
        Reply {
            output: output.into(),
            ret: ret::SUCCESS,
            close: false,
        }
    }

    /// The bytes on the wire: output then `00 00 00 <ret>`.
    pub fn to_wire(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.output.len() + 4);
        out.extend(self.output.iter().filter(|b| **b != 0));
        out.extend([0, 0, 0, self.ret]);
        out
    }
}

/// Either a finished reply, or a show command that needs the peers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Reply(Reply),
    Show(Command),
    /// Ask the daemon, then finish with [`Session::answer`].
    Request(Request),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Id {
    Enable,
    Disable,
    End,
    Exit,
    Echo,
    ShowVersion,
    Nothing,
    ShowPeers,
    ShowPeer,
    Empty,
    TerminalMonitor,
    ConfigureTerminal,
    /// A configuration line for the daemon.
    ConfigLine,
    ShowStartupConfig,
    ShowDistributed,
    XfrrStart,
    XfrrEnd,
    WriteTerminal,
    WriteMemory,
    ShowDebugging,
    ClearCounters,
    Daemon,
}

type Table = Vec<(Vec<Tok>, Id)>;

/// FRR's log levels, as `log ...` commands take them.
macro_rules! levels {
    () => {
        "<emergencies|alerts|critical|errors|warnings|notifications|informational|debugging>"
    };
}

const VIEW_CMDS: &[(&str, Id)] = &[
    ("enable", Id::Enable),
    ("exit", Id::Exit),
    ("quit", Id::Exit),
    ("echo .MESSAGE", Id::Echo),
    ("show version", Id::ShowVersion),
    ("terminal length (0-512)", Id::Nothing),
    ("terminal no length", Id::Nothing),
    ("terminal monitor [detach]", Id::TerminalMonitor),
    ("terminal no monitor", Id::Nothing),
    ("who", Id::Empty),
    ("show history", Id::Empty),
    ("show logging", Id::Daemon),
    ("show memory", Id::Daemon),
    ("show thread cpu [FILTER]", Id::Daemon),
];

const ENABLE_CMDS: &[(&str, Id)] = &[
    ("disable", Id::Disable),
    ("end", Id::End),
    ("configure [terminal]", Id::ConfigureTerminal),
    ("show bfd [vrf NAME] peers [brief] [json]", Id::ShowPeers),
    ("show bfd [vrf NAME] peers counters [json]", Id::ShowPeers),
    (
        "show bfd [vrf NAME] peer <WORD|A.B.C.D|X:X::X:X> [{multihop|local-address <A.B.C.D|X:X::X:X>|interface IFNAME}] [counters] [json]",
        Id::ShowPeer,
    ),
    (
        "clear bfd [vrf NAME] peer <WORD|A.B.C.D|X:X::X:X> [{multihop|local-address <A.B.C.D|X:X::X:X>|interface IFNAME}] counters",
        Id::ClearCounters,
    ),
    ("show debugging [bfd]", Id::ShowDebugging),
    // In FRR 8.4 these change the same flags as in CONFIG, saved too.
    ("[no] debug bfd <distributed|peer|zebra|network>", Id::ConfigLine),
    ("show startup-config", Id::ShowStartupConfig),
    ("show bfd distributed", Id::ShowDistributed),
    ("write terminal", Id::WriteTerminal),
    ("show running-config", Id::WriteTerminal),
    ("write [<file|memory>]", Id::WriteMemory),
    ("copy running-config startup-config", Id::WriteMemory),
    ("clear log cmdline-targets", Id::Daemon),
    ("clear thread cpu [FILTER]", Id::Daemon),
];

/// CONFIG node: bfdd's own commands and the lib commands vtysh sends to
/// every daemon.
const CONFIG_CMDS: &[(&str, Id)] = &[
    ("end", Id::End),
    ("exit", Id::Exit),
    ("quit", Id::Exit),
    ("bfd", Id::ConfigLine),
    ("no bfd", Id::ConfigLine),
    (
        "[no] debug bfd <distributed|peer|zebra|network>",
        Id::ConfigLine,
    ),
    ("XFRR_start_configuration", Id::XfrrStart),
    ("XFRR_end_configuration", Id::XfrrEnd),
    ("frr version .VERSION", Id::Nothing),
    ("frr defaults <traditional|datacenter>", Id::Nothing),
    ("hostname WORD", Id::Nothing),
    ("no hostname [WORD]", Id::Nothing),
    ("[no] service password-encryption", Id::Nothing),
    ("[no] service advanced-vty", Id::Nothing),
    ("line vty", Id::Nothing),
    (concat!("log file FILENAME [", levels!(), "]"), Id::Daemon),
    (
        concat!("no log file [FILENAME [", levels!(), "]]"),
        Id::Daemon,
    ),
    (concat!("log stdout [", levels!(), "]"), Id::Daemon),
    (concat!("no log stdout [", levels!(), "]"), Id::Daemon),
    (concat!("log syslog [", levels!(), "]"), Id::Daemon),
    (concat!("no log syslog [", levels!(), "]"), Id::Daemon),
    ("[no] log commands", Id::Daemon),
    ("log timestamp precision (0-6)", Id::Daemon),
    ("no log timestamp precision [(0-6)]", Id::Daemon),
    ("[no] log record-priority", Id::Daemon),
    // Passwords guard FRR's TCP vty login, not implemented here: accepted
    // so that config files written for FRR load, and ignored.
    ("enable password [(8-8)] WORD", Id::Nothing),
    ("no enable password", Id::Nothing),
    ("password [(8-8)] WORD", Id::Nothing),
    ("no password", Id::Nothing),
];

const BFD_CMDS: &[(&str, Id)] = &[
    ("end", Id::End),
    ("exit", Id::Exit),
    ("quit", Id::Exit),
    (
        "[no] peer <A.B.C.D|X:X::X:X> [{multihop|local-address <A.B.C.D|X:X::X:X>|interface IFNAME|vrf NAME}]",
        Id::ConfigLine,
    ),
    ("[no] profile BFDPROF", Id::ConfigLine),
];

/// Commands of both the peer and the profile node (bfdd/bfdd_cli.c), plus
/// our authentication extension.
const SESSION_CMDS: &[(&str, Id)] = &[
    ("end", Id::End),
    ("exit", Id::Exit),
    ("quit", Id::Exit),
    ("detect-multiplier (2-255)", Id::ConfigLine),
    ("receive-interval (10-60000)", Id::ConfigLine),
    ("transmit-interval (10-60000)", Id::ConfigLine),
    ("[no] shutdown", Id::ConfigLine),
    ("[no] passive-mode", Id::ConfigLine),
    ("[no] echo-mode", Id::ConfigLine),
    ("echo-interval (10-60000)", Id::ConfigLine),
    ("echo transmit-interval (10-60000)", Id::ConfigLine),
    (
        "echo receive-interval <disabled|(10-60000)>",
        Id::ConfigLine,
    ),
    ("[no] minimum-ttl (1-254)", Id::ConfigLine),
    ("no minimum-ttl", Id::ConfigLine),
    ("authentication-type WORD", Id::ConfigLine),
    ("no authentication-type [WORD]", Id::ConfigLine),
    ("authentication-key-id (0-255)", Id::ConfigLine),
    ("no authentication-key-id [(0-255)]", Id::ConfigLine),
    ("authentication-key WORD", Id::ConfigLine),
    ("no authentication-key [WORD]", Id::ConfigLine),
];

const PEER_ONLY_CMDS: &[(&str, Id)] = &[
    ("profile BFDPROF", Id::ConfigLine),
    ("no profile BFDPROF", Id::ConfigLine),
];

fn build(lists: &[&[(&str, Id)]]) -> Table {
    let mut table = Vec::new();
    for list in lists {
        for (syntax, id) in *list {
            for tokens in expand(syntax) {
                table.push((tokens, *id));
            }
        }
    }
    table
}

fn table(node: Node) -> &'static Table {
    static VIEW: OnceLock<Table> = OnceLock::new();
    static ENABLE: OnceLock<Table> = OnceLock::new();
    static CONFIG: OnceLock<Table> = OnceLock::new();
    static BFD: OnceLock<Table> = OnceLock::new();
    static PEER: OnceLock<Table> = OnceLock::new();
    static PROFILE: OnceLock<Table> = OnceLock::new();
    match node {
        Node::View => VIEW.get_or_init(|| build(&[VIEW_CMDS])),
        // ENABLE has every VIEW command too, as in FRR.
        Node::Enable => ENABLE.get_or_init(|| build(&[VIEW_CMDS, ENABLE_CMDS])),
        Node::Config => CONFIG.get_or_init(|| build(&[CONFIG_CMDS])),
        Node::Bfd => BFD.get_or_init(|| build(&[BFD_CMDS])),
        Node::BfdPeer => PEER.get_or_init(|| build(&[SESSION_CMDS, PEER_ONLY_CMDS])),
        Node::BfdProfile => PROFILE.get_or_init(|| build(&[SESSION_CMDS])),
    }
}

/// Parses one command line (without its NUL) in `node`. `Ok(None)` for an
/// empty line or a comment. The `do` prefix is the caller's business
/// (`Session` handles it).
pub fn parse(node: Node, line: &[u8]) -> Result<Option<Command>, MatchError> {
    let Some(words) = split_words(line) else {
        return Ok(None);
    };
    parse_words(node, &words).map(Some)
}

fn text(word: &[u8]) -> String {
    String::from_utf8_lossy(word).into_owned()
}

fn parse_words(node: Node, words: &[&[u8]]) -> Result<Command, MatchError> {
    let (id, tokens) = match_words_tokens(table(node), words)?;
    let line = || expand_words(tokens, words);
    Ok(match *id {
        Id::Empty => Command::Empty,
        Id::TerminalMonitor => Command::TerminalMonitor,
        Id::ConfigureTerminal => Command::ConfigureTerminal,
        Id::ConfigLine => Command::Request(Request::Configure {
            node: NodePath::new(node),
            line: line(),
            defer: false,
        }),
        Id::XfrrStart => Command::XfrrStart,
        Id::XfrrEnd => Command::Request(Request::Commit),
        Id::ShowStartupConfig => Command::Request(Request::ShowStartupConfig),
        Id::ShowDistributed => Command::ShowDistributed,
        Id::WriteTerminal => Command::Request(Request::WriteTerminal),
        Id::WriteMemory => Command::Request(Request::WriteMemory),
        Id::ShowDebugging => Command::Request(Request::ShowDebugging),
        Id::Daemon => Command::Request(Request::Daemon { line: line() }),
        Id::ClearCounters => match show_peer_args(words) {
            Command::ShowPeer { vrf, selector, .. } => {
                Command::Request(Request::ClearCounters { vrf, selector })
            }
            _ => Command::Nothing,
        },
        Id::Enable => Command::Enable,
        Id::Disable => Command::Disable,
        Id::End => Command::End,
        Id::Exit => Command::Exit,
        Id::Nothing => Command::Nothing,
        Id::ShowVersion => Command::ShowVersion,
        Id::Echo => Command::Echo(
            words[1..]
                .iter()
                .map(|w| text(w))
                .collect::<Vec<_>>()
                .join(" "),
        ),
        Id::ShowPeers => show_peers_args(words),
        Id::ShowPeer => show_peer_args(words),
    })
}

/// Words after `show bfd`, with an optional `vrf NAME` taken off the front.
fn vrf_and_rest<'a>(words: &'a [&'a [u8]]) -> (Option<String>, &'a [&'a [u8]]) {
    let rest = &words[2..];
    // The matcher accepted the line, so a word matching "vrf" here is the
    // keyword (a peer is never named before "peer"/"peers").
    if rest.len() >= 2 && b"vrf".starts_with(rest[0]) && !b"peers".starts_with(rest[0]) {
        (Some(text(rest[1])), &rest[2..])
    } else {
        (None, rest)
    }
}

fn is_kw(word: &[u8], kw: &str) -> bool {
    !word.is_empty() && kw.as_bytes().starts_with(word)
}

fn show_peers_args(words: &[&[u8]]) -> Command {
    let (vrf, rest) = vrf_and_rest(words);
    // rest[0] is "peers"; what follows is brief|counters and/or json.
    let mut view = PeersView::Detail;
    let mut json = false;
    for w in &rest[1..] {
        if is_kw(w, "json") {
            json = true;
        } else if is_kw(w, "brief") {
            view = PeersView::Brief;
        } else if is_kw(w, "counters") {
            view = PeersView::Counters;
        }
    }
    Command::ShowPeers { vrf, view, json }
}

fn show_peer_args(words: &[&[u8]]) -> Command {
    let (vrf, rest) = vrf_and_rest(words);
    // rest[0] is "peer", rest[1] the peer; options follow.
    let name = rest.get(1).map(|w| text(w)).unwrap_or_default();
    let peer: Option<IpAddr> = name.parse().ok();
    let mut selector = PeerSelector {
        label: if peer.is_none() { Some(name) } else { None },
        peer,
        multihop: false,
        local: None,
        interface: None,
    };
    let mut counters = false;
    let mut json = false;
    let mut i = 2;
    while i < rest.len() {
        let w = rest[i];
        if is_kw(w, "multihop") {
            selector.multihop = true;
        } else if is_kw(w, "local-address") && i + 1 < rest.len() {
            selector.local = text(rest[i + 1]).parse().ok();
            i += 1;
        } else if is_kw(w, "interface") && i + 1 < rest.len() {
            selector.interface = Some(text(rest[i + 1]));
            i += 1;
        } else if is_kw(w, "counters") {
            counters = true;
        } else if is_kw(w, "json") {
            json = true;
        }
        i += 1;
    }
    Command::ShowPeer {
        vrf,
        selector,
        counters,
        json,
    }
}

/// One vty session's CLI state.
#[derive(Debug, Clone)]
pub struct Session {
    node: Node,
    /// The daemon's name for the peer/profile being edited.
    label: Option<String>,
    /// Where a line run in a parent node started, to go back there if the
    /// daemon refuses it (FRR's `cmd_execute_command`).
    before: Option<NodePath>,
    /// Between XFRR_start_configuration and XFRR_end_configuration.
    pending: bool,
}

impl Default for Session {
    fn default() -> Self {
        Session::new()
    }
}

impl Session {
    pub fn new() -> Session {
        Session {
            node: Node::View,
            label: None,
            before: None,
            pending: false,
        }
    }

    pub fn node(&self) -> Node {
        self.node
    }

    /// The node with its peer/profile label.
    pub fn path(&self) -> NodePath {
        NodePath {
            node: self.node,
            label: self.label.clone(),
        }
    }

    fn set_node(&mut self, node: Node) {
        if !matches!(node, Node::BfdPeer | Node::BfdProfile) {
            self.label = None;
        }
        self.node = node;
    }

    /// Runs one line (the bytes before its NUL). Show commands come back as
    /// `Step::Show`, to be finished with [`render_show`]; daemon work as
    /// `Step::Request`, finished with [`Session::answer`].
    pub fn execute(&mut self, line: &[u8]) -> Step {
        let Some(words) = split_words(line) else {
            return Step::Reply(Reply::ok(Vec::new()));
        };
        self.before = None;
        // FRR's `do` shortcut: from ENABLE and the config nodes, run the
        // rest as if in ENABLE.
        if self.node != Node::View && words[0] == b"do" {
            let rest = &words[1..];
            if rest.is_empty() {
                return Step::Reply(error_reply(MatchError::Incomplete, line));
            }
            return match parse_words(Node::Enable, rest) {
                // Node changes do not apply through `do`.
                Ok(Command::Request(r)) => Step::Request(r),
                Ok(cmd @ (Command::ShowPeers { .. } | Command::ShowPeer { .. })) => Step::Show(cmd),
                Ok(Command::Echo(m)) => Step::Reply(Reply::ok(format!("{m}\n"))),
                Ok(Command::ShowVersion) => Step::Reply(Reply::ok(version_text())),
                Ok(Command::TerminalMonitor) => Step::Reply(monitor_reply()),
                Ok(Command::ShowDistributed) => Step::Reply(Reply::ok(DISTRIBUTED_HEADER)),
                Ok(_) => Step::Reply(Reply::ok(Vec::new())),
                Err(e) => Step::Reply(error_reply(e, line)),
            };
        }
        let first = parse_words(self.node, &words);
        // A configuration line unknown here is tried in the parent nodes.
        if first == Err(MatchError::NoMatch) {
            let mut up = self.node.parent();
            while let Some(node) = up {
                if let Ok(cmd) = parse_words(node, &words) {
                    self.before = Some(self.path());
                    self.set_node(node);
                    return self.run(cmd);
                }
                up = node.parent();
            }
        }
        match first {
            Ok(cmd) => self.run(cmd),
            Err(e) => Step::Reply(error_reply(e, line)),
        }
    }

    fn run(&mut self, cmd: Command) -> Step {
        let mut reply = Reply::ok(Vec::new());
        match cmd {
            Command::Nothing | Command::Empty => {}
            Command::Enable => self.set_node(Node::Enable),
            Command::Disable => self.set_node(Node::View),
            Command::End => self.set_node(Node::Enable),
            Command::ConfigureTerminal => self.set_node(Node::Config),
            Command::Exit => match self.node {
                Node::View | Node::Enable => reply.close = true,
                Node::Config => self.set_node(Node::Enable),
                Node::Bfd => self.set_node(Node::Config),
                Node::BfdPeer | Node::BfdProfile => self.set_node(Node::Bfd),
            },
            Command::Echo(msg) => reply.output = format!("{msg}\n").into_bytes(),
            Command::ShowVersion => reply.output = version_text().into_bytes(),
            Command::TerminalMonitor => reply = monitor_reply(),
            Command::ShowDistributed => reply.output = DISTRIBUTED_HEADER.as_bytes().to_vec(),
            Command::XfrrStart => self.pending = true,
            Command::Request(Request::Configure { line, .. }) => {
                return Step::Request(Request::Configure {
                    node: self.path(),
                    line,
                    defer: self.pending,
                })
            }
            Command::Request(Request::Commit) => {
                self.pending = false;
                return Step::Request(Request::Commit);
            }
            Command::Request(r) => return Step::Request(r),
            show @ (Command::ShowPeers { .. } | Command::ShowPeer { .. }) => {
                return Step::Show(show)
            }
        }
        Step::Reply(reply)
    }

    /// Finishes a `Step::Request` with the daemon's answer: the node moves
    /// where the daemon says; a refused line run in a parent node leaves the
    /// session where it was.
    pub fn answer(&mut self, answer: Answer) -> Reply {
        let before = self.before.take();
        if let Some(path) = answer.node {
            self.node = path.node;
            self.label = path.label;
        } else if answer.ret != ret::SUCCESS && answer.ret != ret::WARNING {
            if let Some(path) = before {
                self.node = path.node;
                self.label = path.label;
            }
        }
        Reply {
            output: answer.output.into_bytes(),
            ret: answer.ret,
            close: false,
        }
    }
}

/// FRR 8.4's `show bfd distributed` with no data-plane connection.
const DISTRIBUTED_HEADER: &str = "                  Data plane\n                  ==========\n";

fn version_text() -> String {
    format!(
        "bfdd-rs {} (FRRouting 8.4 compatible bfdd).\n",
        env!("CARGO_PKG_VERSION")
    )
}

/// FRR's answer to `terminal monitor` on a session that cannot take a
/// passed log socket.
fn monitor_reply() -> Reply {
    Reply {
        output: b"% not supported\n".to_vec(),
        ret: ret::WARNING,
        close: false,
    }
}

/// FRR's error texts for lines that did not run.
pub fn error_reply(err: MatchError, line: &[u8]) -> Reply {
    let (output, ret) = match err {
        MatchError::NoMatch => {
            let mut out = format!("% [{PROTOCOL_NAME}] Unknown command: ").into_bytes();
            out.extend_from_slice(line);
            out.push(b'\n');
            (out, ret::ERR_NO_MATCH)
        }
        MatchError::Ambiguous => (b"% Ambiguous command.\n".to_vec(), ret::ERR_AMBIGUOUS),
        MatchError::Incomplete => (b"% Command incomplete.\n".to_vec(), ret::ERR_INCOMPLETE),
    };
    Reply {
        output,
        ret,
        close: false,
    }
}

fn vrf_filter<'a>(vrf: &'a Option<String>, peers: &'a [PeerStatus]) -> Vec<PeerStatus> {
    peers
        .iter()
        .filter(|p| vrf.as_ref().is_none_or(|v| *v == p.vrf))
        .cloned()
        .collect()
}

/// FRR's peer lookup for `show bfd peer ...`: by label, or by address with
/// multihop, VRF ("default" unless given) and any given local address or
/// interface matching.
pub fn find_peer<'a>(
    vrf: &Option<String>,
    sel: &PeerSelector,
    peers: &'a [PeerStatus],
) -> Option<&'a PeerStatus> {
    if let Some(label) = &sel.label {
        return peers.iter().find(|p| p.label.as_deref() == Some(label));
    }
    let vrf = vrf.as_deref().unwrap_or("default");
    peers.iter().find(|p| {
        Some(p.peer) == sel.peer
            && p.multihop == sel.multihop
            && p.vrf == vrf
            && sel.local.is_none_or(|l| p.local == Some(l))
            && sel
                .interface
                .as_ref()
                .is_none_or(|i| p.interface.as_ref() == Some(i))
    })
}

fn not_found(vrf: &Option<String>, sel: &PeerSelector) -> Reply {
    let mut what = String::from("peer ");
    match (&sel.label, sel.peer) {
        (Some(label), _) => what.push_str(label),
        (None, Some(addr)) => what.push_str(&addr.to_string()),
        (None, None) => {}
    }
    if let Some(ifname) = &sel.interface {
        what.push_str(&format!(" interface {ifname}"));
    }
    if let Some(local) = sel.local {
        what.push_str(&format!(" local-address {local}"));
    }
    if let Some(vrf) = vrf {
        what.push_str(&format!(" vrf {vrf}"));
    }
    Reply {
        output: format!("% Unable to find '{what}'\n").into_bytes(),
        ret: ret::WARNING_CONFIG_FAILED,
        close: false,
    }
}

/// Finishes a `Step::Show` with the daemon's peers (all of them; the VRF
/// filter is applied here).
pub fn render_show(cmd: &Command, peers: &[PeerStatus]) -> Reply {
    match cmd {
        Command::ShowPeers { vrf, view, json } => {
            let selected = vrf_filter(vrf, peers);
            let text = match (view, json) {
                (PeersView::Detail | PeersView::Brief, true) => show::show_peers_json(&selected),
                (PeersView::Detail, false) => show::show_peers_text(&selected),
                (PeersView::Brief, false) => show::show_peers_brief(peers.len(), &selected),
                (PeersView::Counters, true) => show::show_peers_counters_json(&selected),
                (PeersView::Counters, false) => show::show_peers_counters_text(&selected),
            };
            Reply::ok(text)
        }
        Command::ShowPeer {
            vrf,
            selector,
            counters,
            json,
        } => match find_peer(vrf, selector, peers) {
            None => not_found(vrf, selector),
            Some(p) => Reply::ok(match (counters, json) {
                (false, false) => show::show_peer_text(p),
                (false, true) => show::show_peer_json(p),
                (true, false) => show::show_peer_counters_text(p),
                (true, true) => show::show_peer_counters_json(p),
            }),
        },
        _ => Reply::ok(Vec::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PeerState;

    /// A configured session that has heard nothing from its peer yet.
    fn peer(addr: &str, vrf: &str) -> PeerStatus {
        PeerStatus {
            peer: addr.parse().unwrap(),
            local: None,
            vrf: vrf.into(),
            remote_discr: 0,
            state: PeerState::Down,
            remote_receive_interval: 1_000_000,
            remote_transmit_interval: 1_000_000,
            remote_echo_receive_interval: 0,
            ..PeerStatus::example()
        }
    }

    /// Runs a line, rendering shows against `peers`.
    fn run(s: &mut Session, line: &str, peers: &[PeerStatus]) -> Reply {
        match s.execute(line.as_bytes()) {
            Step::Reply(r) => r,
            Step::Show(cmd) => render_show(&cmd, peers),
            Step::Request(req) => s.answer(fake_daemon(req)),
        }
    }

    /// A daemon that enters the nodes `bfd`, `peer ...` and `profile ...`
    /// name, refuses `peer 192.0.2.99` and prints what it was asked.
    fn fake_daemon(req: Request) -> Answer {
        let Request::Configure { node, line, .. } = req else {
            return Answer::ok(format!("{req:?}\n"));
        };
        if line == "peer 192.0.2.99" {
            return Answer::error("% refused\n", ret::WARNING_CONFIG_FAILED);
        }
        let next = match (node.node, line.split(' ').next()) {
            (Node::Config, Some("bfd")) => NodePath::new(Node::Bfd),
            (Node::Bfd, Some("peer")) => NodePath {
                node: Node::BfdPeer,
                label: Some(line.clone()),
            },
            (Node::Bfd, Some("profile")) => NodePath {
                node: Node::BfdProfile,
                label: Some(line.clone()),
            },
            _ => node.clone(),
        };
        Answer {
            output: format!("{:?} {:?}: {line}\n", node.node, node.label),
            ret: ret::SUCCESS,
            node: Some(next),
        }
    }

    fn out(r: &Reply) -> String {
        String::from_utf8_lossy(&r.output).into_owned()
    }

    #[test]
    fn nodes_and_transitions() {
        let mut s = Session::new();
        assert_eq!(s.node(), Node::View);
        assert_eq!(run(&mut s, "conf t", &[]).ret, ret::ERR_NO_MATCH);
        assert_eq!(run(&mut s, "en", &[]).ret, ret::SUCCESS);
        assert_eq!(s.node(), Node::Enable);
        assert_eq!(run(&mut s, "configure", &[]).ret, ret::SUCCESS);
        assert_eq!(s.node(), Node::Config);
        assert_eq!(run(&mut s, "XFRR_start_configuration", &[]).ret, 0);
        assert_eq!(run(&mut s, "exit", &[]), Reply::ok(Vec::new()));
        assert_eq!(s.node(), Node::Enable);
        run(&mut s, "configure terminal", &[]);
        assert_eq!(run(&mut s, "end", &[]).ret, 0);
        assert_eq!(s.node(), Node::Enable);
        assert_eq!(run(&mut s, "disable", &[]).ret, 0);
        assert_eq!(s.node(), Node::View);
        let r = run(&mut s, "quit", &[]);
        assert!(r.close);
        assert_eq!(r.ret, 0);
    }

    #[test]
    fn exit_from_enable_closes() {
        let mut s = Session::new();
        run(&mut s, "enable", &[]);
        assert!(run(&mut s, "exit", &[]).close);
    }

    #[test]
    fn error_texts_and_codes() {
        let mut s = Session::new();
        let r = run(&mut s, "  foo  ", &[]);
        assert_eq!(out(&r), "% [BFD] Unknown command:   foo  \n");
        assert_eq!(r.ret, 2);
        let r = run(&mut s, "e", &[]);
        assert_eq!((out(&r).as_str(), r.ret), ("% Ambiguous command.\n", 3));
        let r = run(&mut s, "echo", &[]);
        assert_eq!((out(&r).as_str(), r.ret), ("% Command incomplete.\n", 4));
        let r = run(&mut s, "echo  PING ", &[]);
        assert_eq!(r.to_wire(), b"PING\n\0\0\0\0");
        assert_eq!(run(&mut s, "! comment", &[]).to_wire(), [0, 0, 0, 0]);
        assert_eq!(run(&mut s, "", &[]).to_wire(), [0, 0, 0, 0]);
        // show bfd is an ENABLE command; `do` does not exist in VIEW
        assert_eq!(run(&mut s, "show bfd peers", &[]).ret, 2);
        assert_eq!(run(&mut s, "do show version", &[]).ret, 2);
    }

    #[test]
    fn do_shortcut_from_enable_and_config() {
        let peers = [peer("192.0.2.1", "default")];
        let mut s = Session::new();
        run(&mut s, "enable", &[]);
        assert_eq!(run(&mut s, "do", &[]).ret, ret::ERR_INCOMPLETE);
        run(&mut s, "conf t", &[]);
        assert_eq!(run(&mut s, "show bfd peers", &peers).ret, 2);
        let r = run(&mut s, "do sh bfd peers br", &peers);
        assert!(out(&r).starts_with("Session count: 1\n"), "{}", out(&r));
        let r = run(&mut s, "do foo", &peers);
        assert_eq!(out(&r), "% [BFD] Unknown command: do foo\n");
        assert_eq!(run(&mut s, "enable", &[]).ret, ret::ERR_INCOMPLETE);
        assert_eq!(s.node(), Node::Config);
    }

    #[test]
    fn thread_cpu_commands_reach_the_daemon_in_full() {
        let daemon = |node: Node, l: &str| match parse(node, l.as_bytes()) {
            Ok(Some(Command::Request(Request::Daemon { line }))) => line,
            other => panic!("{l}: {other:?}"),
        };
        assert_eq!(daemon(Node::Enable, "cl th c"), "clear thread cpu");
        assert_eq!(
            daemon(Node::Enable, "clear thread cpu tw"),
            "clear thread cpu tw"
        );
        assert_eq!(daemon(Node::View, "sh thr cpu R"), "show thread cpu R");
        // `clear thread cpu` is an ENABLE command, as in FRR.
        assert!(parse(Node::View, b"clear thread cpu").is_err());
    }

    #[test]
    fn parses_show_variants() {
        let p = |l: &str| parse(Node::Enable, l.as_bytes());
        assert_eq!(
            p("show bfd vrf red peers counters json"),
            Ok(Some(Command::ShowPeers {
                vrf: Some("red".into()),
                view: PeersView::Counters,
                json: true
            }))
        );
        assert_eq!(
            p("sh b pe br"),
            Ok(Some(Command::ShowPeers {
                vrf: None,
                view: PeersView::Brief,
                json: false
            }))
        );
        assert_eq!(
            p("show bfd peer 10.0.0.1 interface eth1 local-address 10.0.0.2 json"),
            Ok(Some(Command::ShowPeer {
                vrf: None,
                selector: PeerSelector {
                    label: None,
                    peer: Some("10.0.0.1".parse().unwrap()),
                    multihop: false,
                    local: Some("10.0.0.2".parse().unwrap()),
                    interface: Some("eth1".into()),
                },
                counters: false,
                json: true
            }))
        );
        assert_eq!(
            p("show bfd peer mylabel counters"),
            Ok(Some(Command::ShowPeer {
                vrf: None,
                selector: PeerSelector {
                    label: Some("mylabel".into()),
                    peer: None,
                    multihop: false,
                    local: None,
                    interface: None,
                },
                counters: true,
                json: false
            }))
        );
        assert_eq!(p("show bfd peers json brief"), Err(MatchError::NoMatch));
        assert_eq!(p("show bfd vrf"), Err(MatchError::Incomplete));
        assert_eq!(p("   "), Ok(None));
    }

    #[test]
    fn vrf_filter_and_lookup() {
        let peers = [peer("192.0.2.1", "default"), peer("192.0.2.1", "red")];
        let mut s = Session::new();
        run(&mut s, "enable", &[]);
        let r = run(&mut s, "show bfd vrf red peers brief", &peers);
        let text = out(&r);
        assert!(text.starts_with("Session count: 2\n"), "{text}");
        assert_eq!(text.lines().count(), 4, "{text}");
        let r = run(&mut s, "show bfd vrf red peers json", &peers);
        assert_eq!(out(&r).matches("\"vrf\":\"red\"").count(), 1);
        assert!(!out(&r).contains("\"vrf\":\"default\""));
        let r = run(&mut s, "show bfd peer 192.0.2.1", &peers);
        assert!(out(&r).contains("vrf default interface eth0"));
        let r = run(
            &mut s,
            "show bfd vrf blue peer 192.0.2.1 interface eth0",
            &peers,
        );
        assert_eq!(
            (out(&r).as_str(), r.ret),
            (
                "% Unable to find 'peer 192.0.2.1 interface eth0 vrf blue'\n",
                ret::WARNING_CONFIG_FAILED
            )
        );
        let r = run(&mut s, "show bfd peer 192.0.2.1 multihop", &peers);
        assert_eq!(r.ret, ret::WARNING_CONFIG_FAILED);
    }

    #[test]
    fn config_nodes_expand_abbreviations_and_walk_up() {
        let mut s = Session::new();
        run(&mut s, "enable", &[]);
        run(&mut s, "conf t", &[]);
        let r = run(&mut s, "bf", &[]);
        assert_eq!(out(&r), "Config None: bfd\n");
        assert_eq!(s.node(), Node::Bfd);
        let r = run(&mut s, "pe 192.0.2.2 mu local 192.0.2.1 v red", &[]);
        assert_eq!(
            out(&r),
            "Bfd None: peer 192.0.2.2 multihop local-address 192.0.2.1 vrf red\n"
        );
        assert_eq!(s.node(), Node::BfdPeer);
        let r = run(&mut s, "det 5", &[]);
        assert_eq!(
            out(&r),
            "BfdPeer Some(\"peer 192.0.2.2 multihop local-address 192.0.2.1 vrf red\"): detect-multiplier 5\n"
        );
        // FRR's messages and codes: out of range, ambiguous, incomplete.
        let r = run(&mut s, "detect-multiplier 1", &[]);
        assert_eq!(
            (out(&r).as_str(), r.ret),
            ("% [BFD] Unknown command: detect-multiplier 1\n", 2)
        );
        assert_eq!(run(&mut s, "e", &[]).ret, ret::ERR_AMBIGUOUS);
        // As FRR 8.4 does: `echo` alone is a prefix of `echo-mode`.
        assert!(out(&run(&mut s, "echo", &[])).ends_with(": echo-mode\n"));
        assert_eq!(run(&mut s, "profile", &[]).ret, ret::ERR_INCOMPLETE);
        assert_eq!(run(&mut s, "minimum", &[]).ret, ret::ERR_INCOMPLETE);
        assert_eq!(
            out(&run(&mut s, "echo rec dis", &[])).rsplit(": ").next(),
            Some("echo receive-interval disabled\n")
        );
        assert_eq!(s.node(), Node::BfdPeer);
        // A BFD-node command from the peer node runs there.
        let r = run(&mut s, "profile fast", &[]);
        assert!(out(&r).ends_with(": profile fast\n"), "{}", out(&r));
        assert_eq!(s.node(), Node::BfdPeer);
        run(&mut s, "exit", &[]);
        run(&mut s, "profile fast", &[]);
        assert_eq!(s.node(), Node::BfdProfile);
        let r = run(&mut s, "peer 192.0.2.3", &[]);
        assert_eq!(out(&r), "Bfd None: peer 192.0.2.3\n");
        assert_eq!(s.node(), Node::BfdPeer);
        // Refused in a parent node: back where the line was typed.
        assert_eq!(run(&mut s, "peer 192.0.2.99", &[]).ret, 13);
        assert_eq!(s.path().label.as_deref(), Some("peer 192.0.2.3"));
        // Up to CONFIG, then `do` and node exits.
        let r = run(&mut s, "debug bfd peer", &[]);
        assert_eq!(out(&r), "Config None: debug bfd peer\n");
        assert_eq!(s.node(), Node::Config);
        let r = run(&mut s, "do wr t", &[]);
        assert_eq!(out(&r), "WriteTerminal\n");
        run(&mut s, "bfd", &[]);
        run(&mut s, "exit", &[]);
        assert_eq!(s.node(), Node::Config);
        run(&mut s, "bfd", &[]);
        run(&mut s, "end", &[]);
        assert_eq!(s.node(), Node::Enable);
    }

    #[test]
    fn xfrr_markers_defer_then_commit() {
        let mut s = Session::new();
        run(&mut s, "enable", &[]);
        run(&mut s, "configure terminal", &[]);
        let mut seen = Vec::new();
        for line in [
            "bfd",
            "XFRR_start_configuration",
            "bfd",
            "XFRR_end_configuration",
            "bfd",
        ] {
            match s.execute(line.as_bytes()) {
                Step::Request(Request::Configure { defer, .. }) => {
                    seen.push(format!("cfg {defer}"))
                }
                Step::Request(Request::Commit) => seen.push("commit".into()),
                Step::Reply(r) => seen.push(format!("reply {}", r.ret)),
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(
            seen,
            ["cfg false", "reply 0", "cfg true", "commit", "cfg false"]
        );
    }

    #[test]
    fn enable_node_daemon_commands() {
        let mut s = Session::new();
        assert_eq!(
            out(&run(&mut s, "show log", &[])),
            "Daemon { line: \"show logging\" }\n"
        );
        assert_eq!(run(&mut s, "who", &[]).to_wire(), [0, 0, 0, 0]);
        let r = run(&mut s, "terminal monitor", &[]);
        assert_eq!((out(&r).as_str(), r.ret), ("% not supported\n", 1));
        run(&mut s, "enable", &[]);
        assert_eq!(
            out(&run(&mut s, "no deb bfd net", &[])),
            "Enable None: no debug bfd network\n"
        );
        assert_eq!(s.node(), Node::Enable);
        assert_eq!(out(&run(&mut s, "sh deb", &[])), "ShowDebugging\n");
        assert_eq!(
            out(&run(&mut s, "show bfd distributed", &[])),
            "                  Data plane\n                  ==========\n"
        );
        assert_eq!(out(&run(&mut s, "write", &[])), "WriteMemory\n");
        assert_eq!(
            out(&run(&mut s, "show running-config", &[])),
            "WriteTerminal\n"
        );
        let r = run(&mut s, "clear bfd vrf red peer 192.0.2.1 counters", &[]);
        assert!(
            out(&r).starts_with("ClearCounters { vrf: Some(\"red\")"),
            "{}",
            out(&r)
        );
        run(&mut s, "conf", &[]);
        assert_eq!(
            out(&run(&mut s, "log file /tmp/x deb", &[])),
            "Daemon { line: \"log file /tmp/x debugging\" }\n"
        );
        assert_eq!(run(&mut s, "log timestamp precision 7", &[]).ret, 2);
        assert_eq!(run(&mut s, "XFRR_start_configuration", &[]).ret, 0);
        assert_eq!(run(&mut s, "frr version 8.4.4", &[]).ret, 0);
        assert_eq!(run(&mut s, "frr defaults traditional", &[]).ret, 0);
    }

    #[test]
    fn random_lines_never_panic() {
        // A cheap in-tree stand-in for the fuzz target: a fixed LCG over an
        // alphabet of command fragments and raw bytes.
        let words: &[&[u8]] = &[
            b"show",
            b"bfd",
            b"peers",
            b"peer",
            b"vrf",
            b"brief",
            b"json",
            b"counters",
            b"do",
            b"enable",
            b"conf",
            b"end",
            b"exit",
            b"echo",
            b"multihop",
            b"local-address",
            b"interface",
            b"10.0.0.1",
            b"::1",
            b"x",
            b"",
            b" ",
            b"\t",
            b"\xff\xfe",
            b"!",
            b"#",
            b"terminal",
            b"length",
            b"512",
            b"99999999999999999999",
        ];
        let peers = [peer("10.0.0.1", "default")];
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
            (state >> 33) as usize
        };
        let mut s = Session::new();
        for _ in 0..20_000 {
            let mut line = Vec::new();
            for _ in 0..next() % 8 {
                line.extend_from_slice(words[next() % words.len()]);
                line.push(b' ');
            }
            let reply = match s.execute(&line) {
                Step::Reply(r) => r,
                Step::Show(cmd) => render_show(&cmd, &peers),
                Step::Request(req) => s.answer(fake_daemon(req)),
            };
            assert!(!reply.to_wire()[..reply.to_wire().len() - 4].contains(&0));
            if reply.close {
                s = Session::new();
            }
        }
    }
}
