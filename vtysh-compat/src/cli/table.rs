//! The commands of each node, in FRR's syntax (as bfdd/bfdd_cli.c and
//! lib/ declare them), each tagged with what it does, and their expanded
//! token tables, built once per node.

use std::sync::OnceLock;

use super::node::Node;
use crate::grammar::{expand, Tok};

/// What a matched command does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Id {
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

/// Expanded token sequences of a node's commands, in declaration order.
pub(super) type Table = Vec<(Vec<Tok>, Id)>;

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
    // FRR's host settings: kept by the daemon, shown in running-config.
    ("frr version .VERSION", Id::Daemon),
    ("frr defaults <traditional|datacenter>", Id::Daemon),
    ("hostname WORD", Id::Daemon),
    ("no hostname [WORD]", Id::Daemon),
    ("[no] service password-encryption", Id::Daemon),
    ("[no] service advanced-vty", Id::Daemon),
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
    // Passwords guard the TCP vty's login (shared with its sessions).
    ("enable password [(8-8)] WORD", Id::Daemon),
    ("no enable password", Id::Daemon),
    ("password [(8-8)] WORD", Id::Daemon),
    ("no password", Id::Daemon),
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

/// The command table of `node`.
pub(super) fn table(node: Node) -> &'static Table {
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
