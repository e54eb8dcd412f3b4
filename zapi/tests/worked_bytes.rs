//! The byte examples of the interface reference (§2.11 and §3.2), FRR 8.4.4:
//! encoding must give exactly these bytes and parsing must give the fields.

use std::net::{IpAddr, Ipv4Addr};

use zapi::{
    BfdDest, BfdStatus, BfdStatusUpdate, Frame, Framer, FrrVersion, Hello, Message, Replay,
};

const V: FrrVersion = FrrVersion::V8_4;

fn hex(s: &str) -> Vec<u8> {
    s.split_whitespace()
        .map(|b| u8::from_str_radix(b, 16).expect("test hex"))
        .collect()
}

fn v4(a: u8, b: u8, c: u8, d: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(a, b, c, d))
}

fn register() -> BfdDest {
    BfdDest {
        pid: 1234,
        dst: v4(192, 0, 2, 2),
        min_rx: 300,
        min_tx: 300,
        detect_mult: 3,
        multihop: false,
        src: v4(192, 0, 2, 1),
        hops: 1,
        ifname: String::new(),
        cbit: false,
        profile: String::new(),
    }
}

fn status_up() -> BfdStatusUpdate {
    BfdStatusUpdate::new(2, v4(192, 0, 2, 2), v4(192, 0, 2, 1), BfdStatus::Up, false)
}

const REGISTER_PAYLOAD: &str = "00 00 04 D2 00 02 C0 00 02 02 00 00 01 2C 00 00 01 2C 03 00 \
                                00 02 C0 00 02 01 01 00 00 00";

/// Encode `msg` with VRF 0, compare with `bytes`, and decode `bytes` back.
fn check(msg: Message, bytes: &[u8]) {
    let enc = msg.encode(V, 0).expect("encodes");
    assert_eq!(enc, bytes, "encoding of {msg:?}");
    let f = Frame::decode(V, bytes).expect("decodes");
    assert_eq!(f, Frame::new(0, msg));
}

#[test]
fn client_register_dest_40_bytes() {
    let b = hex(&format!("00 28 FE 06 00 00 00 00 00 1A {REGISTER_PAYLOAD}"));
    assert_eq!(b.len(), 40);
    check(Message::BfdDestRegister(register()), &b);
}

#[test]
fn zebra_relays_register_44_bytes() {
    let b = hex(&format!(
        "00 2C FE 06 00 00 00 00 00 1D 00 00 00 1A {REGISTER_PAYLOAD}"
    ));
    assert_eq!(b.len(), 44);
    check(
        Message::BfdDestReplay(Some(Replay::Register(register()))),
        &b,
    );
}

#[test]
fn bfdd_status_up_35_bytes() {
    let b = hex(
        "00 23 FE 06 00 00 00 00 00 1D 00 00 00 19 00 00 00 02 02 C0 00 02 02 20 \
                 00 00 00 04 02 C0 00 02 01 20 00",
    );
    assert_eq!(b.len(), 35);
    check(
        Message::BfdDestReplay(Some(Replay::Status(status_up()))),
        &b,
    );
}

#[test]
fn zebra_forwards_status_31_bytes() {
    let b = hex(
        "00 1F FE 06 00 00 00 00 00 19 00 00 00 02 02 C0 00 02 02 20 00 00 00 04 \
                 02 C0 00 02 01 20 00",
    );
    assert_eq!(b.len(), 31);
    check(Message::InterfaceBfdDestUpdate(status_up()), &b);
    let Message::InterfaceBfdDestUpdate(s) = Frame::decode(V, &b).unwrap().message else {
        panic!("wrong variant");
    };
    assert_eq!(
        (s.ifindex, s.peer_prefixlen, s.local_prefixlen),
        (2, 32, 32)
    );
    assert_eq!(s.status, BfdStatus::Up);
}

#[test]
fn bfdd_replay_request_14_bytes() {
    let b = hex("00 0E FE 06 00 00 00 00 00 1D 00 00 00 1D");
    check(Message::BfdDestReplay(Some(Replay::Request)), &b);
}

#[test]
fn zebra_replay_to_clients_10_bytes() {
    let b = hex("00 0A FE 06 00 00 00 00 00 1D");
    check(Message::BfdDestReplay(None), &b);
}

#[test]
fn client_register_pid_14_bytes() {
    let b = hex("00 0E FE 06 00 00 00 00 00 25 00 00 04 D2");
    check(Message::BfdClientRegister { pid: 1234 }, &b);
}

#[test]
fn zebra_relays_client_register_18_bytes() {
    let b = hex("00 12 FE 06 00 00 00 00 00 1D 00 00 00 25 00 00 04 D2");
    check(
        Message::BfdDestReplay(Some(Replay::ClientRegister { pid: 1234 })),
        &b,
    );
}

#[test]
fn zebra_made_client_deregister_18_bytes() {
    let b = hex("00 12 FE 06 00 00 00 00 00 1D 00 00 00 26 00 00 04 D2");
    check(
        Message::BfdDestReplay(Some(Replay::ClientDeregister { pid: 1234 })),
        &b,
    );
}

#[test]
fn hello_8_4_19_bytes() {
    let b = hex("00 13 FE 06 00 00 00 00 00 12 19 00 00 00 00 00 00 00 00");
    check(Message::Hello(Hello::bfdd(V)), &b);
}

#[test]
fn bfdd_connect_write_is_two_messages() {
    // §3.2 step 4: replay request and header-only INTERFACE_ADD in one write.
    let mut b = hex("00 0E FE 06 00 00 00 00 00 1D 00 00 00 1D");
    let ifreq = Message::InterfaceAddRequest.encode(V, 0).unwrap();
    assert_eq!(ifreq, hex("00 0A FE 06 00 00 00 00 00 00"));
    b.extend_from_slice(&ifreq);
    let mut fr = Framer::new();
    fr.push(&b);
    let m1 = fr.next_message(V).unwrap().unwrap();
    let m2 = fr.next_message(V).unwrap().unwrap();
    assert_eq!(m1.message, Message::BfdDestReplay(Some(Replay::Request)));
    assert_eq!(m2.message, Message::InterfaceAddRequest);
    assert!(fr.next_message(V).is_none());
}
