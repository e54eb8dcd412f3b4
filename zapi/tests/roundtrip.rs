//! Every message encodes and parses back to itself, for IPv4 and IPv6 where
//! addresses occur and under every FRR version, plus the typed errors of
//! malformed payloads.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use zapi::{
    BfdDest, BfdStatus, BfdStatusUpdate, Capabilities, Frame, FrrVersion, Header, Hello, Interface,
    InterfaceAddress, InterfaceVrfUpdate, Message, Replay, Vrf, ZapiError,
};

fn v4(s: &str) -> IpAddr {
    IpAddr::V4(s.parse::<Ipv4Addr>().unwrap())
}

fn v6(s: &str) -> IpAddr {
    IpAddr::V6(s.parse::<Ipv6Addr>().unwrap())
}

fn dest(dst: IpAddr, src: IpAddr) -> BfdDest {
    BfdDest {
        pid: 4242,
        dst,
        min_rx: 50,
        min_tx: 100,
        detect_mult: 5,
        multihop: true,
        src,
        hops: 254,
        ifname: "eth-long-name0".into(),
        cbit: true,
        profile: "fast".into(),
    }
}

fn status(peer: IpAddr, local: IpAddr) -> BfdStatusUpdate {
    BfdStatusUpdate::new(9, peer, local, BfdStatus::AdminDown, true)
}

fn interface() -> Interface {
    Interface {
        name: "enp0s31f6".into(),
        ifindex: 3,
        status: 1,
        flags: 0x11043,
        ptm_enable: 2,
        ptm_status: 2,
        metric: 0,
        speed: 1000,
        txqlen: 1000,
        mtu: 1500,
        mtu6: 1500,
        bandwidth: 0,
        link_ifindex: 0,
        zif_type: 0,
        ll_type: 2,
        hw_addr: vec![0x52, 0x54, 0, 0x12, 0x34, 0x56],
    }
}

/// Messages per address family (`addrs` = (peer, local)).
fn messages(peer: IpAddr, local: IpAddr) -> Vec<Message> {
    let d = dest(peer, local);
    let s = status(peer, local);
    let a = InterfaceAddress {
        ifindex: 3,
        flags: 2,
        addr: local,
        prefixlen: 24,
        dest: Some(peer),
    };
    let a0 = InterfaceAddress {
        dest: None,
        ..a.clone()
    };
    vec![
        Message::BfdDestRegister(d.clone()),
        Message::BfdDestDeregister(d.clone()),
        Message::BfdDestUpdate(d.clone()),
        Message::InterfaceBfdDestUpdate(s.clone()),
        Message::BfdDestReplay(Some(Replay::Register(d.clone()))),
        Message::BfdDestReplay(Some(Replay::Update(d.clone()))),
        Message::BfdDestReplay(Some(Replay::Deregister(d))),
        Message::BfdDestReplay(Some(Replay::Status(s))),
        Message::InterfaceAddressAdd(a),
        Message::InterfaceAddressDelete(a0),
    ]
}

fn family_free_messages() -> Vec<Message> {
    vec![
        Message::Hello(Hello::bfdd(FrrVersion::V8_4)),
        Message::Capabilities(Capabilities {
            vrf_backend: 0,
            mpls_enabled: false,
            multipath: 16,
            mlag_role: 0,
            v6_with_v4_nexthop: false,
            graceful_restart: false,
        }),
        Message::VrfAdd(Vrf {
            table_id: 1001,
            netns: String::new(),
            name: "blue".into(),
        }),
        Message::VrfDelete(Vrf {
            table_id: 0,
            netns: "ns-red".into(),
            name: "red".into(),
        }),
        Message::InterfaceAddRequest,
        Message::InterfaceDeleteRequest,
        Message::InterfaceAdd(interface()),
        Message::InterfaceDelete(interface()),
        Message::InterfaceUp(interface()),
        Message::InterfaceDown(Interface {
            hw_addr: vec![],
            ..interface()
        }),
        Message::BfdClientRegister { pid: 1 },
        Message::BfdClientDeregister { pid: u32::MAX },
        Message::BfdDestReplay(None),
        Message::BfdDestReplay(Some(Replay::Request)),
        Message::BfdDestReplay(Some(Replay::ClientRegister { pid: 77 })),
        Message::BfdDestReplay(Some(Replay::ClientDeregister { pid: 78 })),
        Message::BfdDestReplay(Some(Replay::Unknown {
            command: 9999,
            payload: vec![1, 2, 3],
        })),
        Message::RouterIdAdd { afi: 1 },
        Message::RouterIdDelete { afi: 2 },
        Message::Error { code: 3 },
        Message::Unknown {
            command: 8,
            vrf_id: 5,
            payload: vec![0xAA; 7],
        },
    ]
}

/// Per-version adjustments: fields a version does not carry come back zeroed.
fn as_seen_by(v: FrrVersion, m: &Message) -> Message {
    let fix_if = |i: &Interface| Interface {
        txqlen: if v.interface_has_txqlen() {
            i.txqlen
        } else {
            0
        },
        zif_type: if v.interface_has_zif_type() {
            i.zif_type
        } else {
            0
        },
        ..i.clone()
    };
    match m {
        Message::InterfaceAdd(i) => Message::InterfaceAdd(fix_if(i)),
        Message::InterfaceDelete(i) => Message::InterfaceDelete(fix_if(i)),
        Message::InterfaceUp(i) => Message::InterfaceUp(fix_if(i)),
        Message::InterfaceDown(i) => Message::InterfaceDown(fix_if(i)),
        Message::Hello(h) if !v.hello_has_receive_notify() => Message::Hello(Hello {
            receive_notify: false,
            ..h.clone()
        }),
        other => other.clone(),
    }
}

fn round_trip(v: FrrVersion, m: &Message, vrf: u32) {
    let b = m
        .encode(v, vrf)
        .unwrap_or_else(|e| panic!("{v}: {m:?}: {e}"));
    let h = Header::parse(&b).unwrap();
    assert_eq!(usize::from(h.length), b.len());
    let f = Frame::decode(v, &b).unwrap_or_else(|e| panic!("{v}: {m:?}: {e}"));
    let want_vrf = match m {
        Message::Unknown { vrf_id, .. } => *vrf_id,
        _ => vrf,
    };
    assert_eq!(f, Frame::new(want_vrf, as_seen_by(v, m)), "{v}");
    if let Some(c) = m.command() {
        assert_eq!(v.command(h.command), Some(c));
    }
}

#[test]
fn ipv4_messages_round_trip_on_every_version() {
    for v in FrrVersion::ALL {
        for m in messages(v4("192.0.2.2"), v4("192.0.2.1")) {
            round_trip(v, &m, 0);
            round_trip(v, &m, 12);
        }
    }
}

#[test]
fn ipv6_messages_round_trip_on_every_version() {
    for v in FrrVersion::ALL {
        for m in messages(v6("2001:db8::2"), v6("fe80::1")) {
            round_trip(v, &m, 0);
            round_trip(v, &m, 12);
        }
    }
}

#[test]
fn other_messages_round_trip_on_every_version() {
    for v in FrrVersion::ALL {
        for m in family_free_messages() {
            round_trip(v, &m, 0);
        }
    }
    round_trip(
        FrrVersion::V8_4,
        &Message::InterfaceVrfUpdate(InterfaceVrfUpdate {
            name: "eth1".into(),
            new_vrf_id: 4,
        }),
        2,
    );
}

#[test]
fn register_payload_sizes_match_the_reference() {
    // IPv4 = 30 + n + m, IPv6 = 54 + n + m (n = ifname, m = profile).
    let mut buf = Vec::new();
    dest(v4("10.0.0.2"), v4("10.0.0.1"))
        .encode(&mut buf)
        .unwrap();
    assert_eq!(buf.len(), 30 + 14 + 4);
    buf.clear();
    dest(v6("2001:db8::2"), v6("2001:db8::1"))
        .encode(&mut buf)
        .unwrap();
    assert_eq!(buf.len(), 54 + 14 + 4);
    // Status payload after the inner command: 21 / 45 bytes.
    buf.clear();
    status(v4("10.0.0.2"), v4("10.0.0.1"))
        .encode(FrrVersion::V8_4, &mut buf)
        .unwrap();
    assert_eq!(buf.len(), 21);
    buf.clear();
    status(v6("::2"), v6("::1"))
        .encode(FrrVersion::V8_4, &mut buf)
        .unwrap();
    assert_eq!(buf.len(), 45);
}

#[test]
fn vrf_payload_is_76_bytes_with_host_order_table() {
    let vrf = Vrf {
        table_id: 0x0102_0304,
        netns: String::new(),
        name: "blue".into(),
    };
    let b = Message::VrfAdd(vrf).encode(FrrVersion::V8_4, 7).unwrap();
    assert_eq!(b.len(), 10 + 76);
    assert_eq!(&b[10..14], &0x0102_0304u32.to_ne_bytes());
    assert_eq!(&b[50..54], b"blue");
    assert!(b[54..86].iter().all(|&x| x == 0));
}

#[test]
fn interface_layout_8_4_and_9_1() {
    let i = interface();
    let b84 = Message::InterfaceAdd(i.clone())
        .encode(FrrVersion::V8_4, 0)
        .unwrap();
    let b91 = Message::InterfaceAdd(i.clone())
        .encode(FrrVersion::V9_1, 0)
        .unwrap();
    // 16 name + 4 + 1 + 8 + 1 + 1 + 4 metric + 4 speed + 4*4 + 4 ll + 4 len + 6 hw + 1.
    assert_eq!(b84.len(), 10 + 70);
    assert_eq!(b91.len(), b84.len() + 4);
    assert_eq!(&b84[10..19], b"enp0s31f6");
    // mtu follows speed directly on 8.4, after txqlen on 9.1.
    assert_eq!(&b84[49..53], &1500u32.to_be_bytes());
    assert_eq!(&b91[49..53], &1000u32.to_be_bytes());
}

#[test]
fn interface_tail_is_optional() {
    let b = Message::InterfaceAdd(interface())
        .encode(FrrVersion::V8_4, 0)
        .unwrap();
    // Cut after link_ifindex: still an interface, without ll_type / hw_addr.
    let mut cut = b[..10 + 55].to_vec();
    cut[1] = cut.len() as u8;
    let Message::InterfaceAdd(got) = Frame::decode(FrrVersion::V8_4, &cut).unwrap().message else {
        panic!("wrong variant");
    };
    assert_eq!(got.name, "enp0s31f6");
    assert_eq!((got.ifindex, got.mtu, got.ll_type), (3, 1500, 0));
    assert!(got.hw_addr.is_empty());
    assert!(got.is_up());
    // Cut inside the mandatory part: truncated.
    let mut cut = b[..10 + 40].to_vec();
    cut[1] = cut.len() as u8;
    assert_eq!(
        Frame::decode(FrrVersion::V8_4, &cut),
        Err(ZapiError::Truncated)
    );
}

fn encode_raw(cmd: u16, payload: &[u8]) -> Vec<u8> {
    let mut b = Header {
        length: (10 + payload.len()) as u16,
        vrf_id: 0,
        command: cmd,
    }
    .encode()
    .to_vec();
    b.extend_from_slice(payload);
    b
}

#[test]
fn malformed_bfd_payloads_give_typed_errors() {
    let v = FrrVersion::V8_4;
    let mut good = Vec::new();
    dest(v4("10.0.0.2"), v4("10.0.0.1"))
        .encode(&mut good)
        .unwrap();

    // Bad destination family.
    let mut b = good.clone();
    b[5] = 3;
    assert_eq!(
        Frame::decode(v, &encode_raw(26, &b)),
        Err(ZapiError::BadFamily(3))
    );
    // Source family differs from destination.
    let mut d = dest(v4("10.0.0.2"), v6("::1"));
    assert_eq!(d.encode(&mut Vec::new()), Err(ZapiError::FamilyMismatch));
    d.src = v4("0.0.0.0");
    assert_eq!(d.source(), None);
    let mut b = good.clone();
    b[21] = 10; // source family byte
    b.extend_from_slice(&[0; 12]);
    assert_eq!(
        Frame::decode(v, &encode_raw(26, &b)),
        Err(ZapiError::FamilyMismatch)
    );
    // Interface name of 33 bytes: bfdd drops it.
    let long = BfdDest {
        ifname: "x".repeat(33),
        ..dest(v4("10.0.0.2"), v4("10.0.0.1"))
    };
    assert!(matches!(
        long.encode(&mut Vec::new()),
        Err(ZapiError::FieldTooLong {
            field: "ifname",
            len: 33,
            max: 32
        })
    ));
    let ok = BfdDest {
        ifname: "x".repeat(32),
        profile: "p".repeat(63),
        ..long.clone()
    };
    round_trip(v, &Message::BfdDestRegister(ok.clone()), 0);
    let mut b = Vec::new();
    ok.encode(&mut b).unwrap();
    b[27] = 33;
    b.insert(28, b'x');
    assert!(matches!(
        Frame::decode(v, &encode_raw(26, &b)),
        Err(ZapiError::FieldTooLong {
            field: "ifname",
            ..
        })
    ));
    // Profile of 64 bytes.
    let long = BfdDest {
        profile: "p".repeat(64),
        ..ok.clone()
    };
    assert!(matches!(
        long.encode(&mut Vec::new()),
        Err(ZapiError::FieldTooLong {
            field: "profile",
            len: 64,
            max: 63
        })
    ));
    let mut b = Vec::new();
    ok.encode(&mut b).unwrap();
    let plen_at = b.len() - 64;
    b[plen_at] = 64;
    b.push(b'p');
    assert!(matches!(
        Frame::decode(v, &encode_raw(26, &b)),
        Err(ZapiError::FieldTooLong {
            field: "profile",
            ..
        })
    ));
    // Non-UTF-8 profile: replace "fast" with one invalid byte.
    let mut b = good.clone();
    let n = b.len();
    b.truncate(n - 5);
    b.extend_from_slice(&[1, 0xFF]);
    assert_eq!(
        Frame::decode(v, &encode_raw(26, &b)),
        Err(ZapiError::BadUtf8("profile"))
    );
    // Every truncation of the register is Truncated, never a panic.
    for cut in 0..good.len() {
        assert_eq!(
            Frame::decode(v, &encode_raw(26, &good[..cut])),
            Err(ZapiError::Truncated),
            "cut at {cut}"
        );
    }
    // Extra bytes after a fixed layout.
    let mut b = good.clone();
    b.push(0);
    assert_eq!(
        Frame::decode(v, &encode_raw(26, &b)),
        Err(ZapiError::TrailingBytes(1))
    );
    assert_eq!(
        Frame::decode(v, &encode_raw(37, &[0, 0, 0, 1, 0])),
        Err(ZapiError::TrailingBytes(1))
    );
    assert_eq!(
        Frame::decode(v, &encode_raw(29, &[0, 0, 0, 29, 0])),
        Err(ZapiError::TrailingBytes(1))
    );
    assert_eq!(
        Frame::decode(v, &encode_raw(29, &[0, 0, 1])),
        Err(ZapiError::Truncated)
    );
}

#[test]
fn oversized_encode_is_refused() {
    let m = Message::Unknown {
        command: 100,
        vrf_id: 0,
        payload: vec![0; 16384 - 10 + 1],
    };
    assert_eq!(
        m.encode(FrrVersion::V8_4, 0),
        Err(ZapiError::TooLong(16385))
    );
    let m = Message::Unknown {
        command: 100,
        vrf_id: 0,
        payload: vec![0; 16384 - 10],
    };
    assert_eq!(m.encode(FrrVersion::V8_4, 0).unwrap().len(), 16384);
}

#[test]
fn names_that_do_not_fit_are_refused() {
    let i = Interface {
        name: "sixteen-chars-xx".into(),
        ..interface()
    };
    assert!(matches!(
        Message::InterfaceAdd(i).encode(FrrVersion::V8_4, 0),
        Err(ZapiError::FieldTooLong { max: 15, .. })
    ));
    let vrf = Vrf {
        name: "v".repeat(36),
        ..Vrf::default()
    };
    assert!(matches!(
        Message::VrfAdd(vrf).encode(FrrVersion::V8_4, 0),
        Err(ZapiError::FieldTooLong { max: 35, .. })
    ));
}

#[test]
fn error_names_are_stable() {
    let all = [
        (ZapiError::Truncated, "truncated", false),
        (ZapiError::BadMarker(0), "bad_marker", true),
        (ZapiError::BadVersion(5), "bad_version", true),
        (ZapiError::LengthTooShort(3), "length_too_short", true),
        (ZapiError::TooLong(20000), "too_long", false),
        (ZapiError::BadFamily(7), "bad_family", false),
        (ZapiError::FamilyMismatch, "family_mismatch", false),
        (
            ZapiError::FieldTooLong {
                field: "ifname",
                len: 40,
                max: 32,
            },
            "field_too_long",
            false,
        ),
        (ZapiError::BadUtf8("x"), "bad_utf8", false),
        (ZapiError::TrailingBytes(1), "trailing_bytes", false),
        (ZapiError::NoSuchCommand("X"), "no_such_command", false),
    ];
    for (e, name, fatal) in all {
        assert_eq!(e.name(), name);
        assert_eq!(e.is_fatal(), fatal, "{name}");
        assert!(!e.to_string().is_empty());
    }
}
