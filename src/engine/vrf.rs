//! The engine's data path across VRFs (FRR's netns backend): the default
//! VRF's kernel UDP path, and one more per VRF whose network namespace is
//! known, its sockets opened inside that namespace and its packets tagged
//! with the VRF's id for the endpoint's demultiplexing. A session whose VRF
//! has no namespace yet waits, path down, and is attached when the VRF's
//! first link set arrives (`vrf_links`); when the namespace goes
//! (`vrf_gone`) its sessions go Down (diag Path Down) and wait again. The
//! VRFs that have sessions are published (`WantedVrfs`) for the control
//! plane's namespace watcher, which sends the link sets. A VRF with no
//! namespace but a VRF device of its name in the daemon's own namespace
//! (VRF-lite, `vrf_lite.rs`) is served by sockets bound to that device,
//! with the links enslaved to it, and goes when the device goes.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::os::fd::RawFd;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use bfd::endpoint::{EchoTransmit, DEFAULT_VRF};
use bfd::{Endpoint, Handle, Transmit};
use tracing::{info, warn};

use super::path::{DataPath, PathCounters};
use super::udp::KernelUdp;
use super::vrf_lite;
use super::{EngineOptions, EngineStats, HandlerStats, LinkInfo};

/// VRF name -> sessions in it, shared with the control plane.
pub type WantedVrfs = Arc<Mutex<BTreeMap<String, usize>>>;

struct Vrf {
    id: u32,
    path: KernelUdp,
}

pub struct VrfPaths {
    opts: EngineOptions,
    default: KernelUdp,
    vrfs: HashMap<u32, Vrf>,
    ids: BTreeMap<String, u32>,
    /// Sessions whose VRF has no namespace (yet), by VRF.
    waiting: BTreeMap<String, Vec<Handle>>,
    /// The VRF of every session not in the default VRF.
    owner: HashMap<Handle, String>,
    next_id: u32,
    wanted: WantedVrfs,
    /// Descriptor `i` of `fds()` is descriptor `.1` of path `.0` (0 = default).
    fd_map: Vec<(u32, usize)>,
    generation: u64,
    /// VRF sockets that could not be opened.
    open_failures: u64,
    /// VRFs served on a VRF device (VRF-lite): name -> device ifindex.
    devices: BTreeMap<String, u32>,
    /// The daemon's own namespace's last link set, whole.
    last_links: Vec<LinkInfo>,
}

impl VrfPaths {
    pub fn new(opts: &EngineOptions, default: KernelUdp, wanted: WantedVrfs) -> VrfPaths {
        let mut p = VrfPaths {
            opts: opts.clone(),
            default,
            vrfs: HashMap::new(),
            ids: BTreeMap::new(),
            waiting: BTreeMap::new(),
            owner: HashMap::new(),
            next_id: 1,
            wanted,
            fd_map: Vec::new(),
            generation: 0,
            open_failures: 0,
            devices: BTreeMap::new(),
            last_links: Vec::new(),
        };
        p.remap();
        p
    }

    fn remap(&mut self) {
        self.fd_map = (0..self.default.fds().len()).map(|i| (0, i)).collect();
        for (id, v) in sorted(&self.vrfs) {
            self.fd_map.extend((0..v.path.fds().len()).map(|i| (id, i)));
        }
        self.generation += 1;
    }

    fn path_of(&mut self, h: Handle) -> Option<&mut KernelUdp> {
        if self.owner.is_empty() {
            return Some(&mut self.default);
        }
        match self.owner.get(&h) {
            None => Some(&mut self.default),
            Some(vrf) => {
                let id = *self.ids.get(vrf)?;
                self.vrfs.get_mut(&id).map(|v| &mut v.path)
            }
        }
    }

    /// Serves `vrf` on a data path opened by `open` (given the VRF's id),
    /// with `links`; an already served VRF only takes the new links.
    fn serve(
        &mut self,
        vrf: &str,
        open: impl FnOnce(&EngineOptions, u32) -> std::io::Result<KernelUdp>,
        links: Vec<LinkInfo>,
        ep: &mut Endpoint,
        now: Instant,
    ) {
        let id = match self.ids.get(vrf) {
            Some(&id) => id,
            None => {
                let id = self.next_id;
                let path = match open(&self.opts, id) {
                    Ok(p) => p,
                    Err(e) => {
                        warn!("VRF {vrf}: cannot open its BFD sockets: {e}");
                        self.open_failures += 1;
                        return;
                    }
                };
                self.next_id += 1;
                ep.set_vrf_name(id, vrf);
                self.ids.insert(vrf.to_string(), id);
                self.vrfs.insert(id, Vrf { id, path });
                self.remap();
                let waiting = self.waiting.remove(vrf).unwrap_or_default();
                if let Some(v) = self.vrfs.get_mut(&id) {
                    for h in waiting {
                        v.path.attach(h, ep, now);
                    }
                }
                id
            }
        };
        ep.set_vrf_interfaces(id, links.iter().map(|l| (l.ifindex, l.name.clone())));
        if let Some(v) = self.vrfs.get_mut(&id) {
            v.path.set_links(links, ep, now);
        }
    }

    /// Stops serving `vrf`: its sessions go Down (Path Down) and wait.
    fn unserve(&mut self, vrf: &str, ep: &mut Endpoint, now: Instant) {
        let Some(id) = self.ids.remove(vrf) else {
            return;
        };
        let Some(mut v) = self.vrfs.remove(&id) else {
            return;
        };
        v.path.all_paths_down(ep, now);
        let handles: Vec<Handle> = self
            .owner
            .iter()
            .filter(|(_, o)| o.as_str() == vrf)
            .map(|(h, _)| *h)
            .collect();
        self.waiting.insert(vrf.to_string(), handles);
        ep.forget_vrf(v.id);
        self.remap();
    }

    /// VRF-lite: serves every VRF with sessions whose VRF device is in the
    /// last link set (and no namespace serves it), with its enslaved links;
    /// drops those whose device went away or changed.
    fn sync_devices(&mut self, ep: &mut Endpoint, now: Instant) {
        let split = vrf_lite::split(&self.last_links);
        let gone: Vec<String> = self
            .devices
            .iter()
            .filter(|(name, ifindex)| split.vrfs.get(*name).map(|(i, _)| i) != Some(ifindex))
            .map(|(name, _)| name.clone())
            .collect();
        for name in gone {
            self.devices.remove(&name);
            self.unserve(&name, ep, now);
            info!("VRF {name}: its VRF device is gone, its sessions wait for it");
        }
        for (name, (ifindex, links)) in split.vrfs {
            let by_device = self.devices.contains_key(&name);
            if !by_device && (self.ids.contains_key(&name) || !self.waiting.contains_key(&name)) {
                // Served by its namespace, or no session wants it.
                continue;
            }
            if !by_device {
                info!("VRF {name}: serving its BFD sessions on VRF device {name}");
            }
            let dev = name.clone();
            self.serve(
                &name,
                |opts, id| KernelUdp::open_on_device(opts, &dev, id),
                links,
                ep,
                now,
            );
            if self.ids.contains_key(&name) {
                self.devices.insert(name, ifindex);
            }
        }
    }

    fn want(&self, vrf: &str, delta: isize) {
        let mut w = self.wanted.lock().unwrap_or_else(|e| e.into_inner());
        let n = w.entry(vrf.to_string()).or_insert(0);
        *n = n.saturating_add_signed(delta);
        if *n == 0 {
            w.remove(vrf);
        }
    }
}

fn sorted(vrfs: &HashMap<u32, Vrf>) -> Vec<(u32, &Vrf)> {
    let mut v: Vec<(u32, &Vrf)> = vrfs.iter().map(|(i, v)| (*i, v)).collect();
    v.sort_by_key(|(i, _)| *i);
    v
}

impl DataPath for VrfPaths {
    fn fds(&self) -> Vec<RawFd> {
        let mut fds = self.default.fds();
        for (_, v) in sorted(&self.vrfs) {
            fds.extend(v.path.fds());
        }
        fds
    }

    fn fds_generation(&self) -> u64 {
        self.generation
    }

    fn receive(&mut self, i: usize, ep: &mut Endpoint, stats: &mut EngineStats) {
        match self.fd_map.get(i) {
            Some(&(0, j)) => self.default.receive(j, ep, stats),
            Some(&(id, j)) => {
                if let Some(v) = self.vrfs.get_mut(&id) {
                    v.path.receive(j, ep, stats);
                }
            }
            None => {}
        }
    }

    fn attach(&mut self, h: Handle, ep: &mut Endpoint, now: Instant) {
        let Some(vrf) = ep.get(h).map(|s| s.config.key.vrf.clone()) else {
            return;
        };
        if vrf == DEFAULT_VRF {
            self.default.attach(h, ep, now);
            return;
        }
        self.want(&vrf, 1);
        self.owner.insert(h, vrf.clone());
        match self.ids.get(&vrf).and_then(|id| self.vrfs.get_mut(id)) {
            Some(v) => v.path.attach(h, ep, now),
            None => {
                self.waiting.entry(vrf.clone()).or_default().push(h);
                if self
                    .last_links
                    .iter()
                    .any(|l| l.vrf_device && l.name == vrf)
                {
                    self.sync_devices(ep, now);
                }
            }
        }
    }

    fn detach(&mut self, h: Handle) {
        let Some(vrf) = self.owner.remove(&h) else {
            self.default.detach(h);
            return;
        };
        self.want(&vrf, -1);
        match self.ids.get(&vrf).and_then(|id| self.vrfs.get_mut(id)) {
            Some(v) => v.path.detach(h),
            None => {
                if let Some(w) = self.waiting.get_mut(&vrf) {
                    w.retain(|x| *x != h);
                }
            }
        }
    }

    fn send(&mut self, t: &Transmit, stats: &mut HandlerStats) -> bool {
        match self.path_of(t.handle) {
            Some(p) => p.send(t, stats),
            None => false,
        }
    }

    fn send_echo(&mut self, e: &EchoTransmit) -> bool {
        match self.path_of(e.handle) {
            Some(p) => p.send_echo(e),
            None => false,
        }
    }

    fn set_links(&mut self, links: Vec<LinkInfo>, ep: &mut Endpoint, now: Instant) {
        let default = if links.iter().any(|l| l.vrf_device) {
            vrf_lite::split(&links).default
        } else {
            links.clone()
        };
        self.last_links = links;
        self.default.set_links(default, ep, now);
        self.sync_devices(ep, now);
    }

    fn vrf_links(
        &mut self,
        vrf: &str,
        ns: Arc<File>,
        links: Vec<LinkInfo>,
        ep: &mut Endpoint,
        now: Instant,
    ) {
        if vrf == DEFAULT_VRF {
            return;
        }
        if self.devices.contains_key(vrf) {
            warn!("VRF {vrf}: a namespace of its name is ignored, its VRF device serves it");
            return;
        }
        if !self.ids.contains_key(vrf) {
            info!("VRF {vrf}: serving its BFD sessions in namespace {vrf}");
        }
        self.serve(
            vrf,
            |opts, id| KernelUdp::open_in(opts, Some(ns), id),
            links,
            ep,
            now,
        );
    }

    fn vrf_gone(&mut self, vrf: &str, ep: &mut Endpoint, now: Instant) {
        if self.devices.contains_key(vrf) || !self.ids.contains_key(vrf) {
            return;
        }
        self.unserve(vrf, ep, now);
        info!("VRF {vrf}: namespace gone, its sessions wait for it");
    }

    fn poll_timeout(&self) -> Option<Instant> {
        let vrfs = self.vrfs.values().filter_map(|v| v.path.poll_timeout());
        self.default.poll_timeout().into_iter().chain(vrfs).min()
    }

    fn handle_timeout(&mut self, ep: &mut Endpoint, now: Instant) {
        if self.default.poll_timeout().is_some_and(|t| t <= now) {
            self.default.handle_timeout(ep, now);
        }
        for v in self.vrfs.values_mut() {
            if v.path.poll_timeout().is_some_and(|t| t <= now) {
                v.path.handle_timeout(ep, now);
            }
        }
    }

    fn size_for(&mut self, sessions: usize) {
        self.default.size_for(sessions);
        for v in self.vrfs.values_mut() {
            v.path.size_for(sessions);
        }
    }

    fn counters(&self) -> PathCounters {
        let mut c = self.default.counters();
        for v in self.vrfs.values() {
            c.add(&v.path.counters());
        }
        c.socket_errors += self.open_failures;
        c
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
