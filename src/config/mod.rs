//! The `bfd` block of an FRR 8.4 frr.conf (peers, profiles, `debug bfd`
//! flags) plus our authentication lines; everything else in the file is
//! skipped so one frr.conf can be shared with the other FRR daemons. Errors
//! carry file:line and the daemon must not start on one. Resolution applies
//! FRR's profile override rule and yields the engine's `SessionSpec`s;
//! `render` gives back FRR's running-config text for `write terminal`.
//! The pieces: `model` (what a block holds), `grammar` (the commands'
//! words), `editor` (the node-by-node reader the vty shares), `parse`
//! (files), `resolve` and `render`.

mod editor;
mod grammar;
mod model;
mod parse;
mod render;
mod resolve;

pub use editor::{ConfigEditor, EditNode, NodeChange};
pub use model::{
    AuthConfig, Config, ConfigError, DebugFlags, PeerConfig, ProfileConfig, Settings,
    DEFAULT_AUTH_KEY_ID, DEFAULT_DETECT_MULTIPLIER, DEFAULT_ECHO_INTERVAL_MS, DEFAULT_INTERVAL_MS,
    DEFAULT_MINIMUM_TTL, DEFAULT_VRF,
};
pub use parse::{load, load_noted, parse_noted, parse_str};

#[cfg(test)]
mod tests;
