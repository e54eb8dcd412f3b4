//! Fuzz target for what the echo sockets read: any bytes as an IPv4 echo
//! datagram (packet socket) and as an echo payload must be checked without
//! panicking; a datagram we build from a parsed payload must parse back to
//! it; an endpoint fed the bytes as echo with any TTL and source must count
//! them and never panic.
#![no_main]

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Instant;

use bfd::echo::{build_ipv4_frame, encode, parse, parse_ipv4_frame};
use bfd::endpoint::{EchoMeta, EchoVerdict};
use bfd::{Endpoint, EndpointConfig};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(d) = parse_ipv4_frame(data) {
        assert!(d.payload.len() <= data.len());
        if let Ok((discr, sent)) = parse(d.payload) {
            let f = build_ipv4_frame(d.src, &encode(discr, sent), 7);
            let back = parse_ipv4_frame(&f).expect("our own datagram parses");
            assert_eq!(parse(back.payload), Ok((discr, sent)));
        }
    }
    let mut ep = Endpoint::new(EndpointConfig::default());
    let ttl = data.first().copied().unwrap_or(0);
    let srcs = [
        IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)),
        IpAddr::V6(Ipv6Addr::LOCALHOST),
    ];
    for src in srcs {
        let v = ep.handle_echo(Instant::now(), &EchoMeta {
                src,
                ttl,
                rtt_us: Some(ttl.into()),
            }, data);
        // No session exists: nothing is ever reflected or accepted.
        assert_eq!(v, EchoVerdict::Dropped);
    }
});
