//! ZAPI v6 (FRR's zebra protocol): the 10-byte header, a stream framer, the
//! per-release command numbering, and every message bfdd sends or receives,
//! each parsed with nom and encoded beside it. This crate knows nothing of the
//! BFD engine; it turns bytes into typed messages and back, with typed errors
//! and no panics on any input.

pub mod bfd;
pub mod error;
pub mod framer;
pub mod header;
pub mod iface;
pub mod message;
pub mod session;
pub mod version;
pub mod vrf;
mod wire;

pub use bfd::{BfdDest, BfdStatus, BfdStatusUpdate, Replay, IFNAME_MAX, PROFILE_MAX};
pub use error::ZapiError;
pub use framer::{Framer, RawFrame};
pub use header::{Header, HEADER_LEN, MARKER, MAX_PACKET_SIZE, VERSION, VRF_DEFAULT, VRF_UNKNOWN};
pub use iface::{Interface, InterfaceAddress, InterfaceVrfUpdate};
pub use message::{Frame, Message};
pub use session::{Capabilities, Hello};
pub use version::{Command, FrrVersion, UnknownFrrVersion};
pub use vrf::Vrf;
pub use wire::{AF_INET, AF_INET6};
