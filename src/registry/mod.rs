//! Who wants which session. Requests come from the config file and from
//! clients (protocol daemons relayed by zebra, direct ZAPI connections,
//! bfdd.sock connections); they are kept apart from the sessions on the wire
//! and turned into engine commands, with FRR 8.4 bfdd's semantics
//! (bfdd/ptm_adapter.c, bfdd/bfd.c): per-client references, the first
//! registrant's timers, a later registrant's profile, hops → minimum TTL,
//! an immediate status reply, configured sessions that outlive their clients,
//! and status only on the transitions FRR reports. Pure: no I/O and no
//! clock; every call returns the engine commands to send and the status
//! events to deliver, so the rules are unit-tested deterministically.
//!
//! API in short (all methods on `Registry`):
//! - `apply_config(specs)` / `set_profiles(profiles)` / `apply(&Config)`:
//!   the config file's sessions and profiles;
//! - `register(client, request)`, `deregister(client, request)`: one client
//!   reference on one session (FRR's DEST_REGISTER / DEST_DEREGISTER);
//! - `drop_client(client)`: every reference of one client (CLIENT_DEREGISTER);
//!   `drop_source(source)`: of every client behind one connection (closed);
//! - `mark_stale(source)` / `sweep_stale(source)`: keep a source's references
//!   across a reconnect until the clients had a chance to re-register;
//! - `notification(&n)`: an engine state change → the status events to send;
//! - `sessions()`: read-only view (configured flag, clients, spec, state);
//! - `peer_snapshot(snap)`: an engine snapshot as FRR's interfaces show it,
//!   with the registry's display fields and notification count.

mod clients;
mod configured;
mod peer;
mod request;
mod spec;
mod status;
mod table;

pub use peer::PeerSnapshot;
pub use request::{ClientId, Request, Source, MAX_INTERVAL_MS};
pub use spec::SessionSpec;
pub use status::{
    counts_as_notification, reportable_transition, reported, Outcome, Status, StatusEvent,
};
pub use table::{frr_key_match, Registry, SessionView};
