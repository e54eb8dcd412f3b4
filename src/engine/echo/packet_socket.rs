//! The IPv4 echo socket: an AF_PACKET datagram socket (the kernel adds and
//! strips the Ethernet header) that sends our self-addressed echo datagrams
//! to the peer's MAC and reads them back when the peer's forwarding plane
//! returns them, before our IP stack drops them as martians. A classic BPF
//! filter keeps only unfragmented UDP to port 3785, and our own outgoing
//! frames are not looped to it. The peer's MAC comes from the kernel's ARP
//! table (SIOCGARP), as FRR's bfdd gets it.

use std::io;
use std::mem;
use std::net::Ipv4Addr;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

/// `PACKET_IGNORE_OUTGOING` (Linux 4.20): do not show our own frames.
const PACKET_IGNORE_OUTGOING: libc::c_int = 23;
/// `SIOCGARP`: read one ARP table entry.
const SIOCGARP: libc::c_ulong = 0x8954;
/// `ATF_COM`: the entry is complete (has a hardware address).
const ATF_COM: libc::c_int = 0x02;
const ETH_P_IP: u16 = 0x0800;

#[derive(Debug)]
pub struct PacketSocket {
    fd: OwnedFd,
    buf: Box<[u8; 256]>,
}

fn cvt(rc: libc::c_int) -> io::Result<libc::c_int> {
    if rc < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(rc)
    }
}

/// The filter: `udp dst port 3785`, no fragments, offsets from the IP
/// header (a SOCK_DGRAM packet socket filters after the link header).
fn echo_filter() -> [libc::sock_filter; 9] {
    let op = |code: u16, jt: u8, jf: u8, k: u32| libc::sock_filter { code, jt, jf, k };
    [
        op(0x30, 0, 0, 9),      // ldb [9]          protocol
        op(0x15, 0, 6, 17),     // jeq #udp else drop
        op(0x28, 0, 0, 6),      // ldh [6]          flags + fragment offset
        op(0x45, 4, 0, 0x1fff), // jset #0x1fff -> drop
        op(0xb1, 0, 0, 0),      // ldxb 4*([0]&0xf) header length
        op(0x48, 0, 0, 2),      // ldh [x+2]        UDP destination port
        op(0x15, 0, 1, u32::from(bfd::echo::ECHO_PORT)),
        op(0x06, 0, 0, 0xffff), // accept
        op(0x06, 0, 0, 0),      // drop
    ]
}

impl PacketSocket {
    pub fn open() -> io::Result<PacketSocket> {
        let proto = ETH_P_IP.to_be() as libc::c_int;
        // SAFETY: plain socket(2); the fd is owned at once.
        let fd = cvt(unsafe {
            libc::socket(
                libc::AF_PACKET,
                libc::SOCK_DGRAM | libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC,
                proto,
            )
        })?;
        // SAFETY: fd was just returned by socket(2) and is owned by nobody else.
        let fd = unsafe { OwnedFd::from_raw_fd(fd) };
        let filter = echo_filter();
        let prog = libc::sock_fprog {
            len: filter.len() as u16,
            filter: filter.as_ptr() as *mut libc::sock_filter,
        };
        // SAFETY: prog points at `filter`, alive for the call; sizes exact.
        cvt(unsafe {
            libc::setsockopt(
                fd.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_ATTACH_FILTER,
                &prog as *const libc::sock_fprog as *const libc::c_void,
                mem::size_of::<libc::sock_fprog>() as libc::socklen_t,
            )
        })?;
        let one: libc::c_int = 1;
        // SAFETY: a c_int option with its size. Older kernels lack it; our
        // own frames are then dropped by their TTL (255) instead.
        unsafe {
            libc::setsockopt(
                fd.as_raw_fd(),
                libc::SOL_PACKET,
                PACKET_IGNORE_OUTGOING,
                &one as *const libc::c_int as *const libc::c_void,
                mem::size_of::<libc::c_int>() as libc::socklen_t,
            );
        }
        Ok(PacketSocket {
            fd,
            buf: Box::new([0; 256]),
        })
    }

    pub fn fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }

    /// The next datagram (from its IP header on), or None when none is queued.
    pub fn recv(&mut self) -> io::Result<Option<&[u8]>> {
        // SAFETY: all-zero is a valid sockaddr_ll.
        let mut from: libc::sockaddr_ll = unsafe { mem::zeroed() };
        let mut len = mem::size_of::<libc::sockaddr_ll>() as libc::socklen_t;
        // SAFETY: buf and from are live and sized as passed.
        let n = unsafe {
            libc::recvfrom(
                self.fd.as_raw_fd(),
                self.buf.as_mut_ptr() as *mut libc::c_void,
                self.buf.len(),
                libc::MSG_DONTWAIT,
                &mut from as *mut libc::sockaddr_ll as *mut libc::sockaddr,
                &mut len,
            )
        };
        if n < 0 {
            let e = io::Error::last_os_error();
            return match e.kind() {
                io::ErrorKind::WouldBlock => Ok(None),
                _ => Err(e),
            };
        }
        Ok(Some(&self.buf[..n as usize]))
    }

    /// Send `datagram` (from its IP header on) out of `ifindex` to `mac`.
    pub fn send(&self, datagram: &[u8], ifindex: u32, mac: [u8; 6]) -> io::Result<()> {
        // SAFETY: all-zero is a valid sockaddr_ll.
        let mut to: libc::sockaddr_ll = unsafe { mem::zeroed() };
        to.sll_family = libc::AF_PACKET as u16;
        to.sll_protocol = ETH_P_IP.to_be();
        to.sll_ifindex = ifindex as libc::c_int;
        to.sll_halen = 6;
        to.sll_addr[..6].copy_from_slice(&mac);
        // SAFETY: datagram and `to` are live and sized as passed.
        let n = unsafe {
            libc::sendto(
                self.fd.as_raw_fd(),
                datagram.as_ptr() as *const libc::c_void,
                datagram.len(),
                0,
                &to as *const libc::sockaddr_ll as *const libc::sockaddr,
                mem::size_of::<libc::sockaddr_ll>() as libc::socklen_t,
            )
        };
        if n < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }
}

/// The MAC of `peer` on `ifname` from the kernel's ARP table, if complete.
pub fn arp_lookup(peer: Ipv4Addr, ifname: &str) -> io::Result<Option<[u8; 6]>> {
    // SAFETY: an ordinary datagram socket, owned at once.
    let fd = cvt(unsafe { libc::socket(libc::AF_INET, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0) })?;
    // SAFETY: fd was just returned by socket(2).
    let fd = unsafe { OwnedFd::from_raw_fd(fd) };
    // SAFETY: all-zero is a valid arpreq.
    let mut req: libc::arpreq = unsafe { mem::zeroed() };
    // SAFETY: arp_pa is a sockaddr large enough for a sockaddr_in.
    unsafe {
        let pa = &mut req.arp_pa as *mut libc::sockaddr as *mut libc::sockaddr_in;
        (*pa).sin_family = libc::AF_INET as libc::sa_family_t;
        (*pa).sin_addr.s_addr = u32::from(peer).to_be();
    }
    let name = ifname.as_bytes();
    if name.len() >= req.arp_dev.len() {
        return Ok(None);
    }
    for (d, s) in req.arp_dev.iter_mut().zip(name) {
        *d = *s as libc::c_char;
    }
    // SAFETY: SIOCGARP reads and fills the arpreq passed by pointer.
    let rc = unsafe { libc::ioctl(fd.as_raw_fd(), SIOCGARP as _, &mut req as *mut libc::arpreq) };
    if rc < 0 {
        let e = io::Error::last_os_error();
        return match e.raw_os_error() {
            Some(libc::ENXIO) => Ok(None),
            _ => Err(e),
        };
    }
    if req.arp_flags & ATF_COM == 0 {
        return Ok(None);
    }
    let mut mac = [0u8; 6];
    for (m, b) in mac.iter_mut().zip(req.arp_ha.sa_data.iter()) {
        *m = *b as u8;
    }
    Ok(Some(mac))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_jumps_land_inside_the_program() {
        let f = echo_filter();
        for (i, ins) in f.iter().enumerate() {
            if ins.code & 0x07 == 0x05 {
                assert!(i + 1 + (ins.jt as usize) < f.len());
                assert!(i + 1 + (ins.jf as usize) < f.len());
            }
        }
        assert_eq!(f[f.len() - 1].k, 0, "the last instruction drops");
    }

    #[test]
    fn arp_lookup_of_an_unknown_neighbour_is_none_or_an_error() {
        // No such interface: the kernel answers ENODEV or ENXIO, never a MAC.
        let got = arp_lookup(Ipv4Addr::new(192, 0, 2, 1), "bfrs-none0");
        assert!(!matches!(got, Ok(Some(_))), "{got:?}");
    }
}
