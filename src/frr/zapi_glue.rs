//! What the zebra client and the direct ZAPI socket share: the one
//! dispatcher of ZAPI BFD requests to the registry hub (`dispatch`), turning
//! a parsed BFD registration into a registry `Request`, a registry
//! `StatusEvent` into an INTERFACE_BFD_DEST_UPDATE, VRF ids into names and
//! back (zebra's VRF_ADD table first, the kernel's VRF devices otherwise),
//! and the counters of messages we could not use.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::atomic::{AtomicU64, Ordering};

use zapi::{BfdDest, BfdStatus, BfdStatusUpdate};

use crate::config::DEFAULT_VRF;
use crate::engine::SessionKey;
use crate::hub::RegistryHandle;
use crate::registry::{ClientId, Request, Source, Status, StatusEvent};

/// One ZAPI BFD request, whether zebra relays it inside BFD_DEST_REPLAY or
/// a direct client sends it as it would to zebra.
#[derive(Debug, Clone, Copy)]
pub enum BfdRequest<'a> {
    /// DEST_REGISTER or DEST_UPDATE (the registry tells them apart).
    Register(&'a BfdDest),
    /// DEST_DEREGISTER.
    Deregister(&'a BfdDest),
    /// CLIENT_REGISTER: no state here, references carry the pid.
    ClientRegister { pid: u32 },
    /// CLIENT_DEREGISTER: every reference of that pid goes.
    ClientDeregister { pid: u32 },
}

/// The message header's vrf_id names no VRF we know; the request was
/// counted in `ZapiCounters::unknown_vrf` and dropped. Each side logs it in
/// its own words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnknownVrf;

/// Hand one request of `source`'s client to the registry hub. Registrations
/// name their VRF by the header's `vrf_id`; the status reply comes back
/// through the hub's subscription for `source`.
pub fn dispatch(
    req: BfdRequest<'_>,
    source: Source,
    vrf_id: u32,
    vrfs: &VrfTable,
    hub: &RegistryHandle,
    counters: &ZapiCounters,
) -> Result<(), UnknownVrf> {
    let client = |pid| ClientId { source, pid };
    let vrf = || {
        vrfs.name(vrf_id).ok_or_else(|| {
            ZapiCounters::bump(&counters.unknown_vrf);
            UnknownVrf
        })
    };
    match req {
        BfdRequest::Register(d) => hub.register(client(d.pid), request_of(d, vrf()?)),
        BfdRequest::Deregister(d) => hub.deregister(client(d.pid), key_of(d, vrf()?)),
        BfdRequest::ClientRegister { .. } => {}
        BfdRequest::ClientDeregister { pid } => hub.drop_client(client(pid)),
    }
    Ok(())
}

/// Messages we skipped; never fatal. Shared by every ZAPI connection.
#[derive(Debug, Default)]
pub struct ZapiCounters {
    /// Could not be parsed (truncated, bad family, oversized ...).
    pub garbled: AtomicU64,
    /// A command we do not handle.
    pub unknown: AtomicU64,
    /// Parsed, but naming a VRF we do not know.
    pub unknown_vrf: AtomicU64,
}

impl ZapiCounters {
    pub fn bump(c: &AtomicU64) {
        c.fetch_add(1, Ordering::Relaxed);
    }

    /// (garbled, unknown, unknown_vrf) now.
    pub fn get(&self) -> (u64, u64, u64) {
        (
            self.garbled.load(Ordering::Relaxed),
            self.unknown.load(Ordering::Relaxed),
            self.unknown_vrf.load(Ordering::Relaxed),
        )
    }
}

/// VRF id ↔ name. zebra's VRF_ADD messages fill it in FRR mode; without an
/// entry, id 0 is the default VRF and any other id is looked up as the
/// ifindex of a kernel VRF device (that is how zebra numbers VRF-lite VRFs).
#[derive(Debug, Default, Clone)]
pub struct VrfTable {
    by_id: HashMap<u32, String>,
}

impl VrfTable {
    pub fn add(&mut self, id: u32, name: String) {
        self.by_id.insert(id, name);
    }

    pub fn remove(&mut self, id: u32) {
        self.by_id.remove(&id);
    }

    pub fn clear(&mut self) {
        self.by_id.clear();
    }

    /// The VRF name for a message's header vrf_id.
    pub fn name(&self, id: u32) -> Option<String> {
        if let Some(n) = self.by_id.get(&id) {
            // zebra calls the default VRF "default" unless told otherwise;
            // our keys always do.
            return Some(if id == 0 {
                DEFAULT_VRF.to_string()
            } else {
                n.clone()
            });
        }
        if id == 0 {
            return Some(DEFAULT_VRF.to_string());
        }
        nix::net::if_::if_indextoname(id)
            .ok()
            .and_then(|c| c.into_string().ok())
    }

    /// The vrf_id for a session's VRF name (0 when unknown, as bfdd does).
    pub fn id(&self, name: &str) -> u32 {
        if name == DEFAULT_VRF {
            return 0;
        }
        if let Some((id, _)) = self.by_id.iter().find(|(_, n)| n.as_str() == name) {
            return *id;
        }
        nix::net::if_::if_nametoindex(name).unwrap_or(0)
    }
}

/// The session key a registration names: no local address when the client
/// sent zeros, no interface when it sent none or the session is multihop.
pub fn key_of(d: &BfdDest, vrf: String) -> SessionKey {
    SessionKey {
        peer: d.dst,
        local: d.source(),
        ifname: (!d.multihop && !d.ifname.is_empty()).then(|| d.ifname.clone()),
        vrf,
        multihop: d.multihop,
    }
}

/// A DEST_REGISTER / DEST_UPDATE as a registry request.
pub fn request_of(d: &BfdDest, vrf: String) -> Request {
    Request::from_zapi(
        key_of(d, vrf),
        d.min_rx,
        d.min_tx,
        d.detect_mult,
        d.hops,
        d.cbit,
        &d.profile,
    )
}

/// bfdd's status message for one event: ifindex of a single-hop session's
/// interface (0 otherwise or when unknown), the key's local address (zeros
/// when none), the C bit last received from the peer (the real C bit, not
/// FRR 8.4's F-bit misreading).
pub fn status_update(ev: &StatusEvent) -> BfdStatusUpdate {
    let k = &ev.key;
    let ifindex = match (&k.ifname, k.multihop) {
        (Some(name), false) => nix::net::if_::if_nametoindex(name.as_str()).unwrap_or(0),
        _ => 0,
    };
    let local = k.local.unwrap_or(match k.peer {
        IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
    });
    BfdStatusUpdate::new(
        ifindex,
        k.peer,
        local,
        bfd_status(ev.status),
        ev.remote_cbit,
    )
}

pub fn bfd_status(s: Status) -> BfdStatus {
    match s {
        Status::Down => BfdStatus::Down,
        Status::Up => BfdStatus::Up,
        Status::AdminDown => BfdStatus::AdminDown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::Source;

    fn dest(multihop: bool, src: &str, ifname: &str) -> BfdDest {
        BfdDest {
            pid: 7,
            dst: "192.0.2.2".parse().expect("addr"),
            min_rx: 300,
            min_tx: 300,
            detect_mult: 3,
            multihop,
            src: src.parse().expect("addr"),
            hops: if multihop { 5 } else { 1 },
            ifname: ifname.into(),
            cbit: false,
            profile: String::new(),
        }
    }

    #[test]
    fn keys_from_registrations() {
        let k = key_of(&dest(false, "0.0.0.0", "eth0"), "default".into());
        assert_eq!(k.local, None);
        assert_eq!(k.ifname.as_deref(), Some("eth0"));
        let k = key_of(&dest(true, "192.0.2.1", "eth0"), "red".into());
        assert_eq!(k.local, Some("192.0.2.1".parse().expect("addr")));
        assert_eq!(k.ifname, None, "multihop has no interface");
        assert_eq!(k.vrf, "red");
        let r = request_of(&dest(true, "192.0.2.1", ""), "default".into());
        assert_eq!(r.settings.minimum_ttl, 251);
    }

    #[test]
    fn status_of_event() {
        let ev = StatusEvent {
            target: Source::Zebra,
            key: SessionKey {
                peer: "2001:db8::2".parse().expect("addr"),
                local: None,
                ifname: Some("lo".into()),
                vrf: "default".into(),
                multihop: false,
            },
            status: Status::Up,
            remote_cbit: true,
        };
        let u = status_update(&ev);
        assert!(u.remote_cbit);
        assert_eq!(u.ifindex, 1, "lo is ifindex 1");
        assert_eq!(u.local, "::".parse::<IpAddr>().expect("addr"));
        assert_eq!((u.peer_prefixlen, u.local_prefixlen), (128, 128));
        assert_eq!(u.status, BfdStatus::Up);
    }

    #[test]
    fn vrf_names() {
        let mut t = VrfTable::default();
        assert_eq!(t.name(0).as_deref(), Some("default"));
        assert_eq!(t.id("default"), 0);
        t.add(42, "red".into());
        assert_eq!(t.name(42).as_deref(), Some("red"));
        assert_eq!(t.id("red"), 42);
        t.remove(42);
        assert_ne!(t.name(42).as_deref(), Some("red"));
    }
}
