//! The session table: a slab of entries (slot indices stay stable while a
//! session lives; a generation counter tells reused slots apart for the timer
//! heap), an index by local discriminator for Your Discriminator demux, and an
//! index by (peer, multihop) for the Your Discriminator = 0 lookup with FRR's
//! matching rule, which also serves the exact lookup by key for
//! upsert/remove (a key's peer and multihop pick its few candidates).
//!
//! Memory per session is a target (about 1 KiB in the whole daemon): the
//! slab grows by chunks of `CHUNK` slots (a vector of entries doubling its
//! capacity left up to half of it unused, 5 MB at 5000 sessions), entries
//! stay contiguous within a chunk for the packet path, and no index holds a
//! copy of the key with its strings.

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::Instant;

use super::events::Pending;
use super::SessionCounters;
use crate::key::{SessionConfig, SessionKey};
use crate::session::Session;

/// Everything the endpoint keeps for one session.
#[derive(Debug)]
pub struct Entry {
    pub config: SessionConfig,
    pub session: Session,
    pub counters: SessionCounters,
    /// The path is present: the session runs on the wire.
    pub enabled: bool,
    /// `path_down` was called and `path_up` is owed when the path returns.
    pub path_downed: bool,
    /// Interface index the session is bound to (single-hop with interface):
    /// a packet for it must arrive there.
    pub ifindex: Option<u32>,
    /// Our address and the interface the peer's single-hop packets last
    /// arrived with: where echo packets go (FRR learns them the same way).
    pub echo_local: Option<IpAddr>,
    pub echo_ifindex: Option<u32>,
    /// Echo round trips (allocated by the first one measured).
    pub rtt: Option<Box<super::echo::RttSamples>>,
    /// Deadline currently in the timer heap (None = not armed).
    pub armed: Option<Instant>,
    /// State changes not yet handed out, coalesced (see `events.rs`).
    pub pending: Option<Pending>,
}

impl Entry {
    /// A new session's entry: path down, no deadline, nothing owed.
    pub fn new(config: SessionConfig, session: Session) -> Entry {
        Entry {
            config,
            session,
            counters: SessionCounters::default(),
            enabled: false,
            path_downed: false,
            ifindex: None,
            echo_local: None,
            echo_ifindex: None,
            rtt: None,
            armed: None,
            pending: None,
        }
    }
}

#[derive(Debug, Default)]
struct Slot {
    generation: u32,
    entry: Option<Entry>,
}

/// Slots per chunk: about 28 KB of entries, so a small table wastes little.
const CHUNK: usize = 64;

#[derive(Debug, Default)]
pub struct Table {
    /// Slot `i` is `chunks[i / CHUNK][i % CHUNK]`; every chunk is full-length.
    chunks: Vec<Box<[Slot]>>,
    /// Slots handed out so far (the next fresh one when `free` is empty).
    issued: usize,
    free: Vec<usize>,
    by_discr: HashMap<u32, usize>,
    by_peer: HashMap<(IpAddr, bool), PeerSlots>,
}

/// The slots of one (peer, multihop): nearly always one session, kept
/// inline (a vector per peer cost a 32-byte allocation per session).
#[derive(Debug)]
enum PeerSlots {
    One(usize),
    Many(Vec<usize>),
}

impl PeerSlots {
    fn as_slice(&self) -> &[usize] {
        match self {
            PeerSlots::One(s) => std::slice::from_ref(s),
            PeerSlots::Many(v) => v,
        }
    }

    fn push(&mut self, slot: usize) {
        match self {
            PeerSlots::One(s) => *self = PeerSlots::Many(vec![*s, slot]),
            PeerSlots::Many(v) => v.push(slot),
        }
    }

    /// Drops `slot`; true when none is left.
    fn remove(&mut self, slot: usize) -> bool {
        match self {
            PeerSlots::One(s) => *s == slot,
            PeerSlots::Many(v) => {
                v.retain(|&x| x != slot);
                if let [only] = v[..] {
                    *self = PeerSlots::One(only);
                }
                matches!(self, PeerSlots::Many(v) if v.is_empty())
            }
        }
    }
}

/// What a received packet with Your Discriminator 0 tells about its session.
#[derive(Debug, Clone, Copy)]
pub struct RxKey<'a> {
    pub peer: IpAddr,
    pub local: Option<IpAddr>,
    pub ifname: Option<&'a str>,
    pub vrf: &'a str,
    pub multihop: bool,
}

/// FRR's matching rule: peer, vrf and multihop must be equal; the local
/// address is compared only if both sides know it, the interface name only if
/// both sides know it. Returns how many optional fields matched (for choosing
/// the most specific session), or None when the key does not match.
pub fn key_match(key: &SessionKey, rx: &RxKey<'_>) -> Option<u8> {
    if key.peer != rx.peer || key.multihop != rx.multihop || key.vrf != rx.vrf {
        return None;
    }
    let mut score = 0;
    if let (Some(a), Some(b)) = (key.local, rx.local) {
        if a != b {
            return None;
        }
        score += 1;
    }
    if let (Some(a), Some(b)) = (key.ifname.as_deref(), rx.ifname) {
        if a != b {
            return None;
        }
        score += 1;
    }
    Some(score)
}

impl Table {
    pub fn new() -> Table {
        Table::default()
    }

    pub fn len(&self) -> usize {
        self.by_discr.len()
    }

    pub fn contains_discr(&self, discr: u32) -> bool {
        self.by_discr.contains_key(&discr)
    }

    pub fn insert(&mut self, entry: Entry) -> usize {
        let discr = entry.session.local_discr();
        let peer_key = (entry.config.key.peer, entry.config.key.multihop);
        let slot = match self.free.pop() {
            Some(s) => s,
            None => {
                if self.issued == self.chunks.len() * CHUNK {
                    self.chunks
                        .push((0..CHUNK).map(|_| Slot::default()).collect());
                }
                self.issued += 1;
                self.issued - 1
            }
        };
        let Some(s) = self.slot_mut(slot) else {
            // Unreachable: `slot` is issued, so its chunk exists.
            return slot;
        };
        s.entry = Some(entry);
        self.by_discr.insert(discr, slot);
        match self.by_peer.get_mut(&peer_key) {
            Some(p) => p.push(slot),
            None => {
                self.by_peer.insert(peer_key, PeerSlots::One(slot));
            }
        }
        slot
    }

    fn slot(&self, slot: usize) -> Option<&Slot> {
        self.chunks.get(slot / CHUNK)?.get(slot % CHUNK)
    }

    fn slot_mut(&mut self, slot: usize) -> Option<&mut Slot> {
        self.chunks.get_mut(slot / CHUNK)?.get_mut(slot % CHUNK)
    }

    pub fn remove(&mut self, slot: usize) -> Option<Entry> {
        let s = self.slot_mut(slot)?;
        let entry = s.entry.take()?;
        s.generation = s.generation.wrapping_add(1);
        self.free.push(slot);
        self.by_discr.remove(&entry.session.local_discr());
        let peer_key = (entry.config.key.peer, entry.config.key.multihop);
        if self
            .by_peer
            .get_mut(&peer_key)
            .is_some_and(|p| p.remove(slot))
        {
            self.by_peer.remove(&peer_key);
        }
        Some(entry)
    }

    pub fn get(&self, slot: usize) -> Option<&Entry> {
        self.slot(slot)?.entry.as_ref()
    }

    pub fn get_mut(&mut self, slot: usize) -> Option<&mut Entry> {
        self.slot_mut(slot)?.entry.as_mut()
    }

    pub fn generation(&self, slot: usize) -> u32 {
        self.slot(slot).map(|s| s.generation).unwrap_or(0)
    }

    pub fn by_discr(&self, discr: u32) -> Option<usize> {
        self.by_discr.get(&discr).copied()
    }

    /// The session with exactly this key (commands, not packets).
    pub fn by_key(&self, key: &SessionKey) -> Option<usize> {
        let candidates = self.by_peer.get(&(key.peer, key.multihop))?;
        candidates
            .as_slice()
            .iter()
            .copied()
            .find(|&slot| self.get(slot).is_some_and(|e| e.config.key == *key))
    }

    /// The session a Your Discriminator = 0 packet belongs to, if any.
    pub fn lookup_rx(&self, rx: &RxKey<'_>) -> Option<usize> {
        let candidates = self.by_peer.get(&(rx.peer, rx.multihop))?;
        let mut best: Option<(u8, usize)> = None;
        for &slot in candidates.as_slice() {
            let Some(e) = self.get(slot) else { continue };
            if let Some(score) = key_match(&e.config.key, rx) {
                if best.is_none_or(|(b, _)| score > b) {
                    best = Some((score, slot));
                }
            }
        }
        best.map(|(_, s)| s)
    }

    /// A single-hop session with `peer` is on the wire and loops echo (its
    /// Required Min Echo RX Interval is not zero, §6.4).
    pub fn willing_to_loop(&self, peer: IpAddr) -> bool {
        self.by_peer.get(&(peer, false)).is_some_and(|c| {
            c.as_slice().iter().any(|&slot| {
                self.get(slot)
                    .is_some_and(|e| e.enabled && e.config.params.required_min_echo_rx != 0)
            })
        })
    }

    /// Slots of every live session (allocates; for commands, not packets).
    pub fn slots(&self) -> Vec<usize> {
        self.chunks
            .iter()
            .flat_map(|c| c.iter())
            .enumerate()
            .filter(|(_, s)| s.entry.is_some())
            .map(|(i, _)| i)
            .collect()
    }

    #[cfg(test)]
    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.chunks
            .iter()
            .flat_map(|c| c.iter())
            .filter_map(|s| s.entry.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(peer: &str, local: Option<&str>, ifname: Option<&str>, multihop: bool) -> SessionKey {
        SessionKey {
            peer: peer.parse().unwrap(),
            local: local.map(|l| l.parse().unwrap()),
            ifname: ifname.map(str::to_string),
            vrf: "default".into(),
            multihop,
        }
    }

    fn rx<'a>(
        peer: &str,
        local: Option<&str>,
        ifname: Option<&'a str>,
        multihop: bool,
    ) -> RxKey<'a> {
        RxKey {
            peer: peer.parse().unwrap(),
            local: local.map(|l| l.parse().unwrap()),
            ifname,
            vrf: "default",
            multihop,
        }
    }

    #[test]
    fn local_and_ifname_compared_only_when_both_set() {
        let k = key("10.0.0.2", None, None, false);
        assert_eq!(
            key_match(&k, &rx("10.0.0.2", Some("10.0.0.1"), Some("eth0"), false)),
            Some(0)
        );
        let k = key("10.0.0.2", Some("10.0.0.1"), Some("eth0"), false);
        assert_eq!(
            key_match(&k, &rx("10.0.0.2", Some("10.0.0.1"), Some("eth0"), false)),
            Some(2)
        );
        assert_eq!(key_match(&k, &rx("10.0.0.2", None, None, false)), Some(0));
        assert_eq!(
            key_match(&k, &rx("10.0.0.2", Some("10.0.0.9"), Some("eth0"), false)),
            None
        );
        assert_eq!(
            key_match(&k, &rx("10.0.0.2", Some("10.0.0.1"), Some("eth1"), false)),
            None
        );
    }

    fn entry(k: SessionKey, discr: u32) -> Entry {
        let now = Instant::now();
        Entry::new(
            SessionConfig::new(k, Default::default()),
            Session::new(discr, Default::default(), 1, now),
        )
    }

    #[test]
    fn lookup_prefers_the_most_specific_session() {
        let mut t = Table::new();
        let any = t.insert(entry(key("10.0.0.2", None, None, false), 1));
        let eth0 = t.insert(entry(
            key("10.0.0.2", Some("10.0.0.1"), Some("eth0"), false),
            2,
        ));
        let mh = t.insert(entry(key("10.0.0.2", None, None, true), 3));
        assert_eq!(
            t.lookup_rx(&rx("10.0.0.2", Some("10.0.0.1"), Some("eth0"), false)),
            Some(eth0)
        );
        assert_eq!(
            t.lookup_rx(&rx("10.0.0.2", Some("10.0.0.1"), Some("eth1"), false)),
            Some(any)
        );
        assert_eq!(t.lookup_rx(&rx("10.0.0.2", None, None, true)), Some(mh));
        assert_eq!(t.lookup_rx(&rx("10.0.0.3", None, None, false)), None);
        assert_eq!(t.by_discr(2), Some(eth0));
        assert_eq!(t.len(), 3);
    }

    #[test]
    fn removal_clears_indexes_and_bumps_generation() {
        let mut t = Table::new();
        let k = key("10.0.0.2", None, None, false);
        let s = t.insert(entry(k.clone(), 9));
        let g = t.generation(s);
        assert!(t.remove(s).is_some());
        assert!(t.remove(s).is_none());
        assert_eq!(t.by_discr(9), None);
        assert_eq!(t.by_key(&k), None);
        assert_eq!(t.lookup_rx(&rx("10.0.0.2", None, None, false)), None);
        assert_ne!(t.generation(s), g);
        // The slot is reused.
        assert_eq!(t.insert(entry(k, 10)), s);
        assert_eq!(t.slots(), vec![s]);
    }

    #[test]
    fn sessions_of_one_peer_come_and_go() {
        let mut t = Table::new();
        let a = t.insert(entry(key("10.0.0.2", None, None, false), 1));
        let b = t.insert(entry(key("10.0.0.2", None, Some("eth0"), false), 2));
        let c = t.insert(entry(key("10.0.0.2", None, Some("eth1"), false), 3));
        let eth1 = key("10.0.0.2", None, Some("eth1"), false);
        assert_eq!(t.by_key(&eth1), Some(c));
        assert!(t.remove(b).is_some());
        assert!(t.remove(a).is_some());
        assert_eq!(t.by_key(&eth1), Some(c));
        assert_eq!(t.lookup_rx(&rx("10.0.0.2", None, None, false)), Some(c));
        assert!(t.remove(c).is_some());
        assert_eq!(t.lookup_rx(&rx("10.0.0.2", None, None, false)), None);
        assert!(t.by_peer.is_empty());
        let d = t.insert(entry(key("10.0.0.2", None, None, false), 4));
        assert_eq!(t.lookup_rx(&rx("10.0.0.2", None, None, false)), Some(d));
    }

    #[test]
    fn slots_span_chunks_and_are_reused() {
        let mut t = Table::new();
        let n = 2 * CHUNK + 3;
        let slots: Vec<usize> = (0..n)
            .map(|i| {
                let peer = format!("10.0.{}.{}", i / 250, i % 250 + 1);
                t.insert(entry(key(&peer, None, None, false), i as u32 + 1))
            })
            .collect();
        assert_eq!(slots, (0..n).collect::<Vec<_>>());
        assert_eq!(t.chunks.len(), 3);
        assert_eq!(t.slots(), slots);
        let last = t.get(n - 1).unwrap();
        assert_eq!(last.session.local_discr(), n as u32);
        let k = key("10.0.0.66", None, None, false);
        assert_eq!(t.by_key(&k), Some(65));
        assert!(t.remove(65).is_some());
        assert!(t.get(65).is_none() && t.by_key(&k).is_none());
        assert_eq!(t.entries().count(), n - 1);
        assert_eq!(t.insert(entry(k.clone(), 9999)), 65);
        assert_eq!(t.chunks.len(), 3, "a freed slot is reused before growing");
        assert!(t.get(3 * CHUNK).is_none());
    }

    #[test]
    fn peer_multihop_and_vrf_must_match() {
        let k = key("10.0.0.2", None, None, false);
        assert_eq!(key_match(&k, &rx("10.0.0.3", None, None, false)), None);
        assert_eq!(key_match(&k, &rx("10.0.0.2", None, None, true)), None);
        let mut r = rx("10.0.0.2", None, None, false);
        r.vrf = "red";
        assert_eq!(key_match(&k, &r), None);
    }
}
