//! Echo packets in the simulation: an endpoint's echo goes over the link to
//! its peer and comes back over the reverse link. IPv4 echo is looped by the
//! peer's forwarding plane (no endpoint sees it on the way, as on Linux);
//! IPv6 echo is handed to the peer endpoint, which must decide to reflect
//! it. Echo alone can be cut on a directed address pair (`cut_echo`), as
//! nftables does on UDP 3785 in the topotests.

use std::net::IpAddr;

use super::{InFlight, NodeId, Sim};
use crate::echo::{encode, ECHO_LEN, ECHO_LOOPED_TTL, ECHO_TTL};
use crate::endpoint::{EchoMeta, EchoVerdict, RxMeta};
use crate::packet::MAX_LEN;

/// Which half of the round trip a packet is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum EchoLeg {
    /// From its sender (`origin`, address `from`) to the peer at `to`.
    Out {
        origin: NodeId,
        from: IpAddr,
        to: IpAddr,
    },
    /// Back to its sender.
    Back,
}

impl Sim {
    /// Drop echo packets from `from` to `to` (Control packets still pass).
    pub fn cut_echo(&mut self, from: IpAddr, to: IpAddr) {
        self.echo_cuts.insert((from, to));
    }

    pub fn heal_echo(&mut self, from: IpAddr, to: IpAddr) {
        self.echo_cuts.remove(&(from, to));
    }

    /// Put every echo packet node `n` holds on its way.
    pub(super) fn flush_echoes(&mut self, n: NodeId) {
        while let Some(e) = self.nodes[n.0].endpoint.poll_echo() {
            self.nodes[n.0].endpoint.echo_transmitted(e.handle);
            // Stamped with the simulated time, read back for the round trip.
            let t = self.now - self.t0;
            let payload = encode(e.my_discr, (t.as_secs(), u64::from(t.subsec_micros())));
            let leg = EchoLeg::Out {
                origin: n,
                from: e.local,
                to: e.peer,
            };
            if let Some(to) = self.owners.get(&e.peer).copied() {
                self.echo_leg(e.local, e.peer, to, leg, &payload, ECHO_TTL);
            }
        }
    }

    /// Carry one leg over the link `from` -> `to` (owned by `node`).
    fn echo_leg(
        &mut self,
        from: IpAddr,
        to: IpAddr,
        node: NodeId,
        leg: EchoLeg,
        payload: &[u8],
        ttl: u8,
    ) {
        if self.echo_cuts.contains(&(from, to)) {
            return;
        }
        let Some(at) = self
            .links
            .get_mut(&(from, to))
            .and_then(|l| l.carry(&mut self.rng, self.now).arrives())
        else {
            return;
        };
        let mut buf = [0; MAX_LEN];
        let len = payload.len().min(MAX_LEN);
        buf[..len].copy_from_slice(&payload[..len]);
        let meta = RxMeta {
            src: from,
            dst: Some(to),
            ifindex: 0,
            ttl: Some(ttl),
            multihop: false,
            vrf: 0,
        };
        self.seq += 1;
        let p = InFlight {
            to: node,
            meta,
            len,
            buf,
            echo: Some(leg),
        };
        self.in_flight.insert((at, self.seq), p);
    }

    /// An echo leg arrived.
    pub(super) fn echo_arrives(&mut self, p: &InFlight, leg: EchoLeg) {
        let now = self.now;
        let payload = &p.buf[..p.len.min(ECHO_LEN)];
        match leg {
            EchoLeg::Out { origin, from, to } => {
                let back = match from {
                    // The peer's kernel forwards it back to its destination.
                    IpAddr::V4(_) => true,
                    IpAddr::V6(_) => {
                        let meta = EchoMeta {
                            src: from,
                            ttl: ECHO_TTL,
                            rtt_us: None,
                        };
                        let ep = &mut self.nodes[p.to.0].endpoint;
                        ep.handle_echo(now, &meta, payload) == EchoVerdict::Reflect
                    }
                };
                if back {
                    let payload = payload.to_vec();
                    self.echo_leg(to, from, origin, EchoLeg::Back, &payload, ECHO_LOOPED_TTL);
                }
            }
            EchoLeg::Back => {
                // IPv4 comes back from our own address, IPv6 from the peer's.
                let src = match p.meta.dst {
                    Some(IpAddr::V4(a)) => IpAddr::V4(a),
                    _ => p.meta.src,
                };
                // IPv4 only, as FRR measures it.
                let rtt_us = match (src, crate::echo::parse(payload)) {
                    (IpAddr::V4(_), Ok((_, (sec, usec)))) => {
                        let sent = std::time::Duration::from_secs(sec)
                            + std::time::Duration::from_micros(usec);
                        let rtt = (now - self.t0).saturating_sub(sent);
                        u32::try_from(rtt.as_micros()).ok()
                    }
                    _ => None,
                };
                let meta = EchoMeta {
                    src,
                    ttl: p.meta.ttl.unwrap_or(0),
                    rtt_us,
                };
                self.nodes[p.to.0].endpoint.handle_echo(now, &meta, payload);
            }
        }
    }
}
