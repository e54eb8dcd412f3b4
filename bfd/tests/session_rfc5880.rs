//! RFC 5880 §6 behaviour of one `Session`, driven on a simulated clock: a base
//! `Instant` plus Durations, no sleeping. Each test names the RFC rule it pins.

use std::time::{Duration, Instant};

use bfd::packet::{ControlPacket, Diag, State};
use bfd::session::{Actions, Session, SessionParams, StateChange};

const LOCAL: u32 = 0x1111;
const PEER: u32 = 0x2222;
const MS: Duration = Duration::from_millis(1);

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// A peer's packet with the usual 300 ms timers and no flags.
fn pkt(state: State, your_discr: u32) -> ControlPacket<'static> {
    ControlPacket::plain(state, PEER, your_discr, 300_000)
}

fn with_final(mut p: ControlPacket<'static>) -> ControlPacket<'static> {
    p.final_ = true;
    p
}

fn with_poll(mut p: ControlPacket<'static>) -> ControlPacket<'static> {
    p.poll = true;
    p
}

fn new_session(params: SessionParams, t0: Instant) -> Session {
    Session::new(LOCAL, params, 7, t0)
}

/// A session brought Up by the peer (Down -> Init -> Up) whose going-Up poll
/// has been answered, at `t0 + 20 ms`.
fn up_session(params: SessionParams, t0: Instant) -> Session {
    let mut s = new_session(params, t0);
    s.handle_rx(&pkt(State::Down, 0), t0);
    s.build_packet(t0);
    s.handle_rx(&pkt(State::Up, LOCAL), t0 + ms(10));
    assert_eq!(s.state(), State::Up);
    let p = s.build_packet(t0 + ms(10));
    assert!(p.poll, "going Up announces the configured rate with a poll");
    s.handle_rx(&with_final(pkt(State::Up, LOCAL)), t0 + ms(20));
    assert!(!s.polling());
    s
}

fn change(from: State, to: State, diag: Diag) -> Option<StateChange> {
    Some(StateChange { from, to, diag })
}

/// Runs one timeout at `now` and builds the packet if one is due.
fn tick(s: &mut Session, now: Instant) -> (Actions, Option<ControlPacket<'static>>) {
    let a = s.handle_timeout(now);
    let p = a.transmit.then(|| s.build_packet(now));
    (a, p)
}

// ---- §6.2 state machine -------------------------------------------------

#[test]
fn rfc5880_6_2_down_to_init_on_rx_down() {
    let t0 = Instant::now();
    let mut s = new_session(SessionParams::default(), t0);
    let a = s.handle_rx(&pkt(State::Down, 0), t0 + MS);
    assert_eq!(a.state_change, change(State::Down, State::Init, Diag::NONE));
    assert_eq!(s.state(), State::Init);
    assert_eq!(s.remote_discr(), PEER);
    assert_eq!(s.last_state_change(), t0 + MS);
}

#[test]
fn rfc5880_6_2_down_to_up_on_rx_init() {
    let t0 = Instant::now();
    let mut s = new_session(SessionParams::default(), t0);
    let a = s.handle_rx(&pkt(State::Init, LOCAL), t0 + MS);
    assert_eq!(a.state_change, change(State::Down, State::Up, Diag::NONE));
    assert_eq!(s.state(), State::Up);
}

#[test]
fn rfc5880_6_2_init_to_up_on_rx_init() {
    let t0 = Instant::now();
    let mut s = new_session(SessionParams::default(), t0);
    s.handle_rx(&pkt(State::Down, 0), t0);
    let a = s.handle_rx(&pkt(State::Init, LOCAL), t0 + MS);
    assert_eq!(a.state_change, change(State::Init, State::Up, Diag::NONE));
}

#[test]
fn rfc5880_6_2_init_to_up_on_rx_up() {
    let t0 = Instant::now();
    let mut s = new_session(SessionParams::default(), t0);
    s.handle_rx(&pkt(State::Down, 0), t0);
    let a = s.handle_rx(&pkt(State::Up, LOCAL), t0 + MS);
    assert_eq!(a.state_change, change(State::Init, State::Up, Diag::NONE));
}

#[test]
fn rfc5880_6_2_init_to_down_on_rx_admin_down() {
    let t0 = Instant::now();
    let mut s = new_session(SessionParams::default(), t0);
    s.handle_rx(&pkt(State::Down, 0), t0);
    let a = s.handle_rx(&pkt(State::AdminDown, LOCAL), t0 + MS);
    assert_eq!(
        a.state_change,
        change(
            State::Init,
            State::Down,
            Diag::NEIGHBOR_SIGNALED_SESSION_DOWN
        )
    );
    assert_eq!(s.local_diag(), Diag::NEIGHBOR_SIGNALED_SESSION_DOWN);
}

#[test]
fn rfc5880_6_2_up_to_down_on_rx_down() {
    let t0 = Instant::now();
    let mut s = up_session(SessionParams::default(), t0);
    let a = s.handle_rx(&pkt(State::Down, LOCAL), t0 + ms(100));
    assert_eq!(
        a.state_change,
        change(State::Up, State::Down, Diag::NEIGHBOR_SIGNALED_SESSION_DOWN)
    );
    assert!(a.transmit, "the peer learns of our Down at once");
    assert_eq!(s.build_packet(t0 + ms(100)).state, State::Down);
}

#[test]
fn rfc5880_6_2_up_to_down_on_rx_admin_down() {
    let t0 = Instant::now();
    let mut s = up_session(SessionParams::default(), t0);
    let mut p = pkt(State::AdminDown, LOCAL);
    p.diag = Diag::ADMINISTRATIVELY_DOWN;
    let a = s.handle_rx(&p, t0 + ms(100));
    assert_eq!(
        a.state_change,
        change(State::Up, State::Down, Diag::NEIGHBOR_SIGNALED_SESSION_DOWN)
    );
    assert_eq!(s.remote_state(), State::AdminDown);
    assert_eq!(s.remote_diag(), Diag::ADMINISTRATIVELY_DOWN);
}

#[test]
fn rfc5880_6_8_4_init_to_down_on_detection_timeout() {
    let t0 = Instant::now();
    let mut s = new_session(SessionParams::default(), t0);
    s.handle_rx(&pkt(State::Down, 0), t0);
    // Not Up: our RequiredMinRx is the slow 1 s (as FRR's bfdd), so
    // 3 × max(1 s, 300 ms) = 3 s.
    assert_eq!(s.detection_time(), ms(3000));
    let (a, _) = tick(&mut s, t0 + ms(2999));
    assert_eq!(a.state_change, None);
    assert_eq!(s.state(), State::Init);
    let a = s.handle_timeout(t0 + ms(3000));
    assert_eq!(
        a.state_change,
        change(
            State::Init,
            State::Down,
            Diag::CONTROL_DETECTION_TIME_EXPIRED
        )
    );
}

#[test]
fn rfc5880_6_8_4_up_to_down_on_detection_timeout() {
    let t0 = Instant::now();
    let mut s = up_session(SessionParams::default(), t0);
    let last_rx = t0 + ms(20);
    assert!(s.next_timeout().unwrap() <= last_rx + ms(900));
    // Keep transmitting until just before expiry; no state change.
    let mut now = t0 + ms(20);
    while let Some(t) = s.next_timeout() {
        if t >= last_rx + ms(900) {
            break;
        }
        now = t;
        let (a, _) = tick(&mut s, now);
        assert_eq!(a.state_change, None);
    }
    assert!(now < last_rx + ms(900));
    assert_eq!(s.next_timeout(), Some(last_rx + ms(900)));
    let a = s.handle_timeout(last_rx + ms(900));
    assert_eq!(
        a.state_change,
        change(State::Up, State::Down, Diag::CONTROL_DETECTION_TIME_EXPIRED)
    );
    assert_eq!(s.local_diag(), Diag::CONTROL_DETECTION_TIME_EXPIRED);
}

#[test]
fn rfc5880_6_2_down_stays_down_on_rx_up() {
    let t0 = Instant::now();
    let mut s = new_session(SessionParams::default(), t0);
    let a = s.handle_rx(&pkt(State::Up, LOCAL), t0 + MS);
    assert_eq!(a.state_change, None);
    assert_eq!(s.state(), State::Down);
    let a = s.handle_rx(&pkt(State::AdminDown, LOCAL), t0 + ms(2));
    assert_eq!(
        a.state_change, None,
        "AdminDown received in Down: no change"
    );
    assert_eq!(s.state(), State::Down);
}

#[test]
fn rfc5880_6_8_6_admin_down_learns_the_remote_then_discards() {
    let t0 = Instant::now();
    let params = SessionParams {
        admin_down: true,
        ..SessionParams::default()
    };
    let mut s = new_session(params, t0);
    assert_eq!(s.state(), State::AdminDown);
    for st in [State::Down, State::Init, State::Up] {
        let a = s.handle_rx(&with_poll(pkt(st, LOCAL)), t0 + MS);
        assert_eq!(a, Actions::default());
    }
    assert_eq!(s.state(), State::AdminDown);
    // §6.8.6 sets the remote's variables before the AdminDown discard (FRR
    // shows them so for a shut-down session).
    assert_eq!(s.remote_discr(), pkt(State::Up, LOCAL).my_discr);
    assert_eq!(s.remote_state(), State::Up);
    assert!(
        !s.build_packet(t0 + ms(2)).final_,
        "no Final: the P was discarded"
    );
}

#[test]
fn rfc5880_6_8_16_admin_down_and_back() {
    let t0 = Instant::now();
    let mut s = up_session(SessionParams::default(), t0);
    let now = t0 + ms(100);
    let down = SessionParams {
        admin_down: true,
        ..SessionParams::default()
    };
    let a = s.set_params(down, now);
    // The diag is left as it was ("an appropriate value"), as FRR's bfdd.
    assert_eq!(
        a.state_change,
        change(State::Up, State::AdminDown, Diag::NONE)
    );
    assert!(a.transmit);
    let p = s.build_packet(now);
    assert_eq!((p.state, p.diag), (State::AdminDown, Diag::NONE));
    assert_eq!(p.desired_min_tx, 1_000_000, "not Up: slow rate");
    // AdminDown packets for one Detection Time, then none (§6.8.16).
    let until = now + s.detection_time();
    let mut sent = 0;
    while let Some(now) = s.next_timeout() {
        if let (_, Some(p)) = tick(&mut s, now) {
            assert_eq!(p.state, State::AdminDown);
            assert!(now < until, "sent after the Detection Time");
            sent += 1;
        }
    }
    assert!((2..=4).contains(&sent), "AdminDown packets: {sent}");
    let now = until + ms(5000);
    let a = s.set_params(SessionParams::default(), now);
    assert_eq!(
        a.state_change,
        change(State::AdminDown, State::Down, Diag::NONE)
    );
    assert_eq!(s.local_diag(), Diag::NONE);
    assert!(a.transmit);
    assert_eq!(s.build_packet(now).state, State::Down);
    // And it comes up again.
    s.handle_rx(&pkt(State::Init, LOCAL), now + MS);
    assert_eq!(s.state(), State::Up);
}

// ---- timers -------------------------------------------------------------

#[test]
fn rfc5880_6_8_3_slow_one_second_rate_while_not_up() {
    let t0 = Instant::now();
    let params = SessionParams {
        desired_min_tx: 50_000,
        ..SessionParams::default()
    };
    let mut s = new_session(params, t0);
    let p = s.build_packet(t0);
    assert_eq!(p.desired_min_tx, 1_000_000);
    assert_eq!(
        p.required_min_rx, 1_000_000,
        "RequiredMinRx slow too while not Up, as FRR's bfdd advertises it"
    );
    let next = s.next_timeout().unwrap() - t0;
    assert!(next >= ms(750) && next <= ms(1000), "{next:?}");
    // Init: still slow, even though the peer accepts 300 ms.
    s.handle_rx(&pkt(State::Down, 0), t0 + MS);
    assert_eq!(s.state(), State::Init);
    assert_eq!(s.tx_interval(), ms(1000));
    assert_eq!(s.build_packet(t0 + MS).desired_min_tx, 1_000_000);
    // A configured rate slower than 1 s waits for Up too: 1 s while not Up,
    // as FRR's bfdd (§6.8.3 asks only for not less than one second).
    let slow = SessionParams {
        desired_min_tx: 2_000_000,
        ..SessionParams::default()
    };
    let mut s2 = new_session(slow, t0);
    assert_eq!(s2.build_packet(t0).desired_min_tx, 1_000_000);
}

#[test]
fn rfc5880_6_8_3_fast_rate_only_after_final() {
    let t0 = Instant::now();
    let mut s = new_session(SessionParams::default(), t0);
    s.handle_rx(&pkt(State::Down, 0), t0);
    let a = s.handle_rx(&pkt(State::Up, LOCAL), t0 + ms(10));
    assert_eq!(s.state(), State::Up);
    assert!(a.transmit, "the poll goes out at once");
    assert!(s.polling());
    let p = s.build_packet(t0 + ms(10));
    assert!(p.poll && !p.final_);
    assert_eq!(p.desired_min_tx, 300_000, "new value announced in the poll");
    assert_eq!(s.tx_interval(), ms(1000), "slow rate until the Final");
    let next = s.next_timeout().unwrap() - (t0 + ms(10));
    assert!(next >= ms(750), "{next:?}");
    // A packet without F does not end the poll.
    s.handle_rx(&pkt(State::Up, LOCAL), t0 + ms(15));
    assert!(s.polling());
    assert_eq!(s.tx_interval(), ms(1000));
    // The Final ends it; the next packet comes at the fast rate.
    s.handle_rx(&with_final(pkt(State::Up, LOCAL)), t0 + ms(20));
    assert!(!s.polling());
    assert_eq!(s.tx_interval(), ms(300));
    let next = s.next_timeout().unwrap() - (t0 + ms(20));
    assert!(next >= ms(225) && next <= ms(300), "{next:?}");
    let p = s.build_packet(t0 + ms(20) + next);
    assert!(!p.poll);
}

#[test]
fn rfc5880_6_8_7_tx_interval_is_max_of_local_tx_and_remote_rx() {
    let t0 = Instant::now();
    let mut s = up_session(SessionParams::default(), t0);
    assert_eq!(s.tx_interval(), ms(300));
    let mut p = pkt(State::Up, LOCAL);
    p.required_min_rx = 500_000;
    s.handle_rx(&p, t0 + ms(100));
    assert_eq!(s.remote_required_min_rx(), 500_000);
    assert_eq!(s.tx_interval(), ms(500));
    p.required_min_rx = 100_000;
    s.handle_rx(&p, t0 + ms(200));
    assert_eq!(s.tx_interval(), ms(300), "our own 300 ms is the floor");
    // The faster interval takes effect for the next packet, not the old one.
    let next = s.next_timeout().unwrap();
    assert!(next <= t0 + ms(200) + ms(300), "{:?}", next - t0);
}

#[test]
fn rfc5880_6_8_7_remote_min_rx_zero_stops_periodic_tx() {
    let t0 = Instant::now();
    let mut s = up_session(SessionParams::default(), t0);
    let mut p = pkt(State::Up, LOCAL);
    p.required_min_rx = 0;
    let a = s.handle_rx(&p, t0 + ms(100));
    assert!(!a.transmit);
    // The only timer left is detection.
    assert_eq!(s.next_timeout(), Some(t0 + ms(100) + s.detection_time()));
    assert!(!s.handle_timeout(t0 + ms(500)).transmit);
    // A poll is still answered.
    let a = s.handle_rx(&with_poll(p), t0 + ms(600));
    assert!(a.transmit);
    assert!(s.build_packet(t0 + ms(600)).final_);
}

fn jitter_samples(detect_mult: u8, seed: u64) -> Vec<f64> {
    let t0 = Instant::now();
    let params = SessionParams {
        detect_mult,
        ..SessionParams::default()
    };
    let mut s = Session::new(LOCAL, params, seed, t0);
    let mut now = t0;
    let mut ratios = Vec::new();
    for _ in 0..2000 {
        s.build_packet(now);
        let next = s.next_timeout().unwrap();
        ratios.push((next - now).as_secs_f64() / s.tx_interval().as_secs_f64());
        now = next;
    }
    ratios
}

#[test]
fn rfc5880_6_8_7_jitter_75_to_100_percent() {
    let r = jitter_samples(3, 1);
    let min = r.iter().cloned().fold(f64::MAX, f64::min);
    let max = r.iter().cloned().fold(f64::MIN, f64::max);
    assert!(min >= 0.75 && max <= 1.0, "{min} {max}");
    assert!(
        min < 0.76 && max > 0.99,
        "jitter spans the range: {min} {max}"
    );
    let mean = r.iter().sum::<f64>() / r.len() as f64;
    assert!((mean - 0.875).abs() < 0.01, "uniform-ish: {mean}");
}

#[test]
fn rfc5880_6_8_7_jitter_75_to_90_percent_with_detect_mult_1() {
    let r = jitter_samples(1, 2);
    let min = r.iter().cloned().fold(f64::MAX, f64::min);
    let max = r.iter().cloned().fold(f64::MIN, f64::max);
    assert!(min >= 0.75 && max <= 0.90, "{min} {max}");
    assert!(
        min < 0.76 && max > 0.89,
        "jitter spans the range: {min} {max}"
    );
}

#[test]
fn jitter_is_deterministic_for_a_seed() {
    assert_eq!(jitter_samples(3, 42), jitter_samples(3, 42));
    assert_ne!(jitter_samples(3, 42), jitter_samples(3, 43));
}

#[test]
fn rfc5880_6_8_4_detection_time_formula() {
    let t0 = Instant::now();
    let params = SessionParams {
        required_min_rx: 200_000,
        ..SessionParams::default()
    };
    let mut s = new_session(params, t0);
    // Before any packet: 3 × max(200 ms, 1 s).
    assert_eq!(s.detection_time(), ms(3000));
    let mut p = pkt(State::Down, 0);
    p.detect_mult = 5;
    p.desired_min_tx = 100_000;
    s.handle_rx(&p, t0);
    // Remote DetectMult × max(our RequiredMinRx, their Desired Min TX); not
    // Up, our RequiredMinRx is the slow 1 s.
    assert_eq!(s.detection_time(), ms(5 * 1000));
    p.desired_min_tx = 1_400_000;
    p.detect_mult = 2;
    s.handle_rx(&p, t0 + MS);
    assert_eq!(s.detection_time(), ms(2 * 1400));
    // The timer counts from the last packet.
    assert!(s.handle_timeout(t0 + MS + ms(2799)).state_change.is_none());
    assert!(s.handle_timeout(t0 + MS + ms(2800)).state_change.is_some());
}

#[test]
fn rfc5880_6_8_3_detection_uses_old_rx_until_final() {
    let t0 = Instant::now();
    let mut p = pkt(State::Up, LOCAL);
    p.desired_min_tx = 50_000;
    let mut s = up_session(SessionParams::default(), t0);
    s.handle_rx(&p, t0 + ms(30));
    assert_eq!(s.detection_time(), ms(900));
    let faster = SessionParams {
        required_min_rx: 100_000,
        ..SessionParams::default()
    };
    let a = s.set_params(faster, t0 + ms(40));
    assert!(a.transmit && s.polling());
    let pk = s.build_packet(t0 + ms(40));
    assert!(pk.poll);
    assert_eq!(pk.required_min_rx, 100_000, "announced at once");
    assert_eq!(s.detection_time(), ms(900), "old RequiredMinRx until Final");
    s.handle_rx(&p, t0 + ms(50));
    assert_eq!(s.detection_time(), ms(900));
    s.handle_rx(&with_final(p), t0 + ms(60));
    assert!(!s.polling());
    assert_eq!(s.detection_time(), ms(300));
    // A larger RequiredMinRx lengthens detection at once.
    let slower = SessionParams {
        required_min_rx: 700_000,
        ..SessionParams::default()
    };
    s.set_params(slower, t0 + ms(70));
    assert_eq!(s.detection_time(), ms(2100));
}

#[test]
fn rfc5880_6_8_3_tx_increase_deferred_until_final() {
    let t0 = Instant::now();
    let mut s = up_session(SessionParams::default(), t0);
    let slower = SessionParams {
        desired_min_tx: 800_000,
        ..SessionParams::default()
    };
    let a = s.set_params(slower, t0 + ms(30));
    assert!(a.transmit);
    assert!(s.polling());
    let p = s.build_packet(t0 + ms(30));
    assert!(p.poll);
    assert_eq!(p.desired_min_tx, 800_000);
    assert_eq!(s.tx_interval(), ms(300), "old rate until the Final");
    let next = s.next_timeout().unwrap() - (t0 + ms(30));
    assert!(next <= ms(300), "{next:?}");
    // Polls repeat at the old rate until answered.
    let (_, p2) = tick(&mut s, t0 + ms(30) + next);
    assert!(p2.expect("periodic").poll);
    s.handle_rx(&with_final(pkt(State::Up, LOCAL)), t0 + ms(400));
    assert!(!s.polling());
    assert_eq!(s.tx_interval(), ms(800));
    assert!(!s.build_packet(t0 + ms(500)).poll);
}

#[test]
fn rfc5880_6_8_3_tx_decrease_immediate() {
    let t0 = Instant::now();
    let mut s = up_session(SessionParams::default(), t0);
    s.build_packet(t0 + ms(30));
    let faster = SessionParams {
        desired_min_tx: 100_000,
        ..SessionParams::default()
    };
    let mut p = pkt(State::Up, LOCAL);
    p.required_min_rx = 50_000;
    s.handle_rx(&p, t0 + ms(31));
    s.set_params(faster, t0 + ms(40));
    assert!(s.polling());
    assert_eq!(s.tx_interval(), ms(100), "faster at once, before the Final");
    let next = s.next_timeout().unwrap() - (t0 + ms(40));
    assert!(next <= ms(100), "rescheduled at the new rate: {next:?}");
}

#[test]
fn rfc5880_6_5_poll_answered_with_final_at_once_never_p_and_f() {
    let t0 = Instant::now();
    let mut s = up_session(SessionParams::default(), t0);
    // Start our own poll, then receive the peer's.
    let slower = SessionParams {
        desired_min_tx: 500_000,
        ..SessionParams::default()
    };
    s.set_params(slower, t0 + ms(30));
    assert!(s.polling());
    let a = s.handle_rx(&with_poll(pkt(State::Up, LOCAL)), t0 + ms(31));
    assert!(a.transmit, "the Final goes out at once");
    let f = s.build_packet(t0 + ms(31));
    assert!(f.final_ && !f.poll, "P and F never together");
    // Our poll follows immediately, and the F flag is spent.
    assert_eq!(s.next_timeout(), Some(t0 + ms(31)));
    let (_, p) = tick(&mut s, t0 + ms(31));
    let p = p.expect("our poll follows");
    assert!(p.poll && !p.final_);
    let p = s.build_packet(t0 + ms(32));
    assert!(!p.final_);
}

#[test]
fn rfc5880_6_1_passive_silent_until_first_packet() {
    let t0 = Instant::now();
    let params = SessionParams {
        passive: true,
        ..SessionParams::default()
    };
    let mut s = new_session(params, t0);
    assert_eq!(s.next_timeout(), None);
    for i in 0..10 {
        assert!(!s.handle_timeout(t0 + ms(1000 * i)).transmit);
    }
    let mut first = pkt(State::Down, 0);
    first.desired_min_tx = 1_000_000; // detection 3 s: the periodic tx comes first
    let a = s.handle_rx(&first, t0 + ms(10_000));
    assert!(a.transmit, "now active");
    assert_eq!(s.build_packet(t0 + ms(10_000)).state, State::Init);
    assert!(s.next_timeout().is_some());
    let next = s.next_timeout().unwrap();
    let (_, p) = tick(&mut s, next);
    assert!(p.is_some(), "periodic transmission runs");
}

#[test]
fn rfc5880_6_8_7_remote_demand_mode_stops_periodic_tx() {
    let t0 = Instant::now();
    let mut s = up_session(SessionParams::default(), t0);
    let mut p = pkt(State::Up, LOCAL);
    p.demand = true;
    s.handle_rx(&p, t0 + ms(30));
    assert!(s.remote_demand_mode());
    // Only detection remains (the peer still sends to us: we are not in Demand).
    assert_eq!(s.next_timeout(), Some(t0 + ms(30) + ms(900)));
    assert!(!s.handle_timeout(t0 + ms(800)).transmit);
    let a = s.handle_rx(&with_poll(p), t0 + ms(800));
    assert!(a.transmit, "polls are still answered");
    assert!(s.build_packet(t0 + ms(800)).final_);
    // Demand is only honoured with both sides Up.
    let mut d = pkt(State::Down, LOCAL);
    d.demand = true;
    s.handle_rx(&d, t0 + ms(900));
    assert_eq!(s.state(), State::Down);
    assert!(s.handle_timeout(t0 + ms(1900)).transmit);
}

#[test]
fn rfc5880_6_8_1_remote_discr_reset_after_detection_time_auth_seq_after_twice() {
    let t0 = Instant::now();
    let mut s = new_session(SessionParams::default(), t0);
    let mut p = pkt(State::Up, LOCAL); // Down stays Down, but the peer is heard
    p.desired_min_tx = 1_000_000;
    s.handle_rx(&p, t0);
    assert_eq!(s.remote_discr(), PEER);
    let dt = s.detection_time();
    assert_eq!(dt, ms(3000));
    let mut now = t0;
    let mut reset_at = None;
    while now < t0 + dt * 3 {
        now = s.next_timeout().unwrap();
        let (a, _) = tick(&mut s, now);
        if now < t0 + dt {
            assert_eq!(s.remote_discr(), PEER, "kept for a Detection Time");
        } else {
            assert_eq!(s.remote_discr(), 0, "zeroed after a Detection Time");
        }
        if a.reset_auth_seq {
            assert!(reset_at.is_none(), "signalled once");
            reset_at = Some(now);
        }
        assert_eq!(s.state(), State::Down);
    }
    assert_eq!(reset_at, Some(t0 + dt * 2));
    assert_eq!(s.build_packet(now).your_discr, 0);
}

#[test]
fn rfc5880_6_8_16_path_down_silent_until_path_up() {
    let t0 = Instant::now();
    let mut s = up_session(SessionParams::default(), t0);
    let a = s.path_down(t0 + ms(100));
    assert_eq!(
        a.state_change,
        change(State::Up, State::Down, Diag::PATH_DOWN)
    );
    assert!(!a.transmit);
    assert!(s.path_is_down());
    // No transmission, no detection; only the §6.8.1 resets remain.
    let mut now = t0 + ms(100);
    while let Some(t) = s.next_timeout() {
        now = t;
        let a = s.handle_timeout(now);
        assert!(!a.transmit && a.state_change.is_none());
    }
    assert!(now <= t0 + ms(20) + ms(1800), "only the resets fired");
    assert_eq!(s.handle_rx(&pkt(State::Up, LOCAL), now), Actions::default());
    let a = s.path_up(now + ms(5000));
    assert!(a.transmit);
    let p = s.build_packet(now + ms(5000));
    assert_eq!((p.state, p.diag), (State::Down, Diag::PATH_DOWN));
    assert!(s.next_timeout().is_some());
    s.handle_rx(&pkt(State::Init, LOCAL), now + ms(5001));
    assert_eq!(s.state(), State::Up);
}

#[test]
fn rfc5880_4_1_c_and_a_bits_in_built_packets() {
    let t0 = Instant::now();
    let plain = new_session(SessionParams::default(), t0).build_packet(t0);
    assert!(!plain.control_plane_independent && !plain.auth_present);
    let params = SessionParams {
        control_plane_independent: true,
        auth: true,
        ..SessionParams::default()
    };
    let mut s = up_session(params, t0);
    for i in 0..3 {
        let p = s.build_packet(t0 + ms(100 * i));
        assert!(p.control_plane_independent && p.auth_present);
        assert!(p.auth.is_none(), "the engine adds the section");
    }
}

#[test]
fn rfc5880_4_1_remote_c_bit_follows_every_accepted_packet() {
    let t0 = Instant::now();
    let mut s = new_session(SessionParams::default(), t0);
    assert!(
        !s.remote_control_plane_independent(),
        "false before any packet"
    );
    let with_c = |mut p: ControlPacket<'static>| {
        p.control_plane_independent = true;
        p
    };
    // Down -> Init on a Down with C: learned with the state change.
    s.handle_rx(&with_c(pkt(State::Down, 0)), t0);
    assert!(s.remote_control_plane_independent());
    // A packet with F but no C (FRR 8.4 reads F as C; we read the C bit).
    s.handle_rx(&with_final(pkt(State::Init, LOCAL)), t0 + ms(10));
    assert_eq!(s.state(), State::Up);
    assert!(!s.remote_control_plane_independent(), "F is not C");
    // Without a state change, too.
    s.handle_rx(&with_c(pkt(State::Up, LOCAL)), t0 + ms(20));
    assert!(s.remote_control_plane_independent());
    // A packet the session discards (§6.8.6: My Discriminator 0) changes nothing.
    let mut bad = pkt(State::Up, LOCAL);
    bad.my_discr = 0;
    s.handle_rx(&bad, t0 + ms(30));
    assert!(s.remote_control_plane_independent());
    // AdminDown still learns the remote's variables (§6.8.6 order), the C
    // bit with them, before it discards the packet.
    s.set_params(
        SessionParams {
            admin_down: true,
            ..SessionParams::default()
        },
        t0 + ms(40),
    );
    s.handle_rx(&pkt(State::Up, LOCAL), t0 + ms(50));
    assert!(!s.remote_control_plane_independent());
    assert_eq!(s.state(), State::AdminDown);
}

#[test]
fn rfc5880_6_8_7_packet_contents() {
    let t0 = Instant::now();
    let params = SessionParams {
        required_min_echo_rx: 70_000,
        detect_mult: 4,
        ..SessionParams::default()
    };
    let mut s = up_session(params, t0);
    let p = s.build_packet(t0 + ms(30));
    assert_eq!(p.version, 1);
    assert_eq!((p.state, p.diag), (State::Up, Diag::NONE));
    assert!(!p.poll && !p.final_ && !p.demand && !p.multipoint);
    assert_eq!(p.detect_mult, 4);
    assert_eq!(p.length, 24);
    assert_eq!((p.my_discr, p.your_discr), (LOCAL, PEER));
    assert_eq!(p.desired_min_tx, 300_000);
    assert_eq!(p.required_min_rx, 300_000);
    assert_eq!(p.required_min_echo_rx, 70_000);
    assert_eq!(s.desired_min_tx_interval(), 300_000);
    assert_eq!(s.required_min_rx_interval(), 300_000);
}

#[test]
fn remote_values_before_any_packet_match_frr() {
    let t0 = Instant::now();
    let s = new_session(SessionParams::default(), t0);
    assert_eq!(s.remote_detect_mult(), 3);
    assert_eq!(s.remote_desired_min_tx(), 1_000_000);
    assert_eq!(s.remote_required_min_rx(), 1_000_000);
    assert_eq!(s.remote_required_min_echo_rx(), 0);
    assert_eq!((s.state(), s.remote_state()), (State::Down, State::Down));
    assert_eq!(s.remote_discr(), 0);
    assert_eq!(s.local_discr(), LOCAL);
    assert_eq!(s.last_state_change(), t0);
    assert_eq!(
        s.next_timeout(),
        Some(t0),
        "an active session starts at once"
    );
}

#[test]
fn detect_mult_change_applies_at_once_without_poll() {
    let t0 = Instant::now();
    let mut s = up_session(SessionParams::default(), t0);
    let params = SessionParams {
        detect_mult: 5,
        ..SessionParams::default()
    };
    let a = s.set_params(params, t0 + ms(30));
    assert!(!s.polling() && !a.transmit);
    assert_eq!(s.build_packet(t0 + ms(30)).detect_mult, 5);
    assert_eq!(s.params().detect_mult, 5);
}

#[test]
fn set_params_while_not_up_applies_at_once_without_poll() {
    let t0 = Instant::now();
    let mut s = new_session(SessionParams::default(), t0);
    let params = SessionParams {
        desired_min_tx: 2_000_000,
        required_min_rx: 100_000,
        ..SessionParams::default()
    };
    s.set_params(params, t0);
    assert!(!s.polling());
    let p = s.build_packet(t0);
    assert!(!p.poll);
    // Not Up: the slow 1 s both ways whatever is configured (FRR's
    // bs_set_slow_timers); the configured values wait for Up.
    assert_eq!(
        (p.desired_min_tx, p.required_min_rx),
        (1_000_000, 1_000_000)
    );
    assert_eq!(s.tx_interval(), ms(1000));
    assert_eq!(s.params().desired_min_tx, 2_000_000);
}

/// Going Down forgets the remote's discriminator, as FRR's bfdd does on
/// every way Down: the packets that say so carry Your Discriminator zero,
/// and the next packet from the remote teaches it again.
#[test]
fn going_down_forgets_the_remote_discriminator() {
    let t0 = Instant::now();
    for how in ["remote Down", "detection", "path down"] {
        let mut s = up_session(SessionParams::default(), t0);
        assert_eq!(s.remote_discr(), PEER, "{how}: Up knows the remote");
        let now = t0 + ms(5000);
        match how {
            "remote Down" => {
                s.handle_rx(&pkt(State::Down, LOCAL), t0 + ms(100));
            }
            "detection" => {
                s.handle_timeout(now);
            }
            _ => {
                s.path_down(t0 + ms(100));
            }
        }
        assert_eq!(s.state(), State::Down, "{how}");
        assert_eq!(s.remote_discr(), 0, "{how}: forgotten");
        assert_eq!(s.build_packet(now).your_discr, 0, "{how}");
        if how != "path down" {
            s.handle_rx(&pkt(State::Down, 0), now);
            assert_eq!(s.state(), State::Init, "{how}");
            assert_eq!(s.remote_discr(), PEER, "{how}: learnt again");
        }
    }
}
