//! Fuzz target for the BFD Control packet codec and authentication: any input
//! must parse or fail without panicking; whatever parses must re-encode
//! (plain, and signed with each auth type under a fixed key) to bytes that
//! parse back to the same packet and verify; verifying the raw input against a
//! fixed key must never panic.
#![no_main]

use bfd::auth::{AuthKey, AuthState, AuthType};
use bfd::packet::{parse, MAX_LEN, MIN_LEN};
use libfuzzer_sys::fuzz_target;

const SECRET: &[u8] = b"fuzz-key";

fuzz_target!(|data: &[u8]| {
    let Ok(p) = parse(data) else {
        return;
    };
    assert!(p.length as usize <= data.len());
    assert_eq!(p.auth.is_some(), p.auth_present);

    let mut buf = [0u8; MAX_LEN];
    if !p.auth_present {
        let n = p.encode(&mut buf);
        let mut expect = p;
        expect.length = MIN_LEN as u8;
        assert_eq!(parse(&buf[..n]), Ok(expect));
    }

    for t in AuthType::ALL {
        let key = AuthKey::new(t, 1, SECRET).expect("fixed key is valid");
        // Outside bytes against a session key: any result, no panic.
        let mut session = AuthState::new(key.clone(), 0);
        let _ = session.verify(data, &p);

        // Our own signature over the parsed packet must round-trip.
        let mut tx = AuthState::new(key.clone(), u32::from(p.detect_mult));
        let n = tx.encode(&p, &mut buf);
        let q = parse(&buf[..n]).expect("signed packet parses");
        let mut expect = p;
        expect.auth_present = true;
        expect.length = n as u8;
        expect.auth = q.auth;
        assert_eq!(q, expect);
        let mut rx = AuthState::new(key, 0);
        assert_eq!(rx.verify(&buf[..n], &q), Ok(()));
    }
});
