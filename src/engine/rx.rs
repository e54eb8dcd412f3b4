//! The receive path for one datagram: parse, TTL check, demultiplex to a
//! session (by Your Discriminator, else by key with FRR's matching rule),
//! authentication, then the session's state machine. Every drop bumps a
//! counter named after its reason; nothing here allocates.

use std::time::Instant;

use super::sockets::RxMeta;
use super::table::RxKey;
use super::thread::Core;
use super::wire::{self, PacketError};

/// RFC 5881 §5: single-hop packets must arrive with TTL/hop limit 255.
const SINGLE_HOP_TTL: u8 = 255;

impl Core {
    pub fn handle_datagram(&mut self, meta: RxMeta<'_>, multihop: bool, now: Instant) {
        if meta.truncated {
            self.extra.rx_truncated += 1;
            return;
        }
        let Some(src) = meta.src else {
            self.extra.rx_no_source += 1;
            return;
        };
        let pkt = match wire::parse(meta.data) {
            Ok(p) => p,
            Err(e) => {
                self.rx_errors.bump(&e);
                return;
            }
        };
        if !multihop && meta.ttl != Some(SINGLE_HOP_TTL) {
            self.rx_errors.bump(&PacketError::TtlInvalid);
            return;
        }
        let slot = if pkt.your_discr != 0 {
            self.table.by_discr(pkt.your_discr).filter(|&s| {
                self.table.get(s).is_some_and(|e| {
                    e.spec.key.peer == src
                        && e.spec.key.multihop == multihop
                        && e.ifindex.is_none_or(|i| i == meta.ifindex)
                })
            })
        } else {
            let ifname = self.links.as_ref().and_then(|l| l.name_of(meta.ifindex));
            self.table.lookup_rx(&RxKey {
                peer: src,
                local: meta.dst,
                ifname,
                vrf: "default",
                multihop,
            })
        };
        let Some(slot) = slot else {
            self.rx_errors.bump(&PacketError::NoSession);
            return;
        };
        let Some(e) = self.table.get_mut(slot) else {
            return;
        };
        if multihop && meta.ttl.is_none_or(|t| t < e.spec.minimum_ttl) {
            self.rx_errors.bump(&PacketError::TtlInvalid);
            return;
        }
        if !e.enabled {
            self.extra.rx_session_disabled += 1;
            return;
        }
        if let Err(err) = wire::check_auth_presence(&pkt, e.auth.is_some()) {
            self.rx_errors.bump(&err);
            return;
        }
        if let Some(a) = e.auth.as_mut() {
            if a.verify(meta.data, &pkt).is_err() {
                self.rx_errors.bump(&PacketError::AuthFailed);
                return;
            }
        }
        e.counters.control_input += 1;
        let actions = e.session.handle_rx(&pkt, now);
        self.apply(slot, actions, now);
    }
}
