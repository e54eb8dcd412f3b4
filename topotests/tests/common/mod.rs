//! Scenarios shared by the topotest binaries. A *subject* (the daemon whose
//! behaviour is checked: bfdd-rs, or FRR's bfdd when the harness tests
//! itself) runs in namespace A; a *remote* peer (FRR bfdd or BIRD) runs in
//! namespace B. Each scenario builds its own topology, so one test's failure
//! cannot leak into the next.
#![allow(dead_code)] // each test binary uses a different subset

use std::net::IpAddr;
use std::time::{Duration, Instant, SystemTime};
use topotests::{
    bfd_block, hold_for, vtysh, wait_for, BfddRs, BirdBfd, BirdNeighbor, BirdOpts, BirdRouter,
    FrrRouter, Lab, NftCounter, NftCut, PeerConf, Topo, Vtysh,
};

/// Default timers for both sides: transmit and receive 200 ms, multiplier 3.
pub const TX: u32 = 200;
pub const RX: u32 = 200;
pub const MULT: u8 = 3;
/// Slack allowed beyond the detection time (polling through vtysh included).
pub const DETECT_MARGIN: Duration = Duration::from_millis(700);
/// Sessions coming Up (BIRD retries at 1 s while Down) on a loaded machine.
pub const UP_TIMEOUT: Duration = Duration::from_secs(40);
const POLL: Duration = Duration::from_millis(100);
const FAST_POLL: Duration = Duration::from_millis(20);
/// BIRD sends multihop packets with TTL 64 (FRR's default minimum is 254).
pub const BIRD_MULTIHOP_MIN_TTL: u8 = 60;

/// One BFD session of the topology, by its two ends.
#[derive(Debug, Clone)]
pub struct Sess {
    pub label: &'static str,
    /// Address of the subject's end (namespace A) and of the remote's end.
    pub a: IpAddr,
    pub b: IpAddr,
    pub multihop: bool,
    pub if_a: String,
    pub if_b: String,
}

/// IPv4 and IPv6, single-hop (over link 0) and multihop (loopbacks).
pub fn four_sessions(t: &Topo) -> Vec<Sess> {
    let l = t.link();
    let sh = |label, a: IpAddr, b: IpAddr| Sess {
        label,
        a,
        b,
        multihop: false,
        if_a: l.if_a.clone(),
        if_b: l.if_b.clone(),
    };
    let mh = |label, a: IpAddr, b: IpAddr| Sess {
        label,
        a,
        b,
        multihop: true,
        if_a: String::new(),
        if_b: String::new(),
    };
    vec![
        sh("v4 single-hop", l.a4.into(), l.b4.into()),
        sh("v6 single-hop", l.a6.into(), l.b6.into()),
        mh("v4 multihop", t.lo_a4.into(), t.lo_b4.into()),
        mh("v6 multihop", t.lo_a6.into(), t.lo_b6.into()),
    ]
}

/// The subject's peer config for `s` (peer = B's address).
pub fn subject_peer(s: &Sess) -> PeerConf {
    if s.multihop {
        PeerConf::multihop(s.b, s.a)
    } else {
        PeerConf::single_hop(s.b, &s.if_a)
    }
}

/// FRR-syntax peer config on the remote side for `s` (peer = A's address).
pub fn remote_frr_peer(s: &Sess) -> PeerConf {
    if s.multihop {
        PeerConf::multihop(s.a, s.b)
    } else {
        PeerConf::single_hop(s.a, &s.if_b)
    }
}

// ---------------------------------------------------------------- subject --

/// Which daemon is under test in namespace A.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubjectKind {
    /// FRR 8.4's own bfdd: the harness checking its scenarios on a known-good daemon.
    Frr,
    BfddRs,
}

enum SubjectDaemon {
    Frr(FrrRouter),
    Rs(BfddRs),
}

pub struct Subject {
    daemon: SubjectDaemon,
    pub peers: Vec<PeerConf>,
}

impl Subject {
    pub fn start(kind: SubjectKind, lab: &Lab, t: &Topo, peers: Vec<PeerConf>) -> Subject {
        let block = bfd_block(&peers);
        Subject::start_block(kind, lab, t, peers, &block)
    }

    /// The subject with `block` as its BFD configuration (`peers` are what
    /// it holds, for [`Subject::set_shutdown`]).
    pub fn start_block(
        kind: SubjectKind,
        lab: &Lab,
        t: &Topo,
        peers: Vec<PeerConf>,
        block: &str,
    ) -> Subject {
        let daemon = match kind {
            SubjectKind::Frr => {
                SubjectDaemon::Frr(FrrRouter::start(lab, &t.a, "subject-frr", block))
            }
            SubjectKind::BfddRs => SubjectDaemon::Rs(BfddRs::start(lab, &t.a, "subject-rs", block)),
        };
        Subject { daemon, peers }
    }

    /// bfdd-rs as the subject with `conf` as its whole config file.
    pub fn start_rs_with(lab: &Lab, t: &Topo, conf: &str) -> Subject {
        let daemon = SubjectDaemon::Rs(BfddRs::start(lab, &t.a, "subject-rs", conf));
        Subject {
            daemon,
            peers: Vec::new(),
        }
    }

    pub fn vty(&self) -> &Vtysh {
        match &self.daemon {
            SubjectDaemon::Frr(f) => f.vty(),
            SubjectDaemon::Rs(r) => r.vty(),
        }
    }

    /// Stops the BFD daemon with signal `sig` (TERM, or KILL for a crash).
    pub fn stop(&mut self, sig: &str) {
        match &mut self.daemon {
            SubjectDaemon::Frr(f) => f.stop_bfdd(sig),
            SubjectDaemon::Rs(r) => r.stop(sig),
        }
    }

    /// Starts the stopped BFD daemon again on its config file.
    pub fn start_again(&mut self) {
        match &mut self.daemon {
            SubjectDaemon::Frr(f) => f.start_bfdd(),
            SubjectDaemon::Rs(r) => r.start_again(),
        }
    }

    /// bfdd-rs's logged state changes (None when the subject is FRR).
    pub fn rs_state_changes(&self) -> Option<Vec<topotests::StateChange>> {
        match &self.daemon {
            SubjectDaemon::Rs(r) => Some(r.state_changes()),
            SubjectDaemon::Frr(_) => None,
        }
    }

    pub fn bfdd_rs(&mut self) -> Option<&mut BfddRs> {
        match &mut self.daemon {
            SubjectDaemon::Rs(r) => Some(r),
            SubjectDaemon::Frr(_) => None,
        }
    }

    /// Sets `shutdown` on every peer: vtysh for FRR, config file + SIGHUP for bfdd-rs.
    pub fn set_shutdown(&mut self, on: bool) {
        for p in &mut self.peers {
            p.shutdown = on;
        }
        match &mut self.daemon {
            SubjectDaemon::Frr(f) => {
                for p in &self.peers {
                    f.configure_peer(&p.header(), &[if on { "shutdown" } else { "no shutdown" }]);
                }
            }
            SubjectDaemon::Rs(r) => r.reload(&bfd_block(&self.peers)),
        }
    }

    /// The subject's view of every session, checked by `ok`; an error
    /// describes all sessions when any fails.
    pub fn check_all(
        &self,
        sessions: &[Sess],
        ok: impl Fn(&vtysh::BfdPeer) -> bool,
    ) -> Result<(), String> {
        let peers = self.vty().peers()?;
        for s in sessions {
            match peers.iter().find(|p| p.peer == s.b) {
                Some(p) if ok(p) => {}
                _ => {
                    return Err(format!(
                        "subject, {} ({}): not as expected; all: [{}]",
                        s.label,
                        s.b,
                        vtysh::summarize(&peers)
                    ))
                }
            }
        }
        Ok(())
    }
}

// ----------------------------------------------------------------- remote --

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RemoteKind {
    Frr,
    Bird,
}

pub enum Remote {
    Frr {
        router: FrrRouter,
        peers: Vec<PeerConf>,
    },
    Bird {
        router: BirdRouter,
        conf: BirdBfd,
    },
}

impl Remote {
    /// Starts the remote in namespace B with a session for each of `sessions`.
    pub fn start(
        kind: RemoteKind,
        lab: &Lab,
        t: &Topo,
        sessions: &[Sess],
        tx: u32,
        rx: u32,
        mult: u8,
    ) -> Remote {
        match kind {
            RemoteKind::Frr => {
                let peers: Vec<PeerConf> = sessions
                    .iter()
                    .map(|s| remote_frr_peer(s).timers(tx, rx, mult))
                    .collect();
                let router = FrrRouter::start(lab, &t.b, "remote-frr", &bfd_block(&peers));
                Remote::Frr { router, peers }
            }
            RemoteKind::Bird => {
                let conf = bird_conf(t, sessions, BirdOpts::new(tx, rx, mult));
                let router = BirdRouter::start(lab, &t.b, "remote-bird", &conf);
                Remote::Bird { router, conf }
            }
        }
    }

    /// Lower-case state of the remote's session to `a`: up, down, init, admindown.
    pub fn state(&self, a: IpAddr) -> Result<String, String> {
        match self {
            Remote::Frr { router, .. } => {
                let st = router.vty().peer(a)?.status;
                Ok(if st == "shutdown" {
                    "admindown".into()
                } else {
                    st
                })
            }
            Remote::Bird { router, .. } => Ok(router.session(a)?.state.to_lowercase()),
        }
    }

    /// All remote sessions satisfy `ok(state)`, or an error naming the first that does not.
    pub fn check_all(&self, sessions: &[Sess], ok: impl Fn(&str) -> bool) -> Result<(), String> {
        for s in sessions {
            let st = self.state(s.a)?;
            if !ok(&st) {
                return Err(format!("remote, {} ({}): {st}", s.label, s.a));
            }
        }
        Ok(())
    }

    /// Something that changes whenever the session to `a` goes down or up:
    /// FRR's session-up/down counters, BIRD's "since" time.
    pub fn flap_marker(&self, a: IpAddr) -> Result<String, String> {
        match self {
            Remote::Frr { router, .. } => {
                let all = router.vty().counters()?;
                let c = all
                    .iter()
                    .find(|c| c.peer == a)
                    .ok_or(format!("no counters for {a}"))?;
                Ok(format!("up={} down={}", c.session_up, c.session_down))
            }
            Remote::Bird { router, .. } => Ok(format!("changes={}", router.state_changes(a)?)),
        }
    }

    /// Changes the remote's transmit and receive intervals on every session
    /// while it runs (vtysh for FRR, `birdc configure` for BIRD).
    pub fn set_timers(&mut self, tx: u32, rx: u32) {
        match self {
            Remote::Frr { router, peers } => {
                for p in peers.iter_mut() {
                    p.transmit_interval = Some(tx);
                    p.receive_interval = Some(rx);
                    router.configure_peer(
                        &p.header(),
                        &[
                            &format!("transmit-interval {tx}"),
                            &format!("receive-interval {rx}"),
                        ],
                    );
                }
            }
            Remote::Bird { router, conf } => {
                for (_, o) in conf.interfaces.iter_mut() {
                    o.min_tx_ms = tx;
                    o.min_rx_ms = rx;
                }
                if let Some(o) = conf.multihop.as_mut() {
                    o.min_tx_ms = tx;
                    o.min_rx_ms = rx;
                }
                router.reconfigure(conf);
            }
        }
    }
}

/// BIRD config with one neighbor per session, `opts` for all of them.
pub fn bird_conf(t: &Topo, sessions: &[Sess], opts: BirdOpts) -> BirdBfd {
    let mut interfaces: Vec<(String, BirdOpts)> = Vec::new();
    let mut neighbors = Vec::new();
    for s in sessions {
        if s.multihop {
            neighbors.push(BirdNeighbor::multihop(s.a, s.b));
        } else {
            if !interfaces.iter().any(|(n, _)| *n == s.if_b) {
                interfaces.push((s.if_b.clone(), opts.clone()));
            }
            neighbors.push(BirdNeighbor::single_hop(s.a, &s.if_b));
        }
    }
    BirdBfd {
        router_id: t.link().b4,
        interfaces,
        multihop: Some(opts),
        neighbors,
    }
}

/// Subject config for the four sessions with the default timers; multihop
/// sessions accept BIRD's TTL 64 when the remote is BIRD.
pub fn default_subject_peers(sessions: &[Sess], remote: RemoteKind) -> Vec<PeerConf> {
    sessions
        .iter()
        .map(|s| {
            let p = subject_peer(s).timers(TX, RX, MULT);
            if s.multihop && remote == RemoteKind::Bird {
                p.minimum_ttl(BIRD_MULTIHOP_MIN_TTL)
            } else {
                p
            }
        })
        .collect()
}

/// Waits until every session is Up on both sides.
pub fn wait_all_up(subject: &Subject, remote: &Remote, sessions: &[Sess]) -> Duration {
    wait_for("all sessions Up on both sides", UP_TIMEOUT, POLL, || {
        subject.check_all(sessions, |p| p.is_up())?;
        remote.check_all(sessions, |st| st == "up")
    })
    .1
}

// -------------------------------------------------------------- scenarios --

/// Sessions come Up; a silent cut of BFD traffic in the subject's namespace
/// takes every session Down on the subject with "control detection time
/// expired" within detect-mult × negotiated interval (+ margin) of the cut,
/// and not before (detect-mult − 1) intervals; the remote goes Down too;
/// after the cut is lifted every session comes back Up.
pub fn scenario_up_cut_restore(kind: SubjectKind, remote_kind: RemoteKind, lab: &Lab, t: &Topo) {
    let sessions = four_sessions(t);
    let subject = Subject::start(kind, lab, t, default_subject_peers(&sessions, remote_kind));
    let remote = Remote::start(remote_kind, lab, t, &sessions, TX, RX, MULT);
    let took = wait_all_up(&subject, &remote, &sessions);
    eprintln!("all Up after {took:?}");
    // Let any initial poll sequence settle before measuring.
    std::thread::sleep(Duration::from_secs(2));
    cut_detect_restore(&subject, &remote, &sessions, t);
}

/// The cut / detect / restore part of [`scenario_up_cut_restore`].
pub fn cut_detect_restore(subject: &Subject, remote: &Remote, sessions: &[Sess], t: &Topo) {
    let before = subject.vty().peers().expect("subject peers");
    // Expected detection time and negotiated interval per session (ms).
    let mut expect = Vec::new();
    for s in sessions {
        let p = before
            .iter()
            .find(|p| p.peer == s.b)
            .expect("session present");
        assert!(
            p.is_up(),
            "{}: not Up before the cut: {}",
            s.label,
            p.summary()
        );
        let interval = p.receive_interval.max(p.remote_transmit_interval);
        let detect = p.remote_detect_multiplier * interval;
        // Both ends run TX/RX/MULT here, so the JSON must show exactly that.
        let configured = u64::from(MULT) * u64::from(TX.max(RX));
        assert_eq!(
            detect,
            configured,
            "{}: detection time from JSON: {}",
            s.label,
            p.summary()
        );
        expect.push((s.clone(), interval, detect));
    }
    let wall0 = SystemTime::now();
    let t0 = Instant::now();
    let mut cut = NftCut::cut(&t.a);
    let cut_took = t0.elapsed();
    let wall1 = SystemTime::now();
    let max_detect = expect.iter().map(|e| e.2).max().unwrap_or(0);
    let mut seen: Vec<Option<(Duration, vtysh::BfdPeer)>> = vec![None; sessions.len()];
    let deadline = Duration::from_millis(max_detect) + Duration::from_secs(10);
    while seen.iter().any(Option::is_none) && t0.elapsed() < deadline {
        let now = t0.elapsed();
        if let Ok(peers) = subject.vty().peers() {
            for (i, s) in sessions.iter().enumerate() {
                if seen[i].is_none() {
                    if let Some(p) = peers.iter().find(|p| p.peer == s.b && !p.is_up()) {
                        seen[i] = Some((now, p.clone()));
                    }
                }
            }
        }
        std::thread::sleep(FAST_POLL);
    }
    print_measures(subject, remote, &expect, (wall0, wall1), &seen);
    for (i, (s, interval, detect)) in expect.iter().enumerate() {
        let (at, p) = seen[i]
            .clone()
            .unwrap_or_else(|| panic!("{}: still Up {deadline:?} after the cut", s.label));
        eprintln!(
            "{}: Down {} ms after the cut (detect {detect} ms): {}",
            s.label,
            at.as_millis(),
            p.summary()
        );
        assert_eq!(p.status, "down", "{}: {}", s.label, p.summary());
        assert_eq!(
            p.diagnostic,
            "control detection time expired",
            "{}: wrong diagnostic: {}",
            s.label,
            p.summary()
        );
        let upper = Duration::from_millis(*detect) + DETECT_MARGIN + cut_took;
        assert!(
            at <= upper,
            "{}: Down after {at:?}, allowed {upper:?}: {}",
            s.label,
            p.summary()
        );
        let lower = Duration::from_millis(detect.saturating_sub(*interval + 50));
        assert!(
            at >= lower,
            "{}: Down after only {at:?}, expected at least {lower:?}",
            s.label
        );
    }
    wait_for(
        "remote sees every session leave Up",
        Duration::from_secs(10),
        POLL,
        || remote.check_all(sessions, |st| st != "up"),
    );
    cut.restore();
    let took = wait_all_up(subject, remote, sessions);
    eprintln!("all Up again {took:?} after the restore");
}

/// One `MEASURE detect ...` line per session on stderr for a bfdd-rs
/// subject: time from the cut to its Down as bfdd-rs logged it (polling
/// time when the log has no such line). The cut counts from when `nft`
/// returned (`cut.1`): starting nft in a namespace can take hundreds of ms
/// on a loaded machine, and the rules take effect at its very end.
fn print_measures(
    subject: &Subject,
    remote: &Remote,
    expect: &[(Sess, u64, u64)],
    cut: (SystemTime, SystemTime),
    seen: &[Option<(Duration, vtysh::BfdPeer)>],
) {
    let Some(changes) = subject.rs_state_changes() else {
        return;
    };
    let peer = match remote {
        Remote::Frr { .. } => "frr",
        Remote::Bird { .. } => "bird",
    };
    for (i, (s, interval, detect)) in expect.iter().enumerate() {
        let logged = changes
            .iter()
            .find(|c| c.peer == s.b && c.to == "Down" && c.at >= cut.0)
            .map(|c| c.at.duration_since(cut.1).unwrap_or_default());
        let nft_took = cut.1.duration_since(cut.0).unwrap_or_default();
        let polled = seen[i].as_ref().map(|(at, _)| at.saturating_sub(nft_took));
        let Some(at) = logged.or(polled) else {
            continue;
        };
        eprintln!(
            "MEASURE detect peer={peer} family={} hop={} interval_ms={interval} mult={} detected_ms={}",
            if s.b.is_ipv6() { "v6" } else { "v4" },
            if s.multihop { "multi" } else { "single" },
            detect / (*interval).max(1),
            at.as_millis()
        );
    }
}

/// The remote changes its timers while Up: the subject sees the new remote
/// intervals (poll sequence) and nothing flaps on either side.
pub fn scenario_timer_change(kind: SubjectKind, remote_kind: RemoteKind, lab: &Lab, t: &Topo) {
    let sessions = four_sessions(t);
    let subject = Subject::start(kind, lab, t, default_subject_peers(&sessions, remote_kind));
    let mut remote = Remote::start(remote_kind, lab, t, &sessions, TX, RX, MULT);
    wait_all_up(&subject, &remote, &sessions);
    std::thread::sleep(Duration::from_secs(1));
    let counters_before = subject.vty().counters().expect("subject counters");
    let markers_before: Vec<String> = sessions
        .iter()
        .map(|s| remote.flap_marker(s.a).expect("remote flap marker"))
        .collect();
    let (new_tx, new_rx) = (150, 250);
    remote.set_timers(new_tx, new_rx);
    let all_up = |subject: &Subject| subject.check_all(&sessions, |p| p.is_up());
    wait_for(
        "subject to see the remote's new timers",
        Duration::from_secs(15),
        FAST_POLL,
        || {
            all_up(&subject).map_err(|e| format!("FLAP during renegotiation: {e}"))?;
            subject.check_all(&sessions, |p| {
                p.remote_transmit_interval == u64::from(new_tx)
                    && p.remote_receive_interval == u64::from(new_rx)
            })
        },
    );
    hold_for(
        "all sessions Up after renegotiation",
        Duration::from_secs(3),
        FAST_POLL,
        || {
            all_up(&subject)?;
            remote.check_all(&sessions, |st| st == "up")
        },
    );
    let counters_after = subject.vty().counters().expect("subject counters");
    for s in &sessions {
        let b = counters_before
            .iter()
            .find(|c| c.peer == s.b)
            .expect("counters before");
        let a = counters_after
            .iter()
            .find(|c| c.peer == s.b)
            .expect("counters after");
        assert_eq!(
            (b.session_up, b.session_down),
            (a.session_up, a.session_down),
            "{}: subject's session up/down counters moved",
            s.label
        );
    }
    for (s, before) in sessions.iter().zip(&markers_before) {
        assert_eq!(
            &remote.flap_marker(s.a).expect("marker"),
            before,
            "{}: remote flapped",
            s.label
        );
    }
}

/// Passive mode on the subject: it sends no BFD packet while the remote is
/// silent, then comes Up once the (active) remote starts.
pub fn scenario_passive(kind: SubjectKind, remote_kind: RemoteKind, lab: &Lab, t: &Topo) {
    let sessions = four_sessions(t);
    let peers = default_subject_peers(&sessions, remote_kind)
        .into_iter()
        .map(|p| p.passive(true))
        .collect();
    let counter = NftCounter::install(&t.a);
    let subject = Subject::start(kind, lab, t, peers);
    hold_for(
        "passive subject silent while the remote is absent",
        Duration::from_secs(4),
        POLL,
        || match counter.packets() {
            0 => Ok(()),
            n => Err(format!("{n} BFD packets sent")),
        },
    );
    subject
        .check_all(&sessions, |p| p.passive && !p.is_up())
        .expect("passive sessions, not Up");
    let remote = Remote::start(remote_kind, lab, t, &sessions, TX, RX, MULT);
    wait_all_up(&subject, &remote, &sessions);
    subject
        .check_all(&sessions, |p| p.passive)
        .expect("passive-mode shown in JSON");
    assert!(
        counter.packets() > 0,
        "no packet counted once Up: the counter is broken"
    );
}

/// Multiplier used on the subject for the shutdown scenario: the remote's
/// detection time becomes 20 × 200 ms = 4 s, so a Down seen well before
/// that was signalled (AdminDown), not a timeout.
pub const SHUTDOWN_MULT: u8 = 20;
pub const ADMIN_DOWN_WITHIN: Duration = Duration::from_millis(2500);

/// `shutdown` on the subject's peers: the remote goes Down at once (FRR
/// shows remote-diagnostic "administratively down"), stays Down, and the
/// sessions come back after `no shutdown`. For bfdd-rs, SIGTERM then also
/// takes the remote Down at once and the daemon exits cleanly.
pub fn scenario_shutdown(kind: SubjectKind, remote_kind: RemoteKind, lab: &Lab, t: &Topo) {
    let sessions = four_sessions(t);
    let peers = default_subject_peers(&sessions, remote_kind)
        .into_iter()
        .map(|p| p.timers(TX, RX, SHUTDOWN_MULT))
        .collect();
    let mut subject = Subject::start(kind, lab, t, peers);
    let remote = Remote::start(remote_kind, lab, t, &sessions, TX, RX, MULT);
    wait_all_up(&subject, &remote, &sessions);
    std::thread::sleep(Duration::from_secs(1));

    // `shutdown` leaves the diagnostic as it was (0 here) in FRR 8.4 and in
    // bfdd-rs alike (RFC 5880 section 6.8.16: "an appropriate value").
    subject.set_shutdown(true);
    expect_remote_admin_down(&remote, &sessions, "shutdown", false);
    wait_for(
        "subject shows its peers shut down",
        Duration::from_secs(5),
        POLL,
        || subject.check_all(&sessions, |p| p.status == "shutdown"),
    );
    hold_for(
        "remote stays Down while shut down",
        Duration::from_secs(3),
        POLL,
        || remote.check_all(&sessions, |st| st != "up"),
    );

    subject.set_shutdown(false);
    wait_all_up(&subject, &remote, &sessions);

    if let Some(rs) = subject.bfdd_rs() {
        std::thread::sleep(Duration::from_secs(1));
        let status = rs
            .terminate(Duration::from_secs(10))
            .expect("bfdd-rs exits on SIGTERM");
        assert!(
            status.success(),
            "bfdd-rs exit status after SIGTERM: {status}"
        );
        // Stopping, bfdd-rs says why: 7 (Administratively Down).
        expect_remote_admin_down(&remote, &sessions, "SIGTERM", true);
    }
}

/// The remote leaves Up within [`ADMIN_DOWN_WITHIN`]; a remote FRR shows
/// "neighbor signaled session down" (it received AdminDown, no timeout) and,
/// with `diag7`, remote-diagnostic "administratively down".
fn expect_remote_admin_down(remote: &Remote, sessions: &[Sess], what: &str, diag7: bool) {
    let (_, took) = wait_for(
        &format!("remote sees every session Down after {what}"),
        ADMIN_DOWN_WITHIN,
        FAST_POLL,
        || remote.check_all(sessions, |st| st == "down"),
    );
    eprintln!("remote Down {took:?} after {what}");
    if let Remote::Frr { router, .. } = remote {
        for s in sessions {
            let p = router.vty().peer(s.a).expect("remote peer");
            assert_eq!(
                p.diagnostic,
                "neighbor signaled session down",
                "{}: remote FRR after {what}: {}",
                s.label,
                p.summary()
            );
            if !diag7 {
                continue;
            }
            assert_eq!(
                p.remote_diagnostic,
                "administratively down",
                "{}: remote FRR after {what}: {}",
                s.label,
                p.summary()
            );
        }
    }
}

// ------------------------------------------------------------------- auth --

/// One authenticated session of the auth topology and the keys each end uses.
#[derive(Debug, Clone)]
pub struct AuthCase {
    pub sess: Sess,
    pub a_auth: topotests::Auth,
    pub b_auth: topotests::Auth,
    /// Matching keys: must come Up; else it must never.
    pub good: bool,
}

impl AuthCase {
    fn describe(&self) -> String {
        format!(
            "{} {} ({} <-> {})",
            self.sess.label,
            self.a_auth.kind.frr_word(),
            self.sess.a,
            self.sess.b
        )
    }
}

pub const AUTH_LINKS: u8 = 6;

/// The one type both multihop sessions use: BIRD has a single `multihop`
/// block per protocol, so every multihop session shares its auth settings.
pub const MULTIHOP_AUTH: topotests::AuthKind = topotests::AuthKind::MeticulousKeyedSha1;

/// Links 0..5 carry an IPv4 and an IPv6 single-hop session each with one of
/// the five auth types and matching keys; link 5 carries both families with
/// keyed SHA1 and a wrong secret on B (BIRD's interface options apply to
/// every neighbor on the interface). The loopbacks carry an IPv4 and an
/// IPv6 multihop session with [`MULTIHOP_AUTH`].
pub fn auth_cases(t: &Topo) -> Vec<AuthCase> {
    use topotests::{Auth, AuthKind};
    let sessions_on = |l: &topotests::Link| {
        let sh = |label, a: IpAddr, b: IpAddr| Sess {
            label,
            a,
            b,
            multihop: false,
            if_a: l.if_a.clone(),
            if_b: l.if_b.clone(),
        };
        [
            sh("v4 single-hop", l.a4.into(), l.b4.into()),
            sh("v6 single-hop", l.a6.into(), l.b6.into()),
        ]
    };
    let mut cases = Vec::new();
    for (k, kind) in AuthKind::ALL.iter().enumerate() {
        let key_id = k as u8 + 3;
        let auth = Auth::new(*kind, key_id, &format!("bfrs-key-{k}"));
        for sess in sessions_on(&t.links[k]) {
            cases.push(AuthCase {
                sess,
                a_auth: auth.clone(),
                b_auth: auth.clone(),
                good: true,
            });
        }
    }
    for sess in sessions_on(&t.links[5]) {
        cases.push(AuthCase {
            sess,
            a_auth: Auth::new(AuthKind::KeyedSha1, 9, "bfrs-right-key"),
            b_auth: Auth::new(AuthKind::KeyedSha1, 9, "bfrs-wrong-key"),
            good: false,
        });
    }
    let mh_auth = Auth::new(MULTIHOP_AUTH, 11, "bfrs-multihop-key");
    for sess in four_sessions(t).into_iter().filter(|s| s.multihop) {
        cases.push(AuthCase {
            sess,
            a_auth: mh_auth.clone(),
            b_auth: mh_auth.clone(),
            good: true,
        });
    }
    cases
}

/// BIRD config for one side of the auth topology (`side_b`: namespace B).
/// Panics if two cases need different auth in one interface or multihop
/// block, which BIRD cannot express.
pub fn bird_auth_conf(cases: &[AuthCase], side_b: bool) -> BirdBfd {
    let mut interfaces: Vec<(String, BirdOpts)> = Vec::new();
    let mut multihop: Option<BirdOpts> = None;
    let mut neighbors = Vec::new();
    for c in cases {
        let s = &c.sess;
        let (ifname, auth, peer, local) = if side_b {
            (&s.if_b, &c.b_auth, s.a, s.b)
        } else {
            (&s.if_a, &c.a_auth, s.b, s.a)
        };
        let opts = BirdOpts::new(TX, RX, MULT).auth(auth.clone());
        if s.multihop {
            neighbors.push(BirdNeighbor::multihop(peer, local));
            match &multihop {
                Some(o) => assert_eq!(o.auth.as_ref(), Some(auth), "one multihop block"),
                None => multihop = Some(opts),
            }
        } else {
            neighbors.push(BirdNeighbor::single_hop(peer, ifname));
            match interfaces.iter().find(|(n, _)| n == ifname) {
                Some((_, o)) => assert_eq!(o.auth.as_ref(), Some(auth), "{ifname}"),
                None => interfaces.push((ifname.clone(), opts)),
            }
        }
    }
    let router_id = cases
        .iter()
        .filter(|c| !c.sess.multihop)
        .find_map(|c| match if side_b { c.sess.b } else { c.sess.a } {
            IpAddr::V4(a) => Some(a),
            IpAddr::V6(_) => None,
        })
        .expect("an IPv4 single-hop case for the router id");
    BirdBfd {
        router_id,
        interfaces,
        multihop,
        neighbors,
    }
}

/// Every good case comes Up on both sides; no wrong-key case is ever Up
/// (checked at every poll until then, and for 5 s after).
/// `subject_up(addr)` reads the subject's state of its session to `addr`.
pub fn check_auth(
    cases: &[AuthCase],
    remote: &BirdRouter,
    subject_up: impl Fn(IpAddr) -> Result<bool, String>,
) {
    let bad_never_up = || -> Result<(), String> {
        for c in cases.iter().filter(|c| !c.good) {
            if subject_up(c.sess.b)? {
                return Err(format!("subject: wrong-key session {} is Up", c.describe()));
            }
            if remote.session(c.sess.a)?.is_up() {
                return Err(format!("remote: wrong-key session {} is Up", c.describe()));
            }
        }
        Ok(())
    };
    let (_, took) = wait_for(
        "authenticated sessions Up on both sides",
        UP_TIMEOUT,
        POLL,
        || {
            if let Err(e) = bad_never_up() {
                panic!("{e}");
            }
            for c in cases.iter().filter(|c| c.good) {
                if !subject_up(c.sess.b)? {
                    return Err(format!("subject: {} not Up", c.describe()));
                }
                if !remote.session(c.sess.a)?.is_up() {
                    return Err(format!("remote: {} not Up", c.describe()));
                }
            }
            Ok(())
        },
    );
    eprintln!(
        "{} authenticated sessions Up on both sides after {took:?}",
        cases.iter().filter(|c| c.good).count()
    );
    hold_for(
        "wrong-key sessions stay not Up",
        Duration::from_secs(5),
        POLL,
        bad_never_up,
    );
}

/// bfdd-rs config (or FRR syntax) for the subject side of the auth
/// topology; multihop peers accept BIRD's TTL 64.
pub fn subject_auth_peers(cases: &[AuthCase]) -> Vec<PeerConf> {
    cases
        .iter()
        .map(|c| {
            let p = subject_peer(&c.sess)
                .timers(TX, RX, MULT)
                .auth(c.a_auth.clone());
            if c.sess.multihop {
                p.minimum_ttl(BIRD_MULTIHOP_MIN_TTL)
            } else {
                p
            }
        })
        .collect()
}

/// Counts, in namespace A, the BFD packets arriving from the remote end of
/// each wrong-key case, so "accepted none of them" is not vacuous.
pub struct AuthRxCounter {
    ns: String,
}

const AUTH_RX_TABLE: &str = "bfrs_authrx";

impl AuthRxCounter {
    pub fn install(t: &Topo, cases: &[AuthCase]) -> AuthRxCounter {
        let ns = &t.a;
        ns.must(&["nft", "add", "table", "inet", AUTH_RX_TABLE]);
        for (i, c) in cases.iter().enumerate().filter(|(_, c)| !c.good) {
            let chain = format!("c{i}");
            ns.must(&[
                "nft",
                "add",
                "chain",
                "inet",
                AUTH_RX_TABLE,
                &chain,
                "{ type filter hook input priority -40; }",
            ]);
            let family = if c.sess.b.is_ipv4() { "ip" } else { "ip6" };
            let port = if c.sess.multihop { "4784" } else { "3784" };
            let src = c.sess.b.to_string();
            ns.must(&[
                "nft",
                "add",
                "rule",
                "inet",
                AUTH_RX_TABLE,
                &chain,
                family,
                "saddr",
                &src,
                "udp",
                "dport",
                port,
                "counter",
            ]);
        }
        AuthRxCounter {
            ns: ns.name().to_string(),
        }
    }

    /// Packets from the remote end of `cases[i]` seen so far.
    pub fn packets(&self, i: usize) -> u64 {
        let out = topotests::cmd::run_in(
            &self.ns,
            &[
                "nft",
                "list",
                "chain",
                "inet",
                AUTH_RX_TABLE,
                &format!("c{i}"),
            ],
        )
        .unwrap_or_else(|e| panic!("{e}"));
        topotests::nft::parse_counter(&out)
            .unwrap_or_else(|| panic!("no counter in nft output:\n{out}"))
    }
}

/// bfdd-rs's per-session counters: a wrong-key session received packets
/// (per `rx`) but accepted none (authentication runs before a packet is
/// counted as control input) while it kept sending; every good session
/// accepted some.
pub fn check_auth_counters(cases: &[AuthCase], vty: &Vtysh, rx: &AuthRxCounter) {
    let counters = vty.counters().expect("subject counters");
    for (i, c) in cases.iter().enumerate() {
        let n = counters
            .iter()
            .find(|n| n.peer == c.sess.b && n.multihop == c.sess.multihop)
            .unwrap_or_else(|| panic!("no counters for {}", c.describe()));
        if c.good {
            assert!(
                n.control_packet_input > 0,
                "{}: no control input counted while Up",
                c.describe()
            );
            continue;
        }
        let arrived = rx.packets(i);
        eprintln!(
            "{}: {arrived} packets arrived, {} accepted, {} sent",
            c.describe(),
            n.control_packet_input,
            n.control_packet_output
        );
        assert!(
            arrived > 0,
            "{}: no packet from the remote arrived",
            c.describe()
        );
        assert_eq!(
            n.control_packet_input,
            0,
            "{}: packets with a wrong key were accepted",
            c.describe()
        );
        assert!(
            n.control_packet_output > 0,
            "{}: the subject sent nothing",
            c.describe()
        );
    }
}
