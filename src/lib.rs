//! bfdd-rs: a BFD daemon (RFC 5880, 5881, 5882, 5883). The library holds every
//! piece of the daemon so that integration tests, fuzz targets and the binary
//! share one implementation; `main.rs` only wires them together. The
//! protocol itself is the sans-IO `bfd` crate.

pub mod config;
pub mod daemon;
pub mod engine;
pub mod frr;
pub mod hub;
pub mod memory;
pub mod netlink;
pub mod netns;
pub mod registry;
pub mod vrf_watch;
