//! Replays what a real FRR 8.4.4 bfdd answered on its vty socket
//! (tests/fixtures/raw_probe*.txt, taken with raw_probe.py) against our
//! server over a socket pair: every error text, return code, node change,
//! echo, comment, overflow and close must be the same bytes. Replies that
//! carry live session data (uptimes, discriminators of that moment) or the
//! version banner are compared by return code only.

mod common;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::UnixStream;
use vtysh_compat::server::{handle_connection, Backend};
use vtysh_compat::PeerStatus;

struct Fixed(Vec<PeerStatus>);

impl Backend for Fixed {
    fn peers(&self) -> Pin<Box<dyn Future<Output = Vec<PeerStatus>> + Send>> {
        let peers = self.0.clone();
        Box::pin(async move { peers })
    }
}

/// Decodes a Python bytes literal `b'...'` / `b"..."`.
fn py_bytes(lit: &str) -> Vec<u8> {
    let quote = lit.as_bytes()[1];
    let body = &lit.as_bytes()[2..lit.len() - 1];
    assert_eq!(lit.as_bytes()[lit.len() - 1], quote, "{lit}");
    let mut out = Vec::new();
    let mut i = 0;
    while i < body.len() {
        if body[i] != b'\\' {
            out.push(body[i]);
            i += 1;
            continue;
        }
        let e = body[i + 1];
        i += 2;
        match e {
            b'n' => out.push(b'\n'),
            b't' => out.push(b'\t'),
            b'r' => out.push(b'\r'),
            b'\\' => out.push(b'\\'),
            b'\'' => out.push(b'\''),
            b'"' => out.push(b'"'),
            b'x' => {
                let hex = std::str::from_utf8(&body[i..i + 2]).expect("hex");
                out.push(u8::from_str_radix(hex, 16).expect("hex"));
                i += 2;
            }
            other => panic!("escape \\{}", other as char),
        }
    }
    out
}

struct Exchange {
    send: Vec<u8>,
    expect: Vec<u8>,
    closes: bool,
}

/// Parses a probe transcript; truncated long commands (`xxx...`) get their
/// real lengths from `long_lines`, in order.
fn transcript(name: &str, long_lines: &[usize]) -> Vec<Exchange> {
    let mut long = long_lines.iter();
    let mut out = Vec::new();
    for line in common::fixture(name).lines() {
        let (cmd, reply) = line.split_once(" => ").expect("exchange line");
        let mut send = py_bytes(cmd);
        if send.starts_with(b"xxxxxxxx") {
            let n = *long.next().expect("length of a long line");
            send = vec![b'x'; n];
            send.push(0);
        }
        let (reply, closes) = match reply.strip_suffix("<EOF>'") {
            Some(r) => (format!("{r}'"), true),
            None => (reply.to_string(), false),
        };
        out.push(Exchange {
            send,
            expect: py_bytes(&reply),
            closes,
        });
    }
    assert!(long.next().is_none());
    out
}

/// Number of `00 00 00 <ret>` trailers in a reply (output has no NULs).
fn trailers(bytes: &[u8]) -> usize {
    let mut n = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == 0 {
            n += 1;
            i += 4;
        } else {
            i += 1;
        }
    }
    n
}

fn live_data(reply: &[u8]) -> bool {
    let text = String::from_utf8_lossy(reply);
    [
        "Session count",
        "[\n  {",
        "{\n  \"multihop\"",
        "BFD Peer",
        "\tpeer ",
        "FRRouting",
    ]
    .iter()
    .any(|m| text.contains(m))
}

async fn replay(name: &str, long_lines: &[usize], peers: Vec<PeerStatus>) {
    let (mut client, server) = UnixStream::pair().expect("socketpair");
    let task = tokio::spawn(handle_connection(server, Arc::new(Fixed(peers))));
    for ex in transcript(name, long_lines) {
        client.write_all(&ex.send).await.expect("send");
        let want = trailers(&ex.expect);
        let mut got = Vec::new();
        let mut buf = [0u8; 65536];
        while trailers(&got) < want {
            let n = tokio::time::timeout(Duration::from_secs(5), client.read(&mut buf))
                .await
                .expect("reply in time")
                .expect("read");
            assert!(n > 0, "server closed early");
            got.extend_from_slice(&buf[..n]);
        }
        let what = String::from_utf8_lossy(&ex.send[..ex.send.len().min(40)]).into_owned();
        if live_data(&ex.expect) {
            assert_eq!(got.last(), ex.expect.last(), "return code for {what}");
        } else {
            assert_eq!(
                String::from_utf8_lossy(&got),
                String::from_utf8_lossy(&ex.expect),
                "reply to {what}"
            );
        }
        if ex.closes {
            let n = tokio::time::timeout(Duration::from_secs(5), client.read(&mut buf))
                .await
                .expect("close in time")
                .expect("read");
            assert_eq!(n, 0, "session should close after {what}");
        }
    }
    task.await.expect("join").expect("session io");
}

#[tokio::test]
async fn replays_frr_session_with_peers() {
    replay("raw_probe.txt", &[5000], common::fixture_peers()).await;
}

#[tokio::test]
async fn replays_frr_single_peer_lookups() {
    replay("raw_probe_set3.txt", &[], common::fixture_peers()).await;
}

#[tokio::test]
async fn replays_frr_session_edge_cases() {
    replay("raw_probe_set2.txt", &[4095, 4094, 4096, 4093], Vec::new()).await;
}
