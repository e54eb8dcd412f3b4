//! udp-ceiling: how many 24-byte UDP datagrams per second this machine moves
//! one way across the bench veth, sendmmsg → recvmmsg in batches of 64. It is
//! the denominator for every packets/s figure of the bench.
//!
//! usage: udp-ceiling recv BIND_IP PORT SECONDS      (prints rx_pps=...)
//!        udp-ceiling send SRC_IP DST_IP PORT SECONDS (prints tx_pps=...)

use std::net::{SocketAddr, UdpSocket};
use std::os::fd::AsRawFd;
use std::process::ExitCode;
use std::time::{Duration, Instant};

const BATCH: usize = 64;
const LEN: usize = 24;

fn main() -> ExitCode {
    let a: Vec<String> = std::env::args().collect();
    let r = match a.get(1).map(String::as_str) {
        Some("recv") if a.len() == 5 => recv(&a[2], &a[3], &a[4]),
        Some("send") if a.len() == 6 => send(&a[2], &a[3], &a[4], &a[5]),
        _ => Err(std::io::Error::other(
            "usage: udp-ceiling recv BIND PORT SECS | send SRC DST PORT SECS",
        )),
    };
    match r {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("udp-ceiling: {e}");
            ExitCode::FAILURE
        }
    }
}

fn secs(s: &str) -> std::io::Result<Duration> {
    s.parse::<f64>()
        .map(Duration::from_secs_f64)
        .map_err(|_| std::io::Error::other("SECONDS must be a number"))
}

fn addr(ip: &str, port: &str) -> std::io::Result<SocketAddr> {
    format!("{ip}:{port}")
        .parse()
        .map_err(|_| std::io::Error::other("bad address"))
}

/// Fill `hdrs` so each entry points at its own iovec over `bufs`.
fn headers(
    bufs: &mut [[u8; 256]],
    iovs: &mut [libc::iovec],
    hdrs: &mut [libc::mmsghdr],
    len: usize,
) {
    for i in 0..hdrs.len() {
        iovs[i].iov_base = bufs[i].as_mut_ptr() as *mut libc::c_void;
        iovs[i].iov_len = len;
        hdrs[i].msg_hdr.msg_iov = &mut iovs[i];
        hdrs[i].msg_hdr.msg_iovlen = 1;
    }
}

fn recv(ip: &str, port: &str, s: &str) -> std::io::Result<()> {
    let dur = secs(s)?;
    let sock = UdpSocket::bind(addr(ip, port)?)?;
    sock.set_read_timeout(Some(Duration::from_millis(200)))?;
    let mut bufs = vec![[0u8; 256]; BATCH];
    // SAFETY: zeroed C structs are valid.
    let mut iovs: Vec<libc::iovec> = vec![unsafe { std::mem::zeroed() }; BATCH];
    let mut hdrs: Vec<libc::mmsghdr> = vec![unsafe { std::mem::zeroed() }; BATCH];
    let mut got: u64 = 0;
    let mut start: Option<Instant> = None;
    let deadline = Instant::now() + dur + Duration::from_secs(5);
    while Instant::now() < deadline {
        if start.is_some_and(|t| t.elapsed() >= dur) {
            break;
        }
        headers(&mut bufs, &mut iovs, &mut hdrs, 256);
        // SAFETY: headers point into live buffers.
        let n = unsafe {
            libc::recvmmsg(
                sock.as_raw_fd(),
                hdrs.as_mut_ptr(),
                BATCH as libc::c_uint,
                libc::MSG_WAITFORONE,
                std::ptr::null_mut(),
            )
        };
        if n > 0 {
            start.get_or_insert_with(Instant::now);
            got += n as u64;
        }
    }
    let el = start.map_or(0.0, |t| t.elapsed().as_secs_f64());
    let pps = if el > 0.0 { got as f64 / el } else { 0.0 };
    println!("rx_packets={got}\nrx_pps={pps:.0}");
    Ok(())
}

fn send(src: &str, dst: &str, port: &str, s: &str) -> std::io::Result<()> {
    let dur = secs(s)?;
    let sock = UdpSocket::bind(addr(src, "0")?)?;
    sock.connect(addr(dst, port)?)?;
    let mut bufs = vec![[0u8; 256]; BATCH];
    // SAFETY: zeroed C structs are valid.
    let mut iovs: Vec<libc::iovec> = vec![unsafe { std::mem::zeroed() }; BATCH];
    let mut hdrs: Vec<libc::mmsghdr> = vec![unsafe { std::mem::zeroed() }; BATCH];
    headers(&mut bufs, &mut iovs, &mut hdrs, LEN);
    let mut sent: u64 = 0;
    let start = Instant::now();
    while start.elapsed() < dur {
        // SAFETY: headers point into live buffers; the socket is connected.
        let n = unsafe {
            libc::sendmmsg(
                sock.as_raw_fd(),
                hdrs.as_mut_ptr(),
                BATCH as libc::c_uint,
                0,
            )
        };
        if n > 0 {
            sent += n as u64;
        }
    }
    let pps = sent as f64 / start.elapsed().as_secs_f64();
    println!("tx_packets={sent}\ntx_pps={pps:.0}");
    Ok(())
}
