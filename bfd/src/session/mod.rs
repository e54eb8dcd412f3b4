//! One BFD session, sans-IO (RFC 5880 §6). It takes (event, now) and returns
//! actions; it never reads a clock or touches a socket, so tests drive it on a
//! simulated clock. It holds the §6.8.1 state variables, runs the §6.2 state
//! machine with the §6.8.6 reception rules, negotiates timers with poll
//! sequences (§6.5, §6.8.3), jitters transmissions (§6.8.7) and keeps the
//! detection time (§6.8.4).
//!
//! Choices where the RFC leaves room (all documented at the code that makes them):
//! - While not Up both bfd.DesiredMinTxInterval and bfd.RequiredMinRxInterval
//!   are 1 s, whatever is configured (§6.8.3 asks at least 1 s of the first;
//!   FRR's bfdd sets both, so a peer sees the same remote intervals from us).
//! - On going Up the slow rate stays in use until the poll sequence that
//!   announces the configured rate ends with a Final (as FRR does); the poll is
//!   sent at once so it ends within a round trip.
//! - Detect Mult changes apply at once, without a poll.
//! - AdminDown (`shutdown`) leaves bfd.LocalDiag as it was, as FRR's bfdd
//!   does (§6.8.16: "an appropriate value"); AdminDown packets are sent for
//!   one Detection Time, as §6.8.16 asks, and then no more (FRR sends one).
//! - bfd.RemoteDiscr is reset one Detection Time after the last packet (§6.8.1);
//!   bfd.AuthSeqKnown after twice that (§6.8.1), reported in
//!   `Actions::reset_auth_seq`.
//!
//! The session owns its §6.7 authentication state (bfd.AuthType, RcvAuthSeq,
//! XmitAuthSeq, AuthSeqKnown): `verify` checks a received packet against it
//! and `transmit` signs what it sends.

use std::time::{Duration, Instant};

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

mod echo;
mod params;
mod signing;

pub use params::{Actions, SessionParams, StateChange};

use crate::auth::AuthState;
use crate::packet::{ControlPacket, Diag, State, MIN_LEN, VERSION};
use echo::EchoTimers;

/// §6.8.3: bfd.DesiredMinTxInterval while not Up is at least one second; we
/// advertise exactly that, and the same bfd.RequiredMinRxInterval (as FRR).
const SLOW_US: u32 = 1_000_000;
/// Remote values shown before any packet arrives (bfd.RemoteMinRxInterval
/// starts at 1 per §6.8.1; FRR shows 1 s, and 1 s is what we use too).
const INITIAL_REMOTE_INTERVAL_US: u32 = 1_000_000;
const INITIAL_REMOTE_DETECT_MULT: u8 = 3;

/// One session's RFC 5880 §6.8.1 state variables and timers.
#[derive(Debug, Clone)]
pub struct Session {
    params: SessionParams,

    // §6.8.1 state variables.
    session_state: State,
    remote_session_state: State,
    local_discr: u32,
    remote_discr: u32,
    local_diag: Diag,
    remote_diag: Diag,
    /// bfd.DesiredMinTxInterval as advertised in our packets, µs.
    desired_min_tx_interval: u32,
    /// bfd.RequiredMinRxInterval as advertised in our packets, µs.
    required_min_rx_interval: u32,
    /// bfd.RemoteMinRxInterval, µs.
    remote_min_rx_interval: u32,
    /// bfd.DemandMode: we never ask the peer to stop sending.
    demand_mode: bool,
    remote_demand_mode: bool,
    /// bfd.DetectMult.
    detect_mult: u8,
    /// Detect Mult last received.
    remote_detect_mult: u8,
    remote_desired_min_tx: u32,
    remote_required_min_echo_rx: u32,
    /// The C bit last received: the peer's BFD does not share fate with its
    /// control plane (§4.1). The RFC names no variable for it.
    remote_control_plane_independent: bool,

    // Values in use while a poll sequence is pending (§6.8.3): the transmit
    // interval must not grow, nor the detection time shrink, before the peer
    // has acknowledged the change with a Final.
    tx_desired_in_use: u32,
    rx_required_in_use: u32,

    /// §6.5: we are sending P and waiting for F.
    polling: bool,
    /// A P was received: the next packet carries F (and never P).
    final_pending: bool,
    /// The socket is gone (`path_down`): no transmission, no detection.
    path_is_down: bool,

    last_rx: Option<Instant>,
    /// Twice the detection time has not yet passed since `last_rx`.
    auth_reset_due: bool,
    /// AdminDown: periodic packets stop at this instant (§6.8.16).
    admin_tx_until: Instant,
    /// The Detection Time in force when the last packet arrived: the §6.8.1
    /// resets count from it (going Down meanwhile slows the timers, which must
    /// not push the resets out).
    rx_detect: Duration,
    next_tx: Instant,
    last_state_change: Instant,
    rng: SmallRng,
    /// §6.7: bfd.AuthType and its sequence state; boxed because most
    /// sessions have none and it is cold.
    auth: Option<Box<AuthState>>,
    /// The echo function's timers (`echo.rs`).
    echo: EchoTimers,
}

impl Session {
    /// A new session in Down, with a non-zero local discriminator chosen by the
    /// engine and a seed for the transmit jitter.
    pub fn new(local_discr: u32, params: SessionParams, rng_seed: u64, now: Instant) -> Session {
        let mut s = Session {
            params,
            session_state: State::Down,
            remote_session_state: State::Down,
            local_discr,
            remote_discr: 0,
            local_diag: Diag::NONE,
            remote_diag: Diag::NONE,
            desired_min_tx_interval: SLOW_US,
            required_min_rx_interval: SLOW_US,
            remote_min_rx_interval: INITIAL_REMOTE_INTERVAL_US,
            demand_mode: false,
            remote_demand_mode: false,
            detect_mult: params.detect_mult.max(1),
            remote_detect_mult: INITIAL_REMOTE_DETECT_MULT,
            remote_desired_min_tx: INITIAL_REMOTE_INTERVAL_US,
            remote_required_min_echo_rx: 0,
            remote_control_plane_independent: false,
            tx_desired_in_use: SLOW_US,
            rx_required_in_use: SLOW_US,
            polling: false,
            final_pending: false,
            path_is_down: false,
            last_rx: None,
            auth_reset_due: false,
            rx_detect: Duration::ZERO,
            admin_tx_until: now,
            // The first packet goes out at once.
            next_tx: now,
            last_state_change: now,
            rng: SmallRng::seed_from_u64(rng_seed),
            auth: None,
            echo: EchoTimers::stopped(now),
        };
        if params.admin_down {
            s.session_state = State::AdminDown;
            s.admin_tx_until = now + s.detection_time();
        }
        s
    }

    /// A received packet that passed the engine's checks (parse, demux, auth).
    pub fn handle_rx(&mut self, pkt: &ControlPacket<'_>, now: Instant) -> Actions {
        let mut actions = Actions::default();
        // §6.8.6 checks that need no session; repeated so that a caller that
        // skips them cannot drive the machine into a nonsense state.
        if pkt.my_discr == 0 || pkt.detect_mult == 0 {
            return actions;
        }
        if pkt.your_discr == 0 && !matches!(pkt.state, State::Down | State::AdminDown) {
            return actions;
        }
        // A vanished path hears nothing.
        if self.path_is_down {
            return actions;
        }
        let old_interval = self.tx_interval();

        self.remote_discr = pkt.my_discr;
        self.remote_session_state = pkt.state;
        self.remote_diag = pkt.diag;
        self.remote_demand_mode = pkt.demand;
        self.remote_min_rx_interval = pkt.required_min_rx;
        self.remote_desired_min_tx = pkt.desired_min_tx;
        self.remote_detect_mult = pkt.detect_mult;
        self.remote_required_min_echo_rx = pkt.required_min_echo_rx;
        self.remote_control_plane_independent = pkt.control_plane_independent;
        self.last_rx = Some(now);
        self.auth_reset_due = true;

        if pkt.final_ && self.polling {
            self.end_poll();
        }
        // §6.8.6: the remote's variables are set first; only then does
        // AdminDown discard the packet (no state change, no Final). FRR's
        // bfdd shows them the same way for a shut-down session.
        if self.session_state == State::AdminDown {
            self.rx_detect = self.detection_time();
            return actions;
        }

        // §6.8.6 state machine (the §6.2 diagram).
        let next = match (self.session_state, pkt.state) {
            (State::Down, State::Down) => Some((State::Init, self.local_diag)),
            (State::Down, State::Init) => Some((State::Up, Diag::NONE)),
            (State::Init, State::Init | State::Up) => Some((State::Up, Diag::NONE)),
            (State::Init | State::Up, State::AdminDown) => {
                Some((State::Down, Diag::NEIGHBOR_SIGNALED_SESSION_DOWN))
            }
            (State::Up, State::Down) => Some((State::Down, Diag::NEIGHBOR_SIGNALED_SESSION_DOWN)),
            _ => None,
        };
        if let Some((to, diag)) = next {
            actions.state_change = Some(self.set_state(to, diag, now));
            if self.may_transmit() {
                // Tell the peer at once; on going Up this carries our first P.
                actions.transmit = true;
            }
        }

        if pkt.poll {
            // §6.8.6: answer a Poll at once, whatever the timers, demand mode
            // or passive role say.
            self.final_pending = true;
            actions.transmit = true;
        }
        self.rx_detect = self.detection_time();
        self.reschedule_if_faster(old_interval, now);
        // FRR re-evaluates echo on every Control packet: the peer may have
        // changed its Required Min Echo RX Interval.
        actions.echo_transmit = self.echo_sync(now);
        actions
    }

    /// Called when `now >= next_timeout()`: transmit due and/or detection expiry.
    pub fn handle_timeout(&mut self, now: Instant) -> Actions {
        let mut actions = Actions::default();
        if let Some(last_rx) = self.last_rx {
            let detect = self.detection_time();
            let expired = now >= last_rx + detect;
            // §6.8.4: no packet for a Detection Time in Init or Up.
            if expired && self.detection_armed() {
                actions.state_change =
                    Some(self.set_state(State::Down, Diag::CONTROL_DETECTION_TIME_EXPIRED, now));
            }
        }
        if self.echo.running() && !self.path_is_down {
            // §6.8.9 / FRR: none of our echo packets came back in time.
            if now >= self.echo.deadline && self.detection_armed() {
                actions.state_change =
                    Some(self.set_state(State::Down, Diag::ECHO_FUNCTION_FAILED, now));
            } else if now >= self.echo.next_tx {
                actions.echo_transmit = true;
                let interval = Duration::from_micros(u64::from(self.echo.tx_interval));
                self.echo.next_tx = now + self.jittered(interval);
            }
        }
        if let Some(last_rx) = self.last_rx {
            // §6.8.1: bfd.RemoteDiscr is zeroed after a Detection Time of
            // silence, in every state.
            if now >= last_rx + self.rx_detect && self.remote_discr != 0 {
                self.remote_discr = 0;
            }
            // §6.8.1: bfd.AuthSeqKnown after twice the Detection Time.
            if self.auth_reset_due && now >= last_rx + self.rx_detect * 2 {
                self.auth_reset_due = false;
                if let Some(a) = self.auth.as_mut() {
                    a.reset_rx_seq();
                }
                actions.reset_auth_seq = true;
            }
        }
        if actions.state_change.is_some() && self.may_transmit() {
            actions.transmit = true;
        }
        if self.periodic_tx_allowed() && now >= self.next_tx {
            actions.transmit = true;
        }
        actions
    }

    /// Earliest instant at which `handle_timeout` must be called, if any.
    pub fn next_timeout(&self) -> Option<Instant> {
        let mut t: Option<Instant> = None;
        let mut consider = |at: Instant| {
            t = Some(t.map_or(at, |cur: Instant| cur.min(at)));
        };
        if self.periodic_tx_allowed() {
            consider(self.next_tx);
        }
        if self.echo.running() && !self.path_is_down {
            consider(self.echo.next_tx);
            consider(self.echo.deadline);
        }
        if let Some(last_rx) = self.last_rx {
            if self.detection_armed() {
                consider(last_rx + self.detection_time());
            }
            if self.remote_discr != 0 {
                consider(last_rx + self.rx_detect);
            }
            if self.auth_reset_due {
                consider(last_rx + self.rx_detect * 2);
            }
        }
        t
    }

    /// The packet to send now (no auth section; `auth_present` set if configured).
    /// Records the transmission and schedules the next one with jitter.
    pub fn build_packet(&mut self, now: Instant) -> ControlPacket<'static> {
        let final_ = self.final_pending;
        // §6.8.7: P and F are never both set; the F reply goes first.
        let poll = self.polling && !final_;
        self.final_pending = false;
        let interval = self.tx_interval();
        self.next_tx = if final_ && self.polling {
            // Our own poll follows the Final at once, so that a poll we just
            // started (e.g. on going Up) ends within a round trip.
            now
        } else {
            now + self.jittered(interval)
        };
        ControlPacket {
            version: VERSION,
            diag: self.local_diag,
            state: self.session_state,
            poll,
            final_,
            control_plane_independent: self.params.control_plane_independent,
            auth_present: self.params.auth,
            demand: self.demand_mode,
            multipoint: false,
            detect_mult: self.detect_mult,
            length: MIN_LEN as u8,
            my_discr: self.local_discr,
            your_discr: self.remote_discr,
            desired_min_tx: self.desired_min_tx_interval,
            required_min_rx: self.required_min_rx_interval,
            required_min_echo_rx: self.params.required_min_echo_rx,
            auth: None,
        }
    }

    /// New configuration; timer changes while Up start a poll sequence.
    pub fn set_params(&mut self, params: SessionParams, now: Instant) -> Actions {
        let mut actions = Actions::default();
        let old_interval = self.tx_interval();
        self.params = params;
        // bfd.DetectMult changes take effect at once (no poll: it only moves
        // the peer's detection time, which it recomputes per packet).
        self.detect_mult = params.detect_mult.max(1);

        if params.admin_down && self.session_state != State::AdminDown {
            // §6.8.16: the diag is left as it was, as FRR's bfdd does.
            actions.state_change = Some(self.set_state(State::AdminDown, self.local_diag, now));
            self.admin_tx_until = now + self.detection_time();
        } else if !params.admin_down && self.session_state == State::AdminDown {
            actions.state_change = Some(self.set_state(State::Down, Diag::NONE, now));
        } else if self.sync_timers(false) {
            actions.transmit = self.may_transmit();
        }
        if actions.state_change.is_some() && self.may_transmit() {
            actions.transmit = true;
        }
        self.reschedule_if_faster(old_interval, now);
        if !params.echo_mode {
            self.echo.stop();
        }
        actions.echo_transmit = self.echo_sync(now);
        actions
    }

    /// The path (interface/address) went away: Down with diag Path Down, silent.
    pub fn path_down(&mut self, now: Instant) -> Actions {
        let mut actions = Actions::default();
        self.path_is_down = true;
        self.final_pending = false;
        if self.session_state != State::AdminDown {
            if self.session_state == State::Down {
                self.local_diag = Diag::PATH_DOWN;
            } else {
                actions.state_change = Some(self.set_state(State::Down, Diag::PATH_DOWN, now));
            }
        }
        actions
    }

    /// The path is back: resume from Down.
    pub fn path_up(&mut self, now: Instant) -> Actions {
        let mut actions = Actions::default();
        if !self.path_is_down {
            return actions;
        }
        self.path_is_down = false;
        self.next_tx = now;
        actions.transmit = self.may_transmit();
        actions
    }

    pub fn state(&self) -> State {
        self.session_state
    }
    pub fn local_diag(&self) -> Diag {
        self.local_diag
    }
    pub fn local_discr(&self) -> u32 {
        self.local_discr
    }
    pub fn remote_discr(&self) -> u32 {
        self.remote_discr
    }
    pub fn params(&self) -> &SessionParams {
        &self.params
    }
    pub fn remote_state(&self) -> State {
        self.remote_session_state
    }
    pub fn remote_diag(&self) -> Diag {
        self.remote_diag
    }
    /// bfd.DetectMult as last received (3 before any packet, like FRR shows).
    pub fn remote_detect_mult(&self) -> u8 {
        self.remote_detect_mult
    }
    /// Remote Desired Min TX as last received, µs (1 s before any packet).
    pub fn remote_desired_min_tx(&self) -> u32 {
        self.remote_desired_min_tx
    }
    /// bfd.RemoteMinRxInterval, µs (1 s before any packet).
    pub fn remote_required_min_rx(&self) -> u32 {
        self.remote_min_rx_interval
    }
    /// Remote Required Min Echo RX as last received, µs (0 before any packet).
    pub fn remote_required_min_echo_rx(&self) -> u32 {
        self.remote_required_min_echo_rx
    }
    /// Current detection time (§6.8.4).
    pub fn detection_time(&self) -> std::time::Duration {
        // Asynchronous mode: the remote Detect Mult times the agreed interval.
        let agreed = self.rx_required_in_use.max(self.remote_desired_min_tx);
        Duration::from_micros(u64::from(self.remote_detect_mult) * u64::from(agreed))
    }
    /// Current periodic transmit interval before jitter (§6.8.7).
    pub fn tx_interval(&self) -> std::time::Duration {
        // A zero desired interval is invalid (§4.1); 1 µs keeps the timer sane.
        let us = self
            .tx_desired_in_use
            .max(self.remote_min_rx_interval)
            .max(1);
        Duration::from_micros(u64::from(us))
    }
    /// When bfd.SessionState last changed (creation time before that).
    pub fn last_state_change(&self) -> Instant {
        self.last_state_change
    }
    /// A poll sequence is in progress (§6.5).
    pub fn polling(&self) -> bool {
        self.polling
    }
    /// bfd.DesiredMinTxInterval as advertised now, µs (1 s or more while not Up).
    pub fn desired_min_tx_interval(&self) -> u32 {
        self.desired_min_tx_interval
    }
    /// bfd.RequiredMinRxInterval as advertised now, µs.
    pub fn required_min_rx_interval(&self) -> u32 {
        self.required_min_rx_interval
    }
    /// bfd.RemoteDemandMode: the D bit last received.
    pub fn remote_demand_mode(&self) -> bool {
        self.remote_demand_mode
    }
    /// The C bit of the last accepted packet (false before any).
    pub fn remote_control_plane_independent(&self) -> bool {
        self.remote_control_plane_independent
    }
    /// `path_down` was called and `path_up` not yet.
    pub fn path_is_down(&self) -> bool {
        self.path_is_down
    }

    /// Changes bfd.SessionState and re-derives the timers that depend on it.
    fn set_state(&mut self, to: State, diag: Diag, now: Instant) -> StateChange {
        let from = self.session_state;
        self.session_state = to;
        self.local_diag = diag;
        self.last_state_change = now;
        if to == State::Down {
            // As FRR's bfdd does on every way Down: the remote is unknown
            // again until its next packet (§6.8.1 asks it after a Detection
            // Time of silence; going Down is at least that), so our Down
            // packets carry Your Discriminator zero.
            self.remote_discr = 0;
        }
        if to != State::Up {
            self.echo.stop();
        }
        if self.sync_timers(from != State::Up && to == State::Up) {
            // The poll announcing the configured rate goes out with the next
            // packet, which the caller sends at once.
            self.next_tx = self.next_tx.min(now);
        }
        StateChange { from, to, diag }
    }

    /// Brings the advertised timers in line with the configuration and state
    /// (§6.8.3). Returns true if a poll sequence was started.
    fn sync_timers(&mut self, going_up: bool) -> bool {
        let configured_tx = self.params.desired_min_tx.max(1);
        let target_rx = self.params.required_min_rx;
        if self.session_state != State::Up {
            // Not Up: the slow rate both ways, applied at once, no poll.
            self.polling = false;
            self.desired_min_tx_interval = SLOW_US;
            self.required_min_rx_interval = SLOW_US;
            self.tx_desired_in_use = SLOW_US;
            self.rx_required_in_use = SLOW_US;
            return false;
        }
        if self.polling {
            // One poll at a time: a change made meanwhile is picked up when
            // this poll ends (`end_poll`).
            return false;
        }
        if configured_tx == self.desired_min_tx_interval
            && target_rx == self.required_min_rx_interval
        {
            return false;
        }
        // A faster transmit rate is safe at once, except on going Up where the
        // slow rate holds until the peer acknowledges. A slower one waits for
        // the Final (§6.8.3), handled by leaving tx_desired_in_use alone.
        if configured_tx < self.tx_desired_in_use && !going_up {
            self.tx_desired_in_use = configured_tx;
        }
        // A longer detection time is safe at once; a shorter one waits.
        if target_rx > self.rx_required_in_use {
            self.rx_required_in_use = target_rx;
        }
        self.desired_min_tx_interval = configured_tx;
        self.required_min_rx_interval = target_rx;
        self.polling = true;
        true
    }

    /// A Final arrived: the advertised values become the ones in use, and a
    /// configuration change made during the poll starts the next one.
    fn end_poll(&mut self) {
        self.polling = false;
        self.tx_desired_in_use = self.desired_min_tx_interval;
        self.rx_required_in_use = self.required_min_rx_interval;
        self.sync_timers(false);
    }

    /// Init or Up, with a path: the §6.8.4 detection timer runs.
    fn detection_armed(&self) -> bool {
        matches!(self.session_state, State::Init | State::Up) && !self.path_is_down
    }

    /// Any transmission at all: not while the path is gone, and never in the
    /// passive role before the peer has spoken (§6.8.7).
    fn may_transmit(&self) -> bool {
        let passive_unheard = self.params.passive && self.remote_discr == 0;
        !self.path_is_down && !passive_unheard
    }

    /// Periodic transmission (§6.8.7): not if the peer asks for no packets
    /// (RemoteMinRxInterval 0) or runs Demand mode with the session Up on both
    /// sides and no poll of ours outstanding.
    fn periodic_tx_allowed(&self) -> bool {
        let remote_demand = self.remote_demand_mode
            && self.session_state == State::Up
            && self.remote_session_state == State::Up
            && !self.polling;
        // §6.8.16: AdminDown packets for a Detection Time, then silence.
        let admin_done =
            self.session_state == State::AdminDown && self.next_tx >= self.admin_tx_until;
        self.may_transmit() && self.remote_min_rx_interval != 0 && !remote_demand && !admin_done
    }

    /// If the transmit interval shrank, do not wait out the old, longer one:
    /// the peer's detection time may already count on the new rate.
    fn reschedule_if_faster(&mut self, old_interval: Duration, now: Instant) {
        let interval = self.tx_interval();
        if interval < old_interval {
            let sooner = now + self.jittered(interval);
            self.next_tx = self.next_tx.min(sooner);
        }
    }

    /// §6.8.7: each interval reduced by 0–25 % at random; with Detect Mult 1
    /// the interval is 75–90 % of the nominal one.
    fn jittered(&mut self, interval: Duration) -> Duration {
        let max_permille: u64 = if self.detect_mult == 1 { 900 } else { 1000 };
        let permille = self.rng.gen_range(750..=max_permille);
        let us = interval.as_micros().min(u128::from(u64::MAX)) as u64;
        Duration::from_micros(us / 1000 * permille + us % 1000 * permille / 1000)
    }
}
