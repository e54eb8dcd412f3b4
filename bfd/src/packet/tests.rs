//! Parse/encode tests of the Control packet: every §6.8.6 check, flags,
//! round trips and random input.

use super::*;
use crate::auth::{AuthKey, AuthState};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// A valid Up packet with every flag clear.
fn sample() -> ControlPacket<'static> {
    ControlPacket {
        required_min_rx: 200_000,
        required_min_echo_rx: 50_000,
        ..ControlPacket::plain(State::Up, 0x0102_0304, 0x0506_0708, 300_000)
    }
}

fn sample_bytes() -> [u8; 24] {
    let mut b = [0u8; 24];
    sample().encode(&mut b);
    b
}

/// [P, F, C, A, D, M] as parsed.
fn flags_of(p: &ControlPacket<'_>) -> [bool; 6] {
    [
        p.poll,
        p.final_,
        p.control_plane_independent,
        p.auth_present,
        p.demand,
        p.multipoint,
    ]
}

const FLAG_BITS: [u8; 6] = [0x20, 0x10, 0x08, 0x04, 0x02, 0x01];

fn one_hot(i: usize) -> [bool; 6] {
    let mut f = [false; 6];
    f[i] = true;
    f
}

#[test]
fn encode_is_byte_exact() {
    let mut p = sample();
    p.diag = Diag::PATH_DOWN;
    p.state = State::Init;
    p.poll = true;
    p.demand = true;
    p.detect_mult = 5;
    p.my_discr = 0xdead_beef;
    p.your_discr = 1;
    p.desired_min_tx = 1_000_000;
    p.required_min_rx = 0x0a0b_0c0d;
    p.required_min_echo_rx = 0;
    let mut buf = [0xffu8; 30];
    assert_eq!(p.encode(&mut buf), 24);
    let expected: [u8; 24] = [
        0x25, // version 1, diag 5
        0xa2, // Init (2 << 6) | P | D
        5, 24, //
        0xde, 0xad, 0xbe, 0xef, //
        0, 0, 0, 1, //
        0x00, 0x0f, 0x42, 0x40, // 1 s
        0x0a, 0x0b, 0x0c, 0x0d, //
        0, 0, 0, 0,
    ];
    assert_eq!(&buf[..24], &expected);
    assert_eq!(&buf[24..], &[0xff; 6], "encode wrote past 24 bytes");
}

#[test]
fn round_trip_many() {
    let states = [State::AdminDown, State::Down, State::Init, State::Up];
    let mut n = 0;
    for (si, state) in states.into_iter().enumerate() {
        for diag in 0..32u8 {
            for flags in 0..16u8 {
                let mut p = sample();
                p.state = state;
                p.diag = Diag(diag);
                p.poll = flags & 1 != 0;
                p.final_ = flags & 2 != 0;
                p.control_plane_independent = flags & 4 != 0;
                p.demand = flags & 8 != 0;
                p.detect_mult = 1 + (diag.wrapping_mul(37) ^ flags);
                p.my_discr = u32::MAX - u32::from(diag);
                p.your_discr = if si < 2 && flags & 1 == 0 {
                    0
                } else {
                    u32::from(flags) + 1
                };
                p.desired_min_tx = u32::from(diag) * 1000 + u32::from(flags);
                p.required_min_rx = u32::MAX - u32::from(flags);
                p.required_min_echo_rx = u32::from(diag) << 24;
                let mut buf = [0u8; MAX_LEN];
                let len = p.encode(&mut buf);
                assert_eq!(parse(&buf[..len]), Ok(p));
                n += 1;
            }
        }
    }
    assert_eq!(n, 4 * 32 * 16);
}

#[test]
fn each_flag_bit_parses_alone() {
    for (i, bit) in FLAG_BITS.into_iter().enumerate() {
        let mut b = [0u8; 40];
        b[..24].copy_from_slice(&sample_bytes());
        assert_eq!(b[1] & 0x3f, 0, "sample has no flags");
        b[1] |= bit;
        match bit {
            FLAG_AUTH_PRESENT => {
                // A needs a section: simple, key 1, password "pw".
                b[3] = 29;
                b[24..29].copy_from_slice(&[1, 5, 1, b'p', b'w']);
                let p = parse(&b[..29]).unwrap();
                assert_eq!(flags_of(&p), one_hot(i));
            }
            FLAG_MULTIPOINT => {
                assert_eq!(parse(&b[..24]), Err(PacketError::Multipoint));
            }
            _ => {
                let p = parse(&b[..24]).unwrap();
                assert_eq!(flags_of(&p), one_hot(i), "bit {bit:#04x}");
                assert_eq!(p.state, State::Up);
            }
        }
    }
}

#[test]
fn each_flag_field_encodes_alone() {
    for (i, bit) in FLAG_BITS.into_iter().enumerate() {
        let mut p = sample();
        let f = one_hot(i);
        p.poll = f[0];
        p.final_ = f[1];
        p.control_plane_independent = f[2];
        p.auth_present = f[3];
        p.demand = f[4];
        p.multipoint = f[5];
        let mut b = [0u8; 24];
        p.encode(&mut b);
        assert_eq!(b[1], (State::Up as u8) << 6 | bit, "field {i}");
    }
}

#[test]
fn state_field_extraction() {
    for (bits, state) in [
        (0, State::AdminDown),
        (1, State::Down),
        (2, State::Init),
        (3, State::Up),
    ] {
        let mut b = sample_bytes();
        b[1] = bits << 6;
        assert_eq!(parse(&b).unwrap().state, state);
        assert_eq!(State::from_bits(bits), state);
    }
    // Total: only the two low bits count.
    for v in 0..=255u8 {
        assert_eq!(State::from_bits(v) as u8, v & 3);
    }
}

#[test]
fn diag_and_version_field_extraction() {
    for d in 0..32u8 {
        let mut b = sample_bytes();
        b[0] = 0x20 | d;
        let p = parse(&b).unwrap();
        assert_eq!(p.diag, Diag(d));
        assert_eq!(p.version, 1);
    }
    let mut b = sample_bytes();
    b[0] = 0x20 | 7;
    assert_eq!(parse(&b).unwrap().diag, Diag::ADMINISTRATIVELY_DOWN);
}

#[test]
fn err_too_short() {
    let b = sample_bytes();
    for n in 0..24 {
        assert_eq!(parse(&b[..n]), Err(PacketError::TooShort));
    }
}

#[test]
fn err_bad_version() {
    for v in [0u8, 2, 3, 7] {
        let mut b = sample_bytes();
        b[0] = v << 5;
        assert_eq!(parse(&b), Err(PacketError::BadVersion));
    }
}

#[test]
fn err_bad_length() {
    let mut b = sample_bytes();
    b[3] = 23;
    assert_eq!(parse(&b), Err(PacketError::BadLength));
    b[3] = 0;
    assert_eq!(parse(&b), Err(PacketError::BadLength));
    // With A set the minimum is 26.
    let mut b = [0u8; 40];
    b[..24].copy_from_slice(&sample_bytes());
    b[1] |= FLAG_AUTH_PRESENT;
    b[24..29].copy_from_slice(&[1, 5, 1, b'p', b'w']);
    for len in [24u8, 25] {
        b[3] = len;
        assert_eq!(parse(&b), Err(PacketError::BadLength), "len {len}");
    }
}

#[test]
fn err_length_exceeds_payload_and_trailing_bytes_ignored() {
    let mut b = [0u8; 30];
    b[..24].copy_from_slice(&sample_bytes());
    b[3] = 25;
    assert_eq!(parse(&b[..24]), Err(PacketError::LengthExceedsPayload));
    // Length 24 with 6 trailing bytes: the extra bytes are ignored.
    b[3] = 24;
    b[24..].copy_from_slice(&[9; 6]);
    let p = parse(&b).unwrap();
    assert_eq!(p.length, 24);
    assert_eq!(p.auth, None);
}

#[test]
fn err_zero_detect_mult() {
    let mut b = sample_bytes();
    b[2] = 0;
    assert_eq!(parse(&b), Err(PacketError::ZeroDetectMult));
}

#[test]
fn err_multipoint() {
    let mut b = sample_bytes();
    b[1] |= FLAG_MULTIPOINT;
    assert_eq!(parse(&b), Err(PacketError::Multipoint));
}

#[test]
fn err_zero_my_discr() {
    let mut b = sample_bytes();
    b[4..8].fill(0);
    assert_eq!(parse(&b), Err(PacketError::ZeroMyDiscr));
}

#[test]
fn err_zero_your_discr_depends_on_packet_state() {
    for (state, ok) in [
        (State::AdminDown, true),
        (State::Down, true),
        (State::Init, false),
        (State::Up, false),
    ] {
        let mut b = sample_bytes();
        b[1] = (state as u8) << 6;
        b[8..12].fill(0);
        let r = parse(&b);
        if ok {
            assert_eq!(r.unwrap().your_discr, 0);
        } else {
            assert_eq!(r, Err(PacketError::ZeroYourDiscr), "{state:?}");
        }
    }
}

/// Header with the A bit and the given section, Length covering it.
fn with_section(section: &[u8]) -> ([u8; MAX_LEN], usize) {
    let mut b = [0u8; MAX_LEN];
    b[..24].copy_from_slice(&sample_bytes());
    b[1] |= FLAG_AUTH_PRESENT;
    let len = 24 + section.len();
    b[3] = len as u8;
    b[24..len].copy_from_slice(section);
    (b, len)
}

#[test]
fn err_bad_auth_type() {
    for ty in [0u8, 6, 255] {
        let (b, len) = with_section(&[ty, 4, 1, b'x']);
        assert_eq!(parse(&b[..len]), Err(PacketError::BadAuthType), "type {ty}");
    }
}

#[test]
fn err_bad_auth_len() {
    let mut md5 = [0u8; 24];
    md5[0] = 2;
    md5[1] = 24;
    let mut sha1 = [0u8; 28];
    sha1[0] = 4;
    sha1[1] = 28;
    // Well-formed sections parse.
    for s in [&md5[..], &sha1[..], &[1, 4, 1, b'x'][..]] {
        let (b, len) = with_section(s);
        assert!(parse(&b[..len]).is_ok());
    }
    let mut password = [b'p'; 20];
    password[0] = 1;
    password[2] = 1;
    // Simple: 3 (empty password) and 20 (17 bytes) are out of range.
    for auth_len in [3u8, 20] {
        password[1] = auth_len;
        let (b, len) = with_section(&password[..auth_len as usize]);
        assert_eq!(parse(&b[..len]), Err(PacketError::BadAuthLen));
    }
    for ty in [2u8, 3] {
        for auth_len in [23u8, 25, 28] {
            let mut s = md5;
            s[0] = ty;
            s[1] = auth_len;
            let (b, len) = with_section(&s);
            assert_eq!(parse(&b[..len]), Err(PacketError::BadAuthLen));
        }
    }
    for ty in [4u8, 5] {
        for auth_len in [24u8, 27, 29] {
            let mut s = sha1;
            s[0] = ty;
            s[1] = auth_len;
            let (b, len) = with_section(&s);
            assert_eq!(parse(&b[..len]), Err(PacketError::BadAuthLen));
        }
    }
    // Auth Len runs past the Length field, even with bytes after it.
    let (mut b, len) = with_section(&md5);
    b[3] = (len - 1) as u8;
    assert_eq!(parse(&b[..len]), Err(PacketError::BadAuthLen));
    let (mut b, _) = with_section(&[1, 6, 1, b'a', b'b', b'c']);
    b[3] = 27;
    assert_eq!(parse(&b), Err(PacketError::BadAuthLen));
}

#[test]
fn err_auth_presence() {
    let (b, len) = with_section(&[1, 4, 1, b'x']);
    let with_a = parse(&b[..len]).unwrap();
    let plain = sample_bytes();
    let without_a = parse(&plain).unwrap();
    assert_eq!(
        check_auth_presence(&with_a, false),
        Err(PacketError::AuthUnexpected)
    );
    assert_eq!(
        check_auth_presence(&without_a, true),
        Err(PacketError::AuthMissing)
    );
    assert_eq!(check_auth_presence(&with_a, true), Ok(()));
    assert_eq!(check_auth_presence(&without_a, false), Ok(()));
}

#[test]
fn engine_error_variants_count_and_convert() {
    let mut c = RxErrorCounters::new();
    for e in [
        PacketError::TtlInvalid,
        PacketError::NoSession,
        PacketError::NoSession,
        PacketError::from(crate::auth::AuthError::WrongDigest),
    ] {
        c.bump(&e);
    }
    assert_eq!(c.get(&PacketError::TtlInvalid), 1);
    assert_eq!(c.get(&PacketError::NoSession), 2);
    assert_eq!(c.get(&PacketError::AuthFailed), 1);
    assert_eq!(c.get(&PacketError::TooShort), 0);
    assert_eq!(c.total(), 4);
}

#[test]
fn counters_have_stable_unique_names_in_order() {
    let mut names: Vec<&str> = PacketError::ALL.iter().map(|e| e.name()).collect();
    for n in &names {
        assert!(n.chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{n}");
    }
    for (i, e) in PacketError::ALL.iter().enumerate() {
        assert_eq!(e.index(), i, "{e:?} out of order");
    }
    names.sort();
    names.dedup();
    assert_eq!(names.len(), PacketError::COUNT);

    let mut c = RxErrorCounters::default();
    for (i, e) in PacketError::ALL.iter().enumerate() {
        for _ in 0..=i {
            c.bump(e);
        }
    }
    let listed: Vec<(&str, u64)> = c.iter().collect();
    assert_eq!(listed.len(), PacketError::COUNT);
    for (i, (name, n)) in listed.into_iter().enumerate() {
        assert_eq!(name, PacketError::ALL[i].name());
        assert_eq!(n, i as u64 + 1);
    }
}

/// A random packet that `parse` must accept.
fn random_valid(rng: &mut StdRng) -> ControlPacket<'static> {
    let state = State::from_bits(rng.gen());
    let your_discr = if matches!(state, State::Down | State::AdminDown) && rng.gen_bool(0.3) {
        0
    } else {
        rng.gen_range(1..=u32::MAX)
    };
    ControlPacket {
        version: 1,
        diag: Diag(rng.gen_range(0..32)),
        state,
        poll: rng.gen(),
        final_: rng.gen(),
        control_plane_independent: rng.gen(),
        auth_present: false,
        demand: rng.gen(),
        multipoint: false,
        detect_mult: rng.gen_range(1..=255),
        length: 24,
        my_discr: rng.gen_range(1..=u32::MAX),
        your_discr,
        desired_min_tx: rng.gen(),
        required_min_rx: rng.gen(),
        required_min_echo_rx: rng.gen(),
        auth: None,
    }
}

fn random_key(rng: &mut StdRng) -> AuthKey {
    let t = crate::auth::AuthType::ALL[rng.gen_range(0..5)];
    let len = rng.gen_range(1..=t.max_secret_len());
    let mut secret = [0u8; 20];
    rng.fill(&mut secret[..]);
    AuthKey::new(t, rng.gen(), &secret[..len]).unwrap()
}

/// Parse never panics on random or mutated input, and valid packets
/// survive encode → parse unchanged (authenticated ones also verify).
#[test]
fn randomized_robustness() {
    let mut rng = StdRng::seed_from_u64(0x5880_5881);
    let mut buf = [0u8; 80];
    let mut parsed_ok = 0u32;
    for iter in 0..200_000u32 {
        let p = random_valid(&mut rng);
        let len = match iter % 4 {
            // Pure noise, any length.
            0 => {
                rng.fill(&mut buf[..]);
                rng.gen_range(0..=buf.len())
            }
            // Valid unauthenticated packet.
            1 => {
                let len = p.encode(&mut buf);
                assert_eq!(parse(&buf[..len]), Ok(p));
                len
            }
            // Valid authenticated packet.
            _ => {
                let key = random_key(&mut rng);
                let mut tx = AuthState::new(key.clone(), rng.gen());
                let mut rx = AuthState::new(key, 0);
                let len = tx.encode(&p, &mut buf);
                let q = parse(&buf[..len]).unwrap();
                let mut expect = p;
                expect.auth_present = true;
                expect.length = len as u8;
                expect.auth = q.auth;
                assert_eq!(q, expect);
                assert!(q.auth.is_some());
                assert_eq!(rx.verify(&buf[..len], &q), Ok(()));
                len
            }
        };
        // Mutate: flip bits, overwrite bytes, or truncate/extend.
        if iter % 4 != 0 {
            for _ in 0..rng.gen_range(1..4) {
                match rng.gen_range(0..3) {
                    0 => buf[rng.gen_range(0..len)] ^= 1 << rng.gen_range(0..8),
                    1 => buf[rng.gen_range(0..len)] = rng.gen(),
                    _ => {}
                }
            }
        }
        let cut = if iter % 7 == 0 {
            rng.gen_range(0..=buf.len())
        } else {
            len
        };
        if let Ok(q) = parse(&buf[..cut]) {
            parsed_ok += 1;
            assert!(q.length as usize <= cut);
            assert!(q.detect_mult != 0 && q.my_discr != 0 && !q.multipoint);
        }
    }
    assert!(parsed_ok > 10_000, "mutations too destructive: {parsed_ok}");
}
