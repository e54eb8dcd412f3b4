//! bfdd's `show bfd peer(s)` output in FRR 8.4's exact text, brief table and
//! JSON, as pure functions of `PeerStatus` records. Layout facts come from
//! FRR's bfdd/bfdd_vty.c and were checked against a real 8.4.4 bfdd (see
//! tests/fixtures/). Intervals are stored in microseconds and shown in ms.

use std::fmt::Write as _;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::json::Json;
use crate::status::{PeerState, PeerStatus};

/// FRR's `diag2str`.
pub fn diag_str(diag: u8) -> &'static str {
    match diag {
        0 => "ok",
        1 => "control detection time expired",
        2 => "echo function failed",
        3 => "neighbor signaled session down",
        4 => "forwarding plane reset",
        5 => "path down",
        6 => "concatenated path down",
        7 => "administratively down",
        8 => "reverse concatenated path down",
        _ => "unknown",
    }
}

/// FRR's `integer2timestr`: non-zero larger units (month = 30 days,
/// year = 12 months), then always the seconds.
pub fn time_str(secs: u64) -> String {
    const MINUTE: u64 = 60;
    const HOUR: u64 = 60 * MINUTE;
    const DAY: u64 = 24 * HOUR;
    const MONTH: u64 = 30 * DAY;
    const YEAR: u64 = 12 * MONTH;
    let mut rest = secs;
    let mut out = String::new();
    for (size, name) in [
        (YEAR, "year"),
        (MONTH, "month"),
        (DAY, "day"),
        (HOUR, "hour"),
        (MINUTE, "minute"),
    ] {
        let n = rest / size;
        rest %= size;
        if n > 0 {
            let _ = write!(out, "{n} {name}(s), ");
        }
    }
    let _ = write!(out, "{rest} second(s)");
    out
}

/// The status word of text and JSON output.
pub fn state_str(state: PeerState) -> &'static str {
    match state {
        PeerState::AdminDown => "shutdown",
        PeerState::Down => "down",
        PeerState::Init => "init",
        PeerState::Up => "up",
    }
}

/// The state word of the brief table (FRR's `state_list` names).
pub fn brief_state_str(state: PeerState) -> &'static str {
    match state {
        PeerState::AdminDown => "admin-down",
        PeerState::Down => "down",
        PeerState::Init => "init",
        PeerState::Up => "up",
    }
}

fn ms(us: u32) -> u32 {
    us / 1000
}

/// `<TAB>peer ...` header line and optional label line, shared by the
/// detailed and counters blocks.
fn header(out: &mut String, p: &PeerStatus) {
    let _ = write!(out, "\tpeer {}", p.peer);
    if p.multihop {
        out.push_str(" multihop");
    }
    if let Some(local) = p.local {
        let _ = write!(out, " local-address {local}");
    }
    let _ = write!(out, " vrf {}", p.vrf);
    if let Some(ifname) = &p.interface {
        let _ = write!(out, " interface {ifname}");
    }
    out.push('\n');
    if let Some(label) = &p.label {
        let _ = writeln!(out, "\t\tlabel: {label}");
    }
}

fn interval_or_disabled(us: u32) -> String {
    if us == 0 {
        "disabled".to_string()
    } else {
        format!("{}ms", ms(us))
    }
}

fn peer_block(out: &mut String, p: &PeerStatus) {
    header(out, p);
    let _ = writeln!(out, "\t\tID: {}", p.local_discr);
    let _ = writeln!(out, "\t\tRemote ID: {}", p.remote_discr);
    out.push_str(if p.passive {
        "\t\tPassive mode\n"
    } else {
        "\t\tActive mode\n"
    });
    if p.multihop {
        let _ = writeln!(out, "\t\tMinimum TTL: {}", p.minimum_ttl);
    }
    let _ = writeln!(out, "\t\tStatus: {}", state_str(p.state));
    match p.state {
        PeerState::Up => {
            let _ = writeln!(out, "\t\tUptime: {}", time_str(p.since_change_secs));
        }
        PeerState::Down => {
            let _ = writeln!(out, "\t\tDowntime: {}", time_str(p.since_change_secs));
        }
        PeerState::AdminDown | PeerState::Init => {}
    }
    let _ = writeln!(out, "\t\tDiagnostics: {}", diag_str(p.local_diag));
    let _ = writeln!(out, "\t\tRemote diagnostics: {}", diag_str(p.remote_diag));
    let _ = writeln!(
        out,
        "\t\tPeer Type: {}",
        if p.configured {
            "configured"
        } else {
            "dynamic"
        }
    );
    // Measured from IPv4 echo only, as FRR does.
    let (min, avg, max) = p.rtt_usec;
    let _ = writeln!(out, "\t\tRTT min/avg/max: {min}/{avg}/{max} usec");
    out.push_str("\t\tLocal timers:\n");
    let _ = writeln!(out, "\t\t\tDetect-multiplier: {}", p.detect_mult);
    let _ = writeln!(out, "\t\t\tReceive interval: {}ms", ms(p.receive_interval));
    let _ = writeln!(
        out,
        "\t\t\tTransmission interval: {}ms",
        ms(p.transmit_interval)
    );
    let _ = writeln!(
        out,
        "\t\t\tEcho receive interval: {}",
        interval_or_disabled(p.echo_receive_interval)
    );
    if p.echo_mode {
        let _ = writeln!(
            out,
            "\t\t\tEcho transmission interval: {}ms",
            ms(p.echo_transmit_interval)
        );
    } else {
        out.push_str("\t\t\tEcho transmission interval: disabled\n");
    }
    out.push_str("\t\tRemote timers:\n");
    let _ = writeln!(out, "\t\t\tDetect-multiplier: {}", p.remote_detect_mult);
    let _ = writeln!(
        out,
        "\t\t\tReceive interval: {}ms",
        ms(p.remote_receive_interval)
    );
    let _ = writeln!(
        out,
        "\t\t\tTransmission interval: {}ms",
        ms(p.remote_transmit_interval)
    );
    let _ = writeln!(
        out,
        "\t\t\tEcho receive interval: {}",
        interval_or_disabled(p.remote_echo_receive_interval)
    );
    out.push('\n');
}

fn counters_block(out: &mut String, p: &PeerStatus) {
    header(out, p);
    let _ = writeln!(
        out,
        "\t\tControl packet input: {} packets",
        p.control_packet_input
    );
    let _ = writeln!(
        out,
        "\t\tControl packet output: {} packets",
        p.control_packet_output
    );
    let _ = writeln!(
        out,
        "\t\tEcho packet input: {} packets",
        p.echo_packet_input
    );
    let _ = writeln!(
        out,
        "\t\tEcho packet output: {} packets",
        p.echo_packet_output
    );
    let _ = writeln!(out, "\t\tSession up events: {}", p.session_up);
    let _ = writeln!(out, "\t\tSession down events: {}", p.session_down);
    let _ = writeln!(out, "\t\tZebra notifications: {}", p.zebra_notifications);
    out.push('\n');
}

/// `show bfd peers`.
pub fn show_peers_text(peers: &[PeerStatus]) -> String {
    let mut out = String::from("BFD Peers:\n");
    for p in peers {
        peer_block(&mut out, p);
    }
    out
}

/// `show bfd peer X`.
pub fn show_peer_text(peer: &PeerStatus) -> String {
    let mut out = String::from("BFD Peer:\n");
    peer_block(&mut out, peer);
    out
}

/// `show bfd peers counters`.
pub fn show_peers_counters_text(peers: &[PeerStatus]) -> String {
    let mut out = String::from("BFD Peers:\n");
    for p in peers {
        counters_block(&mut out, p);
    }
    out
}

/// `show bfd peer X counters` (no heading line, as in FRR).
pub fn show_peer_counters_text(peer: &PeerStatus) -> String {
    let mut out = String::new();
    counters_block(&mut out, peer);
    out
}

fn json_header(p: &PeerStatus) -> Json {
    let mut o = Json::object();
    o.push("multihop", Json::Bool(p.multihop));
    o.push("peer", Json::Str(p.peer.to_string()));
    if let Some(local) = p.local {
        o.push("local", Json::Str(local.to_string()));
    }
    o.push("vrf", Json::Str(p.vrf.clone()));
    if let Some(ifname) = &p.interface {
        o.push("interface", Json::Str(ifname.clone()));
    }
    if let Some(label) = &p.label {
        o.push("label", Json::Str(label.clone()));
    }
    o
}

/// One peer as `show bfd peers json` prints it.
pub fn peer_json(p: &PeerStatus) -> Json {
    let mut o = json_header(p);
    o.push("id", Json::UInt(p.local_discr.into()));
    o.push("remote-id", Json::UInt(p.remote_discr.into()));
    o.push("passive-mode", Json::Bool(p.passive));
    if p.multihop {
        o.push("minimum-ttl", Json::UInt(p.minimum_ttl.into()));
    }
    o.push("status", Json::Str(state_str(p.state).into()));
    match p.state {
        PeerState::Down => o.push("downtime", Json::UInt(p.since_change_secs)),
        PeerState::Up => o.push("uptime", Json::UInt(p.since_change_secs)),
        PeerState::AdminDown | PeerState::Init => {}
    }
    o.push("diagnostic", Json::Str(diag_str(p.local_diag).into()));
    o.push(
        "remote-diagnostic",
        Json::Str(diag_str(p.remote_diag).into()),
    );
    let iv = |us: u32| Json::UInt(ms(us).into());
    o.push("receive-interval", iv(p.receive_interval));
    o.push("transmit-interval", iv(p.transmit_interval));
    o.push("echo-receive-interval", iv(p.echo_receive_interval));
    let echo_tx = if p.echo_mode {
        p.echo_transmit_interval
    } else {
        0
    };
    o.push("echo-transmit-interval", iv(echo_tx));
    o.push("detect-multiplier", Json::UInt(p.detect_mult.into()));
    o.push("remote-receive-interval", iv(p.remote_receive_interval));
    o.push("remote-transmit-interval", iv(p.remote_transmit_interval));
    o.push(
        "remote-echo-receive-interval",
        iv(p.remote_echo_receive_interval),
    );
    o.push(
        "remote-detect-multiplier",
        Json::UInt(p.remote_detect_mult.into()),
    );
    o.push("rtt-min", Json::UInt(p.rtt_usec.0.into()));
    o.push("rtt-avg", Json::UInt(p.rtt_usec.1.into()));
    o.push("rtt-max", Json::UInt(p.rtt_usec.2.into()));
    o
}

/// One peer's counters as `show bfd peers counters json` prints them.
pub fn peer_counters_json(p: &PeerStatus) -> Json {
    let mut o = json_header(p);
    o.push("control-packet-input", Json::UInt(p.control_packet_input));
    o.push("control-packet-output", Json::UInt(p.control_packet_output));
    o.push("echo-packet-input", Json::UInt(p.echo_packet_input));
    o.push("echo-packet-output", Json::UInt(p.echo_packet_output));
    o.push("session-up", Json::UInt(p.session_up));
    o.push("session-down", Json::UInt(p.session_down));
    o.push("zebra-notifications", Json::UInt(p.zebra_notifications));
    o
}

fn document(json: Json) -> String {
    let mut text = json.to_pretty();
    text.push('\n');
    text
}

/// `show bfd peers json` (and `show bfd peers brief json`).
pub fn show_peers_json(peers: &[PeerStatus]) -> String {
    document(Json::Array(peers.iter().map(peer_json).collect()))
}

/// `show bfd peer X json`.
pub fn show_peer_json(peer: &PeerStatus) -> String {
    document(peer_json(peer))
}

/// `show bfd peers counters json`.
pub fn show_peers_counters_json(peers: &[PeerStatus]) -> String {
    document(Json::Array(peers.iter().map(peer_counters_json).collect()))
}

/// `show bfd peer X counters json`.
pub fn show_peer_counters_json(peer: &PeerStatus) -> String {
    document(peer_counters_json(peer))
}

/// `show bfd peers brief`: `total_sessions` counts every session, whatever
/// VRF filter chose `peers`, as FRR does.
pub fn show_peers_brief(total_sessions: usize, peers: &[PeerStatus]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Session count: {total_sessions}");
    let _ = writeln!(
        out,
        "{:<10} {:<40} {:<40}{:<15}",
        "SessionId", "LocalAddress", "PeerAddress", "Status"
    );
    let _ = writeln!(
        out,
        "{:<10} {:<40} {:<40}{:<15}",
        "=========", "============", "===========", "======"
    );
    for p in peers {
        let local = p.local.unwrap_or(match p.peer {
            IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
            IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
        });
        let _ = writeln!(
            out,
            "{:<10} {:<40} {:<40}{:<15}",
            p.local_discr,
            local.to_string(),
            p.peer.to_string(),
            brief_state_str(p.state)
        );
    }
    out
}
