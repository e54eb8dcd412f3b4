//! The echo data path (RFC 5881 §4, as FRR's bfdd does it on Linux): IPv4
//! echo goes out as a self-addressed datagram on a packet socket to the
//! peer's MAC and comes back through the peer's forwarding plane
//! (`packet_socket.rs`); IPv6 echo is plain UDP to the peer's port 3785,
//! sent and read on one socket bound to [::]:3785, which also reflects a
//! peer's IPv6 echo back with hop limit 254 when the endpoint says to. The
//! kernel UDP path owns one of these; sockets that cannot be opened (no
//! CAP_NET_RAW, no IPv6) leave that family without echo, said in the log and
//! counted when a session asks for it.

mod packet_socket;
mod v6;

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::os::fd::RawFd;
use std::time::{Duration, Instant};

use bfd::echo::{build_ipv4_frame, encode, parse_ipv4_frame};
use bfd::endpoint::{EchoMeta, EchoTransmit, EchoVerdict};
use bfd::Endpoint;
use tracing::{debug, warn};

use super::LinkInfo;
use packet_socket::{arp_lookup, PacketSocket};
use v6::EchoSocketV6;

/// A known MAC is looked up again this often (a peer may be replaced).
const MAC_REFRESH: Duration = Duration::from_secs(5);
/// A missing MAC is retried no sooner than this.
const MAC_RETRY: Duration = Duration::from_secs(1);
/// Datagrams read from one echo socket per loop turn.
const MAX_READS_PER_TURN: usize = 256;

/// The echo path's own failures (shown with the engine's counters).
#[derive(Debug, Default, Clone, Copy)]
pub struct EchoPathCounters {
    /// IPv4 datagrams on the packet socket that were not well-formed echo.
    pub rx_bad_frame: u64,
    /// Echo not sent: the peer's MAC is not in the ARP table.
    pub tx_no_mac: u64,
    /// Echo not sent: no socket for its family.
    pub tx_no_socket: u64,
    pub tx_errors: u64,
    pub socket_errors: u64,
}

impl EchoPathCounters {
    pub fn add(&mut self, o: &EchoPathCounters) {
        self.rx_bad_frame += o.rx_bad_frame;
        self.tx_no_mac += o.tx_no_mac;
        self.tx_no_socket += o.tx_no_socket;
        self.tx_errors += o.tx_errors;
        self.socket_errors += o.socket_errors;
    }
}

#[derive(Debug, Clone, Copy)]
struct Mac {
    mac: Option<[u8; 6]>,
    looked_up: Instant,
}

#[derive(Debug, Default)]
pub struct EchoPath {
    v4: Option<PacketSocket>,
    /// The packet socket is read here. A VRF-lite path only sends on its
    /// own: the default path's packet socket already hears every link of
    /// the namespace, VRF devices' slaves included.
    v4_rx: bool,
    v6: Option<EchoSocketV6>,
    ifnames: HashMap<u32, String>,
    macs: HashMap<(u32, Ipv4Addr), Mac>,
    counters: EchoPathCounters,
}

impl EchoPath {
    /// Open what can be opened; the rest is logged.
    pub fn open(ipv6: bool) -> EchoPath {
        EchoPath::open_on(ipv6, None)
    }

    /// The echo path of a VRF device (VRF-lite, `device`): IPv6 echo bound
    /// to it, IPv4 echo sent only (see `v4_rx`). None: the namespace's own.
    pub fn open_on(ipv6: bool, device: Option<&str>) -> EchoPath {
        let v4 = PacketSocket::open()
            .map_err(|e| warn!("IPv4 echo unavailable: cannot open a packet socket: {e}"))
            .ok();
        let v6 = if ipv6 {
            EchoSocketV6::open_on(device)
                .map_err(|e| warn!("IPv6 echo unavailable: cannot bind UDP [::]:3785: {e}"))
                .ok()
        } else {
            None
        };
        EchoPath {
            v4,
            v4_rx: device.is_none(),
            v6,
            ..EchoPath::default()
        }
    }

    /// Descriptors to wait on, in the order `receive` numbers them.
    pub fn fds(&self) -> Vec<RawFd> {
        let v4 = self.v4.as_ref().filter(|_| self.v4_rx).map(|s| s.fd());
        let v6 = self.v6.as_ref().map(|s| s.fd());
        [v4, v6].into_iter().flatten().collect()
    }

    pub fn set_links(&mut self, links: &[LinkInfo]) {
        self.ifnames = links.iter().map(|l| (l.ifindex, l.name.clone())).collect();
        self.macs.retain(|(i, _), _| self.ifnames.contains_key(i));
    }

    pub fn counters(&self) -> EchoPathCounters {
        self.counters
    }

    /// Descriptor `i` of `fds` is readable.
    pub fn receive(&mut self, i: usize, ep: &mut Endpoint) {
        let has_v4 = self.v4.is_some() && self.v4_rx;
        match (i, has_v4) {
            (0, true) => self.receive_v4(ep),
            _ => self.receive_v6(ep),
        }
    }

    fn receive_v4(&mut self, ep: &mut Endpoint) {
        let Some(sock) = self.v4.as_mut() else { return };
        for _ in 0..MAX_READS_PER_TURN {
            let frame = match sock.recv() {
                Ok(Some(f)) => f,
                Ok(None) => return,
                Err(e) => {
                    debug!("echo packet socket: {e}");
                    self.counters.socket_errors += 1;
                    return;
                }
            };
            let Ok(d) = parse_ipv4_frame(frame) else {
                self.counters.rx_bad_frame += 1;
                continue;
            };
            // Echo is addressed to its sender: anything else is not echo.
            if d.src != d.dst {
                self.counters.rx_bad_frame += 1;
                continue;
            }
            // FRR measures the round trip of IPv4 echo from its time stamp.
            let rtt_us = bfd::echo::parse(d.payload).ok().and_then(|(_, sent)| {
                let now = monotonic_now();
                let us = |(s, u): (u64, u64)| s.saturating_mul(1_000_000).saturating_add(u);
                u32::try_from(us(now).checked_sub(us(sent))?).ok()
            });
            let meta = EchoMeta {
                src: IpAddr::V4(d.src),
                ttl: d.ttl,
                rtt_us,
            };
            ep.handle_echo(Instant::now(), &meta, d.payload);
        }
    }

    fn receive_v6(&mut self, ep: &mut Endpoint) {
        let Some(sock) = self.v6.as_mut() else { return };
        let counters = &mut self.counters;
        sock.drain(MAX_READS_PER_TURN, counters, |src, ttl, _ifindex, data| {
            let meta = EchoMeta {
                src,
                ttl,
                rtt_us: None,
            };
            ep.handle_echo(Instant::now(), &meta, data) == EchoVerdict::Reflect
        });
    }

    /// Send one echo packet; whether it went out.
    pub fn send(&mut self, e: &EchoTransmit) -> bool {
        let payload = encode(e.my_discr, monotonic_now());
        let sent = match (e.local, e.peer) {
            (IpAddr::V4(local), IpAddr::V4(peer)) => {
                let Some(mac) = self.mac_of(e.ifindex, peer) else {
                    self.counters.tx_no_mac += 1;
                    return false;
                };
                let Some(sock) = self.v4.as_ref() else {
                    self.counters.tx_no_socket += 1;
                    return false;
                };
                let frame = build_ipv4_frame(local, &payload, rand::random());
                sock.send(&frame, e.ifindex, mac)
            }
            (_, IpAddr::V6(peer)) => {
                let Some(sock) = self.v6.as_ref() else {
                    self.counters.tx_no_socket += 1;
                    return false;
                };
                sock.send(&payload, peer, e.ifindex)
            }
            _ => return false,
        };
        match sent {
            Ok(()) => true,
            Err(err) => {
                debug!("echo to {} failed: {err}", e.peer);
                self.counters.tx_errors += 1;
                false
            }
        }
    }

    /// The peer's MAC from the ARP table, cached.
    fn mac_of(&mut self, ifindex: u32, peer: Ipv4Addr) -> Option<[u8; 6]> {
        let now = Instant::now();
        if let Some(m) = self.macs.get(&(ifindex, peer)) {
            let age = now.saturating_duration_since(m.looked_up);
            let fresh = if m.mac.is_some() {
                MAC_REFRESH
            } else {
                MAC_RETRY
            };
            if age < fresh {
                return m.mac;
            }
        }
        let name = self.ifnames.get(&ifindex)?;
        let mac = match arp_lookup(peer, name) {
            Ok(m) => m,
            Err(e) => {
                debug!("ARP lookup of {peer} on {name}: {e}");
                None
            }
        };
        self.macs.insert(
            (ifindex, peer),
            Mac {
                mac,
                looked_up: now,
            },
        );
        mac
    }
}

/// CLOCK_MONOTONIC as (seconds, microseconds), FRR's echo time stamp.
fn monotonic_now() -> (u64, u64) {
    let t = nix::time::clock_gettime(nix::time::ClockId::CLOCK_MONOTONIC)
        .map(|t| (t.tv_sec() as u64, (t.tv_nsec() / 1000) as u64));
    t.unwrap_or((0, 0))
}
