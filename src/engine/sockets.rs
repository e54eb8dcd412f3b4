//! Sockets of the engine: the listening sockets (UDP 3784 single-hop, 4784
//! multihop, IPv4 and IPv6) drained in batches with recvmmsg into buffers
//! allocated once, the per-session transmit sockets (RFC 5881 §4: source port
//! 49152–65535, TTL/hop limit 255), and the eventfd/timerfd the loop waits on.
//! Raw libc is used where std and socket2 have no wrapper (recvmmsg, cmsg,
//! timerfd, eventfd, epoll).

use std::io;
use std::mem;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use socket2::{Domain, Protocol, Socket, Type};

/// RFC 5881 §4: single-hop destination port.
pub const PORT_SINGLE_HOP: u16 = 3784;
/// RFC 5883 §5: multihop destination port.
pub const PORT_MULTIHOP: u16 = 4784;
/// RFC 5881 §4: source ports are taken from this range.
const SRC_PORT_MIN: u16 = 49152;
const SRC_PORT_MAX: u16 = 65535;
/// DSCP CS6 (network control), as FRR marks BFD.
const TOS_CS6: libc::c_int = 0xC0;

/// Packets read per recvmmsg call.
pub const RX_BATCH: usize = 32;
/// Larger than any valid packet so that oversize ones are seen, not truncated.
const RX_BUF_LEN: usize = 256;
const CMSG_SPACE_LEN: usize = 128;

fn setsockopt_int(
    fd: RawFd,
    level: libc::c_int,
    name: libc::c_int,
    val: libc::c_int,
) -> io::Result<()> {
    // SAFETY: passing a pointer to a live c_int with its exact size.
    let rc = unsafe {
        libc::setsockopt(
            fd,
            level,
            name,
            &val as *const libc::c_int as *const libc::c_void,
            mem::size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
    if rc < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(())
    }
}

/// A listening socket and what arrives on it.
#[derive(Debug)]
pub struct Listener {
    pub sock: Socket,
    pub multihop: bool,
}

impl Listener {
    /// A listener bound to `device` (a VRF device: it hears what arrives
    /// on the links enslaved to it, and only that).
    pub fn open_on(addr: SocketAddr, multihop: bool, device: Option<&str>) -> io::Result<Listener> {
        let v6 = addr.is_ipv6();
        let domain = if v6 { Domain::IPV6 } else { Domain::IPV4 };
        let sock = Socket::new(domain, Type::DGRAM, Some(Protocol::UDP))?;
        sock.set_reuse_address(true)?;
        let fd = sock.as_raw_fd();
        if v6 {
            sock.set_only_v6(true)?;
            setsockopt_int(fd, libc::IPPROTO_IPV6, libc::IPV6_RECVHOPLIMIT, 1)?;
            setsockopt_int(fd, libc::IPPROTO_IPV6, libc::IPV6_RECVPKTINFO, 1)?;
        } else {
            setsockopt_int(fd, libc::IPPROTO_IP, libc::IP_RECVTTL, 1)?;
            setsockopt_int(fd, libc::IPPROTO_IP, libc::IP_PKTINFO, 1)?;
        }
        sock.set_nonblocking(true)?;
        if let Some(dev) = device {
            sock.bind_device(Some(dev.as_bytes()))?;
        }
        sock.bind(&addr.into())?;
        Ok(Listener { sock, multihop })
    }
}

/// One received datagram, borrowed from the batch buffers.
#[derive(Debug, Clone, Copy)]
pub struct RxMeta<'a> {
    pub data: &'a [u8],
    pub src: Option<IpAddr>,
    /// Destination address (IP_PKTINFO / IPV6_PKTINFO).
    pub dst: Option<IpAddr>,
    pub ifindex: u32,
    /// TTL / hop limit as received.
    pub ttl: Option<u8>,
    pub truncated: bool,
}

/// Buffers for one recvmmsg batch, allocated once and reused.
pub struct RxBatch {
    bufs: Box<[[u8; RX_BUF_LEN]; RX_BATCH]>,
    names: Box<[libc::sockaddr_storage; RX_BATCH]>,
    cmsgs: Box<[[u64; CMSG_SPACE_LEN / 8]; RX_BATCH]>,
    iovs: Box<[libc::iovec; RX_BATCH]>,
    hdrs: Box<[libc::mmsghdr; RX_BATCH]>,
}

// SAFETY: the raw pointers inside point only into the batch's own boxes.
unsafe impl Send for RxBatch {}

impl std::fmt::Debug for RxBatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RxBatch")
    }
}

impl RxBatch {
    pub fn new() -> RxBatch {
        // SAFETY: all-zero is a valid value for these plain C structs.
        let mut b = RxBatch {
            bufs: Box::new([[0; RX_BUF_LEN]; RX_BATCH]),
            names: Box::new(unsafe { mem::zeroed() }),
            cmsgs: Box::new([[0; CMSG_SPACE_LEN / 8]; RX_BATCH]),
            iovs: Box::new(unsafe { mem::zeroed() }),
            hdrs: Box::new(unsafe { mem::zeroed() }),
        };
        for i in 0..RX_BATCH {
            b.iovs[i].iov_base = b.bufs[i].as_mut_ptr() as *mut libc::c_void;
            b.iovs[i].iov_len = RX_BUF_LEN;
        }
        b
    }

    /// Read up to RX_BATCH datagrams without blocking; Ok(0) when none is queued.
    pub fn recv(&mut self, fd: RawFd) -> io::Result<usize> {
        for i in 0..RX_BATCH {
            let h = &mut self.hdrs[i].msg_hdr;
            h.msg_name = &mut self.names[i] as *mut libc::sockaddr_storage as *mut libc::c_void;
            h.msg_namelen = mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
            h.msg_iov = &mut self.iovs[i] as *mut libc::iovec;
            h.msg_iovlen = 1;
            h.msg_control = self.cmsgs[i].as_mut_ptr() as *mut libc::c_void;
            h.msg_controllen = CMSG_SPACE_LEN as _;
            h.msg_flags = 0;
            self.hdrs[i].msg_len = 0;
        }
        // SAFETY: every header points into buffers owned by self that outlive the call.
        let n = unsafe {
            libc::recvmmsg(
                fd,
                self.hdrs.as_mut_ptr(),
                RX_BATCH as libc::c_uint,
                libc::MSG_DONTWAIT,
                std::ptr::null_mut(),
            )
        };
        if n < 0 {
            let e = io::Error::last_os_error();
            if e.kind() == io::ErrorKind::WouldBlock {
                return Ok(0);
            }
            return Err(e);
        }
        Ok(n as usize)
    }

    /// Datagram `i` of the last batch (i < the count `recv` returned).
    pub fn get(&self, i: usize) -> RxMeta<'_> {
        let hdr = &self.hdrs[i];
        let len = (hdr.msg_len as usize).min(RX_BUF_LEN);
        let mut meta = RxMeta {
            data: &self.bufs[i][..len],
            src: sockaddr_ip(&self.names[i], hdr.msg_hdr.msg_namelen),
            dst: None,
            ifindex: 0,
            ttl: None,
            truncated: hdr.msg_hdr.msg_flags & (libc::MSG_TRUNC | libc::MSG_CTRUNC) != 0,
        };
        // SAFETY: the kernel filled msg_control/msg_controllen; CMSG_* walk
        // within them and each payload is read with read_unaligned at its size.
        unsafe {
            let mh = &hdr.msg_hdr;
            let mut c = libc::CMSG_FIRSTHDR(mh);
            while !c.is_null() {
                let level = (*c).cmsg_level;
                let ty = (*c).cmsg_type;
                let data = libc::CMSG_DATA(c);
                match (level, ty) {
                    (libc::IPPROTO_IP, libc::IP_TTL) => {
                        let v = std::ptr::read_unaligned(data as *const libc::c_int);
                        meta.ttl = u8::try_from(v).ok();
                    }
                    (libc::IPPROTO_IP, libc::IP_PKTINFO) => {
                        let p = std::ptr::read_unaligned(data as *const libc::in_pktinfo);
                        meta.ifindex = p.ipi_ifindex as u32;
                        meta.dst =
                            Some(IpAddr::V4(Ipv4Addr::from(u32::from_be(p.ipi_addr.s_addr))));
                    }
                    (libc::IPPROTO_IPV6, libc::IPV6_HOPLIMIT) => {
                        let v = std::ptr::read_unaligned(data as *const libc::c_int);
                        meta.ttl = u8::try_from(v).ok();
                    }
                    (libc::IPPROTO_IPV6, libc::IPV6_PKTINFO) => {
                        let p = std::ptr::read_unaligned(data as *const libc::in6_pktinfo);
                        meta.ifindex = p.ipi6_ifindex;
                        meta.dst = Some(IpAddr::V6(Ipv6Addr::from(p.ipi6_addr.s6_addr)));
                    }
                    _ => {}
                }
                c = libc::CMSG_NXTHDR(mh, c);
            }
        }
        meta
    }
}

fn sockaddr_ip(ss: &libc::sockaddr_storage, len: libc::socklen_t) -> Option<IpAddr> {
    let len = len as usize;
    match ss.ss_family as libc::c_int {
        libc::AF_INET if len >= mem::size_of::<libc::sockaddr_in>() => {
            // SAFETY: family and length say this storage holds a sockaddr_in.
            let sin = unsafe { &*(ss as *const _ as *const libc::sockaddr_in) };
            Some(IpAddr::V4(Ipv4Addr::from(u32::from_be(
                sin.sin_addr.s_addr,
            ))))
        }
        libc::AF_INET6 if len >= mem::size_of::<libc::sockaddr_in6>() => {
            // SAFETY: family and length say this storage holds a sockaddr_in6.
            let sin6 = unsafe { &*(ss as *const _ as *const libc::sockaddr_in6) };
            Some(IpAddr::V6(Ipv6Addr::from(sin6.sin6_addr.s6_addr)))
        }
        _ => None,
    }
}

/// Process-wide source-port counter: each session takes the next port of
/// 49152..=65535 and keeps it for its life.
static NEXT_SRC_PORT: AtomicU32 = AtomicU32::new(0);

pub fn next_src_port() -> u16 {
    let span = u32::from(SRC_PORT_MAX - SRC_PORT_MIN) + 1;
    let n = NEXT_SRC_PORT.fetch_add(1, Ordering::Relaxed) % span;
    SRC_PORT_MIN + n as u16
}

/// Where a session's packets go. `scope` is the interface index, needed for
/// IPv6 link-local peers (0 = none).
pub fn dest_addr(peer: IpAddr, multihop: bool, scope: u32) -> SocketAddr {
    let port = if multihop {
        PORT_MULTIHOP
    } else {
        PORT_SINGLE_HOP
    };
    match peer {
        IpAddr::V4(a) => SocketAddrV4::new(a, port).into(),
        IpAddr::V6(a) => SocketAddrV6::new(a, port, 0, link_local_scope(a, scope)).into(),
    }
}

/// The scope id for an IPv6 address: the interface for link-local (fe80::/10), else 0.
fn link_local_scope(a: Ipv6Addr, ifindex: u32) -> u32 {
    if a.segments()[0] & 0xffc0 == 0xfe80 {
        ifindex
    } else {
        0
    }
}

/// The transmit socket of one session: bound to (local or any, src_port),
/// to the interface for single-hop sessions with one, TTL 255 and CS6.
/// `ifindex` scopes an IPv6 link-local local address (0 = none).
pub fn open_tx(
    peer: IpAddr,
    local: Option<IpAddr>,
    ifname: Option<&str>,
    ifindex: u32,
    src_port: u16,
) -> io::Result<Socket> {
    let v6 = peer.is_ipv6();
    let domain = if v6 { Domain::IPV6 } else { Domain::IPV4 };
    let sock = Socket::new(domain, Type::DGRAM, Some(Protocol::UDP))?;
    let fd = sock.as_raw_fd();
    sock.set_nonblocking(true)?;
    if let Some(ifname) = ifname {
        sock.bind_device(Some(ifname.as_bytes()))?;
    }
    if v6 {
        sock.set_only_v6(true)?;
        setsockopt_int(fd, libc::IPPROTO_IPV6, libc::IPV6_UNICAST_HOPS, 255)?;
        setsockopt_int(fd, libc::IPPROTO_IPV6, libc::IPV6_TCLASS, TOS_CS6)?;
    } else {
        setsockopt_int(fd, libc::IPPROTO_IP, libc::IP_TTL, 255)?;
        setsockopt_int(fd, libc::IPPROTO_IP, libc::IP_TOS, TOS_CS6)?;
    }
    let bind_ip = match (local, v6) {
        (Some(l), _) => l,
        (None, false) => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        (None, true) => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
    };
    let bind: SocketAddr = match bind_ip {
        IpAddr::V4(a) => SocketAddrV4::new(a, src_port).into(),
        IpAddr::V6(a) => SocketAddrV6::new(a, src_port, 0, link_local_scope(a, ifindex)).into(),
    };
    sock.bind(&bind.into())?;
    Ok(sock)
}

fn cvt(rc: libc::c_int) -> io::Result<libc::c_int> {
    if rc < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(rc)
    }
}

/// Wake-up counter written by `EngineHandle::send`.
pub fn eventfd() -> io::Result<OwnedFd> {
    // SAFETY: plain syscall; on success we own the returned descriptor.
    let fd = cvt(unsafe { libc::eventfd(0, libc::EFD_NONBLOCK | libc::EFD_CLOEXEC) })?;
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// Add one to an eventfd (wakes the engine).
pub fn eventfd_signal(fd: RawFd) {
    let one: u64 = 1;
    // SAFETY: writes 8 bytes from a live u64. EAGAIN (counter saturated)
    // means a wake-up is already pending, which is all we need.
    unsafe {
        libc::write(fd, &one as *const u64 as *const libc::c_void, 8);
    }
}

/// Reset an eventfd or timerfd after it fired.
pub fn drain_counter_fd(fd: RawFd) {
    let mut v: u64 = 0;
    // SAFETY: reads 8 bytes into a live u64; errors (EAGAIN) are harmless.
    unsafe {
        libc::read(fd, &mut v as *mut u64 as *mut libc::c_void, 8);
    }
}

pub fn timerfd() -> io::Result<OwnedFd> {
    // SAFETY: plain syscall; on success we own the returned descriptor.
    let fd = cvt(unsafe {
        libc::timerfd_create(
            libc::CLOCK_MONOTONIC,
            libc::TFD_NONBLOCK | libc::TFD_CLOEXEC,
        )
    })?;
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// Arm the timerfd to fire once after `after` (at least 1 ns), or disarm it.
pub fn timerfd_arm(fd: RawFd, after: Option<Duration>) -> io::Result<()> {
    let value = match after {
        Some(d) => {
            let d = d.max(Duration::from_nanos(1));
            libc::timespec {
                tv_sec: d.as_secs() as libc::time_t,
                tv_nsec: d.subsec_nanos() as libc::c_long,
            }
        }
        None => libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        },
    };
    let spec = libc::itimerspec {
        it_interval: libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        },
        it_value: value,
    };
    // SAFETY: valid itimerspec pointer; old value not requested.
    cvt(unsafe { libc::timerfd_settime(fd, 0, &spec, std::ptr::null_mut()) })?;
    Ok(())
}

/// An epoll instance; each registered fd carries a u64 token.
#[derive(Debug)]
pub struct Epoll {
    fd: OwnedFd,
}

impl Epoll {
    pub fn new() -> io::Result<Epoll> {
        // SAFETY: plain syscall; on success we own the returned descriptor.
        let fd = cvt(unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) })?;
        Ok(Epoll {
            fd: unsafe { OwnedFd::from_raw_fd(fd) },
        })
    }

    pub fn add(&self, fd: RawFd, token: u64) -> io::Result<()> {
        let mut ev = libc::epoll_event {
            events: libc::EPOLLIN as u32,
            u64: token,
        };
        // SAFETY: valid epoll fd, target fd and event pointer.
        cvt(unsafe { libc::epoll_ctl(self.fd.as_raw_fd(), libc::EPOLL_CTL_ADD, fd, &mut ev) })?;
        Ok(())
    }

    /// Stop waiting on `fd` (closed descriptors leave epoll by themselves).
    pub fn delete(&self, fd: RawFd) {
        // SAFETY: valid epoll fd; a null event is allowed for DEL.
        unsafe {
            libc::epoll_ctl(
                self.fd.as_raw_fd(),
                libc::EPOLL_CTL_DEL,
                fd,
                std::ptr::null_mut(),
            );
        }
    }

    /// Wait for events or until `timeout` passes (None = forever), with
    /// nanosecond precision (epoll_pwait2, Linux 5.11). Err(Unsupported) on
    /// an older kernel: the caller falls back to `wait` and a timerfd.
    pub fn wait_timeout(
        &self,
        events: &mut [libc::epoll_event],
        timeout: Option<Duration>,
    ) -> io::Result<usize> {
        let ts = timeout.map(|d| libc::timespec {
            tv_sec: d.as_secs() as libc::time_t,
            tv_nsec: d.subsec_nanos() as libc::c_long,
        });
        let ts_ptr = ts
            .as_ref()
            .map_or(std::ptr::null(), |t| t as *const libc::timespec);
        // SAFETY: the buffer holds events.len() entries; ts_ptr is null or
        // points to a live timespec; no signal mask is passed.
        let n = unsafe {
            libc::syscall(
                libc::SYS_epoll_pwait2,
                self.fd.as_raw_fd(),
                events.as_mut_ptr(),
                events.len() as libc::c_int,
                ts_ptr,
                std::ptr::null::<libc::sigset_t>(),
                0usize,
            )
        };
        if n < 0 {
            let e = io::Error::last_os_error();
            return match e.raw_os_error() {
                Some(libc::EINTR) => Ok(0),
                Some(libc::ENOSYS) => Err(io::Error::from(io::ErrorKind::Unsupported)),
                _ => Err(e),
            };
        }
        Ok(n as usize)
    }

    /// Wait for events (blocking); returns how many of `events` were filled.
    pub fn wait(&self, events: &mut [libc::epoll_event]) -> io::Result<usize> {
        // SAFETY: the buffer holds events.len() entries.
        let n = unsafe {
            libc::epoll_wait(
                self.fd.as_raw_fd(),
                events.as_mut_ptr(),
                events.len() as libc::c_int,
                -1,
            )
        };
        if n < 0 {
            let e = io::Error::last_os_error();
            if e.kind() == io::ErrorKind::Interrupted {
                return Ok(0);
            }
            return Err(e);
        }
        Ok(n as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_local_destinations_carry_the_interface() {
        let v6 = |d: SocketAddr| match d {
            SocketAddr::V6(a) => (a.scope_id(), a.port()),
            SocketAddr::V4(_) => panic!("{d} is not IPv6"),
        };
        let d = dest_addr("fe80::1".parse().unwrap(), false, 4);
        assert_eq!(v6(d), (4, PORT_SINGLE_HOP));
        let d = dest_addr("2001:db8::1".parse().unwrap(), true, 4);
        assert_eq!(v6(d), (0, PORT_MULTIHOP));
        let d = dest_addr("10.0.0.1".parse().unwrap(), false, 4);
        assert!(d.is_ipv4());
        assert_eq!(d.port(), PORT_SINGLE_HOP);
    }

    #[test]
    fn src_ports_stay_in_rfc5881_range() {
        for _ in 0..70_000 {
            let p = next_src_port();
            assert!(p >= SRC_PORT_MIN);
        }
    }

    #[test]
    fn batch_reads_ttl_and_pktinfo() {
        let l = Listener::open_on("127.0.0.1:0".parse().unwrap(), false, None).unwrap();
        let port = l.sock.local_addr().unwrap().as_socket().unwrap().port();
        let tx = Socket::new(Domain::IPV4, Type::DGRAM, None).unwrap();
        tx.set_ttl(77).unwrap();
        let to: SocketAddr = SocketAddr::new("127.0.0.1".parse().unwrap(), port);
        tx.send_to(b"hello", &to.into()).unwrap();
        let mut b = RxBatch::new();
        let mut n = 0;
        for _ in 0..100 {
            n = b.recv(l.sock.as_raw_fd()).unwrap();
            if n > 0 {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        assert_eq!(n, 1);
        let m = b.get(0);
        assert_eq!(m.data, b"hello");
        assert_eq!(m.ttl, Some(77));
        assert_eq!(m.src, Some("127.0.0.1".parse().unwrap()));
        assert_eq!(m.dst, Some("127.0.0.1".parse().unwrap()));
        assert_eq!(m.ifindex, 1);
        assert!(!m.truncated);
    }
}
