//! Every session of one engine, without I/O (in the spirit of quinn-proto's
//! endpoint): the driver hands in datagrams (`handle_datagram`), the passing
//! of time (`handle_timeout`) and the control plane's wishes (`upsert`,
//! `remove`, `path_up`/`path_down`), and takes out what to send
//! (`poll_transmit`), when to wake next (`poll_timeout`) and the state
//! changes to report (`poll_event`). Inside: the session table with its
//! demultiplexing indexes (`table.rs`), the deadline heap (`timers.rs`), the
//! §6.8.6 reception procedure (`receive.rs`) and the coalescing event queue
//! (`events.rs`). The endpoint never reads a clock or touches a socket, so a
//! whole network of endpoints runs on a simulated clock (`crate::sim`), and
//! every data path — kernel UDP, echo, AF_XDP, a distributed data plane —
//! drives the same code.

mod echo;
mod events;
mod lateness;
mod receive;
mod table;
#[cfg(test)]
mod tests;
mod timers;
mod vrf;

pub use echo::{EchoCounters, EchoMeta, EchoTransmit, EchoVerdict, RttSamples};
pub use events::Event;
pub use lateness::{LatenessStats, LATENESS_BOUNDS_US};
pub use receive::RxMeta;

use std::collections::{HashMap, VecDeque};
use std::time::Instant;

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use crate::auth::{AuthKey, AuthKeyError, AuthState};
use crate::key::{AuthSpec, SessionConfig, SessionKey};
use crate::packet::{Diag, RxErrorCounters, State, MAX_LEN};
use crate::session::{Actions, Session};
use events::EventQueue;
use receive::RxDrops;
use table::{Entry, Table};
use timers::{TimerEntry, TimerHeap};

/// Packets queued by one `handle_timeout` call before it returns (see there).
pub const TRANSMIT_BATCH: usize = 256;

/// The name of the default VRF (FRR's).
pub const DEFAULT_VRF: &str = "default";

/// A session of this endpoint: its slot and the slot's generation, so a
/// handle of a removed session never reaches the session that reuses the
/// slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Handle {
    slot: u32,
    generation: u32,
}

impl Handle {
    /// A small dense index (the slot), for the driver's own per-session
    /// tables; it is reused after the session is removed.
    pub fn index(self) -> usize {
        self.slot as usize
    }
}

/// Per-session packet and event counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SessionCounters {
    pub control_input: u64,
    pub control_output: u64,
    pub session_up: u64,
    pub session_down: u64,
    pub echo_input: u64,
    pub echo_output: u64,
}

/// One packet to send: `bytes()` for the session `handle`, on its path.
#[derive(Debug, Clone, Copy)]
pub struct Transmit {
    pub handle: Handle,
    len: usize,
    buf: [u8; MAX_LEN],
}

impl Transmit {
    pub fn bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

/// Endpoint-wide counters: why datagrams were dropped, and what the event
/// queue had to defer.
#[derive(Debug, Clone, Copy, Default)]
pub struct EndpointCounters {
    pub rx_errors: RxErrorCounters,
    /// Datagrams for a session whose path is down.
    pub session_disabled: u64,
    /// State changes that found the event queue full (or their session
    /// already behind) and were deferred for coalescing.
    pub events_deferred: u64,
    /// Events handed out later from the deferred ones.
    pub events_flushed: u64,
}

/// A read-only view of one session.
#[derive(Debug, Clone, Copy)]
pub struct SessionRef<'a> {
    pub handle: Handle,
    pub config: &'a SessionConfig,
    pub session: &'a Session,
    pub counters: SessionCounters,
    /// The path is up: the session runs on the wire.
    pub enabled: bool,
    /// Echo round trip (min, avg, max) in µs, FRR's way (`RttSamples`).
    pub rtt_us: (u32, u32, u32),
}

/// Fixed settings of an endpoint.
#[derive(Debug, Clone, Copy)]
pub struct EndpointConfig {
    /// Seeds discriminators, auth sequence numbers and jitter: the same seed
    /// and inputs give the same outputs.
    pub seed: u64,
    /// Events held before state changes are coalesced (see `events.rs`).
    pub event_capacity: usize,
}

impl Default for EndpointConfig {
    fn default() -> Self {
        EndpointConfig {
            seed: 0,
            event_capacity: 4096,
        }
    }
}

/// Every session of one engine.
#[derive(Debug)]
pub struct Endpoint {
    table: Table,
    timers: TimerHeap,
    rng: SmallRng,
    drops: RxDrops,
    events: EventQueue,
    transmits: VecDeque<Transmit>,
    /// Echo packets to send (`echo.rs`).
    echoes: VecDeque<EchoTransmit>,
    echo_counters: EchoCounters,
    /// Interface names by index, for demultiplexing by key.
    ifnames: HashMap<(u32, u32), String>,
    /// VRF names by the ids data paths put in `RxMeta::vrf` (0: "default").
    vrf_names: HashMap<u32, String>,
    lateness: LatenessStats,
}

fn timer_valid(table: &Table, t: &TimerEntry) -> bool {
    table.generation(t.slot) == t.generation
        && table
            .get(t.slot)
            .is_some_and(|e| e.armed == Some(t.deadline))
}

impl Endpoint {
    pub fn new(config: EndpointConfig) -> Endpoint {
        Endpoint {
            table: Table::new(),
            timers: TimerHeap::new(),
            rng: SmallRng::seed_from_u64(config.seed),
            drops: RxDrops::default(),
            events: EventQueue::new(config.event_capacity),
            transmits: VecDeque::new(),
            echoes: VecDeque::new(),
            echo_counters: EchoCounters::default(),
            ifnames: HashMap::new(),
            vrf_names: HashMap::new(),
            lateness: LatenessStats::default(),
        }
    }

    // ---- commands -------------------------------------------------------

    /// Create a session, or reconfigure the one with the same key (timer
    /// changes by poll sequence, no flap). A new session starts with its path
    /// down: the driver calls `path_up` once it can carry it.
    pub fn upsert(
        &mut self,
        mut config: SessionConfig,
        now: Instant,
    ) -> Result<Handle, AuthKeyError> {
        config.params.auth = config.auth.is_some();
        // RFC 5883 §3: no echo over multiple hops.
        config.params.echo_mode &= !config.key.multihop;
        if let Some(slot) = self.table.by_key(&config.key) {
            let auth_changed = self
                .table
                .get(slot)
                .is_some_and(|e| e.config.auth != config.auth);
            let new_auth = if auth_changed {
                Some(self.new_auth(&config.auth)?)
            } else {
                None
            };
            if let Some(e) = self.table.get_mut(slot) {
                if let Some(a) = new_auth {
                    e.session.set_auth(a);
                }
                let actions = e.session.set_params(config.params, now);
                e.config = config;
                self.apply(slot, actions, now);
            }
            return Ok(self.handle_of(slot));
        }
        let auth = self.new_auth(&config.auth)?;
        let discr = self.new_discr();
        let mut session = Session::new(discr, config.params, self.rng.gen(), now);
        session.set_auth(auth);
        let slot = self.table.insert(Entry::new(config, session));
        Ok(self.handle_of(slot))
    }

    /// Forget the session with this key; if it was on the wire, an AdminDown
    /// packet for the peer is queued first (§6.8.16). Its handle is returned
    /// so the driver can send that packet and then release the path.
    pub fn remove(&mut self, key: &SessionKey, now: Instant) -> Option<Handle> {
        let slot = self.table.by_key(key)?;
        let h = self.handle_of(slot);
        let mut e = self.table.remove(slot)?;
        if e.pending.is_some() {
            self.events.forget(h);
        }
        if e.enabled {
            let t = push_transmit(&mut self.transmits, h);
            t.len = e.session.admin_down_packet(now, &mut t.buf);
        }
        Some(h)
    }

    /// The session's path is up (bound to `ifindex` when it has an
    /// interface): it may send and listen.
    pub fn path_up(&mut self, h: Handle, ifindex: Option<u32>, now: Instant) {
        let Some(slot) = self.live(h) else { return };
        let Some(e) = self.table.get_mut(slot) else {
            return;
        };
        e.enabled = true;
        e.ifindex = ifindex;
        if e.path_downed {
            e.path_downed = false;
            let actions = e.session.path_up(now);
            self.apply(slot, actions, now);
        } else {
            self.rearm(slot);
        }
    }

    /// The session's path went away: Down with diag Path Down, silent
    /// (§6.8.16, §6.8.1).
    pub fn path_down(&mut self, h: Handle, now: Instant) {
        let Some(slot) = self.live(h) else { return };
        let Some(e) = self.table.get_mut(slot) else {
            return;
        };
        e.enabled = false;
        e.ifindex = None;
        e.path_downed = true;
        let actions = e.session.path_down(now);
        self.apply(slot, actions, now);
    }

    /// Zero one session's packet counters (event counters are kept).
    pub fn clear_counters(&mut self, h: Handle) {
        if let Some(e) = self.live(h).and_then(|s| self.table.get_mut(s)) {
            e.counters.control_input = 0;
            e.counters.control_output = 0;
            e.counters.echo_input = 0;
            e.counters.echo_output = 0;
        }
    }

    /// Queue one AdminDown packet for every session on the wire (shutting
    /// down), leaving the sessions themselves as they are.
    pub fn admin_down_all(&mut self, now: Instant) {
        for slot in self.table.slots() {
            let h = self.handle_of(slot);
            if let Some(e) = self.table.get_mut(slot).filter(|e| e.enabled) {
                let t = push_transmit(&mut self.transmits, h);
                t.len = e.session.admin_down_packet(now, &mut t.buf);
            }
        }
    }

    // ---- input ----------------------------------------------------------

    /// A datagram arrived: RFC 5880 §6.8.6 (`receive.rs`).
    pub fn handle_datagram(&mut self, now: Instant, meta: &RxMeta, data: &[u8]) {
        let Some(vrf) = vrf::name(&self.vrf_names, meta.vrf) else {
            self.drops
                .errors
                .bump(&crate::packet::PacketError::NoSession);
            return;
        };
        let got = receive::receive(
            &mut self.table,
            &self.ifnames,
            vrf,
            &mut self.drops,
            meta,
            data,
            now,
        );
        if let Some((slot, actions)) = got {
            self.apply(slot, actions, now);
        }
    }

    /// Run sessions whose deadline has passed; returns how many ran. It
    /// stops early once `TRANSMIT_BATCH` packets wait in the queue, so the
    /// queue stays small when thousands of sessions fall due at once: take
    /// the packets out and call again while `poll_timeout()` is due.
    pub fn handle_timeout(&mut self, now: Instant) -> u64 {
        // A bound on work per call in case a session keeps asking for `now`.
        let mut budget = 4 * self.table.len() + 64;
        let mut runs = 0;
        while budget > 0 && self.transmits.len() < TRANSMIT_BATCH {
            budget -= 1;
            let table = &self.table;
            let Some(t) = self.timers.pop_due(now, |t| timer_valid(table, t)) else {
                break;
            };
            let Some(e) = self.table.get_mut(t.slot) else {
                continue;
            };
            e.armed = None;
            if !e.enabled {
                continue;
            }
            runs += 1;
            self.lateness.record(t.deadline, now);
            let actions = e.session.handle_timeout(now);
            self.apply(t.slot, actions, now);
        }
        let table = &self.table;
        self.timers
            .compact_if_bloated(table.len(), |t| timer_valid(table, t));
        runs
    }

    // ---- output ---------------------------------------------------------

    /// The next packet to send.
    pub fn poll_transmit(&mut self) -> Option<Transmit> {
        self.transmits.pop_front()
    }

    /// The driver sent a packet of `h` (counted as control output).
    pub fn transmitted(&mut self, h: Handle) {
        if let Some(e) = self.live(h).and_then(|s| self.table.get_mut(s)) {
            e.counters.control_output += 1;
        }
    }

    /// The earliest session deadline: call `handle_timeout` then.
    pub fn poll_timeout(&mut self) -> Option<Instant> {
        let table = &self.table;
        self.timers.next_deadline(|t| timer_valid(table, t))
    }

    /// The next state change to report: queued ones first, then what
    /// deferred sessions owe, one step at a time.
    pub fn poll_event(&mut self) -> Option<Event> {
        if let Some(ev) = self.events.pop_ready() {
            return Some(ev);
        }
        while let Some(h) = self.events.front_deferred() {
            let Some(e) = self.live(h).and_then(|s| self.table.get_mut(s)) else {
                self.events.pop_deferred();
                continue;
            };
            let Some(mut p) = e.pending else {
                self.events.pop_deferred();
                continue;
            };
            let Some((to, diag)) = p.next(e.session.state(), e.session.local_diag()) else {
                e.pending = None;
                self.events.pop_deferred();
                continue;
            };
            let ev = event(h, e, p.reported, to, diag);
            p.sent(to);
            e.pending = Some(p);
            self.events.flushed_count += 1;
            return Some(ev);
        }
        None
    }

    /// How many events may wait ready from now on, beyond which changes are
    /// deferred and coalesced: a driver whose own queue has `n` free places
    /// sets `n` before feeding the endpoint, so nothing waits in two queues.
    pub fn set_event_capacity(&mut self, n: usize) {
        self.events.set_capacity(n);
    }

    /// Deferred sessions still owe events (the driver retries later).
    pub fn has_deferred_events(&self) -> bool {
        self.events.has_deferred()
    }

    // ---- queries --------------------------------------------------------

    pub fn len(&self) -> usize {
        self.table.len()
    }

    pub fn is_empty(&self) -> bool {
        self.table.len() == 0
    }

    /// The session with exactly this key.
    pub fn find(&self, key: &SessionKey) -> Option<Handle> {
        self.table.by_key(key).map(|s| self.handle_of(s))
    }

    pub fn get(&self, h: Handle) -> Option<SessionRef<'_>> {
        let slot = self.live(h)?;
        self.table.get(slot).map(|e| view(h, e))
    }

    /// Every session (allocates; for queries, not packets).
    pub fn sessions(&self) -> impl Iterator<Item = SessionRef<'_>> {
        self.table
            .slots()
            .into_iter()
            .filter_map(move |s| self.table.get(s).map(|e| view(self.handle_of(s), e)))
    }

    pub fn counters(&self) -> EndpointCounters {
        EndpointCounters {
            rx_errors: self.drops.errors,
            session_disabled: self.drops.session_disabled,
            events_deferred: self.events.deferred_count,
            events_flushed: self.events.flushed_count,
        }
    }

    pub fn lateness(&self) -> LatenessStats {
        self.lateness
    }

    pub fn clear_lateness(&mut self) {
        self.lateness = LatenessStats::default();
    }

    /// Queue a packet of `h` now, as a due transmission would, and re-arm
    /// its timer: the transmit half of the hot path, for benchmarks.
    #[doc(hidden)]
    pub fn transmit_now(&mut self, h: Handle, now: Instant) {
        let Some(slot) = self.live(h) else { return };
        if let Some(e) = self.table.get_mut(slot) {
            let t = push_transmit(&mut self.transmits, h);
            t.len = e.session.transmit(now, &mut t.buf);
        }
        self.rearm(slot);
    }

    /// Size in bytes of one session's table entry (inline part only).
    #[doc(hidden)]
    pub fn entry_size() -> usize {
        std::mem::size_of::<Entry>()
    }

    // ---- inside ---------------------------------------------------------

    fn handle_of(&self, slot: usize) -> Handle {
        Handle {
            slot: slot as u32,
            generation: self.table.generation(slot),
        }
    }

    /// The slot of `h` if it still names a live session.
    fn live(&self, h: Handle) -> Option<usize> {
        let slot = h.slot as usize;
        (self.table.generation(slot) == h.generation && self.table.get(slot).is_some())
            .then_some(slot)
    }

    fn new_auth(&mut self, spec: &Option<AuthSpec>) -> Result<Option<AuthState>, AuthKeyError> {
        let Some(a) = spec else {
            return Ok(None);
        };
        let key = AuthKey::new(a.auth_type, a.key_id, &a.secret)?;
        // §6.7.3: the initial transmit sequence number should be random.
        Ok(Some(AuthState::new(key, self.rng.gen())))
    }

    fn new_discr(&mut self) -> u32 {
        loop {
            let d: u32 = self.rng.gen();
            if d != 0 && !self.table.contains_discr(d) {
                return d;
            }
        }
    }

    /// The consequences of a session event: counters, the state-change
    /// event, a packet, the next deadline.
    fn apply(&mut self, slot: usize, actions: Actions, now: Instant) {
        let h = self.handle_of(slot);
        let Some(e) = self.table.get_mut(slot) else {
            return;
        };
        if let Some(sc) = actions.state_change {
            if sc.to == State::Down {
                // FRR forgets the echo round trips on going Down.
                e.rtt = None;
            }
            // FRR's counting: a session that goes Down from Init or Up;
            // `shutdown` (to AdminDown) and `no shutdown` (AdminDown to
            // Down) are not session downs.
            if sc.to == State::Up {
                e.counters.session_up += 1;
            } else if sc.to == State::Down && matches!(sc.from, State::Init | State::Up) {
                e.counters.session_down += 1;
            }
            let ev = event(h, e, sc.from, sc.to, sc.diag);
            self.events.push(&mut e.pending, ev);
        }
        if actions.transmit && e.enabled {
            let t = push_transmit(&mut self.transmits, h);
            t.len = e.session.transmit(now, &mut t.buf);
        }
        if actions.echo_transmit && e.enabled {
            self.queue_echo(slot);
        }
        self.rearm(slot);
    }

    /// Put the session's next deadline into the heap if it changed.
    fn rearm(&mut self, slot: usize) {
        let generation = self.table.generation(slot);
        let Some(e) = self.table.get_mut(slot) else {
            return;
        };
        let next = if e.enabled {
            e.session.next_timeout()
        } else {
            None
        };
        if next != e.armed {
            e.armed = next;
            if let Some(d) = next {
                self.timers.push(d, slot, generation);
            }
        }
    }
}

/// A zeroed transmit for `h` at the back of the queue, filled in place (no
/// copy of the packet; the queue's memory is reused once grown).
fn push_transmit(q: &mut VecDeque<Transmit>, h: Handle) -> &mut Transmit {
    q.push_back(Transmit {
        handle: h,
        len: 0,
        buf: [0; MAX_LEN],
    });
    let last = q.len() - 1;
    &mut q[last]
}

/// Queue an echo packet (its own function so the queue's growth policy
/// stays in one place with `push_transmit`'s).
fn push_transmit_echo(q: &mut VecDeque<EchoTransmit>, t: EchoTransmit) {
    q.push_back(t);
}

fn event(h: Handle, e: &Entry, from: State, to: State, diag: Diag) -> Event {
    Event {
        handle: h,
        key: e.config.key.clone(),
        local_discr: e.session.local_discr(),
        from,
        to,
        diag,
        remote_cbit: e.session.remote_control_plane_independent(),
    }
}

fn view(handle: Handle, e: &Entry) -> SessionRef<'_> {
    SessionRef {
        handle,
        config: &e.config,
        session: &e.session,
        counters: e.counters,
        enabled: e.enabled,
        rtt_us: e.rtt.as_ref().map_or((0, 0, 0), |r| r.summary()),
    }
}
