//! bfdd.sock: FRR 8.4's control socket (bfdd/control.c, bfdd/config.c), so
//! scripts and consumers written for FRR's bfdd can add and delete dynamic
//! sessions, subscribe to peers and receive status and config notifications.
//! The socket side knows nothing of the registry (only `adapt.rs` and the
//! key type touch engine types): the daemon implements `ControlBackend`
//! (what the socket asks of it; `hub_backend.rs` is ours) and feeds
//! `ControlEvent`s (what the socket reports) into the running server.
//!
//! Files: `backend.rs` the backend trait and the types it speaks in,
//! `adapt.rs` engine snapshot/spec conversions for the daemon,
//! `hub_backend.rs` the backend over the registry hub,
//! `codec.rs` the 8-byte-header framing, `json.rs` json-c compatible
//! JSON, `request.rs` peer objects and their validation, `notify.rs` the
//! notification and response texts, `server.rs` the unix socket server.
//!
//! Wiring (daemon side): build an `Arc<dyn ControlBackend>`, call
//! `ControlServer::bind(path, backend)` inside the tokio runtime, spawn
//! `server.run()`, and push `ControlEvent`s through the `ControlEvents`
//! handle on every session state change (`Status`) and on every session
//! create / update / delete (`Config`), like FRR's `control_notify` and
//! `control_notify_config`.
//!
//! Where we differ from FRR 8.4.4, on purpose: inputs that crash FRR (a
//! payload that is not an object, a list that is not an array, a peer that
//! is not an object, a null string) are plain errors; a header split across
//! reads is reassembled; payloads over 1 MiB and clients that leave 16 384
//! notifications unread close the connection; responses keep their order
//! among themselves; a NOTIFY payload shorter than 8 bytes is zero-padded;
//! an empty `vrf-name` means the default VRF; the notify-all walk follows
//! the backend's order (FRR's is its hash order); `adapt.rs` refuses timer
//! values the CLI would refuse.

pub mod adapt;
pub mod backend;
pub mod codec;
pub mod hub_backend;
pub mod json;
pub mod notify;
pub mod request;
pub mod server;

pub use backend::{
    BoxFuture, ConfigOp, ConnId, ControlBackend, ControlEvent, ControlSessionInfo, PeerRequest,
};
pub use server::{ControlCounters, ControlEvents, ControlServer};
