//! Randomized robustness: arbitrary and mutated bytes through the framer and
//! every parser under every version must never panic, and whatever decodes
//! must re-encode to bytes that decode to the same message. Fixed seed and a
//! bounded number of cases, so the test is deterministic.

use zapi::{Frame, Framer, FrrVersion, Header, Message, Replay};

/// xorshift64*: small deterministic generator, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

fn seeds() -> Vec<Vec<u8>> {
    let v = FrrVersion::V8_4;
    let d = zapi::BfdDest {
        pid: 1,
        dst: "2001:db8::1".parse().unwrap(),
        min_rx: 300,
        min_tx: 300,
        detect_mult: 3,
        multihop: false,
        src: "2001:db8::2".parse().unwrap(),
        hops: 1,
        ifname: "eth0".into(),
        cbit: false,
        profile: "p".into(),
    };
    vec![
        Message::BfdDestRegister(d.clone()).encode(v, 0).unwrap(),
        Message::BfdDestReplay(Some(Replay::Register(d)))
            .encode(v, 0)
            .unwrap(),
        Message::BfdDestReplay(Some(Replay::ClientDeregister { pid: 3 }))
            .encode(v, 0)
            .unwrap(),
        Message::InterfaceAdd(zapi::Interface {
            name: "lo".into(),
            hw_addr: vec![1, 2, 3],
            ..Default::default()
        })
        .encode(v, 0)
        .unwrap(),
        Message::Hello(zapi::Hello::bfdd(v)).encode(v, 0).unwrap(),
    ]
}

/// Decode `bytes` as one message under `v`; if it decodes, its encoding must
/// decode to the same frame. True when a typed (non-Unknown) message decoded.
fn check_one(v: FrrVersion, bytes: &[u8]) -> bool {
    let Ok(f) = Frame::decode(v, bytes) else {
        return false;
    };
    let Ok(enc) = f.encode(v) else {
        return false;
    };
    let again = Frame::decode(v, &enc).expect("our own encoding decodes");
    assert_eq!(again, f);
    f.message.command().is_some()
}

#[test]
fn random_and_mutated_input_never_panics() {
    let mut rng = Rng(0x005E_ED0F_B0DD);
    let seeds = seeds();
    let mut typed = 0;
    for case in 0..4000 {
        let v = FrrVersion::ALL[case % FrrVersion::ALL.len()];
        let mut b = if case % 3 == 0 {
            let n = rng.below(120);
            rng.bytes(n)
        } else {
            seeds[rng.below(seeds.len())].clone()
        };
        // Mutate a few bytes, keeping a valid-looking header half the time.
        for _ in 0..rng.below(6) {
            if !b.is_empty() {
                let at = rng.below(b.len());
                b[at] = rng.next() as u8;
            }
        }
        if case % 2 == 0 && b.len() >= 10 {
            b[2] = 0xFE;
            b[3] = 6;
            let len = b.len().min(16384) as u16;
            b[0..2].copy_from_slice(&len.to_be_bytes());
            if case % 4 == 0 {
                // Any command number of this version, so typed parsers run.
                b[8..10].copy_from_slice(&(rng.below(140) as u16).to_be_bytes());
            }
        }
        typed += usize::from(check_one(v, &b));
        if let Ok(h) = Header::parse(&b) {
            let end = usize::from(h.length).min(b.len());
            let _ = Message::decode(v, &h, &b[10.min(end)..end]);
        }
        let mut fr = Framer::new();
        let split = rng.below(b.len() + 1);
        fr.push(&b[..split]);
        while fr.next_message(v).is_some() {}
        fr.push(&b[split..]);
        while fr.next_message(v).is_some() {}
    }
    // The mutations must still reach the typed parsers, or this tests little.
    assert!(typed > 400, "only {typed} typed messages decoded");
}
