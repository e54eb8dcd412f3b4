//! The IPv6 echo socket: UDP bound to [::]:3785, hop limit 255 for what we
//! originate, the received hop limit and interface read with each datagram,
//! and reflection of a peer's echo with hop limit 254 (one hop used, as FRR's
//! bfdd reflects) to the peer's port 3785, where FRR and we both send from.

use std::io;
use std::mem;
use std::net::{IpAddr, Ipv6Addr, SocketAddr, SocketAddrV6};
use std::os::fd::{AsRawFd, RawFd};

use bfd::echo::{ECHO_LOOPED_TTL, ECHO_PORT};

use super::EchoPathCounters;
use crate::engine::sockets::{Listener, RxBatch};

pub struct EchoSocketV6 {
    listener: Listener,
    batch: RxBatch,
}

impl std::fmt::Debug for EchoSocketV6 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EchoSocketV6")
    }
}

impl EchoSocketV6 {
    /// UDP [::]:3785, bound to `device` when given (a VRF device).
    pub fn open_on(device: Option<&str>) -> io::Result<EchoSocketV6> {
        let addr = SocketAddr::new(IpAddr::V6(Ipv6Addr::UNSPECIFIED), ECHO_PORT);
        let listener = Listener::open_on(addr, false, device)?;
        let hops: libc::c_int = 255;
        // SAFETY: a c_int option with its size.
        let rc = unsafe {
            libc::setsockopt(
                listener.sock.as_raw_fd(),
                libc::IPPROTO_IPV6,
                libc::IPV6_UNICAST_HOPS,
                &hops as *const libc::c_int as *const libc::c_void,
                mem::size_of::<libc::c_int>() as libc::socklen_t,
            )
        };
        if rc < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(EchoSocketV6 {
            listener,
            batch: RxBatch::new(),
        })
    }

    pub fn fd(&self) -> RawFd {
        self.listener.sock.as_raw_fd()
    }

    /// Read up to `max` datagrams, handing each to `handle(src, hop limit,
    /// ifindex, bytes)`; those it answers true for are reflected.
    pub fn drain(
        &mut self,
        max: usize,
        counters: &mut EchoPathCounters,
        mut handle: impl FnMut(IpAddr, u8, u32, &[u8]) -> bool,
    ) {
        let mut read = 0;
        while read < max {
            let n = match self.batch.recv(self.fd()) {
                Ok(0) => return,
                Ok(n) => n,
                Err(_) => {
                    counters.socket_errors += 1;
                    return;
                }
            };
            read += n;
            for j in 0..n {
                let d = self.batch.get(j);
                let (Some(IpAddr::V6(src)), Some(ttl), false) = (d.src, d.ttl, d.truncated) else {
                    continue;
                };
                if handle(IpAddr::V6(src), ttl, d.ifindex, d.data)
                    && reflect(self.fd(), d.data, src, d.ifindex).is_err()
                {
                    counters.tx_errors += 1;
                }
            }
        }
    }

    /// Originate: `payload` to the peer's port 3785.
    pub fn send(&self, payload: &[u8], peer: Ipv6Addr, ifindex: u32) -> io::Result<()> {
        let to = SocketAddrV6::new(peer, ECHO_PORT, 0, scope(peer, ifindex));
        self.listener.sock.send_to(payload, &to.into()).map(|_| ())
    }
}

fn scope(a: Ipv6Addr, ifindex: u32) -> u32 {
    if a.segments()[0] & 0xffc0 == 0xfe80 {
        ifindex
    } else {
        0
    }
}

/// Send `data` back to `peer` port 3785 with hop limit 254.
fn reflect(fd: RawFd, data: &[u8], peer: Ipv6Addr, ifindex: u32) -> io::Result<()> {
    // SAFETY: all-zero is a valid sockaddr_in6.
    let mut to: libc::sockaddr_in6 = unsafe { mem::zeroed() };
    to.sin6_family = libc::AF_INET6 as libc::sa_family_t;
    to.sin6_port = ECHO_PORT.to_be();
    to.sin6_addr.s6_addr = peer.octets();
    to.sin6_scope_id = scope(peer, ifindex);
    let mut iov = libc::iovec {
        iov_base: data.as_ptr() as *mut libc::c_void,
        iov_len: data.len(),
    };
    let mut cbuf = [0u64; 4];
    // SAFETY: msghdr is plain C; every pointer refers to a local that
    // outlives sendmsg, and CMSG_* stay within `cbuf` (room for one int).
    unsafe {
        let mut msg: libc::msghdr = mem::zeroed();
        msg.msg_name = &mut to as *mut libc::sockaddr_in6 as *mut libc::c_void;
        msg.msg_namelen = mem::size_of::<libc::sockaddr_in6>() as libc::socklen_t;
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = cbuf.as_mut_ptr() as *mut libc::c_void;
        msg.msg_controllen = libc::CMSG_SPACE(mem::size_of::<libc::c_int>() as u32) as _;
        let c = libc::CMSG_FIRSTHDR(&msg);
        (*c).cmsg_level = libc::IPPROTO_IPV6;
        (*c).cmsg_type = libc::IPV6_HOPLIMIT;
        (*c).cmsg_len = libc::CMSG_LEN(mem::size_of::<libc::c_int>() as u32) as _;
        let hops = libc::c_int::from(ECHO_LOOPED_TTL);
        std::ptr::write_unaligned(libc::CMSG_DATA(c) as *mut libc::c_int, hops);
        if libc::sendmsg(fd, &msg, 0) < 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}
