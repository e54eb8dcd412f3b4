//! The seam between bfdd.sock and the daemon: what the socket asks of the
//! daemon (`ControlBackend`, with a peer object as `PeerRequest`) and what
//! the daemon reports through it (`ControlEvent` about a
//! `ControlSessionInfo`).

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use crate::engine::SessionKey;
use bfd::packet::{Diag, State};

/// A boxed future, as the backend returns them (object-safe trait).
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// One connected client of the socket; ids are never reused in a process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConnId(pub u64);

/// One peer object of a bfdd.sock request, validated (`request::read_peer`;
/// FRR's `struct bfd_peer_cfg`). Once the server hands it on, the key is
/// resolved: when the request names a label that exists, the key is that
/// session's key (FRR looks labels up first). Timers are what the
/// client sent, unvalidated and in milliseconds, `None` when absent (FRR
/// then keeps the session's current or default value); the backend checks
/// ranges and refuses with an `Err`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerRequest {
    pub key: SessionKey,
    /// Label to set on the session (labels are only set through bfdd.sock).
    pub label: Option<String>,
    /// FRR stores the multiplier in a u8: larger values arrive truncated.
    pub detect_mult: Option<u8>,
    pub receive_interval_ms: Option<u64>,
    pub transmit_interval_ms: Option<u64>,
    pub echo_receive_interval_ms: Option<u64>,
    pub echo_transmit_interval_ms: Option<u64>,
    /// Always applied on add (false when absent), as FRR does.
    pub echo_mode: bool,
    pub shutdown: bool,
    /// Add: refuse if the session exists.
    pub create_only: bool,
}

/// What the socket reports about one session: the key fields for the peer
/// keys, the status fields, and the config fields (timers in milliseconds,
/// i.e. FRR's microseconds / 1000).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlSessionInfo {
    pub key: SessionKey,
    pub label: Option<String>,
    pub local_discr: u32,
    pub state: State,
    pub local_diag: Diag,
    pub remote_diag: Diag,
    /// Time since the last state change: `uptime` when Up, `downtime` when
    /// Down (whole seconds in the JSON).
    pub since_change: Duration,
    pub detect_mult: u8,
    pub receive_interval_ms: u64,
    pub transmit_interval_ms: u64,
    pub echo_receive_interval_ms: u64,
    pub echo_transmit_interval_ms: u64,
    pub remote_detect_mult: u8,
    pub remote_receive_interval_ms: u64,
    pub remote_transmit_interval_ms: u64,
    pub remote_echo_receive_interval_ms: u64,
    pub echo_mode: bool,
    pub shutdown: bool,
}

/// Config notification operations (FRR `BCM_NOTIFY_CONFIG_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigOp {
    Add,
    Update,
    Delete,
}

impl ConfigOp {
    pub fn as_str(self) -> &'static str {
        match self {
            ConfigOp::Add => "add",
            ConfigOp::Update => "update",
            ConfigOp::Delete => "delete",
        }
    }
}

/// Input from the daemon to the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ControlEvent {
    /// A session changed state: a status notification goes to every socket
    /// with the peer-state bit or a subscription to this session. Send it on
    /// the transitions FRR 8.4 reports (`control_notify`): to Up, Up to
    /// Down, to AdminDown (and AdminDown to Down); not to Init, not Init to
    /// Down. The same rule as the zebra status messages.
    Status(ControlSessionInfo),
    /// A session was created, reconfigured (also on poll completion) or
    /// deleted: a config notification goes to every socket with the config
    /// bit. On `Delete` the server also drops all subscriptions to the key.
    Config(ConfigOp, ControlSessionInfo),
}

/// What bfdd.sock asks of the daemon. Every call may be slow (it may talk
/// to the engine), hence futures. Sessions are found by FRR's key rules
/// (local address and interface match only when both sides have one), so
/// the backend does the lookup and hands back the session's own key.
pub trait ControlBackend: Send + Sync + 'static {
    /// REQUEST_ADD: create a dynamic session (no references), or update the
    /// existing one with `req`'s settings; with `req.create_only` an existing
    /// session is an error. Any `Err` answers "request add failed" (the text
    /// is only logged). On success the daemon emits `Config(Add|Update)`.
    fn add(&self, req: PeerRequest) -> BoxFuture<Result<(), String>>;

    /// REQUEST_DEL: delete the session; an error if it does not exist or
    /// anything references it (config, zebra clients, subscriptions). On
    /// success the daemon emits `Config(Delete)`.
    fn delete(&self, req: PeerRequest) -> BoxFuture<Result<(), String>>;

    /// NOTIFY_ADD: `conn` takes one reference on the session found by `key`
    /// (at most one per connection and session: repeating is a no-op).
    /// Returns the session for the immediate status, None if there is none.
    fn subscribe(&self, conn: ConnId, key: SessionKey) -> BoxFuture<Option<ControlSessionInfo>>;

    /// NOTIFY_DEL: drop `conn`'s reference, if it holds one. Returns the
    /// session's key, or None if no session matches `key` (an error).
    fn unsubscribe(&self, conn: ConnId, key: SessionKey) -> BoxFuture<Option<SessionKey>>;

    /// The connection closed: drop every reference it holds. Dynamic
    /// sessions stay (FRR does not delete them).
    fn release(&self, conn: ConnId) -> BoxFuture<()>;

    /// Every session, for the walk after a NOTIFY that sets mask bits.
    fn sessions(&self) -> BoxFuture<Vec<ControlSessionInfo>>;

    /// The session carrying `label`, if any.
    fn find_label(&self, label: String) -> BoxFuture<Option<ControlSessionInfo>>;
}
