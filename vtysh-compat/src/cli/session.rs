//! One vty session's CLI state: the node it is in, FRR's `do` shortcut, the
//! walk up the parent nodes for a line unknown where it was typed, the
//! XFRR config-push markers, and finishing a daemon request with its answer.

use super::command::{Command, Request};
use super::node::{Node, NodePath};
use super::parse::parse_words;
use super::reply::{error_reply, ret, Answer, Reply, Step};
use crate::grammar::{split_words, MatchError};

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
    /// `Step::Show`, to be finished with [`render_show`](super::render_show); daemon work as
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
