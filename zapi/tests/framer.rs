//! The stream framer: partial reads, several messages per read, oversized
//! messages skipped by length, fatal header errors, unknown commands skipped.

use zapi::{Framer, FrrVersion, Header, Message, Replay, ZapiError};

const V: FrrVersion = FrrVersion::V8_4;

fn sample() -> Vec<Vec<u8>> {
    vec![
        Message::BfdClientRegister { pid: 1234 }
            .encode(V, 0)
            .unwrap(),
        Message::BfdDestReplay(Some(Replay::Request))
            .encode(V, 0)
            .unwrap(),
        Message::InterfaceAddRequest.encode(V, 3).unwrap(),
        Message::RouterIdAdd { afi: 1 }.encode(V, 3).unwrap(),
    ]
}

fn drain(fr: &mut Framer) -> Vec<Result<zapi::Frame, ZapiError>> {
    std::iter::from_fn(|| fr.next_message(V)).collect()
}

#[test]
fn several_messages_in_one_read() {
    let msgs = sample();
    let mut fr = Framer::new();
    fr.push(&msgs.concat());
    let got = drain(&mut fr);
    assert_eq!(got.len(), 4);
    assert_eq!(
        got[0].as_ref().unwrap().message,
        Message::BfdClientRegister { pid: 1234 }
    );
    assert_eq!(got[2].as_ref().unwrap().vrf_id, 3);
    assert_eq!(
        got[3].as_ref().unwrap().message,
        Message::RouterIdAdd { afi: 1 }
    );
    assert_eq!(fr.buffered(), 0);
}

#[test]
fn every_split_of_the_stream_gives_the_same_messages() {
    let all = sample().concat();
    let mut whole = Framer::new();
    whole.push(&all);
    let want = drain(&mut whole);
    for cut in 0..=all.len() {
        let mut fr = Framer::new();
        fr.push(&all[..cut]);
        let mut got = drain(&mut fr);
        fr.push(&all[cut..]);
        got.extend(drain(&mut fr));
        assert_eq!(got, want, "cut at {cut}");
    }
    // One byte at a time.
    let mut fr = Framer::new();
    let mut got = Vec::new();
    for b in &all {
        fr.push(std::slice::from_ref(b));
        got.extend(drain(&mut fr));
    }
    assert_eq!(got, want);
}

#[test]
fn partial_header_and_payload_wait_for_more() {
    let m = &sample()[0];
    let mut fr = Framer::new();
    fr.push(&m[..9]);
    assert!(fr.next_frame().is_none());
    fr.push(&m[9..12]);
    assert!(fr.next_frame().is_none());
    assert_eq!(fr.buffered(), 12);
    fr.push(&m[12..]);
    let raw = fr.next_frame().unwrap().unwrap();
    assert_eq!(raw.header.command, 37);
    assert_eq!(raw.payload, vec![0, 0, 4, 0xD2]);
}

#[test]
fn unknown_command_is_skipped_by_length() {
    let mut unknown = Header {
        length: 15,
        vrf_id: 0,
        command: 500,
    }
    .encode()
    .to_vec();
    unknown.extend_from_slice(&[1, 2, 3, 4, 5]);
    let mut fr = Framer::new();
    fr.push(&unknown);
    fr.push(&sample()[0]);
    let got = drain(&mut fr);
    assert_eq!(
        got[0],
        Ok(zapi::Frame::new(
            0,
            Message::Unknown {
                command: 500,
                vrf_id: 0,
                payload: vec![1, 2, 3, 4, 5]
            }
        ))
    );
    assert_eq!(
        got[1].as_ref().unwrap().message,
        Message::BfdClientRegister { pid: 1234 }
    );
}

#[test]
fn bad_payload_is_an_error_but_the_stream_continues() {
    // CLIENT_REGISTER with a 2-byte payload: truncated, not fatal.
    let mut bad = Header {
        length: 12,
        vrf_id: 0,
        command: 37,
    }
    .encode()
    .to_vec();
    bad.extend_from_slice(&[0, 1]);
    let mut fr = Framer::new();
    fr.push(&bad);
    fr.push(&sample()[0]);
    let got = drain(&mut fr);
    assert_eq!(got[0], Err(ZapiError::Truncated));
    assert!(!fr.is_dead());
    assert!(got[1].is_ok());
}

#[test]
fn oversized_message_is_reported_and_skipped() {
    let big_len: u16 = 20000;
    let mut big = Header {
        length: big_len,
        vrf_id: 0,
        command: 8,
    }
    .encode()
    .to_vec();
    big.resize(usize::from(big_len), 0xEE);
    let next = &sample()[0];
    let mut fr = Framer::new();
    // Arrives in pieces: the error once, then the skip spans reads.
    fr.push(&big[..5000]);
    assert_eq!(fr.next_frame(), Some(Err(ZapiError::TooLong(20000))));
    assert!(fr.next_frame().is_none());
    fr.push(&big[5000..]);
    assert!(fr.next_frame().is_none());
    fr.push(next);
    let got = drain(&mut fr);
    assert_eq!(got.len(), 1);
    assert_eq!(
        got[0].as_ref().unwrap().message,
        Message::BfdClientRegister { pid: 1234 }
    );
    assert!(!fr.is_dead());
}

#[test]
fn bad_marker_is_fatal() {
    let mut b = sample()[0].clone();
    b[2] = 0xFD;
    let mut fr = Framer::new();
    fr.push(&b);
    fr.push(&sample()[1]);
    assert_eq!(fr.next_frame(), Some(Err(ZapiError::BadMarker(0xFD))));
    assert!(fr.is_dead());
    assert!(fr.next_frame().is_none());
    fr.push(&sample()[1]);
    assert!(fr.next_frame().is_none());
    assert_eq!(fr.buffered(), 0);
}

#[test]
fn bad_version_and_short_length_are_fatal() {
    let mut b = sample()[0].clone();
    b[3] = 5;
    let mut fr = Framer::new();
    fr.push(&b);
    let e = fr.next_frame().unwrap().unwrap_err();
    assert_eq!(e, ZapiError::BadVersion(5));
    assert!(e.is_fatal() && fr.is_dead());

    let mut b = sample()[0].clone();
    b[0] = 0;
    b[1] = 4;
    let mut fr = Framer::new();
    fr.push(&b);
    assert_eq!(fr.next_frame(), Some(Err(ZapiError::LengthTooShort(4))));
    assert!(fr.is_dead());
}
