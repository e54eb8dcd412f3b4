//! A hook for the hot-path micro-benchmark (bench/src/bin/hotpath.rs): an
//! engine core with N Up sessions and no sockets, fed pre-built datagrams.
//! One receive is parse + demultiplex by Your Discriminator + checks + state
//! machine (the engine's real `handle_datagram`); one transmit
//! is building and encoding the session's packet and re-arming its timer
//! (`apply` minus the syscall). Not part of the daemon's API; it exists so a change to the hot
//! path shows its cost without a lab.

use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, Instant};

use rand::SeedableRng;

use super::links::LinkTable;
use super::sockets::RxMeta;
use super::table::Table;
use super::thread::{Core, ExtraCounters};
use super::timers::TimerHeap;
use super::wire::{self, RxErrorCounters};
use super::{Command, SessionKey, SessionSpec};
use crate::packet::{ControlPacket, State, MAX_LEN, MIN_LEN};
use crate::session::SessionParams;

/// N sessions brought Up, with one incoming datagram ready for each.
pub struct HotPath {
    core: Core,
    /// (peer address, datagram the peer would send) per session.
    inputs: Vec<(IpAddr, [u8; MIN_LEN])>,
    slots: Vec<usize>,
    _notify: tokio::sync::mpsc::Receiver<super::Notification>,
}

/// Timings of one `HotPath::run`.
#[derive(Debug, Clone, Copy)]
pub struct HotPathReport {
    pub packets: u64,
    pub rx_ns_per_packet: f64,
    pub tx_ns_per_packet: f64,
    /// Sessions that were not Up at the end (must be 0).
    pub not_up: usize,
}

fn peer_of(i: usize) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(10, 101, (i / 250) as u8, (i % 250 + 1) as u8))
}

fn datagram(state: State, my_discr: u32, your_discr: u32, interval_us: u32) -> [u8; MIN_LEN] {
    let pkt = ControlPacket::plain(state, my_discr, your_discr, interval_us);
    let mut buf = [0u8; MIN_LEN];
    wire::encode(&pkt, &mut buf);
    buf
}

impl HotPath {
    /// `sessions` single-hop IPv4 sessions at `interval_us`, all Up.
    pub fn new(sessions: usize, interval_us: u32) -> HotPath {
        // Room for every session's start-up changes (never drained here), so
        // none is deferred and the measured path stays the plain send.
        let (tx, rx) = super::notification_channel(super::NOTIFY_CAPACITY.max(4 * sessions));
        let mut core = Core {
            table: Table::new(),
            timers: TimerHeap::new(),
            rx_errors: RxErrorCounters::default(),
            extra: ExtraCounters::default(),
            notify: super::notify::Notifier::new(tx),
            links: None::<LinkTable>,
            rng: rand::rngs::SmallRng::seed_from_u64(7),
            retry_open_at: None,
            stats: Default::default(),
        };
        let now = Instant::now();
        let mut slots = Vec::with_capacity(sessions);
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
            let spec = SessionSpec::new(
                key.clone(),
                SessionParams {
                    desired_min_tx: interval_us,
                    required_min_rx: interval_us,
                    ..SessionParams::default()
                },
            );
            core.command(Command::Upsert(spec), now);
            let Some(slot) = core.table.by_key(&key) else {
                continue;
            };
            // No sockets: mark the path present by hand.
            let discr = match core.table.get_mut(slot) {
                Some(e) => {
                    e.enabled = true;
                    e.session.local_discr()
                }
                None => continue,
            };
            let remote = 0x8000_0000 | i as u32;
            let init = datagram(State::Init, remote, discr, interval_us);
            core.handle_datagram(meta(key.peer, &init), false, now);
            slots.push(slot);
            inputs.push((key.peer, datagram(State::Up, remote, discr, interval_us)));
        }
        // The daemon's control task takes notifications as they come; left
        // queued here they would count as engine memory per session.
        let mut rx = rx;
        while rx.try_recv().is_ok() {}
        HotPath {
            core,
            inputs,
            slots,
            _notify: rx,
        }
    }

    /// `rounds` passes over every session: one receive and one transmit each.
    pub fn run(&mut self, rounds: usize) -> HotPathReport {
        let mut rx_time = Duration::ZERO;
        let mut tx_time = Duration::ZERO;
        let mut packets = 0u64;
        let mut buf = [0u8; MAX_LEN];
        let mut sink = 0usize;
        for _ in 0..rounds {
            let t0 = Instant::now();
            for (peer, data) in &self.inputs {
                self.core.handle_datagram(meta(*peer, data), false, t0);
            }
            // Stale heap entries pile up as receptions re-arm; the real loop
            // compacts in run_timers, which costs its share here too.
            self.core.run_timers(t0);
            let t1 = Instant::now();
            for &slot in &self.slots {
                if let Some(e) = self.core.table.get_mut(slot) {
                    let pkt = e.session.build_packet(t1);
                    sink = sink.wrapping_add(wire::encode(&pkt, &mut buf));
                }
                // As after a real transmission: the next one goes in the heap.
                self.core.rearm(slot);
            }
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
            .slots
            .iter()
            .filter(|&&s| {
                self.core
                    .table
                    .get(s)
                    .is_none_or(|e| e.session.state() != State::Up)
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
        std::mem::size_of::<super::table::Entry>()
    }
}

fn meta<'a>(src: IpAddr, data: &'a [u8]) -> RxMeta<'a> {
    RxMeta {
        data,
        src: Some(src),
        dst: None,
        ifindex: 0,
        ttl: Some(255),
        truncated: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_come_up_and_stay_up_under_the_loop() {
        let mut h = HotPath::new(50, 50_000);
        assert_eq!(h.slots.len(), 50);
        let r = h.run(3);
        assert_eq!(r.packets, 150);
        assert_eq!(r.not_up, 0, "every session Up");
        assert!(r.rx_ns_per_packet > 0.0 && r.tx_ns_per_packet > 0.0);
        let e = h.core.table.get(h.slots[0]).unwrap();
        assert_eq!(e.counters.control_input, 4, "Init + 3 Up packets");
    }
}
#[cfg(test)]
mod size_guard {
    /// Memory per session is a target (bench/README.md): a session's inline
    /// entry (spec 152 B, session 152 B, counters 56 B, peer address 32 B,
    /// boxed auth 8 B, ...; 440 B in all) must not grow unnoticed.
    #[test]
    fn entry_stays_small() {
        let entry = std::mem::size_of::<super::super::table::Entry>();
        assert!(entry <= 480, "table::Entry grew to {entry} bytes");
        assert!(std::mem::size_of::<crate::session::Session>() <= 192);
    }
}
