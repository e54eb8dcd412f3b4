//! A hook for the hot-path micro-benchmark (bench/src/bin/hotpath.rs): an
//! endpoint with N Up sessions and no sockets, fed pre-built datagrams. One
//! receive is parse + demultiplex by Your Discriminator + checks + state
//! machine + re-arm (the endpoint's real `handle_datagram`, as the engine
//! calls it); one transmit is building, encoding and queueing the session's
//! packet, re-arming its timer and taking the packet out of the queue (all
//! but the syscall). Not part of the daemon's API; it exists so a change to
//! the hot path shows its cost without a lab.

use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, Instant};

use bfd::{Endpoint, EndpointConfig, Handle, RxMeta, SessionConfig, SessionKey};

use bfd::packet::{ControlPacket, State, MIN_LEN};
use bfd::session::SessionParams;

/// N sessions brought Up by hand, and the datagram each peer sends.
pub struct HotPath {
    ep: Endpoint,
    inputs: Vec<(IpAddr, [u8; MIN_LEN])>,
    handles: Vec<Handle>,
}

/// Nanoseconds per packet of each half, and how many sessions were not Up
/// at the end (must be 0: the benchmark measured the steady state).
#[derive(Debug, Clone, Copy)]
pub struct HotPathReport {
    pub packets: u64,
    pub rx_ns_per_packet: f64,
    pub tx_ns_per_packet: f64,
    pub not_up: usize,
}

fn peer_of(i: usize) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(10, 101, (i / 250) as u8, (i % 250 + 1) as u8))
}

fn datagram(state: State, my_discr: u32, your_discr: u32, interval_us: u32) -> [u8; MIN_LEN] {
    let pkt = ControlPacket::plain(state, my_discr, your_discr, interval_us);
    let mut buf = [0u8; MIN_LEN];
    pkt.encode(&mut buf);
    buf
}

fn meta(src: IpAddr) -> RxMeta {
    RxMeta {
        src,
        dst: None,
        ifindex: 0,
        ttl: Some(255),
        multihop: false,
        vrf: 0,
    }
}

/// Take out whatever the endpoint queued (as the engine does after each
/// handler), so queues stay at their steady size.
fn drain(ep: &mut Endpoint) -> usize {
    let mut sink = 0;
    while let Some(t) = ep.poll_transmit() {
        sink += t.bytes().len();
    }
    while ep.poll_event().is_some() {}
    sink
}

impl HotPath {
    /// `sessions` sessions at `interval_us`, each brought Up by one Init
    /// packet from its peer.
    pub fn new(sessions: usize, interval_us: u32) -> HotPath {
        let mut ep = Endpoint::new(EndpointConfig {
            seed: 7,
            ..EndpointConfig::default()
        });
        let now = Instant::now();
        let mut handles = Vec::with_capacity(sessions);
        let mut inputs = Vec::with_capacity(sessions);
        for i in 0..sessions {
            let key = SessionKey {
                peer: peer_of(i),
                local: Some(IpAddr::V4(Ipv4Addr::new(
                    10,
                    100,
                    (i / 250) as u8,
                    (i % 250 + 1) as u8,
                ))),
                ifname: None,
                vrf: "default".into(),
                multihop: false,
            };
            let params = SessionParams {
                desired_min_tx: interval_us,
                required_min_rx: interval_us,
                ..SessionParams::default()
            };
            let Ok(h) = ep.upsert(SessionConfig::new(key.clone(), params), now) else {
                continue;
            };
            ep.path_up(h, None, now);
            let Some(discr) = ep.get(h).map(|s| s.session.local_discr()) else {
                continue;
            };
            let remote = 0x8000_0000 | i as u32;
            let init = datagram(State::Init, remote, discr, interval_us);
            ep.handle_datagram(now, &meta(key.peer), &init);
            drain(&mut ep);
            handles.push(h);
            inputs.push((key.peer, datagram(State::Up, remote, discr, interval_us)));
        }
        HotPath {
            ep,
            inputs,
            handles,
        }
    }

    /// `rounds` rounds of one received and one sent packet per session.
    pub fn run(&mut self, rounds: usize) -> HotPathReport {
        let mut rx_time = Duration::ZERO;
        let mut tx_time = Duration::ZERO;
        let mut packets = 0u64;
        let mut sink = 0usize;
        for _ in 0..rounds {
            let t0 = Instant::now();
            for (peer, data) in &self.inputs {
                self.ep.handle_datagram(t0, &meta(*peer), data);
            }
            self.ep.handle_timeout(t0);
            sink = sink.wrapping_add(drain(&mut self.ep));
            let t1 = Instant::now();
            for &h in &self.handles {
                self.ep.transmit_now(h, t1);
            }
            sink = sink.wrapping_add(drain(&mut self.ep));
            let t2 = Instant::now();
            rx_time += t1 - t0;
            tx_time += t2 - t1;
            packets += self.inputs.len() as u64;
        }
        std::hint::black_box(sink);
        let per = |d: Duration| {
            if packets == 0 {
                0.0
            } else {
                d.as_nanos() as f64 / packets as f64
            }
        };
        let not_up = self
            .handles
            .iter()
            .filter(|&&h| {
                self.ep
                    .get(h)
                    .is_none_or(|s| s.session.state() != State::Up)
            })
            .count();
        HotPathReport {
            packets,
            rx_ns_per_packet: per(rx_time),
            tx_ns_per_packet: per(tx_time),
            not_up,
        }
    }

    /// Size in bytes of one session's table entry (inline part only).
    pub fn entry_size() -> usize {
        Endpoint::entry_size()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_come_up_and_stay_up_under_the_loop() {
        let mut h = HotPath::new(50, 50_000);
        assert_eq!(h.handles.len(), 50);
        let r = h.run(3);
        assert_eq!(r.packets, 150);
        assert_eq!(r.not_up, 0, "every session Up");
        assert!(r.rx_ns_per_packet > 0.0 && r.tx_ns_per_packet > 0.0);
        let s = h.ep.get(h.handles[0]).unwrap();
        assert_eq!(s.counters.control_input, 4, "Init + 3 Up packets");
    }
}
