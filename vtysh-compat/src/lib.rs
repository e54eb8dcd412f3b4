//! FRR's vty unix-socket protocol, bfdd's command grammar and nodes, and its
//! `show bfd ...` output in FRR 8.4's exact text and JSON. Knows nothing of
//! the engine: the daemon hands it plain `PeerStatus` records and answers
//! configuration lines through `Backend::request`.
//!
//! Modules: `status` (the `PeerStatus` record), `show` (text/brief/JSON
//! formatting), `json` (json-c's pretty printer), `grammar` (FRR-style
//! command matching), `cli` (nodes, commands, replies), `server` (the unix
//! socket and its framing), `telnet` (the TCP vty's login and line editing
//! over the same CLI).

pub mod cli;
pub mod grammar;
pub mod json;
pub mod server;
pub mod show;
mod status;
pub mod telnet;

pub use cli::{Answer, Node, NodePath, PeerSelector, Reply, Request, Session, Step};
pub use server::{bind, serve, Backend};
pub use status::{PeerState, PeerStatus};
