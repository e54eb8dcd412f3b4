//! IPv4 echo as FRR's bfdd sends it on Linux: a complete IPv4/UDP datagram
//! whose source and destination are both our own address, which the data
//! path hands to the peer's MAC (a packet socket) so that the peer's kernel
//! forwards it straight back; it returns with TTL 254 and our own source
//! address, which our IP stack would drop as martian, so it is read from the
//! packet socket too. Building and checking those datagrams (header and UDP
//! checksums, TTL, ports) is pure and lives here.

use std::net::Ipv4Addr;

use super::{ECHO_LEN, ECHO_PORT, ECHO_TTL};

const IP_HEADER_LEN: usize = 20;
const UDP_HEADER_LEN: usize = 8;
/// An echo datagram as we build it: IPv4 header, UDP header, payload.
pub const IPV4_FRAME_LEN: usize = IP_HEADER_LEN + UDP_HEADER_LEN + ECHO_LEN;
/// IP precedence "internetwork control", as FRR marks echo.
const TOS_INTERNETWORK_CONTROL: u8 = 0xc0;
const PROTO_UDP: u8 = 17;

/// Why a datagram read from the packet socket is not an echo datagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameError {
    /// Not IPv4, header or datagram shorter than it says, or a fragment.
    Malformed,
    /// The IPv4 header checksum is wrong.
    BadIpChecksum,
    /// Not UDP to port 3785.
    NotEcho,
    /// The UDP checksum is wrong.
    BadUdpChecksum,
}

/// A whole echo datagram from `local` to itself carrying `payload`, with IP
/// identification `id`.
pub fn build_ipv4_frame(
    local: Ipv4Addr,
    payload: &[u8; ECHO_LEN],
    id: u16,
) -> [u8; IPV4_FRAME_LEN] {
    let mut f = [0u8; IPV4_FRAME_LEN];
    let total = IPV4_FRAME_LEN as u16;
    f[0] = 0x45;
    f[1] = TOS_INTERNETWORK_CONTROL;
    f[2..4].copy_from_slice(&total.to_be_bytes());
    f[4..6].copy_from_slice(&id.to_be_bytes());
    f[8] = ECHO_TTL;
    f[9] = PROTO_UDP;
    f[12..16].copy_from_slice(&local.octets());
    f[16..20].copy_from_slice(&local.octets());
    let sum = checksum(&[&f[..IP_HEADER_LEN]], 0);
    f[10..12].copy_from_slice(&sum.to_be_bytes());
    let udp_len = (UDP_HEADER_LEN + ECHO_LEN) as u16;
    let u = IP_HEADER_LEN;
    f[u..u + 2].copy_from_slice(&ECHO_PORT.to_be_bytes());
    f[u + 2..u + 4].copy_from_slice(&ECHO_PORT.to_be_bytes());
    f[u + 4..u + 6].copy_from_slice(&udp_len.to_be_bytes());
    f[u + UDP_HEADER_LEN..].copy_from_slice(payload);
    let sum = udp_checksum(local, local, &f[u..]);
    f[u + 6..u + 8].copy_from_slice(&sum.to_be_bytes());
    f
}

/// What a received echo datagram holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ipv4Echo<'a> {
    pub src: Ipv4Addr,
    pub dst: Ipv4Addr,
    pub ttl: u8,
    pub payload: &'a [u8],
}

/// Check an IPv4 datagram (from its IP header on) and find its echo payload.
pub fn parse_ipv4_frame(data: &[u8]) -> Result<Ipv4Echo<'_>, FrameError> {
    if data.len() < IP_HEADER_LEN || data[0] >> 4 != 4 {
        return Err(FrameError::Malformed);
    }
    let ihl = usize::from(data[0] & 0x0f) * 4;
    let total = usize::from(u16::from_be_bytes([data[2], data[3]]));
    if ihl < IP_HEADER_LEN || total < ihl + UDP_HEADER_LEN || total > data.len() {
        return Err(FrameError::Malformed);
    }
    // More-fragments flag or a fragment offset: never an echo of ours.
    if u16::from_be_bytes([data[6], data[7]]) & 0x3fff != 0 {
        return Err(FrameError::Malformed);
    }
    if checksum(&[&data[..ihl]], 0) != 0 {
        return Err(FrameError::BadIpChecksum);
    }
    if data[9] != PROTO_UDP {
        return Err(FrameError::NotEcho);
    }
    let udp = &data[ihl..total];
    if u16::from_be_bytes([udp[2], udp[3]]) != ECHO_PORT {
        return Err(FrameError::NotEcho);
    }
    let udp_len = usize::from(u16::from_be_bytes([udp[4], udp[5]]));
    if udp_len < UDP_HEADER_LEN || udp_len > udp.len() {
        return Err(FrameError::Malformed);
    }
    let udp = &udp[..udp_len];
    let src = Ipv4Addr::new(data[12], data[13], data[14], data[15]);
    let dst = Ipv4Addr::new(data[16], data[17], data[18], data[19]);
    // A zero UDP checksum means "none" over IPv4.
    if u16::from_be_bytes([udp[6], udp[7]]) != 0 && udp_checksum(src, dst, udp) != 0 {
        return Err(FrameError::BadUdpChecksum);
    }
    Ok(Ipv4Echo {
        src,
        dst,
        ttl: data[8],
        payload: &udp[UDP_HEADER_LEN..],
    })
}

/// The UDP checksum over the IPv4 pseudo-header and `udp` (header with its
/// checksum field as it is: zero to compute one, the sent value to verify,
/// which then sums to zero).
fn udp_checksum(src: Ipv4Addr, dst: Ipv4Addr, udp: &[u8]) -> u16 {
    let len = (udp.len() as u16).to_be_bytes();
    let pseudo = [0, PROTO_UDP, len[0], len[1]];
    let sum = checksum(&[&src.octets(), &dst.octets(), &pseudo, udp], 0);
    // RFC 768: a computed zero is sent as all ones.
    if sum == 0 && udp[6..8] == [0, 0] {
        0xffff
    } else {
        sum
    }
}

/// The Internet checksum (RFC 1071) over the concatenation of `parts`, each
/// of even length except possibly the last.
fn checksum(parts: &[&[u8]], initial: u32) -> u16 {
    let mut sum = initial;
    for part in parts {
        let mut chunks = part.chunks_exact(2);
        for c in &mut chunks {
            sum += u32::from(u16::from_be_bytes([c[0], c[1]]));
        }
        if let [last] = chunks.remainder() {
            sum += u32::from(*last) << 8;
        }
    }
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::echo::encode;

    fn frame() -> [u8; IPV4_FRAME_LEN] {
        build_ipv4_frame(Ipv4Addr::new(10, 0, 0, 1), &encode(42, (1, 2)), 0x1234)
    }

    #[test]
    fn built_frame_parses_back() {
        let f = frame();
        let e = parse_ipv4_frame(&f).unwrap();
        assert_eq!(e.src, Ipv4Addr::new(10, 0, 0, 1));
        assert_eq!(e.dst, e.src);
        assert_eq!(e.ttl, 255);
        assert_eq!(crate::echo::parse(e.payload), Ok((42, (1, 2))));
        assert_eq!(f[1], 0xc0);
        assert_eq!(&f[20..24], &[0x0e, 0xc9, 0x0e, 0xc9]);
    }

    #[test]
    fn forwarded_frame_still_parses() {
        // The peer's kernel decrements TTL and patches the header checksum.
        let mut f = frame();
        f[8] -= 1;
        f[10..12].copy_from_slice(&[0, 0]);
        let sum = checksum(&[&f[..20]], 0);
        f[10..12].copy_from_slice(&sum.to_be_bytes());
        assert_eq!(parse_ipv4_frame(&f).unwrap().ttl, 254);
    }

    #[test]
    fn rejects_corruption() {
        let mut f = frame();
        f[30] ^= 1;
        assert_eq!(parse_ipv4_frame(&f), Err(FrameError::BadUdpChecksum));
        let mut f = frame();
        f[8] = 1;
        assert_eq!(parse_ipv4_frame(&f), Err(FrameError::BadIpChecksum));
        let f = frame();
        assert_eq!(parse_ipv4_frame(&f[..30]), Err(FrameError::Malformed));
        let mut f = frame();
        f[0] = 0x65;
        assert_eq!(parse_ipv4_frame(&f), Err(FrameError::Malformed));
        assert_eq!(parse_ipv4_frame(&[]), Err(FrameError::Malformed));
    }

    #[test]
    fn random_bytes_never_panic() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand::rngs::SmallRng::seed_from_u64(5);
        let good = frame();
        for i in 0..20_000 {
            // Half random noise, half our frame with a few bytes flipped.
            let mut b: Vec<u8> = if i % 2 == 0 {
                (0..rng.gen_range(0..80)).map(|_| rng.gen()).collect()
            } else {
                good.to_vec()
            };
            for _ in 0..rng.gen_range(0..4) {
                if !b.is_empty() {
                    let k = rng.gen_range(0..b.len());
                    b[k] = rng.gen();
                }
            }
            if let Ok(e) = parse_ipv4_frame(&b) {
                assert!(e.payload.len() <= b.len());
            }
        }
    }

    #[test]
    fn rfc1071_example() {
        // RFC 1071 §3 example words sum to 0xddf2 (checksum 0x220d).
        let b = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];
        assert_eq!(checksum(&[&b], 0), !0xddf2);
    }
}
