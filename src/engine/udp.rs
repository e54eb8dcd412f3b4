//! The kernel UDP data path (RFC 5881 single-hop on 3784, RFC 5883 multihop
//! on 4784, IPv4 and IPv6): listeners drained in recvmmsg batches, and one
//! transmit socket per session (like FRR) so the source port is fixed for
//! the session's life and unique (RFC 5881 §4) and the socket carries the
//! interface binding. The socket is connect()ed to the peer when a route
//! exists, so send() reuses its cached route (-18 % CPU at 1000 x 50 ms);
//! otherwise sendto. Shared sockets with sendmmsg were measured not worth
//! the unique source port (see the engine's module doc). A session's path is
//! up while its interface/address is present (`links.rs`); a socket that
//! fails to open is retried every second.

use std::fs::File;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::os::fd::{AsRawFd, RawFd};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bfd::endpoint::EchoTransmit;
use bfd::{Endpoint, Handle, SessionKey, Transmit};
use tracing::{debug, warn};

use super::echo::EchoPath;
use super::links::{interface_kept, readiness, LinkTable};
use super::path::{DataPath, PathCounters};
use super::sockets::{self, Listener, RxBatch, PORT_MULTIHOP, PORT_SINGLE_HOP, RX_BATCH};
use super::stats::Batch;
use super::{tuning, EngineOptions, EngineStats, HandlerStats, LinkInfo};

/// How long to wait before retrying a transmit socket that failed to open.
const OPEN_RETRY: Duration = Duration::from_secs(1);
/// Batches read from one socket per loop turn, so one busy socket cannot
/// starve the timers (epoll is level-triggered: the rest is read next turn).
const MAX_BATCHES_PER_TURN: usize = 16;

/// One session's transmit side.
#[derive(Debug)]
struct TxPath {
    handle: Handle,
    /// Open while the path is up.
    socket: Option<socket2::Socket>,
    /// Source port, fixed for the session's life.
    src_port: u16,
    /// Peer address and BFD port, precomputed for sendto.
    dest: SocketAddr,
    /// `socket` is connect()ed to `dest`.
    connected: bool,
    /// Interface the socket is bound to (single-hop with interface).
    ifindex: Option<u32>,
    /// The path is up (the endpoint was told `path_up`).
    up: bool,
}

/// Slots per chunk of `TxPaths`.
const CHUNK: usize = 64;

/// Transmit paths by `Handle::index`, in chunks of `CHUNK` slots: the table
/// grows without a doubling vector's slack (as the endpoint's session table
/// does), which at thousands of sessions is tens of bytes per session.
#[derive(Debug, Default)]
struct TxPaths {
    chunks: Vec<Box<[Option<TxPath>]>>,
}

impl TxPaths {
    fn get(&self, h: Handle) -> Option<&TxPath> {
        let i = h.index();
        self.chunks.get(i / CHUNK)?[i % CHUNK]
            .as_ref()
            .filter(|p| p.handle == h)
    }

    fn get_mut(&mut self, h: Handle) -> Option<&mut TxPath> {
        let i = h.index();
        self.chunks.get_mut(i / CHUNK)?[i % CHUNK]
            .as_mut()
            .filter(|p| p.handle == h)
    }

    fn insert(&mut self, p: TxPath) {
        let i = p.handle.index();
        while self.chunks.len() <= i / CHUNK {
            self.chunks.push((0..CHUNK).map(|_| None).collect());
        }
        self.chunks[i / CHUNK][i % CHUNK] = Some(p);
    }

    fn remove(&mut self, h: Handle) {
        let i = h.index();
        if let Some(slot) = self.chunks.get_mut(i / CHUNK).map(|c| &mut c[i % CHUNK]) {
            if slot.as_ref().is_some_and(|p| p.handle == h) {
                *slot = None;
            }
        }
    }

    fn handles(&self) -> Vec<Handle> {
        self.chunks
            .iter()
            .flat_map(|c| c.iter())
            .flatten()
            .map(|p| p.handle)
            .collect()
    }
}

/// The kernel UDP sockets of one network namespace.
pub struct KernelUdp {
    listeners: Vec<Listener>,
    batch: RxBatch,
    /// None until the first link set: every session's path is down.
    links: Option<LinkTable>,
    tx: TxPaths,
    retry_open_at: Option<Instant>,
    counters: PathCounters,
    /// Receive buffer size last requested for the listeners.
    rcvbuf_sized: usize,
    /// The echo sockets (IPv4 packet socket, IPv6 UDP 3785).
    echo: EchoPath,
    /// The VRF's network namespace (None: the daemon's own, the default
    /// VRF): every socket of this path is opened inside it.
    netns: Option<Arc<File>>,
    /// What received packets are tagged with (`bfd::RxMeta::vrf`).
    vrf_id: u32,
    /// The VRF device every socket is bound to (VRF-lite), unless a
    /// single-hop session binds its own interface (enslaved to it).
    device: Option<String>,
}

impl KernelUdp {
    /// Open the listeners (a bind failure is returned: nothing runs without
    /// them).
    pub fn open(opts: &EngineOptions) -> io::Result<KernelUdp> {
        KernelUdp::open_in(opts, None, 0)
    }

    /// The sockets of a VRF: opened inside its namespace `netns`, packets
    /// tagged with `vrf_id`.
    pub fn open_in(
        opts: &EngineOptions,
        netns: Option<Arc<File>>,
        vrf_id: u32,
    ) -> io::Result<KernelUdp> {
        let ns = netns.clone();
        let (listeners, echo) = crate::netns::in_netns(ns.as_deref(), || {
            let listeners = KernelUdp::open_listeners(opts, None)?;
            Ok::<_, io::Error>((listeners, EchoPath::open(!opts.no_ipv6)))
        })??;
        let mut path = KernelUdp::with_listeners(listeners);
        path.echo = echo;
        path.netns = netns;
        path.vrf_id = vrf_id;
        path.size_for(0);
        Ok(path)
    }

    /// The sockets of a VRF-lite VRF: bound to its VRF device `device`, in
    /// the daemon's own namespace, packets tagged with `vrf_id`; echo as
    /// `EchoPath::open_on` serves a device.
    pub fn open_on_device(
        opts: &EngineOptions,
        device: &str,
        vrf_id: u32,
    ) -> io::Result<KernelUdp> {
        let listeners = KernelUdp::open_listeners(opts, Some(device))?;
        let mut path = KernelUdp::with_listeners(listeners);
        path.echo = EchoPath::open_on(!opts.no_ipv6, Some(device));
        path.device = Some(device.to_string());
        path.vrf_id = vrf_id;
        path.size_for(0);
        Ok(path)
    }

    fn open_listeners(opts: &EngineOptions, device: Option<&str>) -> io::Result<Vec<Listener>> {
        let mut listeners = Vec::new();
        let v4 = IpAddr::V4(opts.bind_v4.unwrap_or(Ipv4Addr::UNSPECIFIED));
        for (port, multihop) in [(PORT_SINGLE_HOP, false), (PORT_MULTIHOP, true)] {
            listeners.push(Listener::open_on(
                SocketAddr::new(v4, port),
                multihop,
                device,
            )?);
        }
        if !opts.no_ipv6 {
            let v6 = IpAddr::V6(opts.bind_v6.unwrap_or(Ipv6Addr::UNSPECIFIED));
            for (port, multihop) in [(PORT_SINGLE_HOP, false), (PORT_MULTIHOP, true)] {
                match Listener::open_on(SocketAddr::new(v6, port), multihop, device) {
                    Ok(l) => listeners.push(l),
                    // A host without IPv6 still serves IPv4 when no v6 address was asked for.
                    Err(e) if opts.bind_v6.is_none() => {
                        warn!("IPv6 BFD listener on port {port} not opened: {e}")
                    }
                    Err(e) => return Err(e),
                }
            }
        }
        Ok(listeners)
    }

    /// A data path with no listeners (tests of the transmit side).
    #[cfg(test)]
    pub fn without_listeners() -> KernelUdp {
        KernelUdp::with_listeners(Vec::new())
    }

    fn with_listeners(listeners: Vec<Listener>) -> KernelUdp {
        KernelUdp {
            listeners,
            batch: RxBatch::new(),
            links: None,
            tx: TxPaths::default(),
            retry_open_at: None,
            counters: PathCounters::default(),
            rcvbuf_sized: 0,
            echo: EchoPath::default(),
            netns: None,
            vrf_id: 0,
            device: None,
        }
    }

    /// The session's source port and bound interface, and whether its
    /// socket is open (tests).
    #[cfg(test)]
    pub fn inspect(&self, h: Handle) -> Option<(u16, Option<u32>, bool)> {
        let p = self.tx.get(h)?;
        Some((p.src_port, p.ifindex, p.socket.is_some()))
    }

    /// Bring the session's path in line with the current links. As FRR's
    /// bfdd does, a path is opened once its interface and local address
    /// are there, and taken down (Path Down) only when its interface is
    /// deleted: a link going down or an address going away leaves the
    /// session to its Detection Time.
    fn refresh(&mut self, h: Handle, ep: &mut Endpoint, now: Instant) {
        let Some(s) = ep.get(h) else { return };
        let links = self.links.as_ref().map(|l| l.links());
        let want = links.and_then(|l| readiness(&s.config.key, l));
        let Some(p) = self.tx.get_mut(h) else { return };
        if !p.up {
            if let Some(ifindex) = want {
                self.enable(h, ifindex, ep, now);
            }
            return;
        }
        let kept = links.is_none_or(|l| interface_kept(&s.config.key, p.ifindex, l));
        if !kept {
            p.up = false;
            p.socket = None;
            p.ifindex = None;
            ep.path_down(h, now);
            if let Some(ifindex) = want {
                self.enable(h, ifindex, ep, now);
            }
            return;
        }
        if want == Some(p.ifindex) {
            // Addresses changed under a socket that could not be connected,
            // or whose source address left the path, or a reopen failed:
            // open it again (the path stays up).
            let stale = match p.socket.as_ref() {
                Some(sock) => {
                    !p.connected || !source_on_path(sock, p.ifindex, links.unwrap_or(&[]))
                }
                None => true,
            };
            if stale {
                self.reopen(h, ep, now);
            }
        }
    }

    fn enable(&mut self, h: Handle, ifindex: Option<u32>, ep: &mut Endpoint, now: Instant) {
        let Some(key) = ep.get(h).map(|s| &s.config.key) else {
            return;
        };
        let Some(p) = self.tx.get_mut(h) else {
            return;
        };
        let links = self.links.as_ref().map_or(&[][..], |l| l.links());
        let device = self.device.as_deref();
        let opened = crate::netns::in_netns(self.netns.as_deref(), || {
            open_socket(p, key, ifindex, links, device)
        });
        match opened.and_then(|r| r) {
            Ok(sock) => p.socket = Some(sock),
            Err(err) => {
                warn!(
                    "BFD session to {}: cannot open socket (retrying in 1 s): {err}",
                    key.peer
                );
                self.counters.socket_errors += 1;
                self.retry_open_at.get_or_insert(now + OPEN_RETRY);
                return;
            }
        }
        p.up = true;
        p.ifindex = ifindex;
        ep.path_up(h, ifindex, now);
    }

    /// Replace an up session's socket (same port if free); if that fails
    /// the path stays up without a socket (its packets are lost, as on a
    /// link that is down) and the socket is retried like any that will not
    /// open.
    fn reopen(&mut self, h: Handle, ep: &mut Endpoint, now: Instant) {
        let Some(key) = ep.get(h).map(|s| s.config.key.clone()) else {
            return;
        };
        let links = self.links.as_ref().map_or(&[][..], |l| l.links());
        let Some(p) = self.tx.get_mut(h) else {
            return;
        };
        let ifindex = p.ifindex;
        p.socket = None;
        let device = self.device.as_deref();
        let opened = crate::netns::in_netns(self.netns.as_deref(), || {
            open_socket(p, &key, ifindex, links, device)
        });
        match opened.and_then(|r| r) {
            Ok(sock) => p.socket = Some(sock),
            Err(err) => {
                warn!("BFD session to {}: cannot reopen socket: {err}", key.peer);
                self.counters.socket_errors += 1;
                self.retry_open_at.get_or_insert(now + OPEN_RETRY);
            }
        }
    }

    fn handles(&self) -> Vec<Handle> {
        self.tx.handles()
    }

    /// The whole data path goes away (its VRF's namespace or device): every
    /// session's path goes down (Path Down), whatever kind it is.
    pub fn all_paths_down(&mut self, ep: &mut Endpoint, now: Instant) {
        self.links = Some(LinkTable::new(Vec::new()));
        for h in self.handles() {
            if let Some(p) = self.tx.get_mut(h) {
                if p.up {
                    p.up = false;
                    p.socket = None;
                    p.ifindex = None;
                    ep.path_down(h, now);
                }
            }
        }
    }
}

/// The socket's source address is one of the path's: on the bound
/// interface, or (no interface) on some link. A socket connected while its
/// interface had no address of the family got another interface's address
/// from the kernel, and the peer would not know it.
fn source_on_path(sock: &socket2::Socket, ifindex: Option<u32>, links: &[LinkInfo]) -> bool {
    let Some(src) = sock
        .local_addr()
        .ok()
        .and_then(|a| a.as_socket())
        .map(|a| a.ip())
    else {
        return false;
    };
    links
        .iter()
        .filter(|l| ifindex.is_none_or(|i| i == l.ifindex))
        .any(|l| l.addrs.contains(&src))
}

impl DataPath for KernelUdp {
    fn fds(&self) -> Vec<RawFd> {
        let listeners = self.listeners.iter().map(|l| l.sock.as_raw_fd());
        listeners.chain(self.echo.fds()).collect()
    }

    fn receive(&mut self, i: usize, ep: &mut Endpoint, stats: &mut EngineStats) {
        let Some(l) = self.listeners.get(i) else {
            self.echo.receive(i - self.listeners.len(), ep);
            return;
        };
        let fd = l.sock.as_raw_fd();
        let multihop = l.multihop;
        for _ in 0..MAX_BATCHES_PER_TURN {
            let n = match self.batch.recv(fd) {
                Ok(n) => n,
                Err(e) => {
                    debug!("recvmmsg failed: {e}");
                    self.counters.socket_errors += 1;
                    return;
                }
            };
            if n == 0 {
                return;
            }
            let now = Instant::now();
            let b = Batch::start(now);
            for j in 0..n {
                let d = self.batch.get(j);
                if d.truncated {
                    self.counters.rx_truncated += 1;
                    continue;
                }
                let Some(src) = d.src else {
                    self.counters.rx_no_source += 1;
                    continue;
                };
                let meta = bfd::RxMeta {
                    src,
                    dst: d.dst,
                    ifindex: d.ifindex,
                    ttl: d.ttl,
                    multihop,
                    vrf: self.vrf_id,
                };
                ep.handle_datagram(now, &meta, d.data);
            }
            stats.rx.finish(b, n as u64);
            if n < RX_BATCH {
                return;
            }
        }
        self.counters.rx_backlog += 1;
    }

    fn attach(&mut self, h: Handle, ep: &mut Endpoint, now: Instant) {
        let Some(key) = ep.get(h).map(|s| &s.config.key) else {
            return;
        };
        self.tx.insert(TxPath {
            handle: h,
            socket: None,
            src_port: sockets::next_src_port(),
            dest: sockets::dest_addr(key.peer, key.multihop, 0),
            connected: false,
            ifindex: None,
            up: false,
        });
        self.refresh(h, ep, now);
    }

    fn detach(&mut self, h: Handle) {
        self.tx.remove(h);
    }

    fn send(&mut self, t: &Transmit, stats: &mut HandlerStats) -> bool {
        let bytes = t.bytes();
        let Some(p) = self.tx.get(t.handle) else {
            return false;
        };
        let Some(sock) = p.socket.as_ref() else {
            return false;
        };
        if bytes.is_empty() {
            self.counters.tx_errors += 1;
            return false;
        }
        let start = Instant::now();
        let mut sent = send_once(sock, bytes, p);
        if matches!(&sent, Err(err) if err.raw_os_error() == Some(libc::ECONNREFUSED)) {
            // A connected socket reports an earlier ICMP port unreachable on
            // the next send, which then did not go out; the peer may be back.
            sent = send_once(sock, bytes, p);
        }
        stats.finish_send(start);
        match sent {
            Ok(_) => true,
            Err(err) => {
                debug!("BFD send to {} failed: {err}", p.dest.ip());
                self.counters.tx_errors += 1;
                false
            }
        }
    }

    fn send_echo(&mut self, e: &EchoTransmit) -> bool {
        self.echo.send(e)
    }

    fn set_links(&mut self, links: Vec<LinkInfo>, ep: &mut Endpoint, now: Instant) {
        self.echo.set_links(&links);
        self.links = Some(LinkTable::new(links));
        for h in self.handles() {
            self.refresh(h, ep, now);
        }
    }

    fn poll_timeout(&self) -> Option<Instant> {
        self.retry_open_at
    }

    fn handle_timeout(&mut self, ep: &mut Endpoint, now: Instant) {
        if self.retry_open_at.is_some_and(|t| t <= now) {
            self.retry_open_at = None;
            for h in self.handles() {
                self.refresh(h, ep, now);
            }
        }
    }

    fn size_for(&mut self, sessions: usize) {
        let want = tuning::rcvbuf_for(sessions);
        if want == self.rcvbuf_sized {
            return;
        }
        self.rcvbuf_sized = want;
        for l in &self.listeners {
            match tuning::set_rcvbuf(l.sock.as_raw_fd(), want) {
                Ok(got) => debug!("listener receive buffer {want} requested, {got} granted"),
                Err(e) => warn!("cannot size a BFD listener's receive buffer to {want}: {e}"),
            }
        }
    }

    fn counters(&self) -> PathCounters {
        PathCounters {
            echo: self.echo.counters(),
            ..self.counters
        }
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

fn send_once(sock: &socket2::Socket, buf: &[u8], p: &TxPath) -> io::Result<usize> {
    if p.connected {
        sock.send(buf)
    } else {
        sock.send_to(buf, &p.dest.into())
    }
}

/// Open the session's transmit socket on its port; if that port is taken
/// (by another process), move on to the next free one.
fn open_socket(
    p: &mut TxPath,
    key: &SessionKey,
    ifindex: Option<u32>,
    links: &[LinkInfo],
    device: Option<&str>,
) -> io::Result<socket2::Socket> {
    let own = if key.multihop {
        None
    } else {
        key.ifname.as_deref()
    };
    let ifname = own.or(device);
    let scope = ifindex.unwrap_or(0);
    p.dest = sockets::dest_addr(key.peer, key.multihop, scope);
    let mut last = None;
    for _ in 0..64 {
        match sockets::open_tx(key.peer, key.local, ifname, scope, p.src_port) {
            Ok(s) => {
                // Without a route yet connect fails; sendto then looks the
                // route up per packet as before. A connection whose source
                // is not on the path would keep it: such a socket is dropped
                // for an unconnected one, connected later (`refresh`).
                p.connected = s.connect(&p.dest.into()).is_ok();
                if p.connected && !source_on_path(&s, ifindex, links) {
                    drop(s);
                    p.connected = false;
                    return sockets::open_tx(key.peer, key.local, ifname, scope, p.src_port);
                }
                return Ok(s);
            }
            Err(err) if err.kind() == io::ErrorKind::AddrInUse => {
                last = Some(err);
                p.src_port = sockets::next_src_port();
            }
            Err(err) => return Err(err),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::from(io::ErrorKind::AddrInUse)))
}

#[cfg(test)]
mod source_tests {
    use super::*;

    fn link(ifindex: u32, addrs: &[&str]) -> LinkInfo {
        LinkInfo {
            ifindex,
            name: format!("if{ifindex}"),
            up: true,
            addrs: addrs.iter().map(|a| a.parse().unwrap()).collect(),
            master: 0,
            vrf_device: false,
        }
    }

    #[test]
    fn a_source_must_be_on_the_bound_link() {
        let s = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::DGRAM, None).unwrap();
        let lo: SocketAddr = "127.0.0.1:0".parse().unwrap();
        s.bind(&lo.into()).unwrap();
        let links = [link(1, &["127.0.0.1"]), link(2, &["10.0.0.1"])];
        assert!(source_on_path(&s, Some(1), &links));
        assert!(source_on_path(&s, None, &links));
        assert!(!source_on_path(&s, Some(2), &links));
        assert!(!source_on_path(&s, Some(1), &[]));
        // Not bound to an address at all.
        let any = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::DGRAM, None).unwrap();
        assert!(!source_on_path(&any, None, &links));
    }
}
