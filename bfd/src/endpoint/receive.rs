//! The reception procedure of RFC 5880 §6.8.6 for one datagram, as one
//! function in the RFC's order, with RFC 5881 §5 / RFC 5883 §5 TTL checks
//! where they apply: parse and the context-free checks, single-hop TTL,
//! session selection by Your Discriminator (else by key), multihop minimum
//! TTL, the A bit and authentication, then the session's state machine.
//! Every discard bumps a counter named after its reason; nothing here
//! allocates.

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::Instant;

use super::table::{RxKey, Table};
use crate::packet::{parse, PacketError, RxErrorCounters};
use crate::session::Actions;

/// RFC 5881 §5: single-hop packets must arrive with TTL/hop limit 255.
const SINGLE_HOP_TTL: u8 = 255;

/// What the data path knows of a received datagram besides its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RxMeta {
    /// Source address of the datagram.
    pub src: IpAddr,
    /// Destination address (IP_PKTINFO / IPV6_PKTINFO), when known.
    pub dst: Option<IpAddr>,
    /// Interface it arrived on (0 = unknown).
    pub ifindex: u32,
    /// TTL / hop limit as received.
    pub ttl: Option<u8>,
    /// Arrived on the multihop port (RFC 5883) rather than single-hop (5881).
    pub multihop: bool,
    /// The VRF whose sockets it arrived on (`Endpoint::set_vrf_name`; 0 is
    /// the default VRF).
    pub vrf: u32,
}

/// Counters of datagrams that reached a session but were not run.
#[derive(Debug, Default, Clone, Copy)]
pub struct RxDrops {
    pub errors: RxErrorCounters,
    /// The session's path is down: it does not listen.
    pub session_disabled: u64,
}

/// Run §6.8.6 on `data`: the slot of the session it updated and what that
/// session asks for, or None when it was discarded (and counted).
pub fn receive(
    table: &mut Table,
    ifnames: &HashMap<(u32, u32), String>,
    vrf: &str,
    drops: &mut RxDrops,
    meta: &RxMeta,
    data: &[u8],
    now: Instant,
) -> Option<(usize, Actions)> {
    // §6.8.6: version, length, Detect Mult, Multipoint, My Discriminator,
    // and Your Discriminator zero outside Down/AdminDown.
    let pkt = match parse(data) {
        Ok(p) => p,
        Err(e) => {
            drops.errors.bump(&e);
            return None;
        }
    };
    if !meta.multihop && meta.ttl != Some(SINGLE_HOP_TTL) {
        drops.errors.bump(&PacketError::TtlInvalid);
        return None;
    }
    // §6.8.6: select the session by Your Discriminator; if it is zero, by
    // the source, destination and interface (RFC 5881 §3, RFC 5883 §3).
    let slot = if pkt.your_discr != 0 {
        table.by_discr(pkt.your_discr).filter(|&s| {
            table.get(s).is_some_and(|e| {
                e.config.key.peer == meta.src
                    && e.config.key.multihop == meta.multihop
                    && e.config.key.vrf == vrf
                    && e.ifindex.is_none_or(|i| i == meta.ifindex)
            })
        })
    } else {
        table.lookup_rx(&RxKey {
            peer: meta.src,
            local: meta.dst,
            ifname: ifnames.get(&(meta.vrf, meta.ifindex)).map(String::as_str),
            vrf,
            multihop: meta.multihop,
        })
    };
    let Some(slot) = slot else {
        drops.errors.bump(&PacketError::NoSession);
        return None;
    };
    let e = table.get_mut(slot)?;
    // RFC 5883 §5: multihop packets below the configured minimum TTL.
    if meta.multihop && meta.ttl.is_none_or(|t| t < e.config.minimum_ttl) {
        drops.errors.bump(&PacketError::TtlInvalid);
        return None;
    }
    if !e.enabled {
        drops.session_disabled += 1;
        return None;
    }
    // §6.8.6: the A bit against bfd.AuthType, then §6.7 authentication.
    if let Err(err) = e.session.verify(data, &pkt) {
        let err = match err {
            PacketError::AuthMissing | PacketError::AuthUnexpected => err,
            _ => PacketError::AuthFailed,
        };
        drops.errors.bump(&err);
        return None;
    }
    e.counters.control_input += 1;
    if !meta.multihop {
        e.echo_local = meta.dst;
        e.echo_ifindex = Some(meta.ifindex);
    }
    // §6.8.6 from "Set bfd.RemoteDiscr" on: the session's state machine.
    Some((slot, e.session.handle_rx(&pkt, now)))
}
