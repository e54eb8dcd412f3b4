//! bfd: the BFD protocol (RFC 5880, 5881, 5883) without I/O. Packets are
//! parsed and encoded from byte slices, sessions and the endpoint that owns
//! them take (event, now) and hand back what to send and when to wake, so a
//! whole network of endpoints runs on a simulated clock. Nothing here reads a
//! clock, opens a socket or starts a thread; the daemon's engine thread
//! drives it over its data paths.

pub mod auth;
pub mod echo;
pub mod endpoint;
pub mod key;
pub mod packet;
pub mod session;
pub mod sim;

pub use endpoint::{Endpoint, EndpointConfig, Event, Handle, RxMeta, Transmit};
pub use key::{AuthSpec, SessionConfig, SessionKey};
