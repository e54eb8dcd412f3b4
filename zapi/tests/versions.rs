//! The per-release numbering (reference §1.3), route type (§1.4) and the
//! per-version HELLO / CAPABILITIES / status layouts.

use std::net::{IpAddr, Ipv6Addr};

use zapi::{
    BfdStatus, BfdStatusUpdate, Capabilities, Command, Frame, FrrVersion, Hello, Message, ZapiError,
};

use Command as C;
use FrrVersion as F;

/// Expected numbers: [8.4 (=9.0), 9.1, 10.0 (=10.1), 10.2+]; None = absent.
fn expected() -> Vec<(Command, [Option<u16>; 4])> {
    let s = |a, b, c, d| [Some(a), Some(b), Some(c), Some(d)];
    vec![
        (C::InterfaceAdd, s(0, 0, 0, 0)),
        (C::InterfaceDelete, s(1, 1, 1, 1)),
        (C::InterfaceAddressAdd, s(2, 2, 2, 2)),
        (C::InterfaceAddressDelete, s(3, 3, 3, 3)),
        (C::InterfaceUp, s(4, 4, 4, 4)),
        (C::InterfaceDown, s(5, 5, 5, 5)),
        (C::InterfaceSetMaster, s(6, 6, 6, 6)),
        (C::InterfaceSetArp, [None, None, Some(7), Some(7)]),
        (C::InterfaceSetProtodown, s(7, 7, 8, 8)),
        (C::RouterIdAdd, s(15, 15, 16, 16)),
        (C::RouterIdDelete, s(16, 16, 17, 17)),
        (C::RouterIdUpdate, s(17, 17, 18, 18)),
        (C::Hello, s(18, 18, 19, 19)),
        (C::Capabilities, s(19, 19, 20, 20)),
        (C::InterfaceNbrAddressAdd, s(23, 23, 24, 24)),
        (C::InterfaceNbrAddressDelete, s(24, 24, 25, 25)),
        (C::InterfaceBfdDestUpdate, s(25, 25, 26, 26)),
        (C::BfdDestRegister, s(26, 26, 27, 27)),
        (C::BfdDestDeregister, s(27, 27, 28, 28)),
        (C::BfdDestUpdate, s(28, 28, 29, 29)),
        (C::BfdDestReplay, s(29, 29, 30, 30)),
        (C::VrfUnregister, [Some(32), Some(32), Some(33), None]),
        (C::VrfAdd, s(33, 33, 34, 33)),
        (C::VrfDelete, s(34, 34, 35, 34)),
        (C::VrfLabel, s(35, 35, 36, 35)),
        (C::InterfaceVrfUpdate, [Some(36), None, None, None]),
        (C::BfdClientRegister, s(37, 36, 37, 36)),
        (C::BfdClientDeregister, s(38, 37, 38, 37)),
        (C::InterfaceLinkParams, s(42, 41, 42, 41)),
        (C::Error, s(118, 117, 118, 120)),
        (C::ClientCapabilities, s(119, 118, 119, 121)),
        (C::ClientCloseNotify, s(125, 124, 125, 127)),
    ]
}

fn column(v: FrrVersion) -> usize {
    match v {
        F::V8_4 | F::V9_0 => 0,
        F::V9_1 => 1,
        F::V10_0 => 2,
        F::V10_2 | F::V10_3 | F::V10_6 => 3,
    }
}

#[test]
fn every_row_of_the_numbering_table() {
    let rows = expected();
    assert_eq!(
        rows.len(),
        Command::all().count(),
        "table covers every command"
    );
    for v in F::ALL {
        for (cmd, nums) in &rows {
            let want = nums[column(v)];
            assert_eq!(v.number(*cmd), want, "{cmd} on {v}");
            if let Some(n) = want {
                assert_eq!(v.command(n), Some(*cmd), "reverse of {n} on {v}");
            }
        }
    }
}

#[test]
fn numbers_are_unique_per_version() {
    for v in F::ALL {
        let mut seen = std::collections::HashSet::new();
        for c in Command::all() {
            if let Some(n) = v.number(c) {
                assert!(seen.insert(n), "{n} used twice on {v}");
            }
        }
    }
}

#[test]
fn unknown_numbers_map_to_nothing() {
    assert_eq!(F::V8_4.command(136), None);
    assert_eq!(F::V8_4.command(u16::MAX), None);
    assert_eq!(F::V9_1.command(38), None); // 8.4's CLIENT_DEREGISTER slot
}

#[test]
fn route_type_bfd() {
    for v in F::ALL {
        let want = if v >= F::V10_0 { 26 } else { 25 };
        assert_eq!(v.route_type_bfd(), want, "{v}");
    }
}

#[test]
fn version_strings() {
    let cases = [
        ("8.4", F::V8_4),
        ("8.4.4", F::V8_4),
        ("8.5", F::V8_4),
        ("frr-9.0", F::V9_0),
        ("9.1", F::V9_1),
        ("10.0", F::V10_0),
        ("10.1", F::V10_0),
        ("10.2", F::V10_2),
        ("10.3", F::V10_3),
        ("10.5.1", F::V10_3),
        ("10.6", F::V10_6),
    ];
    for (s, v) in cases {
        assert_eq!(s.parse::<FrrVersion>(), Ok(v), "{s}");
    }
    for bad in ["", "8", "7.5", "10.7", "x.y", "9.1.z"] {
        assert!(bad.parse::<FrrVersion>().is_err(), "{bad}");
    }
    for v in F::ALL {
        assert_eq!(v.to_string().parse::<FrrVersion>(), Ok(v));
    }
    assert_eq!(FrrVersion::default(), F::V8_4);
}

#[test]
fn hello_bytes_per_version() {
    let old = |cmd: u8, proto: u8| {
        vec![
            0, 19, 0xFE, 6, 0, 0, 0, 0, 0, cmd, proto, 0, 0, 0, 0, 0, 0, 0, 0,
        ]
    };
    let new = |cmd: u8, proto: u8| {
        vec![
            0, 18, 0xFE, 6, 0, 0, 0, 0, 0, cmd, proto, 0, 0, 0, 0, 0, 0, 0,
        ]
    };
    for v in F::ALL {
        let want = if v >= F::V10_0 {
            new(19, 26)
        } else {
            old(18, 25)
        };
        let msg = Message::Hello(Hello::bfdd(v));
        assert_eq!(msg.encode(v, 0).unwrap(), want, "{v}");
        assert_eq!(Frame::decode(v, &want).unwrap().message, msg);
    }
    // A non-default HELLO survives a round trip where each field exists.
    let h = Hello {
        proto: 9,
        instance: 3,
        session_id: 77,
        receive_notify: true,
        synchronous: true,
    };
    let b = Message::Hello(h.clone()).encode(F::V8_4, 0).unwrap();
    assert_eq!(
        Frame::decode(F::V8_4, &b).unwrap().message,
        Message::Hello(h.clone())
    );
    let b = Message::Hello(h.clone()).encode(F::V10_0, 0).unwrap();
    let want = Hello {
        receive_notify: false,
        ..h
    };
    assert_eq!(
        Frame::decode(F::V10_0, &b).unwrap().message,
        Message::Hello(want)
    );
}

#[test]
fn capabilities_lengths_and_fields() {
    let caps = Capabilities {
        vrf_backend: 1,
        mpls_enabled: true,
        multipath: 64,
        mlag_role: 2,
        v6_with_v4_nexthop: true,
        graceful_restart: true,
    };
    let cases = [
        (F::V8_4, 10),
        (F::V9_0, 10),
        (F::V9_1, 11),
        (F::V10_0, 11),
        (F::V10_2, 12),
        (F::V10_3, 12),
        (F::V10_6, 9),
    ];
    for (v, len) in cases {
        let b = Message::Capabilities(caps.clone()).encode(v, 0).unwrap();
        assert_eq!(b.len(), 10 + len, "{v}");
        let Message::Capabilities(got) = Frame::decode(v, &b).unwrap().message else {
            panic!("wrong variant");
        };
        assert_eq!(got.vrf_backend, 1);
        assert!(got.mpls_enabled);
        assert_eq!((got.multipath, got.mlag_role), (64, 2));
        assert_eq!(got.v6_with_v4_nexthop, v >= F::V9_1);
        assert_eq!(got.graceful_restart, v >= F::V10_2);
    }
    // 8.4 bytes exactly: u32 backend, u8 mpls, u32 ecmp, u8 role.
    let b = Message::Capabilities(caps).encode(F::V8_4, 0).unwrap();
    assert_eq!(&b[10..], &[0, 0, 0, 1, 1, 0, 0, 0, 64, 2]);
    // A newer zebra's extra bytes are ignored; missing ones are an error.
    let mut longer = b.clone();
    longer.push(1);
    longer[1] += 1;
    assert!(Frame::decode(F::V8_4, &longer).is_ok());
    let mut short = b[..19].to_vec();
    short[1] = 19;
    assert_eq!(Frame::decode(F::V8_4, &short), Err(ZapiError::Truncated));
}

#[test]
fn status_name_only_from_10_3() {
    let mut s = BfdStatusUpdate::new(
        7,
        IpAddr::V6("2001:db8::2".parse::<Ipv6Addr>().unwrap()),
        IpAddr::V6("2001:db8::1".parse::<Ipv6Addr>().unwrap()),
        BfdStatus::Down,
        true,
    );
    s.name = "sbfd1".into();
    let old = Message::InterfaceBfdDestUpdate(s.clone())
        .encode(F::V10_2, 0)
        .unwrap();
    assert_eq!(old.len(), 10 + 45);
    let new = Message::InterfaceBfdDestUpdate(s.clone())
        .encode(F::V10_3, 0)
        .unwrap();
    assert_eq!(new.len(), 10 + 45 + 1 + 5);
    assert_eq!(&new[55..], b"\x05sbfd1");
    assert_eq!(
        Frame::decode(F::V10_3, &new).unwrap().message,
        Message::InterfaceBfdDestUpdate(s.clone())
    );
    // A 10.3 status read as 10.2 has the name left over: refused, not misread.
    assert_eq!(
        Frame::decode(F::V10_2, &new),
        Err(ZapiError::TrailingBytes(6))
    );
    // On the wire for 10.2 the name is dropped.
    s.name.clear();
    assert_eq!(
        Frame::decode(F::V10_2, &old).unwrap().message,
        Message::InterfaceBfdDestUpdate(s)
    );
}

#[test]
fn commands_absent_from_a_version_refuse_to_encode() {
    let m = Message::InterfaceVrfUpdate(zapi::InterfaceVrfUpdate {
        name: "eth0".into(),
        new_vrf_id: 3,
    });
    assert!(m.encode(F::V8_4, 0).is_ok());
    assert_eq!(
        m.encode(F::V9_1, 0),
        Err(ZapiError::NoSuchCommand("ZEBRA_INTERFACE_VRF_UPDATE"))
    );
}

#[test]
fn inner_replay_command_follows_the_version() {
    // 10.2: REPLAY is 30, REGISTER 27, CLIENT_REGISTER 36.
    let m = Message::BfdDestReplay(Some(zapi::Replay::ClientRegister { pid: 5 }));
    let b = m.encode(F::V10_2, 0).unwrap();
    assert_eq!(
        b,
        [0, 18, 0xFE, 6, 0, 0, 0, 0, 0, 30, 0, 0, 0, 36, 0, 0, 0, 5]
    );
    assert_eq!(Frame::decode(F::V10_2, &b).unwrap().message, m);
    // The same bytes under 8.4 are a REPLAY-less unknown command (30 =
    // REDISTRIBUTE_ROUTE_ADD), delivered as Unknown, not an error.
    assert!(matches!(
        Frame::decode(F::V8_4, &b).unwrap().message,
        Message::Unknown { command: 30, .. }
    ));
}
