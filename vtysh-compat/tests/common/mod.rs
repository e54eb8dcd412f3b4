//! Test helpers: read the captured FRR fixtures back into `PeerStatus`
//! records. The fixture JSON is json-c's pretty output of flat objects, so a
//! line reader is enough (no JSON library in this crate).

#![allow(dead_code)]

use std::collections::HashMap;
use std::path::PathBuf;

use vtysh_compat::{PeerState, PeerStatus};

pub fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Flat objects of a json-c pretty array, values as raw text (strings
/// unquoted).
pub fn flat_objects(text: &str) -> Vec<HashMap<String, String>> {
    let mut out = Vec::new();
    let mut cur: Option<HashMap<String, String>> = None;
    for raw in text.lines() {
        let line = raw.trim().trim_end_matches(',');
        if line == "{" {
            cur = Some(HashMap::new());
        } else if line == "}" {
            out.extend(cur.take());
        } else if let Some(obj) = cur.as_mut() {
            let (k, v) = line.split_once("\":").expect("key line");
            let k = k.trim_start_matches('"').to_string();
            let v = v.trim_matches('"').to_string();
            obj.insert(k, v);
        }
    }
    out
}

fn diag_code(text: &str) -> u8 {
    (0u8..=8)
        .find(|d| vtysh_compat::show::diag_str(*d) == text)
        .expect("known diag")
}

fn num<T: std::str::FromStr>(o: &HashMap<String, String>, k: &str) -> T {
    o.get(k)
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("missing {k}"))
}

/// A `PeerStatus` from one object of `show bfd peers json` (all peers in the
/// fixture are configured ones; counters are zero).
pub fn peer_from_json(o: &HashMap<String, String>) -> PeerStatus {
    let state = match o["status"].as_str() {
        "shutdown" => PeerState::AdminDown,
        "down" => PeerState::Down,
        "init" => PeerState::Init,
        "up" => PeerState::Up,
        s => panic!("state {s}"),
    };
    let multihop = o["multihop"] == "true";
    let echo_tx: u32 = num(o, "echo-transmit-interval");
    PeerStatus {
        peer: o["peer"].parse().expect("peer"),
        local: o.get("local").map(|l| l.parse().expect("local")),
        vrf: o["vrf"].clone(),
        interface: o.get("interface").cloned(),
        multihop,
        label: o.get("label").cloned(),
        local_discr: num(o, "id"),
        remote_discr: num(o, "remote-id"),
        passive: o["passive-mode"] == "true",
        minimum_ttl: if multihop { num(o, "minimum-ttl") } else { 254 },
        state,
        since_change_secs: o
            .get("uptime")
            .or(o.get("downtime"))
            .map(|v| v.parse().expect("secs"))
            .unwrap_or(0),
        local_diag: diag_code(&o["diagnostic"]),
        remote_diag: diag_code(&o["remote-diagnostic"]),
        configured: true,
        detect_mult: num(o, "detect-multiplier"),
        receive_interval: num::<u32>(o, "receive-interval") * 1000,
        transmit_interval: num::<u32>(o, "transmit-interval") * 1000,
        echo_receive_interval: num::<u32>(o, "echo-receive-interval") * 1000,
        // With echo off FRR shows 0 whatever is configured (50 ms default).
        echo_transmit_interval: if echo_tx == 0 { 50_000 } else { echo_tx * 1000 },
        echo_mode: echo_tx != 0,
        remote_detect_mult: num(o, "remote-detect-multiplier"),
        remote_receive_interval: num::<u32>(o, "remote-receive-interval") * 1000,
        remote_transmit_interval: num::<u32>(o, "remote-transmit-interval") * 1000,
        remote_echo_receive_interval: num::<u32>(o, "remote-echo-receive-interval") * 1000,
        // Counters zero, as in the example.
        ..PeerStatus::example()
    }
}

/// The peers of the fixture `show_bfd_peers_json.txt`.
pub fn fixture_peers() -> Vec<PeerStatus> {
    flat_objects(&fixture("show_bfd_peers_json.txt"))
        .iter()
        .map(peer_from_json)
        .collect()
}

/// Sets the counters of `peers` (same order) from a counters JSON fixture.
pub fn with_counters(mut peers: Vec<PeerStatus>, counters_json: &str) -> Vec<PeerStatus> {
    let objs = flat_objects(counters_json);
    assert_eq!(objs.len(), peers.len());
    for (p, o) in peers.iter_mut().zip(&objs) {
        assert_eq!(p.peer.to_string(), o["peer"]);
        p.control_packet_input = num(o, "control-packet-input");
        p.control_packet_output = num(o, "control-packet-output");
        p.echo_packet_input = num(o, "echo-packet-input");
        p.echo_packet_output = num(o, "echo-packet-output");
        p.session_up = num(o, "session-up");
        p.session_down = num(o, "session-down");
        p.zebra_notifications = num(o, "zebra-notifications");
    }
    peers
}

/// Sets the counters of `peers` from a counters text fixture (same order).
pub fn with_text_counters(mut peers: Vec<PeerStatus>, text: &str) -> Vec<PeerStatus> {
    let mut values: Vec<u64> = Vec::new();
    for line in text.lines() {
        if let Some((_, v)) = line.trim().split_once(": ") {
            values.push(
                v.trim_end_matches(" packets")
                    .parse()
                    .expect("counter value"),
            );
        }
    }
    assert_eq!(values.len(), peers.len() * 7);
    for (p, c) in peers.iter_mut().zip(values.chunks(7)) {
        p.control_packet_input = c[0];
        p.control_packet_output = c[1];
        p.echo_packet_input = c[2];
        p.echo_packet_output = c[3];
        p.session_up = c[4];
        p.session_down = c[5];
        p.zebra_notifications = c[6];
    }
    peers
}
