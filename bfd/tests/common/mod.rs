//! Shared set-up of the scenario tests: two endpoints A (10.0.0.1) and B
//! (10.0.0.2) on a simulated network, one single-hop session each way.
#![allow(dead_code)]

use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, Instant};

use bfd::packet::State;
use bfd::session::SessionParams;
use bfd::sim::{LinkConfig, NodeId, Sim, WirePacket};
use bfd::{Handle, SessionConfig, SessionKey};

pub const A: IpAddr = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1));
pub const B: IpAddr = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2));

pub fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// A single-hop key from `local` to `peer`.
pub fn key(local: IpAddr, peer: IpAddr) -> SessionKey {
    SessionKey {
        peer,
        local: Some(local),
        ifname: None,
        vrf: "default".into(),
        multihop: false,
    }
}

/// Timers in milliseconds.
pub fn params(tx_ms: u32, rx_ms: u32, detect_mult: u8) -> SessionParams {
    SessionParams {
        desired_min_tx: tx_ms * 1000,
        required_min_rx: rx_ms * 1000,
        detect_mult,
        ..SessionParams::default()
    }
}

pub struct Pair {
    pub sim: Sim,
    pub a: NodeId,
    pub b: NodeId,
    pub ha: Handle,
    pub hb: Handle,
    pub ca: SessionConfig,
    pub cb: SessionConfig,
}

impl Pair {
    /// A and B linked by `link`, each with a session to the other made
    /// from `ca`/`cb`'s params and auth, both started at t0.
    pub fn new(seed: u64, link: LinkConfig, ca: SessionConfig, cb: SessionConfig) -> Pair {
        Pair::between(seed, (A, B), link, ca, cb)
    }

    /// As `new`, with A and B at `addrs` (e.g. IPv6).
    pub fn between(
        seed: u64,
        addrs: (IpAddr, IpAddr),
        link: LinkConfig,
        ca: SessionConfig,
        cb: SessionConfig,
    ) -> Pair {
        let mut sim = Sim::new(Instant::now(), seed);
        let a = sim.add_endpoint(seed ^ 0xa, &[addrs.0]);
        let b = sim.add_endpoint(seed ^ 0xb, &[addrs.1]);
        sim.connect(addrs.0, addrs.1, link);
        let ha = sim.add_session(a, ca.clone());
        let hb = sim.add_session(b, cb.clone());
        Pair {
            sim,
            a,
            b,
            ha,
            hb,
            ca,
            cb,
        }
    }

    /// Both sides with the same params, no auth, a 1 ms link.
    pub fn plain(seed: u64, p: SessionParams) -> Pair {
        Pair::new(
            seed,
            LinkConfig::default(),
            SessionConfig::new(key(A, B), p),
            SessionConfig::new(key(B, A), p),
        )
    }

    pub fn state_a(&self) -> State {
        self.sim.state(self.a, self.ha)
    }

    pub fn state_b(&self) -> State {
        self.sim.state(self.b, self.hb)
    }

    pub fn both(&self, s: State) -> bool {
        self.state_a() == s && self.state_b() == s
    }

    /// Both Up and done with the polls that announce the configured rates.
    pub fn settled(&self) -> bool {
        self.both(State::Up)
            && !self.sim.session(self.a, self.ha).session.polling()
            && !self.sim.session(self.b, self.hb).session.polling()
    }

    /// Run until `settled`, at most 10 s of simulated time.
    pub fn bring_up(&mut self) {
        let (a, b, ha, hb) = (self.a, self.b, self.ha, self.hb);
        let up = self.sim.run_until_cond(Duration::from_secs(10), |s| {
            let ok = |n, h| {
                let r = s.session(n, h);
                r.session.state() == State::Up && !r.session.polling()
            };
            ok(a, ha) && ok(b, hb)
        });
        assert!(up, "the pair did not come up within 10 s");
    }

    /// Reconfigure A's session with `p` (same key and auth).
    pub fn set_params_a(&mut self, p: SessionParams) {
        self.ca.params = p;
        let c = self.ca.clone();
        self.sim.upsert(self.a, c);
    }

    pub fn set_params_b(&mut self, p: SessionParams) {
        self.cb.params = p;
        let c = self.cb.clone();
        self.sim.upsert(self.b, c);
    }
}

/// Gaps between consecutive packets sent by `n` at or after `from`.
pub fn tx_gaps(sim: &Sim, n: NodeId, from: Instant) -> Vec<Duration> {
    let times: Vec<Instant> = sim
        .sent_by(n)
        .map(|p| p.at)
        .filter(|&t| t >= from)
        .collect();
    times.windows(2).map(|w| w[1] - w[0]).collect()
}

/// The last packet sent by `from` that arrived at or before `t`.
pub fn last_arrival(sim: &Sim, from: NodeId, t: Instant) -> Option<Instant> {
    sim.sent_by(from)
        .filter_map(WirePacket::arrives)
        .filter(|&at| at <= t)
        .max()
}
