//! What a command line means once parsed: the `Command`, and the work it
//! hands the daemon (`Request`, with the line's keywords written out in
//! full).

use std::net::IpAddr;

use super::node::NodePath;

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
