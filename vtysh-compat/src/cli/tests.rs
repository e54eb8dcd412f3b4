//! Whole-CLI tests: sessions driven line by line, with shows rendered against
//! made-up peers and requests answered by a fake daemon.

use super::command::Request;
use super::node::{Node, NodePath};
use super::render::render_show;
use super::reply::{ret, Answer, Reply, Step};
use super::session::Session;
use crate::status::{PeerState, PeerStatus};

/// A configured session that has heard nothing from its peer yet.
fn peer(addr: &str, vrf: &str) -> PeerStatus {
    PeerStatus {
        peer: addr.parse().unwrap(),
        local: None,
        vrf: vrf.into(),
        remote_discr: 0,
        state: PeerState::Down,
        remote_receive_interval: 1_000_000,
        remote_transmit_interval: 1_000_000,
        remote_echo_receive_interval: 0,
        ..PeerStatus::example()
    }
}

/// Runs a line, rendering shows against `peers`.
fn run(s: &mut Session, line: &str, peers: &[PeerStatus]) -> Reply {
    match s.execute(line.as_bytes()) {
        Step::Reply(r) => r,
        Step::Show(cmd) => render_show(&cmd, peers),
        Step::Request(req) => s.answer(fake_daemon(req)),
    }
}

/// A daemon that enters the nodes `bfd`, `peer ...` and `profile ...`
/// name, refuses `peer 192.0.2.99` and prints what it was asked.
fn fake_daemon(req: Request) -> Answer {
    let Request::Configure { node, line, .. } = req else {
        return Answer::ok(format!("{req:?}\n"));
    };
    if line == "peer 192.0.2.99" {
        return Answer::error("% refused\n", ret::WARNING_CONFIG_FAILED);
    }
    let next = match (node.node, line.split(' ').next()) {
        (Node::Config, Some("bfd")) => NodePath::new(Node::Bfd),
        (Node::Bfd, Some("peer")) => NodePath {
            node: Node::BfdPeer,
            label: Some(line.clone()),
        },
        (Node::Bfd, Some("profile")) => NodePath {
            node: Node::BfdProfile,
            label: Some(line.clone()),
        },
        _ => node.clone(),
    };
    Answer {
        output: format!("{:?} {:?}: {line}\n", node.node, node.label),
        ret: ret::SUCCESS,
        node: Some(next),
    }
}

fn out(r: &Reply) -> String {
    String::from_utf8_lossy(&r.output).into_owned()
}

#[test]
fn nodes_and_transitions() {
    let mut s = Session::new();
    assert_eq!(s.node(), Node::View);
    assert_eq!(run(&mut s, "conf t", &[]).ret, ret::ERR_NO_MATCH);
    assert_eq!(run(&mut s, "en", &[]).ret, ret::SUCCESS);
    assert_eq!(s.node(), Node::Enable);
    assert_eq!(run(&mut s, "configure", &[]).ret, ret::SUCCESS);
    assert_eq!(s.node(), Node::Config);
    assert_eq!(run(&mut s, "XFRR_start_configuration", &[]).ret, 0);
    assert_eq!(run(&mut s, "exit", &[]), Reply::ok(Vec::new()));
    assert_eq!(s.node(), Node::Enable);
    run(&mut s, "configure terminal", &[]);
    assert_eq!(run(&mut s, "end", &[]).ret, 0);
    assert_eq!(s.node(), Node::Enable);
    assert_eq!(run(&mut s, "disable", &[]).ret, 0);
    assert_eq!(s.node(), Node::View);
    let r = run(&mut s, "quit", &[]);
    assert!(r.close);
    assert_eq!(r.ret, 0);
}

#[test]
fn exit_from_enable_closes() {
    let mut s = Session::new();
    run(&mut s, "enable", &[]);
    assert!(run(&mut s, "exit", &[]).close);
}

#[test]
fn error_texts_and_codes() {
    let mut s = Session::new();
    let r = run(&mut s, "  foo  ", &[]);
    assert_eq!(out(&r), "% [BFD] Unknown command:   foo  \n");
    assert_eq!(r.ret, 2);
    let r = run(&mut s, "e", &[]);
    assert_eq!((out(&r).as_str(), r.ret), ("% Ambiguous command.\n", 3));
    let r = run(&mut s, "echo", &[]);
    assert_eq!((out(&r).as_str(), r.ret), ("% Command incomplete.\n", 4));
    let r = run(&mut s, "echo  PING ", &[]);
    assert_eq!(r.to_wire(), b"PING\n\0\0\0\0");
    assert_eq!(run(&mut s, "! comment", &[]).to_wire(), [0, 0, 0, 0]);
    assert_eq!(run(&mut s, "", &[]).to_wire(), [0, 0, 0, 0]);
    // show bfd is an ENABLE command; `do` does not exist in VIEW
    assert_eq!(run(&mut s, "show bfd peers", &[]).ret, 2);
    assert_eq!(run(&mut s, "do show version", &[]).ret, 2);
}

#[test]
fn do_shortcut_from_enable_and_config() {
    let peers = [peer("192.0.2.1", "default")];
    let mut s = Session::new();
    run(&mut s, "enable", &[]);
    assert_eq!(run(&mut s, "do", &[]).ret, ret::ERR_INCOMPLETE);
    run(&mut s, "conf t", &[]);
    assert_eq!(run(&mut s, "show bfd peers", &peers).ret, 2);
    let r = run(&mut s, "do sh bfd peers br", &peers);
    assert!(out(&r).starts_with("Session count: 1\n"), "{}", out(&r));
    let r = run(&mut s, "do foo", &peers);
    assert_eq!(out(&r), "% [BFD] Unknown command: do foo\n");
    assert_eq!(run(&mut s, "enable", &[]).ret, ret::ERR_INCOMPLETE);
    assert_eq!(s.node(), Node::Config);
}

#[test]
fn vrf_filter_and_lookup() {
    let peers = [peer("192.0.2.1", "default"), peer("192.0.2.1", "red")];
    let mut s = Session::new();
    run(&mut s, "enable", &[]);
    let r = run(&mut s, "show bfd vrf red peers brief", &peers);
    let text = out(&r);
    assert!(text.starts_with("Session count: 2\n"), "{text}");
    assert_eq!(text.lines().count(), 4, "{text}");
    let r = run(&mut s, "show bfd vrf red peers json", &peers);
    assert_eq!(out(&r).matches("\"vrf\":\"red\"").count(), 1);
    assert!(!out(&r).contains("\"vrf\":\"default\""));
    let r = run(&mut s, "show bfd peer 192.0.2.1", &peers);
    assert!(out(&r).contains("vrf default interface eth0"));
    let r = run(
        &mut s,
        "show bfd vrf blue peer 192.0.2.1 interface eth0",
        &peers,
    );
    assert_eq!(
        (out(&r).as_str(), r.ret),
        (
            "% Unable to find 'peer 192.0.2.1 interface eth0 vrf blue'\n",
            ret::WARNING_CONFIG_FAILED
        )
    );
    let r = run(&mut s, "show bfd peer 192.0.2.1 multihop", &peers);
    assert_eq!(r.ret, ret::WARNING_CONFIG_FAILED);
}

#[test]
fn config_nodes_expand_abbreviations_and_walk_up() {
    let mut s = Session::new();
    run(&mut s, "enable", &[]);
    run(&mut s, "conf t", &[]);
    let r = run(&mut s, "bf", &[]);
    assert_eq!(out(&r), "Config None: bfd\n");
    assert_eq!(s.node(), Node::Bfd);
    let r = run(&mut s, "pe 192.0.2.2 mu local 192.0.2.1 v red", &[]);
    assert_eq!(
        out(&r),
        "Bfd None: peer 192.0.2.2 multihop local-address 192.0.2.1 vrf red\n"
    );
    assert_eq!(s.node(), Node::BfdPeer);
    let r = run(&mut s, "det 5", &[]);
    assert_eq!(
        out(&r),
        "BfdPeer Some(\"peer 192.0.2.2 multihop local-address 192.0.2.1 vrf red\"): detect-multiplier 5\n"
    );
    // FRR's messages and codes: out of range, ambiguous, incomplete.
    let r = run(&mut s, "detect-multiplier 1", &[]);
    assert_eq!(
        (out(&r).as_str(), r.ret),
        ("% [BFD] Unknown command: detect-multiplier 1\n", 2)
    );
    assert_eq!(run(&mut s, "e", &[]).ret, ret::ERR_AMBIGUOUS);
    // As FRR 8.4 does: `echo` alone is a prefix of `echo-mode`.
    assert!(out(&run(&mut s, "echo", &[])).ends_with(": echo-mode\n"));
    assert_eq!(run(&mut s, "profile", &[]).ret, ret::ERR_INCOMPLETE);
    assert_eq!(run(&mut s, "minimum", &[]).ret, ret::ERR_INCOMPLETE);
    assert_eq!(
        out(&run(&mut s, "echo rec dis", &[])).rsplit(": ").next(),
        Some("echo receive-interval disabled\n")
    );
    assert_eq!(s.node(), Node::BfdPeer);
    // A BFD-node command from the peer node runs there.
    let r = run(&mut s, "profile fast", &[]);
    assert!(out(&r).ends_with(": profile fast\n"), "{}", out(&r));
    assert_eq!(s.node(), Node::BfdPeer);
    run(&mut s, "exit", &[]);
    run(&mut s, "profile fast", &[]);
    assert_eq!(s.node(), Node::BfdProfile);
    let r = run(&mut s, "peer 192.0.2.3", &[]);
    assert_eq!(out(&r), "Bfd None: peer 192.0.2.3\n");
    assert_eq!(s.node(), Node::BfdPeer);
    // Refused in a parent node: back where the line was typed.
    assert_eq!(run(&mut s, "peer 192.0.2.99", &[]).ret, 13);
    assert_eq!(s.path().label.as_deref(), Some("peer 192.0.2.3"));
    // Up to CONFIG, then `do` and node exits.
    let r = run(&mut s, "debug bfd peer", &[]);
    assert_eq!(out(&r), "Config None: debug bfd peer\n");
    assert_eq!(s.node(), Node::Config);
    let r = run(&mut s, "do wr t", &[]);
    assert_eq!(out(&r), "WriteTerminal\n");
    run(&mut s, "bfd", &[]);
    run(&mut s, "exit", &[]);
    assert_eq!(s.node(), Node::Config);
    run(&mut s, "bfd", &[]);
    run(&mut s, "end", &[]);
    assert_eq!(s.node(), Node::Enable);
}

#[test]
fn xfrr_markers_defer_then_commit() {
    let mut s = Session::new();
    run(&mut s, "enable", &[]);
    run(&mut s, "configure terminal", &[]);
    let mut seen = Vec::new();
    for line in [
        "bfd",
        "XFRR_start_configuration",
        "bfd",
        "XFRR_end_configuration",
        "bfd",
    ] {
        match s.execute(line.as_bytes()) {
            Step::Request(Request::Configure { defer, .. }) => seen.push(format!("cfg {defer}")),
            Step::Request(Request::Commit) => seen.push("commit".into()),
            Step::Reply(r) => seen.push(format!("reply {}", r.ret)),
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(
        seen,
        ["cfg false", "reply 0", "cfg true", "commit", "cfg false"]
    );
}

#[test]
fn enable_node_daemon_commands() {
    let mut s = Session::new();
    assert_eq!(
        out(&run(&mut s, "show log", &[])),
        "Daemon { line: \"show logging\" }\n"
    );
    assert_eq!(run(&mut s, "who", &[]).to_wire(), [0, 0, 0, 0]);
    let r = run(&mut s, "terminal monitor", &[]);
    assert_eq!((out(&r).as_str(), r.ret), ("% not supported\n", 1));
    run(&mut s, "enable", &[]);
    assert_eq!(
        out(&run(&mut s, "no deb bfd net", &[])),
        "Enable None: no debug bfd network\n"
    );
    assert_eq!(s.node(), Node::Enable);
    assert_eq!(out(&run(&mut s, "sh deb", &[])), "ShowDebugging\n");
    assert_eq!(
        out(&run(&mut s, "show bfd distributed", &[])),
        "                  Data plane\n                  ==========\n"
    );
    assert_eq!(out(&run(&mut s, "write", &[])), "WriteMemory\n");
    assert_eq!(
        out(&run(&mut s, "show running-config", &[])),
        "WriteTerminal\n"
    );
    let r = run(&mut s, "clear bfd vrf red peer 192.0.2.1 counters", &[]);
    assert!(
        out(&r).starts_with("ClearCounters { vrf: Some(\"red\")"),
        "{}",
        out(&r)
    );
    run(&mut s, "conf", &[]);
    assert_eq!(
        out(&run(&mut s, "log file /tmp/x deb", &[])),
        "Daemon { line: \"log file /tmp/x debugging\" }\n"
    );
    assert_eq!(run(&mut s, "log timestamp precision 7", &[]).ret, 2);
    assert_eq!(run(&mut s, "XFRR_start_configuration", &[]).ret, 0);
    assert_eq!(run(&mut s, "frr version 8.4.4", &[]).ret, 0);
    assert_eq!(run(&mut s, "frr defaults traditional", &[]).ret, 0);
}

#[test]
fn random_lines_never_panic() {
    // A cheap in-tree stand-in for the fuzz target: a fixed LCG over an
    // alphabet of command fragments and raw bytes.
    let words: &[&[u8]] = &[
        b"show",
        b"bfd",
        b"peers",
        b"peer",
        b"vrf",
        b"brief",
        b"json",
        b"counters",
        b"do",
        b"enable",
        b"conf",
        b"end",
        b"exit",
        b"echo",
        b"multihop",
        b"local-address",
        b"interface",
        b"10.0.0.1",
        b"::1",
        b"x",
        b"",
        b" ",
        b"\t",
        b"\xff\xfe",
        b"!",
        b"#",
        b"terminal",
        b"length",
        b"512",
        b"99999999999999999999",
    ];
    let peers = [peer("10.0.0.1", "default")];
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = || {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
        (state >> 33) as usize
    };
    let mut s = Session::new();
    for _ in 0..20_000 {
        let mut line = Vec::new();
        for _ in 0..next() % 8 {
            line.extend_from_slice(words[next() % words.len()]);
            line.push(b' ');
        }
        let reply = match s.execute(&line) {
            Step::Reply(r) => r,
            Step::Show(cmd) => render_show(&cmd, &peers),
            Step::Request(req) => s.answer(fake_daemon(req)),
        };
        assert!(!reply.to_wire()[..reply.to_wire().len() - 4].contains(&0));
        if reply.close {
            s = Session::new();
        }
    }
}
