//! Fuzz target for the ZAPI codec: any bytes fed to the framer (split at a
//! fuzzer-chosen point) and to every message parser, under a fuzzer-chosen FRR
//! version, must decode or fail with a typed error, never panic; whatever
//! decodes must re-encode to bytes that decode to the same message.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zapi::{
    BfdDest, BfdStatusUpdate, Capabilities, Command, Frame, Framer, FrrVersion, Header, Hello,
    Interface, InterfaceAddress, InterfaceVrfUpdate, Message, Replay, Vrf,
};

/// Decoded messages must survive encode + decode unchanged.
fn round_trip(v: FrrVersion, f: &Frame) {
    if let Ok(bytes) = f.encode(v) {
        let again = Frame::decode(v, &bytes).expect("our own encoding decodes");
        assert_eq!(&again, f);
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    let v = FrrVersion::ALL[usize::from(sel) % FrrVersion::ALL.len()];
    let split = usize::from(sel >> 3).min(rest.len());

    // The stream framer, in two reads.
    let mut fr = Framer::new();
    fr.push(&rest[..split]);
    while let Some(r) = fr.next_message(v) {
        if let Ok(f) = r {
            round_trip(v, &f);
        }
    }
    fr.push(&rest[split..]);
    while let Some(r) = fr.next_message(v) {
        if let Ok(f) = r {
            round_trip(v, &f);
        }
    }

    // One whole message.
    let _ = Header::parse(rest);
    if let Ok(f) = Frame::decode(v, rest) {
        round_trip(v, &f);
    }

    // The same bytes as the payload of every command this version knows.
    for cmd in Command::all() {
        let Some(n) = v.number(cmd) else { continue };
        let h = Header {
            length: 0,
            vrf_id: 0,
            command: n,
        };
        if let Ok(m) = Message::decode(v, &h, rest) {
            round_trip(v, &Frame::new(0, m));
        }
    }

    // Each payload parser on its own.
    let _ = BfdDest::parse(rest);
    let _ = BfdStatusUpdate::parse(v)(rest);
    let _ = Replay::parse(v, rest);
    let _ = Interface::parse(v)(rest);
    let _ = InterfaceAddress::parse(rest);
    let _ = InterfaceVrfUpdate::parse(rest);
    let _ = Vrf::parse(rest);
    let _ = Hello::parse(v)(rest);
    let _ = Capabilities::parse(v)(rest);
});
