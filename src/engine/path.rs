//! The seam between the engine thread and the wire. A data path owns the
//! sockets (or rings, or a remote data plane) that carry some sessions'
//! packets: it feeds what it receives to the `bfd::Endpoint`, sends the
//! packets the endpoint hands out, and tells the endpoint when a session's
//! path comes and goes (`path_up`/`path_down`). The kernel UDP sockets of
//! RFC 5881/5883 (`udp.rs`, with the echo sockets of `echo/`) are the first
//! implementation; per-VRF sockets, AF_XDP and FRR's distributed data plane
//! are the next.

use std::fs::File;
use std::os::fd::RawFd;
use std::sync::Arc;
use std::time::Instant;

use bfd::endpoint::EchoTransmit;
use bfd::{Endpoint, Handle, Transmit};

use super::{EngineStats, HandlerStats, LinkInfo};

/// Counters a data path keeps of its own (names are stable: they show in
/// `show thread cpu`).
#[derive(Debug, Default, Clone, Copy)]
pub struct PathCounters {
    /// Datagrams cut short by the receive buffer.
    pub rx_truncated: u64,
    /// Datagrams without a usable source address.
    pub rx_no_source: u64,
    pub socket_errors: u64,
    pub tx_errors: u64,
    /// Loop turns that left packets queued (the per-turn read cap was
    /// reached): the engine is behind its receive load.
    pub rx_backlog: u64,
    /// The echo path's own failures.
    pub echo: super::echo::EchoPathCounters,
}

impl PathCounters {
    /// Add another path's counters (one data path per VRF).
    pub fn add(&mut self, o: &PathCounters) {
        self.rx_truncated += o.rx_truncated;
        self.rx_no_source += o.rx_no_source;
        self.socket_errors += o.socket_errors;
        self.tx_errors += o.tx_errors;
        self.rx_backlog += o.rx_backlog;
        self.echo.add(&o.echo);
    }
}

/// One way packets reach the wire (see the module doc).
pub trait DataPath: Send {
    /// The file descriptors the engine waits on for this path, in the order
    /// `receive` numbers them.
    fn fds(&self) -> Vec<RawFd>;

    /// Descriptor `i` of `fds` is readable: hand what it holds to `ep`.
    fn receive(&mut self, i: usize, ep: &mut Endpoint, stats: &mut EngineStats);

    /// A session was created: keep what its path needs and bring the path
    /// up if it can run now.
    fn attach(&mut self, h: Handle, ep: &mut Endpoint, now: Instant);

    /// A session was removed (its last packet already sent): release its path.
    fn detach(&mut self, h: Handle);

    /// Send one of the endpoint's packets on its session's path (timing it
    /// in `stats`); whether it went out. Failures are counted here.
    fn send(&mut self, t: &Transmit, stats: &mut HandlerStats) -> bool;

    /// Send one echo packet (RFC 5881 §4); whether it went out. Failures
    /// are counted here.
    fn send_echo(&mut self, e: &EchoTransmit) -> bool;

    /// The set of interfaces now: re-evaluate every session's path.
    fn set_links(&mut self, links: Vec<LinkInfo>, ep: &mut Endpoint, now: Instant);

    /// VRF `vrf` lives in namespace `ns` and has these links now (a path
    /// without VRFs ignores it).
    fn vrf_links(
        &mut self,
        _vrf: &str,
        _ns: Arc<File>,
        _links: Vec<LinkInfo>,
        _ep: &mut Endpoint,
        _now: Instant,
    ) {
    }

    /// VRF `vrf`'s namespace is gone.
    fn vrf_gone(&mut self, _vrf: &str, _ep: &mut Endpoint, _now: Instant) {}

    /// Changes whenever `fds` does (the loop then waits on the new set).
    fn fds_generation(&self) -> u64 {
        0
    }

    /// When the path needs `handle_timeout` (e.g. to retry a socket).
    fn poll_timeout(&self) -> Option<Instant>;

    fn handle_timeout(&mut self, ep: &mut Endpoint, now: Instant);

    /// The endpoint holds `sessions` sessions: size buffers for them.
    fn size_for(&mut self, sessions: usize);

    fn counters(&self) -> PathCounters;

    /// For tests that look inside one implementation.
    fn as_any(&self) -> &dyn std::any::Any;
}
