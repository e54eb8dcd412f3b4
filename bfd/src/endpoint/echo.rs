//! The endpoint's side of the echo function: the echo packets sessions ask
//! to send (`poll_echo`), and what the data path reads on the echo port
//! (`handle_echo`). A datagram there is one of three things: a peer's echo
//! to loop back (IPv6, hop limit 255: the daemon reflects it, RFC 5881 §4;
//! IPv4 echo is looped by the kernel's forwarding and never reaches us as
//! such), one of our own echo packets that came back (hop limit / TTL 254:
//! it keeps its session's echo detection alive), or something else, counted
//! and dropped. We loop only for a single-hop session with that peer whose
//! Required Min Echo RX Interval is non-zero (§6.4: zero means "do not loop
//! my echo"); FRR's bfdd reflects any IPv6 echo it gets.

use std::net::IpAddr;
use std::time::Instant;

use super::{push_transmit_echo, Endpoint, Handle};
use crate::echo::{self, ECHO_LOOPED_TTL, ECHO_TTL};

/// One echo packet a session wants sent: the data path stamps the time,
/// frames it (IPv4: to ourselves via the peer's MAC; IPv6: UDP to the
/// peer's port 3785) and sends it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EchoTransmit {
    pub handle: Handle,
    pub my_discr: u32,
    pub peer: IpAddr,
    /// Our address on the session's link (the destination of the peer's
    /// Control packets).
    pub local: IpAddr,
    /// The interface the session's packets arrive on.
    pub ifindex: u32,
}

/// What the data path knows of a datagram read on the echo port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EchoMeta {
    pub src: IpAddr,
    /// TTL / hop limit as received.
    pub ttl: u8,
    /// Round trip of one of our own echo packets, µs, when the data path
    /// can tell (FRR measures IPv4 echo only).
    pub rtt_us: Option<u32>,
}

/// Samples of echo round-trip time kept per session (FRR keeps 8).
const RTT_SAMPLES: usize = 8;

/// The last round trips of a session's echo, shown as FRR's "RTT
/// min/avg/max"; cleared when the session goes Down, as FRR does.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RttSamples {
    samples: [u32; RTT_SAMPLES],
    next: u8,
    valid: u8,
}

impl RttSamples {
    pub fn push(&mut self, us: u32) {
        self.samples[usize::from(self.next)] = us;
        self.next = (self.next + 1) % RTT_SAMPLES as u8;
        self.valid = (self.valid + 1).min(RTT_SAMPLES as u8);
    }

    /// (min, avg, max) in µs the way FRR's bfdd computes them: all zero
    /// without samples; the minimum starts from 1000 µs (so a path slower
    /// than 1 ms shows 1000), the maximum from the first slot.
    pub fn summary(&self) -> (u32, u32, u32) {
        if self.valid == 0 {
            return (0, 0, 0);
        }
        let used = &self.samples[..usize::from(self.valid)];
        let min = used.iter().copied().fold(1000, u32::min);
        let max = used.iter().copied().fold(self.samples[0], u32::max);
        let sum: u64 = used.iter().map(|&v| u64::from(v)).sum();
        (min, (sum / u64::from(self.valid)) as u32, max)
    }
}

/// What to do with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EchoVerdict {
    /// A peer's IPv6 echo: send the same bytes back to its source with hop
    /// limit 254.
    Reflect,
    /// One of our echo packets, counted on its session.
    Accepted,
    /// Dropped and counted.
    Dropped,
}

/// Echo datagrams that were not used, by reason.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct EchoCounters {
    pub reflected: u64,
    /// A peer's echo with no single-hop session willing to loop it.
    pub not_reflected: u64,
    /// An IPv4 echo of a peer's on its way through our forwarding plane.
    pub foreign: u64,
    /// Neither 255 (to loop) nor 254 (looped once).
    pub bad_ttl: u64,
    /// Shorter than an echo payload, or discriminator zero.
    pub malformed: u64,
    /// Our discriminator names no session.
    pub no_session: u64,
    /// Its session does not run echo (any more).
    pub inactive: u64,
}

impl Endpoint {
    /// The next echo packet to send, if any.
    pub fn poll_echo(&mut self) -> Option<EchoTransmit> {
        self.echoes.pop_front()
    }

    /// The data path sent an echo packet of `h`.
    pub fn echo_transmitted(&mut self, h: Handle) {
        if let Some(e) = self.live(h).and_then(|s| self.table.get_mut(s)) {
            e.counters.echo_output += 1;
        }
    }

    /// A datagram read on the echo port (for IPv4: the UDP payload of a
    /// datagram addressed to ourselves, see `crate::echo`).
    pub fn handle_echo(&mut self, now: Instant, meta: &EchoMeta, payload: &[u8]) -> EchoVerdict {
        let c = &mut self.echo_counters;
        match (meta.src, meta.ttl) {
            (IpAddr::V6(_), ECHO_TTL) => {
                if self.table.willing_to_loop(meta.src) {
                    c.reflected += 1;
                    EchoVerdict::Reflect
                } else {
                    c.not_reflected += 1;
                    EchoVerdict::Dropped
                }
            }
            (IpAddr::V4(_), ECHO_TTL) => {
                c.foreign += 1;
                EchoVerdict::Dropped
            }
            (_, ECHO_LOOPED_TTL) => self.own_echo(now, payload, meta.rtt_us),
            _ => {
                c.bad_ttl += 1;
                EchoVerdict::Dropped
            }
        }
    }

    pub fn echo_counters(&self) -> EchoCounters {
        self.echo_counters
    }

    fn own_echo(&mut self, now: Instant, payload: &[u8], rtt_us: Option<u32>) -> EchoVerdict {
        let c = &mut self.echo_counters;
        let Ok((discr, _sent)) = echo::parse(payload) else {
            c.malformed += 1;
            return EchoVerdict::Dropped;
        };
        let Some(slot) = self.table.by_discr(discr) else {
            c.no_session += 1;
            return EchoVerdict::Dropped;
        };
        let Some(e) = self.table.get_mut(slot) else {
            c.no_session += 1;
            return EchoVerdict::Dropped;
        };
        if !e.enabled || !e.session.echo_received(now) {
            c.inactive += 1;
            return EchoVerdict::Dropped;
        }
        e.counters.echo_input += 1;
        if let Some(us) = rtt_us.filter(|&us| us != 0) {
            e.rtt.get_or_insert_with(Box::default).push(us);
        }
        self.rearm(slot);
        EchoVerdict::Accepted
    }

    /// Queue an echo packet for the session in `slot` (called from `apply`).
    pub(super) fn queue_echo(&mut self, slot: usize) {
        let h = self.handle_of(slot);
        let Some(e) = self.table.get(slot) else {
            return;
        };
        let (Some(local), Some(ifindex)) = (e.echo_local, e.echo_ifindex) else {
            return;
        };
        push_transmit_echo(
            &mut self.echoes,
            EchoTransmit {
                handle: h,
                my_discr: e.session.local_discr(),
                peer: e.config.key.peer,
                local,
                ifindex,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RttSamples;

    #[test]
    fn rtt_summary_as_frr_computes_it() {
        let mut r = RttSamples::default();
        assert_eq!(r.summary(), (0, 0, 0));
        r.push(300);
        r.push(500);
        assert_eq!(r.summary(), (300, 400, 500));
        // Slower than 1 ms everywhere: FRR's minimum stays at 1000.
        let mut slow = RttSamples::default();
        slow.push(4000);
        assert_eq!(slow.summary(), (1000, 4000, 4000));
        // Only the last 8 count.
        for _ in 0..8 {
            r.push(100);
        }
        assert_eq!(r.summary(), (100, 100, 100));
    }
}
