//! The endpoint's coalescing event queue driven through its public calls
//! (`set_event_capacity`, `poll_event`), and its lateness accounting of
//! timeouts. The `Pending` rules alone are tested in `events.rs`.

use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, Instant};

use super::*;
use crate::packet::{ControlPacket, PacketError, MIN_LEN};
use crate::session::SessionParams;

const PEER_DISCR: u32 = 0x5eed;
const LOCAL: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 1));

fn endpoint(event_capacity: usize) -> Endpoint {
    Endpoint::new(EndpointConfig {
        seed: 1,
        event_capacity,
    })
}

fn key(peer: Ipv4Addr) -> SessionKey {
    SessionKey {
        peer: IpAddr::V4(peer),
        local: Some(LOCAL),
        ifname: None,
        vrf: "default".into(),
        multihop: false,
    }
}

/// A session to `peer` with its path up.
fn add(ep: &mut Endpoint, peer: Ipv4Addr, now: Instant) -> (Handle, SessionKey) {
    let k = key(peer);
    let config = SessionConfig::new(k.clone(), SessionParams::default());
    let h = ep.upsert(config, now).unwrap();
    ep.path_up(h, None, now);
    (h, k)
}

/// The peer says `state` in a packet; the session must change state on it.
fn peer_says(ep: &mut Endpoint, h: Handle, state: State, now: Instant) {
    let s = ep.get(h).unwrap();
    let before = s.session.state();
    let pkt = ControlPacket::plain(state, PEER_DISCR, s.session.local_discr(), 1_000_000);
    let mut buf = [0u8; MIN_LEN];
    pkt.encode(&mut buf);
    let meta = RxMeta {
        src: s.config.key.peer,
        dst: Some(LOCAL),
        ifindex: 0,
        ttl: Some(255),
        multihop: false,
        vrf: 0,
    };
    ep.handle_datagram(now, &meta, &buf);
    let after = ep.get(h).unwrap().session.state();
    assert_ne!(after, before, "peer {state:?} changes state");
}

/// Down -> Init -> Up with room for one event, leaving Init->Up queued.
fn bring_up(ep: &mut Endpoint, h: Handle, now: Instant) {
    peer_says(ep, h, State::Down, now);
    assert_eq!(transition(ep), Some((State::Down, State::Init)));
    peer_says(ep, h, State::Up, now);
    assert_eq!(ep.get(h).unwrap().session.state(), State::Up);
}

fn transition(ep: &mut Endpoint) -> Option<(State, State)> {
    ep.poll_event().map(|e| (e.from, e.to))
}

fn pending(ep: &Endpoint, h: Handle) -> bool {
    ep.table.get(h.index()).unwrap().pending.is_some()
}

#[test]
fn flap_while_full_reports_down_then_up() {
    let now = Instant::now();
    let mut ep = endpoint(1);
    let (h, k) = add(&mut ep, Ipv4Addr::new(127, 0, 0, 9), now);
    bring_up(&mut ep, h, now);
    // Init->Up fills the queue: the whole flap is deferred.
    peer_says(&mut ep, h, State::Down, now);
    peer_says(&mut ep, h, State::Down, now);
    peer_says(&mut ep, h, State::Up, now);
    assert_eq!(ep.counters().events_deferred, 3);
    assert!(pending(&ep, h));
    assert!(ep.has_deferred_events());

    assert_eq!(transition(&mut ep), Some((State::Init, State::Up)));
    match ep.poll_event() {
        Some(Event {
            handle,
            key,
            from: State::Up,
            to: State::Down,
            diag,
            ..
        }) => {
            assert_eq!((handle, key), (h, k));
            assert_eq!(
                diag,
                Diag::NEIGHBOR_SIGNALED_SESSION_DOWN,
                "the Down's diag"
            );
        }
        other => panic!("expected Up->Down, got {other:?}"),
    }
    assert_eq!(transition(&mut ep), Some((State::Down, State::Up)));
    assert_eq!(transition(&mut ep), None, "nothing more, no from==to");
    assert!(!ep.has_deferred_events());
    assert!(!pending(&ep, h));
    assert_eq!(ep.counters().events_flushed, 2);
}

#[test]
fn down_while_full_is_reported_once() {
    let now = Instant::now();
    let mut ep = endpoint(1);
    let (h, _) = add(&mut ep, Ipv4Addr::new(127, 0, 0, 9), now);
    bring_up(&mut ep, h, now);
    peer_says(&mut ep, h, State::Down, now);
    assert_eq!(transition(&mut ep), Some((State::Init, State::Up)));
    assert_eq!(transition(&mut ep), Some((State::Up, State::Down)));
    for _ in 0..3 {
        assert_eq!(transition(&mut ep), None);
    }
    assert_eq!(ep.counters().events_deferred, 1);
    assert_eq!(ep.counters().events_flushed, 1);
    assert!(!ep.has_deferred_events());
}

#[test]
fn pending_session_keeps_its_order_when_room_returns() {
    let now = Instant::now();
    let mut ep = endpoint(1);
    let (h, _) = add(&mut ep, Ipv4Addr::new(127, 0, 0, 9), now);
    bring_up(&mut ep, h, now);
    peer_says(&mut ep, h, State::Down, now);
    assert_eq!(transition(&mut ep), Some((State::Init, State::Up)));
    // Room now, but Up->Down is still owed: Down->Init must wait for it.
    peer_says(&mut ep, h, State::Down, now);
    assert_eq!(ep.events.pop_ready(), None, "not queued ahead");
    assert_eq!(transition(&mut ep), Some((State::Up, State::Down)));
    assert_eq!(transition(&mut ep), Some((State::Down, State::Init)));
    assert_eq!(transition(&mut ep), None);
    assert!(!ep.has_deferred_events());
    assert_eq!(ep.counters().events_deferred, 2);
}

#[test]
fn removed_pending_session_sends_nothing() {
    let now = Instant::now();
    let mut ep = endpoint(1);
    let (h, k) = add(&mut ep, Ipv4Addr::new(127, 0, 0, 9), now);
    bring_up(&mut ep, h, now);
    peer_says(&mut ep, h, State::Down, now);
    assert!(ep.has_deferred_events());
    while ep.poll_transmit().is_some() {}
    assert_eq!(ep.remove(&k, now), Some(h));
    assert!(!ep.has_deferred_events(), "no pending entry left behind");
    // Its AdminDown packet is all it leaves.
    assert_eq!(ep.poll_transmit().map(|t| t.handle), Some(h));
    assert!(ep.poll_transmit().is_none());
    // A new session in the reused slot is not mistaken for the old one.
    let (h2, _) = add(&mut ep, Ipv4Addr::new(127, 0, 0, 10), now);
    assert_eq!(h2.index(), h.index());
    assert_ne!(h2, h);
    let ev = ep.poll_event().unwrap();
    assert_eq!((ev.handle, ev.from, ev.to), (h, State::Init, State::Up));
    assert_eq!(transition(&mut ep), None);
    assert!(!pending(&ep, h2));
}

#[test]
fn many_pending_sessions_flush_in_order() {
    let now = Instant::now();
    let room = 4;
    let n = 200;
    let mut ep = endpoint(room);
    let sessions: Vec<(Handle, SessionKey)> = (0..n)
        .map(|i| {
            add(
                &mut ep,
                Ipv4Addr::new(10, 1, (i / 250) as u8, (i % 250 + 1) as u8),
                now,
            )
        })
        .collect();
    for (h, _) in &sessions {
        peer_says(&mut ep, *h, State::Down, now);
    }
    let c = ep.counters();
    assert_eq!(c.events_deferred, (n - room) as u64);
    // The queued ones, then the deferred ones, in the order they changed,
    // one event per session.
    for (h, k) in &sessions {
        let ev = ep.poll_event().expect("an event per session");
        assert_eq!((ev.handle, &ev.key), (*h, k));
        assert_eq!((ev.from, ev.to), (State::Down, State::Init));
    }
    assert_eq!(transition(&mut ep), None);
    assert!(!ep.has_deferred_events());
    assert_eq!(ep.counters().events_flushed, (n - room) as u64);
}

/// A timeout handled late is counted with its lateness and sends its
/// packet; `clear_lateness` zeroes the figures.
#[test]
fn timeouts_are_accounted_with_lateness() {
    let now = Instant::now();
    let mut ep = endpoint(16);
    let (h, _) = add(&mut ep, Ipv4Addr::new(127, 0, 0, 9), now);
    let due = ep.poll_timeout().expect("armed");
    assert!(ep.poll_transmit().is_none());

    assert_eq!(ep.handle_timeout(due - Duration::from_micros(1)), 0);
    assert_eq!(ep.lateness().count, 0, "nothing due yet");
    assert!(ep.poll_transmit().is_none());

    assert_eq!(ep.handle_timeout(due + Duration::from_millis(3)), 1);
    let l = ep.lateness();
    assert_eq!(l.count, 1);
    assert_eq!(l.max_ns, 3_000_000);
    assert_eq!(l.sum_ns, 3_000_000);
    assert_eq!(l.histogram, [0, 0, 1, 0, 0]);
    let t = ep.poll_transmit().expect("the timeout sent a packet");
    assert_eq!(t.handle, h);
    assert!(ep.poll_transmit().is_none());
    assert!(ep.poll_timeout().unwrap() > due, "re-armed later");

    ep.clear_lateness();
    assert_eq!(ep.lateness(), LatenessStats::default());
}

/// The same peer in two VRFs: a packet goes to the session of the VRF whose
/// sockets it came in on, by key (Your Discriminator 0) and by discriminator;
/// a VRF id nobody named finds no session.
#[test]
fn vrfs_keep_same_peer_sessions_apart() {
    let now = Instant::now();
    let mut ep = endpoint(16);
    let peer = Ipv4Addr::new(192, 0, 2, 9);
    let (hd, _) = add(&mut ep, peer, now);
    let mut red = key(peer);
    red.vrf = "red".into();
    let hr = ep
        .upsert(SessionConfig::new(red, SessionParams::default()), now)
        .unwrap();
    ep.path_up(hr, None, now);
    ep.set_vrf_name(7, "red");
    let send = |ep: &mut Endpoint, vrf: u32, your: u32| {
        let pkt = ControlPacket::plain(State::Down, PEER_DISCR, your, 1_000_000);
        let mut buf = [0u8; MIN_LEN];
        pkt.encode(&mut buf);
        let meta = RxMeta {
            src: IpAddr::V4(peer),
            dst: Some(LOCAL),
            ifindex: 0,
            ttl: Some(255),
            multihop: false,
            vrf,
        };
        ep.handle_datagram(now, &meta, &buf);
    };
    send(&mut ep, 7, 0);
    assert_eq!(ep.get(hr).unwrap().session.state(), State::Init);
    assert_eq!(ep.get(hd).unwrap().session.state(), State::Down);
    // The red session's discriminator arriving on the default VRF's sockets.
    let red_discr = ep.get(hr).unwrap().session.local_discr();
    let before = ep.counters().rx_errors.get(&PacketError::NoSession);
    send(&mut ep, 0, red_discr);
    assert_eq!(
        ep.counters().rx_errors.get(&PacketError::NoSession),
        before + 1
    );
    send(&mut ep, 9, 0);
    assert_eq!(
        ep.counters().rx_errors.get(&PacketError::NoSession),
        before + 2
    );
    send(&mut ep, 0, 0);
    assert_eq!(ep.get(hd).unwrap().session.state(), State::Init);
}
