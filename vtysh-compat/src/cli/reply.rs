//! What comes back from a line: FRR's return codes, the daemon's `Answer`,
//! the `Reply` bytes and trailer, the `Step` a line takes, and FRR's error
//! texts for lines that did not run.

use super::command::{Command, Request};
use super::node::NodePath;
use crate::grammar::MatchError;

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

/// What a command line produced: output (no NUL inside), the return code
/// for the trailer, and whether the session ends after the reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub output: Vec<u8>,
    pub ret: u8,
    pub close: bool,
}

impl Reply {
    pub(super) fn ok(output: impl Into<Vec<u8>>) -> Reply {
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
    /// Ask the daemon, then finish with [`Session::answer`](super::Session::answer).
    Request(Request),
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
