//! Looking at BFD Control packets on the wire with tshark inside a
//! namespace: a short live capture (capture filter on the BFD ports) whose
//! packets are dissected into the fields the tests check, so a flag such as
//! C (Control Plane Independent) is read by an outside implementation.

use crate::netns::Netns;
use std::net::IpAddr;
use std::time::Duration;

/// One dissected BFD Control packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BfdPacket {
    pub src: IpAddr,
    pub dst: IpAddr,
    /// The C bit.
    pub cbit: bool,
    /// RFC 5880 state (0 AdminDown, 1 Down, 2 Init, 3 Up).
    pub state: u8,
    pub detect_mult: u8,
    pub diag: u8,
    /// The P, F, A and D bits.
    pub poll: bool,
    pub final_: bool,
    pub auth: bool,
    pub demand: bool,
    /// Intervals as on the wire, microseconds.
    pub desired_min_tx: u32,
    pub required_min_rx: u32,
    pub required_min_echo_rx: u32,
}

fn tshark_capture(
    ns: &Netns,
    dev: &str,
    count: u32,
    max: Duration,
) -> Result<Vec<BfdPacket>, String> {
    let secs = max.as_secs().max(1).to_string();
    let out = ns.exec(&[
        "timeout",
        &(max.as_secs() + 20).to_string(),
        "tshark",
        "-n",
        "-l",
        "-i",
        dev,
        "-f",
        "udp port 3784 or udp port 4784",
        "-c",
        &count.to_string(),
        "-a",
        &format!("duration:{secs}"),
        "-T",
        "fields",
        "-E",
        "separator=,",
        "-e",
        "ip.src",
        "-e",
        "ipv6.src",
        "-e",
        "ip.dst",
        "-e",
        "ipv6.dst",
        "-e",
        "bfd.flags.c",
        "-e",
        "bfd.sta",
        "-e",
        "bfd.detect_time_multiplier",
        "-e",
        "bfd.diag",
        "-e",
        "bfd.flags.p",
        "-e",
        "bfd.flags.f",
        "-e",
        "bfd.flags.a",
        "-e",
        "bfd.flags.d",
        "-e",
        "bfd.desired_min_tx_interval",
        "-e",
        "bfd.required_min_rx_interval",
        "-e",
        "bfd.required_min_echo_interval",
    ])?;
    out.lines()
        .filter(|l| !l.trim().is_empty())
        .map(parse_line)
        .collect()
}

/// Captures up to `count` BFD Control packets (UDP 3784/4784) on `dev` in
/// `ns`, for at most `max` (tshark stops at whichever comes first).
pub fn capture_bfd(
    ns: &Netns,
    dev: &str,
    count: u32,
    max: Duration,
) -> Result<Vec<BfdPacket>, String> {
    if !crate::cmd::have("tshark") {
        return Err("tshark not found: `apt-get install tshark` (it reads the C bit)".into());
    }
    tshark_capture(ns, dev, count, max)
}

fn flag(s: &str) -> Result<bool, String> {
    match s.trim() {
        "1" | "True" | "true" => Ok(true),
        "0" | "False" | "false" => Ok(false),
        other => Err(format!("not a flag value: {other:?}")),
    }
}

/// One `-T fields` line: ip.src,ipv6.src,ip.dst,ipv6.dst,c,state,mult,
/// diag,p,f,a,d,desired min tx,required min rx,required min echo rx.
fn parse_line(line: &str) -> Result<BfdPacket, String> {
    let f: Vec<&str> = line.split(',').collect();
    if f.len() != 15 {
        return Err(format!("unexpected tshark line {line:?}"));
    }
    let addr = |v4: &str, v6: &str| -> Result<IpAddr, String> {
        let s = if v4.is_empty() { v6 } else { v4 };
        s.parse()
            .map_err(|_| format!("bad address {s:?} in {line:?}"))
    };
    let num = |s: &str| -> Result<u8, String> {
        let s = s.trim();
        let v = if let Some(h) = s.strip_prefix("0x") {
            u8::from_str_radix(h, 16)
        } else {
            s.parse()
        };
        v.map_err(|_| format!("bad number {s:?} in {line:?}"))
    };
    let us = |s: &str| -> Result<u32, String> {
        s.trim()
            .parse()
            .map_err(|_| format!("bad interval {s:?} in {line:?}"))
    };
    Ok(BfdPacket {
        src: addr(f[0], f[1])?,
        dst: addr(f[2], f[3])?,
        cbit: flag(f[4])?,
        state: num(f[5])?,
        detect_mult: num(f[6])?,
        diag: num(f[7])?,
        poll: flag(f[8])?,
        final_: flag(f[9])?,
        auth: flag(f[10])?,
        demand: flag(f[11])?,
        desired_min_tx: us(f[12])?,
        required_min_rx: us(f[13])?,
        required_min_echo_rx: us(f[14])?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_field_lines() {
        let p = parse_line("10.200.41.1,,10.200.41.2,,1,0x03,4,0x00,0,1,0,0,300000,200000,50000")
            .unwrap();
        assert_eq!(p.src, "10.200.41.1".parse::<IpAddr>().unwrap());
        assert!(p.cbit);
        assert_eq!(p.state, 3);
        assert_eq!(p.detect_mult, 4);
        assert_eq!((p.diag, p.poll, p.final_), (0, false, true));
        assert_eq!(
            (p.desired_min_tx, p.required_min_rx, p.required_min_echo_rx),
            (300_000, 200_000, 50_000)
        );
        let p =
            parse_line(",fe80::1,,fe80::2,False,1,3,7,False,False,True,False,1000000,1000000,0")
                .unwrap();
        assert_eq!(p.diag, 7);
        assert!(p.auth);
        assert!(!p.cbit);
        assert!(p.src.is_ipv6());
        assert!(parse_line("garbage").is_err());
    }
}
