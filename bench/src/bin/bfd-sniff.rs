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

/// IPv4 header (20, options are rare) + UDP (8) + BFD mandatory part (24).
const SNAP: usize = 96;
/// Ring geometry: 512 blocks of 128 KiB, 128-byte frames (a BFD packet with
/// its ring header fits), so a second of 400k packets/s fits in the ring.
/// Small blocks keep the kernel's allocations low-order (no compaction
/// stalls next to the daemons being measured).
const BLOCK_SIZE: usize = 128 << 10;
const BLOCKS: usize = 512;
const FRAME_SIZE: usize = 128;
/// A block is handed over at the latest this many ms after it opened. Long,
/// so that at low rates mostly empty blocks do not use up the ring while the
/// sniffer waits for CPU (timestamps are per packet, not per block).
const RETIRE_MS: u32 = 100;

#[derive(Default, Clone, Copy)]
struct Flow {
    packets: u64,
    first_ns: i128,
    last_ns: i128,
    max_gap_ns: i128,
    /// When the worst gap ended.
    max_gap_at_ns: i128,
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
    // A TPACKET_V3 receive ring: the kernel copies packets into blocks and
    // wakes us once per block (full or retired after RETIRE_MS), not once per
    // packet. Per-packet wake-ups of a plain socket cost the daemons being
    // measured about 9 % of their CPU (the wake-up runs in their send path).
    let v3 = libc::tpacket_versions::TPACKET_V3 as libc::c_int;
    check(
        setopt(fd, libc::SOL_PACKET, libc::PACKET_VERSION, &v3),
        "PACKET_VERSION",
    )?;
    check(attach_filter(fd), "SO_ATTACH_FILTER")?;
    let req = libc::tpacket_req3 {
        tp_block_size: BLOCK_SIZE as u32,
        tp_block_nr: BLOCKS as u32,
        tp_frame_size: FRAME_SIZE as u32,
        tp_frame_nr: (BLOCK_SIZE / FRAME_SIZE * BLOCKS) as u32,
        tp_retire_blk_tov: RETIRE_MS,
        tp_sizeof_priv: 0,
        tp_feature_req_word: 0,
    };
    check(
        setopt(fd, libc::SOL_PACKET, libc::PACKET_RX_RING, &req),
        "PACKET_RX_RING",
    )?;
    let ring_len = BLOCK_SIZE * BLOCKS;
    // SAFETY: maps the ring the kernel just allocated for this socket.
    let ring = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            ring_len,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_SHARED,
            fd,
            0,
        )
    };
    if ring == libc::MAP_FAILED {
        return Err(std::io::Error::last_os_error());
    }
    let ring = ring as *mut u8;
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

    let mut flows: HashMap<(u32, u32), Flow> = HashMap::with_capacity(65536);
    let mut packets: u64 = 0;
    // The ring is set up: the caller may start its measurement window now.
    eprintln!("ready");
    let start = Instant::now();
    let start_real = realtime_ns();
    // Gaps are counted from packets after a short settling time: setting up
    // the ring (page allocation) briefly competes with the daemons measured,
    // and that is the tool's doing, not theirs.
    let warm_until = start_real + WARMUP_NS;
    let mut block = 0usize;
    while start.elapsed() < dur {
        // SAFETY: block < BLOCKS, so the descriptor lies inside the mapping.
        let desc = unsafe { ring.add(block * BLOCK_SIZE) } as *mut libc::tpacket_block_desc;
        // SAFETY: the kernel hands the block over by setting TP_STATUS_USER;
        // volatile because it writes the field behind our back.
        let status = unsafe { std::ptr::read_volatile(&(*desc).hdr.bh1.block_status) };
        if status & libc::TP_STATUS_USER == 0 {
            let mut pfd = libc::pollfd {
                fd,
                events: libc::POLLIN | libc::POLLERR,
                revents: 0,
            };
            // SAFETY: one valid pollfd.
            unsafe { libc::poll(&mut pfd, 1, 200) };
            continue;
        }
        // SAFETY: the block belongs to us until we set TP_STATUS_KERNEL; the
        // offsets come from the kernel and stay within the block.
        unsafe {
            let bh = &(*desc).hdr.bh1;
            let mut off = bh.offset_to_first_pkt as usize;
            for _ in 0..bh.num_pkts {
                let base = ring.add(block * BLOCK_SIZE + off);
                let h = &*(base as *const libc::tpacket3_hdr);
                let data = std::slice::from_raw_parts(
                    base.add(usize::from(h.tp_net)),
                    (h.tp_snaplen as usize).min(SNAP),
                );
                let ts = i128::from(h.tp_sec) * 1_000_000_000 + i128::from(h.tp_nsec);
                if let Some((src, dst, state)) = parse_bfd(data) {
                    packets += 1;
                    let f = flows.entry((src, dst)).or_default();
                    if f.packets == 0 {
                        f.first_ns = ts;
                    } else if f.last_ns >= warm_until && ts - f.last_ns > f.max_gap_ns {
                        f.max_gap_ns = ts - f.last_ns;
                        f.max_gap_at_ns = ts;
                    }
                    f.packets += 1;
                    f.last_ns = ts;
                    f.last_state = state;
                }
                if h.tp_next_offset == 0 {
                    break;
                }
                off += h.tp_next_offset as usize;
            }
            std::ptr::write_volatile(&mut (*desc).hdr.bh1.block_status, libc::TP_STATUS_KERNEL);
        }
        block = (block + 1) % BLOCKS;
    }
    let elapsed = start.elapsed().as_secs_f64();
    // SAFETY: tpacket_stats_v3 is plain data; size passed in/out.
    let mut st: libc::tpacket_stats_v3 = unsafe { mem::zeroed() };
    let mut sl = mem::size_of::<libc::tpacket_stats_v3>() as libc::socklen_t;
    unsafe {
        libc::getsockopt(
            fd,
            libc::SOL_PACKET,
            libc::PACKET_STATISTICS,
            &mut st as *mut _ as *mut libc::c_void,
            &mut sl,
        );
        libc::munmap(ring as *mut libc::c_void, ring_len);
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
    // Where in the capture the worst gap ended (diagnoses one-off stalls).
    if let Some(w) = flows.values().max_by_key(|f| f.max_gap_ns) {
        println!(
            "worst_gap_at_s={:.3}",
            (w.max_gap_at_ns - start_real) as f64 / 1e9
        );
    }
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

/// Settling time at the start of a capture (see `warm_until`).
const WARMUP_NS: i128 = 200_000_000;

/// CLOCK_REALTIME now, in ns (the ring's timestamps use that clock).
fn realtime_ns() -> i128 {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    d.as_nanos() as i128
}

/// Keep only IPv4 UDP to port 3784 or 4784 (offsets from the network
/// header, as a SOCK_DGRAM packet socket sees it), cut to SNAP bytes, so the
/// ring holds nothing else.
fn attach_filter(fd: libc::c_int) -> libc::c_int {
    const LD_B_ABS: u16 = (libc::BPF_LD | libc::BPF_B | libc::BPF_ABS) as u16;
    const LDX_MSH: u16 = (libc::BPF_LDX | libc::BPF_B | libc::BPF_MSH) as u16;
    const LD_H_IND: u16 = (libc::BPF_LD | libc::BPF_H | libc::BPF_IND) as u16;
    const AND_K: u16 = (libc::BPF_ALU | libc::BPF_AND | libc::BPF_K) as u16;
    const JEQ_K: u16 = (libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K) as u16;
    const RET_K: u16 = (libc::BPF_RET | libc::BPF_K) as u16;
    let ins = |code, jt, jf, k| libc::sock_filter { code, jt, jf, k };
    let prog = [
        ins(LD_B_ABS, 0, 0, 0), // A = version/IHL byte
        ins(AND_K, 0, 0, 0xf0), // A = version << 4
        ins(JEQ_K, 0, 7, 0x40), // IPv4, else drop
        ins(LD_B_ABS, 0, 0, 9), // A = protocol
        ins(JEQ_K, 0, 5, 17),   // UDP, else drop
        ins(LDX_MSH, 0, 0, 0),  // X = IP header length
        ins(LD_H_IND, 0, 0, 2), // A = UDP destination port
        ins(JEQ_K, 1, 0, 3784), // single-hop
        ins(JEQ_K, 0, 1, 4784), // multihop, else drop
        ins(RET_K, 0, 0, SNAP as u32),
        ins(RET_K, 0, 0, 0),
    ];
    let fprog = libc::sock_fprog {
        len: prog.len() as u16,
        filter: prog.as_ptr() as *mut libc::sock_filter,
    };
    setopt(fd, libc::SOL_SOCKET, libc::SO_ATTACH_FILTER, &fprog)
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
