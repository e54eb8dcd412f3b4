//! The command side of a vty session: which commands exist in which node
//! (VIEW, ENABLE, CONFIG, BFD, BFD-PEER, BFD-PROFILE, as in FRR 8.4's bfdd),
//! what a line means, and the reply bytes and return code FRR would give.
//! Pure: the caller supplies the peers when a line asks for them
//! (`Step::Show`) and the daemon's answer for configuration and daemon
//! commands (`Step::Request`, with the line's keywords written out in full).
//!
//! Files: `node` (the nodes and their parents), `command` (what a line
//! means, `Request` for the daemon), `reply` (return codes, replies, FRR's
//! error texts), `table` (each node's commands in FRR's syntax), `parse`
//! (a line to a `Command`), `session` (one session's node and the walk up
//! the parents), `render` (show commands against the daemon's peers).

mod command;
mod node;
mod parse;
mod render;
mod reply;
mod session;
mod table;
#[cfg(test)]
mod tests;

pub use command::{Command, PeerSelector, PeersView, Request};
pub use node::{Node, NodePath};
pub use parse::parse;
pub use render::{find_peer, render_show};
pub use reply::{error_reply, ret, Answer, Reply, Step, PROTOCOL_NAME};
pub use session::Session;
