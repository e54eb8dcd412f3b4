//! A simulated network of endpoints, for tests (in the spirit of
//! quinn-proto's test pair and smoltcp's fault injector): N `Endpoint`s, each
//! with its own seed and addresses, share one simulated clock that starts at
//! a caller-given `t0` and only moves when `step`/`run_until` jump it to the
//! next event — a packet arriving or an endpoint's `poll_timeout`. Packets
//! an endpoint hands out go to the endpoint owning the session's peer
//! address, through a directed link per (source, destination) address pair
//! that adds latency and, from one seeded random generator, loss, reordering
//! and duplication, and that can be cut one way or both. Every packet put on
//! a link is recorded with its fate (`wire`), and every state change the
//! endpoints report is collected with the simulated time it came out
//! (`events`), so a test asserts on timing and state sequences. The same
//! seeds and calls give the same run; nothing here reads a clock or a socket.

mod echo;
mod link;

pub use link::{Fate, LinkConfig, LinkStats, WirePacket};

use std::collections::{BTreeMap, HashMap, HashSet};
use std::net::IpAddr;
use std::time::{Duration, Instant};

use rand::rngs::SmallRng;
use rand::SeedableRng;

use crate::endpoint::{Endpoint, EndpointConfig, Event, Handle, RxMeta, SessionRef};
use crate::key::{SessionConfig, SessionKey};
use crate::packet::{State, MAX_LEN};
use link::Link;

/// An endpoint of the simulation (its index in the order added).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub usize);

/// A state change an endpoint reported, with the simulated time at which the
/// simulation took it out of `poll_event`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimEvent {
    pub at: Instant,
    pub node: NodeId,
    pub event: Event,
}

impl SimEvent {
    pub fn transition(&self) -> (State, State) {
        (self.event.from, self.event.to)
    }
}

/// A packet on its way (keyed by arrival time, then send order).
#[derive(Debug)]
struct InFlight {
    to: NodeId,
    meta: RxMeta,
    len: usize,
    buf: [u8; MAX_LEN],
    /// An echo packet on one of its two legs (`echo.rs`), not Control.
    echo: Option<echo::EchoLeg>,
}

/// Where a session's packets go: (source, destination, multihop).
type Route = (IpAddr, IpAddr, bool);

#[derive(Debug)]
struct Node {
    endpoint: Endpoint,
    addrs: Vec<IpAddr>,
    /// Events stay in the endpoint (the driver is "busy").
    hold_events: bool,
    /// Routes of the sessions seen, by handle: a removed session's last
    /// (AdminDown) packet has a handle the endpoint no longer knows.
    routes: HashMap<Handle, Route>,
}

/// Steps at one instant beyond which the simulation is taken to be stuck.
const MAX_STEPS_AT_ONE_INSTANT: u32 = 100_000;

/// N endpoints on one simulated clock, joined by links.
#[derive(Debug)]
pub struct Sim {
    t0: Instant,
    now: Instant,
    rng: SmallRng,
    nodes: Vec<Node>,
    owners: HashMap<IpAddr, NodeId>,
    links: HashMap<(IpAddr, IpAddr), Link>,
    in_flight: BTreeMap<(Instant, u64), InFlight>,
    seq: u64,
    events: Vec<SimEvent>,
    wire: Vec<WirePacket>,
    steps_now: u32,
    /// Directed address pairs that drop echo packets only.
    echo_cuts: HashSet<(IpAddr, IpAddr)>,
}

impl Sim {
    /// An empty network whose clock starts at `t0`; `seed` drives the link
    /// faults.
    pub fn new(t0: Instant, seed: u64) -> Sim {
        Sim {
            t0,
            now: t0,
            rng: SmallRng::seed_from_u64(seed),
            nodes: Vec::new(),
            owners: HashMap::new(),
            links: HashMap::new(),
            in_flight: BTreeMap::new(),
            seq: 0,
            events: Vec::new(),
            wire: Vec::new(),
            steps_now: 0,
            echo_cuts: HashSet::new(),
        }
    }

    /// A new endpoint owning `addrs` (its first address is the source of
    /// sessions with no local address).
    pub fn add_endpoint(&mut self, seed: u64, addrs: &[IpAddr]) -> NodeId {
        self.add_endpoint_with(
            EndpointConfig {
                seed,
                ..EndpointConfig::default()
            },
            addrs,
        )
    }

    pub fn add_endpoint_with(&mut self, config: EndpointConfig, addrs: &[IpAddr]) -> NodeId {
        assert!(!addrs.is_empty(), "an endpoint needs an address");
        let id = NodeId(self.nodes.len());
        for a in addrs {
            let prev = self.owners.insert(*a, id);
            assert!(prev.is_none(), "address {a} owned twice");
        }
        self.nodes.push(Node {
            endpoint: Endpoint::new(config),
            addrs: addrs.to_vec(),
            hold_events: false,
            routes: HashMap::new(),
        });
        id
    }

    // ---- links ----------------------------------------------------------

    /// Links `a` -> `b` and `b` -> `a`, both with `config`.
    pub fn connect(&mut self, a: IpAddr, b: IpAddr, config: LinkConfig) {
        self.connect_one_way(a, b, config);
        self.connect_one_way(b, a, config);
    }

    /// Link `from` -> `to` with `config`; an existing link keeps its state
    /// (up or cut) and statistics.
    pub fn connect_one_way(&mut self, from: IpAddr, to: IpAddr, config: LinkConfig) {
        self.links
            .entry((from, to))
            .and_modify(|l| l.config = config)
            .or_insert_with(|| Link::new(config));
    }

    /// Cut both directions between `a` and `b`.
    pub fn cut(&mut self, a: IpAddr, b: IpAddr) {
        self.set_up(a, b, false);
        self.set_up(b, a, false);
    }

    pub fn cut_one_way(&mut self, from: IpAddr, to: IpAddr) {
        self.set_up(from, to, false);
    }

    /// Restore both directions between `a` and `b`.
    pub fn heal(&mut self, a: IpAddr, b: IpAddr) {
        self.set_up(a, b, true);
        self.set_up(b, a, true);
    }

    pub fn heal_one_way(&mut self, from: IpAddr, to: IpAddr) {
        self.set_up(from, to, true);
    }

    fn set_up(&mut self, from: IpAddr, to: IpAddr, up: bool) {
        let l = self.links.get_mut(&(from, to));
        l.unwrap_or_else(|| panic!("no link {from} -> {to}")).up = up;
    }

    /// What the link `from` -> `to` did so far.
    pub fn link_stats(&self, from: IpAddr, to: IpAddr) -> LinkStats {
        self.links
            .get(&(from, to))
            .map_or_else(Default::default, |l| l.stats)
    }

    // ---- endpoints and sessions -----------------------------------------

    pub fn endpoint(&self, n: NodeId) -> &Endpoint {
        &self.nodes[n.0].endpoint
    }

    /// The endpoint itself, for calls the simulation has no helper for (pass
    /// `now()` as the time).
    pub fn endpoint_mut(&mut self, n: NodeId) -> &mut Endpoint {
        &mut self.nodes[n.0].endpoint
    }

    pub fn addrs(&self, n: NodeId) -> &[IpAddr] {
        &self.nodes[n.0].addrs
    }

    /// Create the session and bring its path up (interface index unknown),
    /// as a driver does once it can carry it.
    ///
    /// # Panics
    /// If the configuration's authentication key is invalid.
    pub fn add_session(&mut self, n: NodeId, config: SessionConfig) -> Handle {
        let h = self.upsert(n, config);
        self.path_up(n, h);
        h
    }

    /// Create or reconfigure a session, now (its path state is unchanged).
    ///
    /// # Panics
    /// If the configuration's authentication key is invalid.
    pub fn upsert(&mut self, n: NodeId, config: SessionConfig) -> Handle {
        let now = self.now;
        let node = &mut self.nodes[n.0];
        let route = route_of(&node.addrs, &config.key);
        let h = node
            .endpoint
            .upsert(config, now)
            .expect("invalid authentication key");
        node.routes.insert(h, route);
        h
    }

    pub fn remove(&mut self, n: NodeId, key: &SessionKey) -> Option<Handle> {
        let now = self.now;
        self.nodes[n.0].endpoint.remove(key, now)
    }

    pub fn path_up(&mut self, n: NodeId, h: Handle) {
        let now = self.now;
        self.nodes[n.0].endpoint.path_up(h, None, now);
    }

    pub fn path_down(&mut self, n: NodeId, h: Handle) {
        let now = self.now;
        self.nodes[n.0].endpoint.path_down(h, now);
    }

    /// A live session.
    ///
    /// # Panics
    /// If `h` names no live session of `n`.
    pub fn session(&self, n: NodeId, h: Handle) -> SessionRef<'_> {
        self.nodes[n.0].endpoint.get(h).expect("no such session")
    }

    pub fn state(&self, n: NodeId, h: Handle) -> State {
        self.session(n, h).session.state()
    }

    /// While held, `n`'s events stay in its endpoint (a driver too busy to
    /// take them); the test may take them itself with `endpoint_mut`.
    pub fn hold_events(&mut self, n: NodeId, hold: bool) {
        self.nodes[n.0].hold_events = hold;
    }

    // ---- time -----------------------------------------------------------

    pub fn now(&self) -> Instant {
        self.now
    }

    pub fn t0(&self) -> Instant {
        self.t0
    }

    /// Simulated time since `t0`.
    pub fn elapsed(&self) -> Duration {
        self.now - self.t0
    }

    /// Advance to the next event (a packet arriving, an endpoint's
    /// deadline) and run it; false when nothing is left to happen.
    pub fn step(&mut self) -> bool {
        self.flush();
        let Some(next) = self.next_time() else {
            return false;
        };
        self.advance(next);
        true
    }

    /// Run every event up to and including `t`, then leave the clock at `t`.
    pub fn run_until(&mut self, t: Instant) {
        loop {
            self.flush();
            match self.next_time() {
                Some(next) if next <= t => self.advance(next),
                _ => break,
            }
        }
        if t > self.now {
            self.now = t;
            self.steps_now = 0;
        }
    }

    pub fn run_for(&mut self, d: Duration) {
        self.run_until(self.now + d);
    }

    /// Step until `cond` holds or `limit` of simulated time has passed;
    /// returns whether it holds (the clock stays where it became true).
    pub fn run_until_cond(&mut self, limit: Duration, mut cond: impl FnMut(&Sim) -> bool) -> bool {
        let end = self.now + limit;
        loop {
            self.flush();
            if cond(self) {
                return true;
            }
            match self.next_time() {
                Some(next) if next <= end => self.advance(next),
                _ => break,
            }
        }
        self.run_until(end);
        cond(self)
    }

    fn next_time(&mut self) -> Option<Instant> {
        let packet = self.in_flight.keys().next().map(|&(at, _)| at);
        let timers = self
            .nodes
            .iter_mut()
            .filter_map(|n| n.endpoint.poll_timeout());
        packet.into_iter().chain(timers).min()
    }

    /// Move the clock to `t` (never back), deliver what arrives by then and
    /// run the endpoints whose deadline has come.
    fn advance(&mut self, t: Instant) {
        if t > self.now {
            self.now = t;
            self.steps_now = 0;
        }
        self.steps_now += 1;
        assert!(
            self.steps_now < MAX_STEPS_AT_ONE_INSTANT,
            "simulation stuck at {:?}",
            self.elapsed()
        );
        let now = self.now;
        while let Some(entry) = self.in_flight.first_entry() {
            if entry.key().0 > now {
                break;
            }
            let p = entry.remove();
            if let Some(leg) = p.echo {
                self.echo_arrives(&p, leg);
                continue;
            }
            let ep = &mut self.nodes[p.to.0].endpoint;
            ep.handle_datagram(now, &p.meta, &p.buf[..p.len]);
        }
        for node in &mut self.nodes {
            if node.endpoint.poll_timeout().is_some_and(|d| d <= now) {
                node.endpoint.handle_timeout(now);
            }
        }
        self.flush();
    }

    // ---- packets and events ---------------------------------------------

    /// Put every packet the endpoints hold on the wire and collect their
    /// events, at `now`.
    fn flush(&mut self) {
        let now = self.now;
        for i in 0..self.nodes.len() {
            while let Some(t) = self.nodes[i].endpoint.poll_transmit() {
                let node = &mut self.nodes[i];
                node.endpoint.transmitted(t.handle);
                let route = match node.endpoint.get(t.handle) {
                    Some(s) => *node
                        .routes
                        .entry(t.handle)
                        .or_insert_with(|| route_of(&node.addrs, &s.config.key)),
                    None => *node
                        .routes
                        .get(&t.handle)
                        .expect("a packet of a session the simulation never saw"),
                };
                self.send(NodeId(i), t.handle, route, t.bytes());
            }
            self.flush_echoes(NodeId(i));
            if !self.nodes[i].hold_events {
                while let Some(event) = self.nodes[i].endpoint.poll_event() {
                    self.events.push(SimEvent {
                        at: now,
                        node: NodeId(i),
                        event,
                    });
                }
            }
        }
    }

    fn send(&mut self, from: NodeId, handle: Handle, route: Route, bytes: &[u8]) {
        let (src, dst, multihop) = route;
        let mut buf = [0; MAX_LEN];
        let len = bytes.len().min(MAX_LEN);
        buf[..len].copy_from_slice(&bytes[..len]);
        let to = self.owners.get(&dst).copied();
        let fate = match (self.links.get_mut(&(src, dst)), to) {
            (Some(link), Some(_)) => link.carry(&mut self.rng, self.now),
            _ => Fate::NoRoute,
        };
        if let (Some(to), Some(at)) = (to, fate.arrives()) {
            let meta = RxMeta {
                src,
                dst: Some(dst),
                ifindex: 0,
                ttl: Some(255),
                multihop,
                vrf: 0,
            };
            let copies = if matches!(fate, Fate::ArrivesTwice(_)) {
                2
            } else {
                1
            };
            for _ in 0..copies {
                self.seq += 1;
                let p = InFlight {
                    to,
                    meta,
                    len,
                    buf,
                    echo: None,
                };
                self.in_flight.insert((at, self.seq), p);
            }
        }
        self.wire.push(WirePacket {
            at: self.now,
            from,
            handle,
            src,
            dst,
            multihop,
            fate,
            len,
            buf,
        });
    }

    /// Hand `bytes` to the endpoint owning `dst` now, as if it came from
    /// `src` (no link involved): replays, forgeries.
    ///
    /// # Panics
    /// If no endpoint owns `dst`.
    pub fn inject(&mut self, src: IpAddr, dst: IpAddr, multihop: bool, bytes: &[u8]) {
        let to = *self.owners.get(&dst).expect("no endpoint owns dst");
        let meta = RxMeta {
            src,
            dst: Some(dst),
            ifindex: 0,
            ttl: Some(255),
            multihop,
            vrf: 0,
        };
        let now = self.now;
        self.nodes[to.0].endpoint.handle_datagram(now, &meta, bytes);
        self.flush();
    }

    /// Every packet put on the wire so far, in send order.
    pub fn wire(&self) -> &[WirePacket] {
        &self.wire
    }

    /// Packets sent by `n`, in send order.
    pub fn sent_by(&self, n: NodeId) -> impl Iterator<Item = &WirePacket> + '_ {
        self.wire.iter().filter(move |p| p.from == n)
    }

    pub fn clear_wire(&mut self) {
        self.wire.clear();
    }

    /// Every event collected so far, in the order taken out.
    pub fn events(&self) -> &[SimEvent] {
        &self.events
    }

    /// Events of `n`, in order.
    pub fn events_of(&self, n: NodeId) -> impl Iterator<Item = &SimEvent> + '_ {
        self.events.iter().filter(move |e| e.node == n)
    }

    /// The transitions `n` reported, in order.
    pub fn transitions(&self, n: NodeId) -> Vec<(State, State)> {
        self.events_of(n).map(SimEvent::transition).collect()
    }

    /// Take the collected events out.
    pub fn take_events(&mut self) -> Vec<SimEvent> {
        std::mem::take(&mut self.events)
    }
}

/// Source, destination and hop mode of a session's packets.
fn route_of(addrs: &[IpAddr], key: &SessionKey) -> Route {
    (key.local.unwrap_or(addrs[0]), key.peer, key.multihop)
}
