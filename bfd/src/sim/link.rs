//! One direction of a simulated link: its faults, what it did, and the
//! record of every packet put on it.

use std::net::IpAddr;
use std::time::{Duration, Instant};

use rand::rngs::SmallRng;
use rand::Rng;

use super::NodeId;
use crate::endpoint::Handle;
use crate::packet::{parse, ControlPacket, MAX_LEN};

/// How one direction of a link treats packets. Probabilities are in 0..=1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinkConfig {
    /// One-way delay of every packet.
    pub latency: Duration,
    /// Probability that a packet is lost.
    pub loss: f64,
    /// Probability that a packet arrives twice.
    pub duplicate: f64,
    /// Probability that a packet is held `reorder_delay` longer than the
    /// latency, so that later packets overtake it.
    pub reorder: f64,
    pub reorder_delay: Duration,
}

impl Default for LinkConfig {
    /// 1 ms of latency, no faults.
    fn default() -> Self {
        LinkConfig::with_latency(Duration::from_millis(1))
    }
}

impl LinkConfig {
    pub fn with_latency(latency: Duration) -> LinkConfig {
        LinkConfig {
            latency,
            loss: 0.0,
            duplicate: 0.0,
            reorder: 0.0,
            reorder_delay: Duration::ZERO,
        }
    }
    pub fn loss(self, p: f64) -> LinkConfig {
        LinkConfig { loss: p, ..self }
    }
    pub fn duplicate(self, p: f64) -> LinkConfig {
        LinkConfig {
            duplicate: p,
            ..self
        }
    }
    pub fn reorder(self, p: f64, delay: Duration) -> LinkConfig {
        LinkConfig {
            reorder: p,
            reorder_delay: delay,
            ..self
        }
    }
}

/// What one direction of a link did with the packets put on it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LinkStats {
    pub sent: u64,
    pub lost: u64,
    /// Dropped because the link was cut.
    pub cut: u64,
    pub duplicated: u64,
    pub reordered: u64,
    /// Copies handed to the receiving endpoint.
    pub delivered: u64,
}

#[derive(Debug)]
pub(super) struct Link {
    pub(super) config: LinkConfig,
    pub(super) up: bool,
    pub(super) stats: LinkStats,
}

impl Link {
    pub(super) fn new(config: LinkConfig) -> Link {
        Link {
            config,
            up: true,
            stats: LinkStats::default(),
        }
    }

    /// What becomes of a packet put on the link at `now`.
    pub(super) fn carry(&mut self, rng: &mut SmallRng, now: Instant) -> Fate {
        let c = self.config;
        let mut chance = |p: f64| p > 0.0 && rng.gen_bool(p);
        self.stats.sent += 1;
        if !self.up {
            self.stats.cut += 1;
            return Fate::Cut;
        }
        if chance(c.loss) {
            self.stats.lost += 1;
            return Fate::Lost;
        }
        let mut at = now + c.latency;
        if chance(c.reorder) {
            self.stats.reordered += 1;
            at += c.reorder_delay;
        }
        if chance(c.duplicate) {
            self.stats.duplicated += 1;
            self.stats.delivered += 2;
            Fate::ArrivesTwice(at)
        } else {
            self.stats.delivered += 1;
            Fate::Arrives(at)
        }
    }
}

/// What became of a packet put on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    /// No link from its source to its destination, or no endpoint owns the
    /// destination.
    NoRoute,
    Cut,
    Lost,
    /// Arrives (is handed to the receiving endpoint) at this time.
    Arrives(Instant),
    /// Duplicated: both copies arrive at this time.
    ArrivesTwice(Instant),
}

impl Fate {
    /// The time it arrives, if it does.
    pub fn arrives(self) -> Option<Instant> {
        match self {
            Fate::Arrives(t) | Fate::ArrivesTwice(t) => Some(t),
            _ => None,
        }
    }
}

/// One packet an endpoint sent, as the wire saw it.
#[derive(Debug, Clone)]
pub struct WirePacket {
    /// When it was sent.
    pub at: Instant,
    pub from: NodeId,
    pub handle: Handle,
    pub src: IpAddr,
    pub dst: IpAddr,
    pub multihop: bool,
    pub fate: Fate,
    pub(super) len: usize,
    pub(super) buf: [u8; MAX_LEN],
}

impl WirePacket {
    pub fn bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }

    /// The packet parsed.
    ///
    /// # Panics
    /// If an endpoint sent a packet that does not parse (a bug to report).
    pub fn packet(&self) -> ControlPacket<'_> {
        parse(self.bytes()).expect("an endpoint sent a packet that does not parse")
    }

    /// The time it arrives, if it does.
    pub fn arrives(&self) -> Option<Instant> {
        self.fate.arrives()
    }
}
