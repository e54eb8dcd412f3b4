//! ZAPI v6 (FRR's zebra protocol): the 10-byte header, a stream framer, the
//! per-release command numbering, and every message bfdd sends or receives,
//! each parsed with nom and encoded beside it. This crate knows nothing of the
//! BFD engine; it turns bytes into typed messages and back, with typed errors
//! and no panics on any input.
//!
//! ```
//! use zapi::{Framer, FrrVersion, Hello, Message, Replay};
//!
//! let v = FrrVersion::V8_4;
//! // bfdd's connect sequence: HELLO, then replay request + interface dump.
//! let hello = Message::Hello(Hello::bfdd(v)).encode(v, 0).unwrap();
//! assert_eq!(hello.len(), 19);
//! let mut out = Message::BfdDestReplay(Some(Replay::Request)).encode(v, 0).unwrap();
//! out.extend(Message::InterfaceAddRequest.encode(v, 0).unwrap());
//!
//! // The receiving side splits whatever arrives into messages.
//! let mut framer = Framer::new();
//! framer.push(&out);
//! while let Some(frame) = framer.next_message(v) {
//!     match frame {
//!         Ok(f) => println!("vrf {}: {:?}", f.vrf_id, f.message),
//!         Err(e) if e.is_fatal() => break, // drop the connection
//!         Err(e) => eprintln!("skipped: {}", e.name()),
//!     }
//! }
//! ```

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

pub use bfd::{
    BfdDest, BfdStatus, BfdStatusUpdate, Replay, DEFAULT_DETECT_MULT, DEFAULT_MIN_RX,
    DEFAULT_MIN_TX, IFNAME_MAX, PROFILE_MAX,
};
pub use error::ZapiError;
pub use framer::{Framer, RawFrame};
pub use header::{Header, HEADER_LEN, MARKER, MAX_PACKET_SIZE, VERSION, VRF_DEFAULT, VRF_UNKNOWN};
pub use iface::{Interface, InterfaceAddress, InterfaceVrfUpdate};
pub use message::{Frame, Message};
pub use session::{Capabilities, Hello};
pub use version::{Command, FrrVersion, UnknownFrrVersion};
pub use vrf::Vrf;
pub use wire::{AF_INET, AF_INET6};
