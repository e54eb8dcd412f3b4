//! bfdd-rs: a BFD daemon (RFC 5880, 5881, 5882, 5883). The library holds every
//! piece of the daemon so that integration tests, fuzz targets and the binary
//! share one implementation; `main.rs` only wires them together.

pub mod config;
pub mod daemon;
pub mod engine;
pub mod frr;
pub mod hub;
pub mod memory;
pub mod netlink;
pub mod registry;

/// The protocol crate's modules under their old paths, for the daemon's own
/// modules and tests.
pub use bfd::{auth, packet, session};
