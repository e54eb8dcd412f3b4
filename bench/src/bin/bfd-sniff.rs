//! bfd-sniff: watch BFD Control packets on one interface (AF_PACKET, kernel
//! receive timestamps) for a fixed time and report, per flow (source address →
//! destination address), the packet count and the worst gap between two
//! consecutive packets. Used by bench/run.sh for "worst transmit gap per
//! session" and by bench/detect.sh for "last packet heard per session".
//!
//! usage: bfd-sniff IFACE SECONDS [--flows FILE]
//! Prints `key=value` summary lines; with --flows, one line per flow:
//! `src dst packets first_s last_s max_gap_ms last_state` (times are
//! CLOCK_REALTIME seconds, so they compare with daemon log timestamps).
//! IPv4 only (the bench topology is IPv4).

use std::collections::HashMap;
use std::io::Write;
use std::mem;
use std::net::Ipv4Addr;
use std::process::ExitCode;
use std::time::{Duration, Instant};

const BATCH: usize = 64;
/// IPv4 header (20, options are rare) + UDP (8) + BFD mandatory part (24).
const SNAP: usize = 96;

#[derive(Default, Clone, Copy)]
struct Flow {
    packets: u64,
    first_ns: i128,
    last_ns: i128,
    max_gap_ns: i128,
    last_state: u8,
}

fn die(msg: &str) -> ExitCode {
    eprintln!("bfd-sniff: {msg}");
    ExitCode::FAILURE
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        return die("usage: bfd-sniff IFACE SECONDS [--flows FILE]");
    }
    let Ok(secs) = args[2].parse::<f64>() else {
        return die("SECONDS must be a number");
    };
    let flows_file = args
        .iter()
        .position(|a| a == "--flows")
        .and_then(|i| args.get(i + 1).cloned());
    match run(
        &args[1],
        Duration::from_secs_f64(secs),
        flows_file.as_deref(),
    ) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => die(&e.to_string()),
    }
}

fn check(rc: libc::c_int, what: &str) -> std::io::Result<libc::c_int> {
    if rc < 0 {
        let e = std::io::Error::last_os_error();
        Err(std::io::Error::new(e.kind(), format!("{what}: {e}")))
    } else {
        Ok(rc)
    }
}

fn setopt<T>(fd: libc::c_int, level: libc::c_int, name: libc::c_int, v: &T) -> libc::c_int {
    // SAFETY: pointer to a live T with its exact size.
    unsafe {
        libc::setsockopt(
            fd,
            level,
            name,
            v as *const T as *const libc::c_void,
            mem::size_of::<T>() as libc::socklen_t,
        )
    }
}

fn run(ifname: &str, dur: Duration, flows_file: Option<&str>) -> std::io::Result<()> {
    let cname = std::ffi::CString::new(ifname)?;
    // SAFETY: valid C string.
    let ifindex = unsafe { libc::if_nametoindex(cname.as_ptr()) };
    if ifindex == 0 {
        return Err(std::io::Error::other(format!("no interface {ifname}")));
    }
    // ETH_P_ALL: a socket bound to one protocol does not see outgoing packets.
    let proto = (libc::ETH_P_ALL as u16).to_be();
    // SAFETY: plain syscall.
    let fd = check(
        unsafe { libc::socket(libc::AF_PACKET, libc::SOCK_DGRAM, proto as libc::c_int) },
        "socket(AF_PACKET)",
    )?;
    let big: libc::c_int = 64 << 20;
    if setopt(fd, libc::SOL_SOCKET, libc::SO_RCVBUFFORCE, &big) < 0 {
        setopt(fd, libc::SOL_SOCKET, libc::SO_RCVBUF, &big);
    }
    let one: libc::c_int = 1;
    check(
        setopt(fd, libc::SOL_SOCKET, libc::SO_TIMESTAMPNS, &one),
        "SO_TIMESTAMPNS",
    )?;
    let tv = libc::timeval {
        tv_sec: 0,
        tv_usec: 200_000,
    };
    check(
        setopt(fd, libc::SOL_SOCKET, libc::SO_RCVTIMEO, &tv),
        "SO_RCVTIMEO",
    )?;
    // SAFETY: all-zero sockaddr_ll is valid; fields set below.
    let mut sll: libc::sockaddr_ll = unsafe { mem::zeroed() };
    sll.sll_family = libc::AF_PACKET as u16;
    sll.sll_protocol = proto;
    sll.sll_ifindex = ifindex as i32;
    // SAFETY: valid sockaddr_ll pointer and size.
    check(
        unsafe {
            libc::bind(
                fd,
                &sll as *const libc::sockaddr_ll as *const libc::sockaddr,
                mem::size_of::<libc::sockaddr_ll>() as libc::socklen_t,
            )
        },
        "bind",
    )?;

    let mut bufs = vec![[0u8; SNAP]; BATCH];
    let mut cmsgs = vec![[0u64; 8]; BATCH];
    // SAFETY: zeroed C structs are valid.
    let mut iovs: Vec<libc::iovec> = vec![unsafe { mem::zeroed() }; BATCH];
    let mut hdrs: Vec<libc::mmsghdr> = vec![unsafe { mem::zeroed() }; BATCH];
    let mut flows: HashMap<(u32, u32), Flow> = HashMap::with_capacity(65536);
    let mut packets: u64 = 0;
    let start = Instant::now();
    while start.elapsed() < dur {
        for i in 0..BATCH {
            iovs[i].iov_base = bufs[i].as_mut_ptr() as *mut libc::c_void;
            iovs[i].iov_len = SNAP;
            let h = &mut hdrs[i].msg_hdr;
            h.msg_name = std::ptr::null_mut();
            h.msg_namelen = 0;
            h.msg_iov = &mut iovs[i];
            h.msg_iovlen = 1;
            h.msg_control = cmsgs[i].as_mut_ptr() as *mut libc::c_void;
            h.msg_controllen = 64;
            h.msg_flags = 0;
        }
        // SAFETY: headers point into live buffers above.
        let n = unsafe {
            libc::recvmmsg(
                fd,
                hdrs.as_mut_ptr(),
                BATCH as libc::c_uint,
                libc::MSG_WAITFORONE,
                std::ptr::null_mut(),
            )
        };
        if n <= 0 {
            continue;
        }
        for i in 0..n as usize {
            let len = (hdrs[i].msg_len as usize).min(SNAP);
            let ts = timestamp(&hdrs[i].msg_hdr);
            let Some((src, dst, state)) = parse_bfd(&bufs[i][..len]) else {
                continue;
            };
            packets += 1;
            let f = flows.entry((src, dst)).or_default();
            if f.packets == 0 {
                f.first_ns = ts;
            } else {
                f.max_gap_ns = f.max_gap_ns.max(ts - f.last_ns);
            }
            f.packets += 1;
            f.last_ns = ts;
            f.last_state = state;
        }
    }
    let elapsed = start.elapsed().as_secs_f64();
    // SAFETY: tpacket_stats is plain data; size passed in/out.
    let mut st: libc::tpacket_stats = unsafe { mem::zeroed() };
    let mut sl = mem::size_of::<libc::tpacket_stats>() as libc::socklen_t;
    unsafe {
        libc::getsockopt(
            fd,
            libc::SOL_PACKET,
            libc::PACKET_STATISTICS,
            &mut st as *mut _ as *mut libc::c_void,
            &mut sl,
        );
        libc::close(fd);
    }
    let mut gaps: Vec<i128> = flows
        .values()
        .filter(|f| f.packets > 1)
        .map(|f| f.max_gap_ns)
        .collect();
    gaps.sort_unstable();
    let pick = |q: f64| -> f64 {
        if gaps.is_empty() {
            return 0.0;
        }
        let i = ((gaps.len() - 1) as f64 * q).round() as usize;
        gaps[i] as f64 / 1e6
    };
    println!("seconds={elapsed:.3}");
    println!("packets={packets}");
    println!("pps={:.0}", packets as f64 / elapsed);
    println!("flows={}", flows.len());
    println!("kernel_drops={}", st.tp_drops);
    println!("worst_gap_ms_p50={:.3}", pick(0.5));
    println!("worst_gap_ms_p99={:.3}", pick(0.99));
    println!("worst_gap_ms_max={:.3}", pick(1.0));
    if let Some(path) = flows_file {
        let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
        for ((s, d), f) in &flows {
            writeln!(
                out,
                "{} {} {} {:.6} {:.6} {:.3} {}",
                Ipv4Addr::from(*s),
                Ipv4Addr::from(*d),
                f.packets,
                f.first_ns as f64 / 1e9,
                f.last_ns as f64 / 1e9,
                f.max_gap_ns as f64 / 1e6,
                f.last_state
            )?;
        }
    }
    Ok(())
}

/// Kernel receive timestamp (SCM_TIMESTAMPNS, CLOCK_REALTIME) in ns.
fn timestamp(h: &libc::msghdr) -> i128 {
    // SAFETY: the kernel filled msg_control; CMSG_* stay within it.
    unsafe {
        let mut c = libc::CMSG_FIRSTHDR(h);
        while !c.is_null() {
            if (*c).cmsg_level == libc::SOL_SOCKET && (*c).cmsg_type == libc::SCM_TIMESTAMPNS {
                let t = std::ptr::read_unaligned(libc::CMSG_DATA(c) as *const libc::timespec);
                return t.tv_sec as i128 * 1_000_000_000 + t.tv_nsec as i128;
            }
            c = libc::CMSG_NXTHDR(h, c);
        }
    }
    0
}

/// (source, destination, BFD state) of an IPv4 UDP packet to 3784/4784.
fn parse_bfd(p: &[u8]) -> Option<(u32, u32, u8)> {
    if p.len() < 20 || p[0] >> 4 != 4 || p[9] != 17 {
        return None;
    }
    let ihl = usize::from(p[0] & 0xf) * 4;
    let udp = p.get(ihl..ihl + 8)?;
    let dport = u16::from_be_bytes([udp[2], udp[3]]);
    if dport != 3784 && dport != 4784 {
        return None;
    }
    let bfd = p.get(ihl + 8..ihl + 10)?;
    let src = u32::from_be_bytes([p[12], p[13], p[14], p[15]]);
    let dst = u32::from_be_bytes([p[16], p[17], p[18], p[19]]);
    Some((src, dst, bfd[1] >> 6))
}
