//! Two `Session`s exchanging packets over a simulated link on a simulated
//! clock: they come Up, renegotiate timers without flapping, and detect a cut
//! within Detect Mult × interval (RFC 5880 §6.2, §6.5, §6.8.3, §6.8.4).

use std::time::{Duration, Instant};

use bfd::packet::{ControlPacket, Diag, State};
use bfd::session::{Actions, Session, SessionParams, StateChange};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

struct Sim {
    now: Instant,
    sessions: [Session; 2],
    /// (delivery time, destination index, packet)
    in_flight: Vec<(Instant, usize, ControlPacket<'static>)>,
    delay: Duration,
    cut: bool,
    changes: Vec<(Instant, usize, StateChange)>,
    sent: [Vec<(Instant, ControlPacket<'static>)>; 2],
}

impl Sim {
    fn new(a: SessionParams, b: SessionParams) -> Sim {
        Sim::seeded(a, b, 1)
    }

    fn seeded(a: SessionParams, b: SessionParams, seed: u64) -> Sim {
        let now = Instant::now();
        Sim {
            now,
            sessions: [
                Session::new(0xa, a, seed, now),
                Session::new(0xb, b, seed.wrapping_mul(31).wrapping_add(7), now),
            ],
            in_flight: Vec::new(),
            delay: ms(1),
            cut: false,
            changes: Vec::new(),
            sent: [Vec::new(), Vec::new()],
        }
    }

    fn act(&mut self, i: usize, a: Actions) {
        if let Some(c) = a.state_change {
            self.changes.push((self.now, i, c));
        }
        if a.transmit {
            let p = self.sessions[i].build_packet(self.now);
            assert!(!(p.poll && p.final_), "P and F together");
            self.sent[i].push((self.now, p));
            if !self.cut {
                self.in_flight.push((self.now + self.delay, 1 - i, p));
            }
        }
    }

    /// Runs every event up to and including `until`.
    fn run_until(&mut self, until: Instant) {
        for _ in 0..1_000_000 {
            let mut next: Option<Instant> = None;
            for s in &self.sessions {
                next = min_opt(next, s.next_timeout());
            }
            for (t, _, _) in &self.in_flight {
                next = min_opt(next, Some(*t));
            }
            let Some(t) = next.filter(|t| *t <= until) else {
                self.now = until;
                return;
            };
            self.now = self.now.max(t);
            let due: Vec<_> = self
                .in_flight
                .iter()
                .filter(|(at, _, _)| *at <= self.now)
                .copied()
                .collect();
            self.in_flight.retain(|(at, _, _)| *at > self.now);
            for (_, to, p) in due {
                let a = self.sessions[to].handle_rx(&p, self.now);
                self.act(to, a);
            }
            for i in 0..2 {
                if self.sessions[i]
                    .next_timeout()
                    .is_some_and(|t| t <= self.now)
                {
                    let a = self.sessions[i].handle_timeout(self.now);
                    self.act(i, a);
                }
            }
        }
        panic!("event loop does not make progress");
    }

    fn advance(&mut self, d: Duration) {
        let until = self.now + d;
        self.run_until(until);
    }

    fn both(&self, st: State) -> bool {
        self.sessions.iter().all(|s| s.state() == st)
    }
}

fn min_opt(a: Option<Instant>, b: Option<Instant>) -> Option<Instant> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

fn fast(tx_ms: u32, rx_ms: u32) -> SessionParams {
    SessionParams {
        desired_min_tx: tx_ms * 1000,
        required_min_rx: rx_ms * 1000,
        ..SessionParams::default()
    }
}

/// Largest gap between consecutive packets sent by session `i` after `from`.
fn max_gap(sim: &Sim, i: usize, from: Instant) -> Duration {
    let times: Vec<Instant> = sim.sent[i]
        .iter()
        .map(|(t, _)| *t)
        .filter(|t| *t >= from)
        .collect();
    times
        .windows(2)
        .map(|w| w[1] - w[0])
        .max()
        .unwrap_or_default()
}

#[test]
fn rfc5880_two_sessions_come_up_and_stay_up() {
    let mut sim = Sim::new(fast(300, 300), fast(300, 300));
    sim.advance(ms(3000));
    assert!(sim.both(State::Up), "{:?}", sim.changes);
    let up_at = sim.changes.iter().map(|(t, _, _)| *t).max().unwrap();
    assert!(up_at - sim.sessions[0].last_state_change() < ms(1));
    for s in &sim.sessions {
        assert!(!s.polling(), "going-Up poll ended");
        assert_eq!(s.tx_interval(), ms(300));
        assert_eq!(s.detection_time(), ms(900));
    }
    // Each side went Down -> Init -> Up or Down -> Up, nothing else.
    for (_, _, c) in &sim.changes {
        assert_ne!(c.to, State::Down, "{:?}", sim.changes);
    }
    let settled = sim.now;
    sim.advance(ms(60_000));
    assert!(sim.both(State::Up));
    assert!(sim.changes.iter().all(|(t, _, _)| *t < settled), "no flap");
    // Fast rate with jitter: gaps never above the interval.
    for i in 0..2 {
        assert!(max_gap(&sim, i, settled) <= ms(300), "{i}");
        let n = sim.sent[i].iter().filter(|(t, _)| *t >= settled).count();
        assert!((200..=270).contains(&n), "{i}: {n} packets in 60 s");
    }
}

#[test]
fn rfc5880_two_sessions_one_passive_come_up() {
    let passive = SessionParams {
        passive: true,
        ..fast(300, 300)
    };
    // The passive side goes Up on the active side's poll and must get its own
    // poll (announcing its fast rate) answered before the active side's
    // detection time runs out: try many jitter seeds.
    for seed in 0..50 {
        let mut sim = Sim::seeded(fast(300, 300), passive, seed);
        sim.advance(ms(3000));
        assert!(sim.both(State::Up), "seed {seed}: {:?}", sim.changes);
        assert!(sim.sent[1].first().unwrap().0 > sim.sent[0].first().unwrap().0);
        let t = sim.now;
        sim.advance(ms(10_000));
        assert!(
            sim.changes.iter().all(|(_, _, c)| c.to != State::Down),
            "seed {seed}: {:?}",
            sim.changes
        );
        assert!(max_gap(&sim, 1, t) <= ms(300));
    }
}

#[test]
fn rfc5880_two_sessions_staggered_start_come_up_without_flap() {
    for seed in 0..50 {
        let mut sim = Sim::seeded(fast(300, 300), fast(50, 50), seed);
        // B is created later: the two do not start in lockstep.
        let later = sim.now + ms(137 + seed * 13);
        sim.sessions[1] = Session::new(0xb, fast(50, 50), seed + 1000, later);
        sim.advance(ms(15_000));
        assert!(sim.both(State::Up), "seed {seed}: {:?}", sim.changes);
        assert!(
            sim.changes.iter().all(|(_, _, c)| c.to != State::Down),
            "seed {seed}: {:?}",
            sim.changes
        );
        assert_eq!(sim.sessions[0].tx_interval(), ms(300));
        assert_eq!(sim.sessions[1].tx_interval(), ms(300));
    }
}

#[test]
fn rfc5880_6_8_3_two_sessions_renegotiate_timers_without_flap() {
    let mut sim = Sim::new(fast(300, 300), fast(300, 300));
    sim.advance(ms(3000));
    assert!(sim.both(State::Up));
    let n_changes = sim.changes.len();

    // Faster on both sides.
    for i in 0..2 {
        let now = sim.now;
        let a = sim.sessions[i].set_params(fast(50, 50), now);
        assert!(sim.sessions[i].polling());
        sim.act(i, a);
    }
    sim.advance(ms(2000));
    let t_fast = sim.now;
    sim.advance(ms(5000));
    for i in 0..2 {
        assert!(!sim.sessions[i].polling());
        assert_eq!(sim.sessions[i].tx_interval(), ms(50));
        assert_eq!(sim.sessions[i].detection_time(), ms(150));
        assert!(max_gap(&sim, i, t_fast) <= ms(50));
    }

    // Much slower on one side: the increase waits for the Final, the other
    // side's detection time grows first, so nothing expires.
    let now = sim.now;
    let a = sim.sessions[0].set_params(fast(2000, 2000), now);
    sim.act(0, a);
    sim.advance(ms(10_000));
    let t_slow = sim.now;
    sim.advance(ms(20_000));
    assert_eq!(sim.sessions[0].tx_interval(), ms(2000));
    assert_eq!(sim.sessions[1].tx_interval(), ms(2000), "A asks for 2 s");
    assert_eq!(sim.sessions[1].detection_time(), ms(6000));
    assert!(max_gap(&sim, 0, t_slow) <= ms(2000));

    // And back to fast again.
    let now = sim.now;
    let a = sim.sessions[0].set_params(fast(100, 100), now);
    sim.act(0, a);
    sim.advance(ms(10_000));
    assert_eq!(sim.sessions[0].tx_interval(), ms(100));
    assert_eq!(sim.sessions[1].tx_interval(), ms(100));

    assert!(sim.both(State::Up));
    assert_eq!(
        sim.changes.len(),
        n_changes,
        "no flap: {:?}",
        &sim.changes[n_changes..]
    );
}

#[test]
fn rfc5880_6_8_4_two_sessions_detect_a_cut_within_detect_mult_intervals() {
    let mut sim = Sim::new(fast(300, 300), fast(300, 300));
    sim.advance(ms(5000));
    assert!(sim.both(State::Up));
    let cut_at = sim.now;
    sim.cut = true;
    sim.in_flight.clear();
    sim.advance(ms(2000));
    for i in 0..2 {
        let (t, _, c) = sim
            .changes
            .iter()
            .find(|(t, who, _)| *t > cut_at && *who == i)
            .copied()
            .expect("went Down");
        assert_eq!(c.to, State::Down);
        assert_eq!(c.diag, Diag::CONTROL_DETECTION_TIME_EXPIRED);
        // 3 × 300 ms from the last packet heard, itself before the cut.
        assert!(t - cut_at <= ms(900), "{i}: {:?}", t - cut_at);
        assert!(t - cut_at >= ms(900) - ms(300), "{i}: {:?}", t - cut_at);
    }
    // Heal the link: they come back Up.
    sim.cut = false;
    sim.advance(ms(5000));
    assert!(sim.both(State::Up), "{:?}", sim.changes);
}

#[test]
fn rfc5880_6_8_16_two_sessions_admin_down_keeps_peer_down_then_recovers() {
    let mut sim = Sim::new(fast(300, 300), fast(300, 300));
    sim.advance(ms(3000));
    let now = sim.now;
    let shut = SessionParams {
        admin_down: true,
        ..fast(300, 300)
    };
    let a = sim.sessions[0].set_params(shut, now);
    sim.act(0, a);
    sim.advance(ms(10_000));
    assert_eq!(sim.sessions[0].state(), State::AdminDown);
    assert_eq!(sim.sessions[1].state(), State::Down);
    assert_eq!(
        sim.sessions[1].local_diag(),
        Diag::NEIGHBOR_SIGNALED_SESSION_DOWN,
        "the peer heard AdminDown, it did not time out"
    );
    let now = sim.now;
    let a = sim.sessions[0].set_params(fast(300, 300), now);
    sim.act(0, a);
    sim.advance(ms(5000));
    assert!(sim.both(State::Up), "{:?}", sim.changes);
}
