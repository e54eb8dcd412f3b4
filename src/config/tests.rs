//! Tests of the config reader: every command and range edge, every error
//! and its line, foreign blocks, the override rule, auth validation,
//! rendering, and a bounded randomized no-panic run.

use std::net::IpAddr;

use super::*;
use bfd::auth::AuthType;

fn ok(text: &str) -> Config {
    parse_str(text, "t.conf").unwrap_or_else(|e| panic!("unexpected error: {e}"))
}

fn err(text: &str) -> ConfigError {
    match parse_str(text, "t.conf") {
        Ok(c) => panic!("expected an error, got {c:?}"),
        Err(e) => e,
    }
}

fn ip(s: &str) -> IpAddr {
    s.parse().expect("test address")
}

/// `cmd` inside a single-hop peer; it sits on line 3.
fn in_peer(cmd: &str) -> Result<Config, ConfigError> {
    parse_str(
        &format!("bfd\n peer 192.0.2.2\n  {cmd}\n exit\nexit\n"),
        "t.conf",
    )
}

/// `cmd` inside a multihop peer; line 3.
fn in_mhop(cmd: &str) -> Result<Config, ConfigError> {
    parse_str(
        &format!("bfd\n peer 192.0.2.2 multihop local-address 192.0.2.1\n  {cmd}\n exit\nexit\n"),
        "t.conf",
    )
}

/// `cmd` inside a profile; line 3.
fn in_profile(cmd: &str) -> Result<Config, ConfigError> {
    parse_str(
        &format!("bfd\n profile p\n  {cmd}\n exit\nexit\n"),
        "t.conf",
    )
}

fn peer_settings(cmd: &str) -> Settings {
    match in_peer(cmd) {
        Ok(c) => c.peers[0].settings.clone(),
        Err(e) => panic!("{cmd}: {e}"),
    }
}

fn unknown_msg(line: &str) -> String {
    format!("% [bfdd] Unknown command: {line}")
}

// ---------------------------------------------------------------- basics

#[test]
fn empty_and_comment_only_files_are_empty_configs() {
    assert_eq!(ok(""), Config::default());
    assert_eq!(ok("\n\n   \n! comment\n# comment\n!\n"), Config::default());
    assert_eq!(ok("bfd\nexit\n"), Config::default());
}

#[test]
fn load_missing_file_is_an_error_and_empty_file_is_empty() {
    let dir = std::env::temp_dir().join(format!("bfdd-config-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let missing = dir.join("missing.conf");
    let e = load(&missing).expect_err("missing file");
    assert_eq!(e.line, 0);
    assert!(e.to_string().starts_with(&missing.display().to_string()));
    assert!(e.message.contains("cannot read"));

    let empty = dir.join("empty.conf");
    std::fs::write(&empty, "").expect("write");
    assert_eq!(load(&empty).expect("empty file"), Config::default());

    let bad = dir.join("bad.conf");
    std::fs::write(&bad, "bfd\n peer 192.0.2.2\n  detect-multiplier 1\n").expect("write");
    let e = load(&bad).expect_err("bad file");
    assert_eq!(e.line, 3);
    assert_eq!(e.file, bad.display().to_string());

    let binary = dir.join("binary.conf");
    std::fs::write(&binary, b"bfd\n\xff\xfe\n").expect("write");
    let e = load(&binary).expect_err("not utf-8");
    assert_eq!(e.line, 2);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn peer_options_in_any_order() {
    let c = ok("bfd\n peer 2001:db8::2 vrf red local-address 2001:db8::1 multihop\n exit\nexit\n");
    let p = &c.peers[0];
    assert_eq!(p.peer, ip("2001:db8::2"));
    assert!(p.multihop);
    assert_eq!(p.local_address, Some(ip("2001:db8::1")));
    assert_eq!(p.vrf, "red");
    assert_eq!(p.interface, None);

    let c = ok("bfd\n peer 192.0.2.2 interface eth0 local-address 192.0.2.1\nexit\n");
    let p = &c.peers[0];
    assert!(!p.multihop);
    assert_eq!(p.interface.as_deref(), Some("eth0"));
    assert_eq!(p.local_address, Some(ip("192.0.2.1")));
    assert_eq!(p.vrf, "default");
    assert_eq!(p.settings, Settings::default());
}

#[test]
fn peer_option_given_twice_is_unknown_command() {
    let e = err("bfd\n peer 192.0.2.2 interface a interface b\n");
    assert_eq!(e.line, 2);
    assert_eq!(
        e.message,
        unknown_msg("peer 192.0.2.2 interface a interface b")
    );
    let e = err("bfd\n peer 192.0.2.2 multihop multihop local-address 192.0.2.1\n");
    assert_eq!(e.line, 2);
}

#[test]
fn bad_peer_address_and_missing_arguments() {
    assert_eq!(
        err("bfd\n peer 192.0.2.256\n").message,
        unknown_msg("peer 192.0.2.256")
    );
    assert_eq!(err("bfd\n peer foo\n").message, unknown_msg("peer foo"));
    assert_eq!(err("bfd\n peer\n").message, "% Command incomplete.");
    assert_eq!(
        err("bfd\n peer 192.0.2.2 interface\n").message,
        "% Command incomplete."
    );
    assert_eq!(
        err("bfd\n peer 192.0.2.2 local-address\n").message,
        "% Command incomplete."
    );
    assert_eq!(
        err("bfd\n peer 192.0.2.2 local-address x\n").message,
        unknown_msg("peer 192.0.2.2 local-address x")
    );
    assert_eq!(
        err("bfd\n peer 192.0.2.2 vrf\n").message,
        "% Command incomplete."
    );
}

// ------------------------------------------------------- every command

#[test]
fn every_setting_command_in_a_single_hop_peer() {
    assert_eq!(peer_settings("detect-multiplier 7").detect_multiplier, 7);
    assert_eq!(
        peer_settings("receive-interval 150").receive_interval_ms,
        150
    );
    assert_eq!(
        peer_settings("transmit-interval 250").transmit_interval_ms,
        250
    );
    assert!(peer_settings("shutdown").shutdown);
    assert!(!peer_settings("no shutdown").shutdown);
    assert!(peer_settings("passive-mode").passive_mode);
    assert!(!peer_settings("no passive-mode").passive_mode);
    assert!(peer_settings("echo-mode").echo_mode);
    assert!(!peer_settings("no echo-mode").echo_mode);
    let s = peer_settings("echo-interval 120");
    assert_eq!(
        (s.echo_transmit_interval_ms, s.echo_receive_interval_ms),
        (120, 120)
    );
    let s = peer_settings("echo transmit-interval 70");
    assert_eq!(
        (s.echo_transmit_interval_ms, s.echo_receive_interval_ms),
        (70, 50)
    );
    let s = peer_settings("echo receive-interval 80");
    assert_eq!(
        (s.echo_transmit_interval_ms, s.echo_receive_interval_ms),
        (50, 80)
    );
    assert_eq!(
        peer_settings("echo receive-interval disabled").echo_receive_interval_ms,
        0
    );
    assert_eq!(peer_settings("no minimum-ttl").minimum_ttl, 254);
}

#[test]
fn shutdown_toggles_on_later_lines() {
    let c = ok("bfd\n peer 192.0.2.2\n  shutdown\n  passive-mode\n  no shutdown\n  no passive-mode\n  echo-mode\n  no echo-mode\n");
    assert_eq!(c.peers[0].settings, Settings::default());
}

#[test]
fn every_setting_command_in_a_profile() {
    let c = ok("bfd\n profile fast\n  detect-multiplier 5\n  receive-interval 100\n  transmit-interval 110\n  shutdown\n  passive-mode\n  echo-mode\n  echo transmit-interval 20\n  echo receive-interval disabled\n  minimum-ttl 200\n exit\nexit\n");
    let s = &c.profiles[0].settings;
    assert_eq!(c.profiles[0].name, "fast");
    assert_eq!(s.detect_multiplier, 5);
    assert_eq!(s.receive_interval_ms, 100);
    assert_eq!(s.transmit_interval_ms, 110);
    assert!(s.shutdown && s.passive_mode && s.echo_mode);
    assert_eq!(s.echo_transmit_interval_ms, 20);
    assert_eq!(s.echo_receive_interval_ms, 0);
    assert_eq!(s.minimum_ttl, 200);
    let c = in_profile("echo-interval 33").expect("echo-interval in profile");
    assert_eq!(c.profiles[0].settings.echo_receive_interval_ms, 33);
    let c = in_profile("no minimum-ttl 10").expect("no minimum-ttl N in profile");
    assert_eq!(c.profiles[0].settings.minimum_ttl, 254);
}

#[test]
fn multihop_peer_minimum_ttl_and_its_no_forms() {
    let c = in_mhop("minimum-ttl 250").expect("minimum-ttl");
    assert_eq!(c.peers[0].settings.minimum_ttl, 250);
    let c = ok("bfd\n peer 192.0.2.2 multihop local-address 192.0.2.1\n  minimum-ttl 9\n  no minimum-ttl\n");
    assert_eq!(c.peers[0].settings.minimum_ttl, 254);
    let c = ok("bfd\n peer 192.0.2.2 multihop local-address 192.0.2.1\n  minimum-ttl 9\n  no minimum-ttl 9\n");
    assert_eq!(c.peers[0].settings.minimum_ttl, 254);
}

#[test]
fn peer_profile_attach_and_detach() {
    let c = in_peer("profile fast").expect("profile");
    assert_eq!(c.peers[0].profile.as_deref(), Some("fast"));
    assert!(c.profiles.is_empty(), "attaching does not create a profile");
    let c = ok("bfd\n peer 192.0.2.2\n  profile fast\n  no profile fast\n");
    assert_eq!(c.peers[0].profile, None);
    let c = ok("bfd\n peer 192.0.2.2\n  profile fast\n  no profile\n");
    assert_eq!(c.peers[0].profile, None);
    assert_eq!(
        in_peer("profile").expect_err("incomplete").message,
        "% Command incomplete."
    );
    let long = "x".repeat(65);
    let e = in_peer(&format!("profile {long}")).expect_err("long name");
    assert_eq!(e.line, 3);
    assert!(in_peer(&format!("profile {}", "x".repeat(64))).is_ok());
}

// ---------------------------------------------------------- range edges

#[test]
fn numeric_range_edges() {
    // (command, min, max, runner)
    type Runner = fn(&str) -> Result<Config, ConfigError>;
    let cases: [(&str, u64, u64, Runner); 8] = [
        ("detect-multiplier", 2, 255, in_peer),
        ("receive-interval", 10, 60000, in_peer),
        ("transmit-interval", 10, 60000, in_peer),
        ("echo-interval", 10, 60000, in_peer),
        ("echo transmit-interval", 10, 60000, in_peer),
        ("echo receive-interval", 10, 60000, in_peer),
        ("minimum-ttl", 1, 254, in_mhop),
        ("minimum-ttl", 1, 254, in_profile),
    ];
    for (cmd, min, max, run) in cases {
        for v in [min, max] {
            let line = format!("{cmd} {v}");
            if let Err(e) = run(&line) {
                panic!("{line}: {e}");
            }
        }
        for v in [min - 1, max + 1] {
            let line = format!("{cmd} {v}");
            let e = run(&line).expect_err(&line);
            assert_eq!(e.line, 3, "{line}");
            assert_eq!(e.message, unknown_msg(&line), "{line}");
            assert_eq!(e.text, line);
        }
        for junk in ["-5", "+5", "5x", "", "99999999999999999999999"] {
            let line = format!("{cmd} {junk}");
            let e = run(line.trim()).expect_err(&line);
            assert_eq!(e.line, 3, "{line}");
        }
    }
    // Range edges are stored exactly.
    assert_eq!(peer_settings("detect-multiplier 2").detect_multiplier, 2);
    assert_eq!(
        peer_settings("detect-multiplier 255").detect_multiplier,
        255
    );
    assert_eq!(peer_settings("receive-interval 10").receive_interval_ms, 10);
    assert_eq!(
        peer_settings("transmit-interval 60000").transmit_interval_ms,
        60000
    );
}

#[test]
fn auth_key_id_range_edges() {
    let run = |id: &str| {
        in_peer(&format!(
            "authentication-type simple\n  authentication-key-id {id}\n  authentication-key abc"
        ))
    };
    for (id, want) in [("0", 0u8), ("255", 255)] {
        let c = run(id).expect("legal key id");
        assert_eq!(
            c.peers[0].settings.auth.as_ref().map(|a| a.key_id),
            Some(want)
        );
    }
    for bad in ["256", "-1", "x"] {
        let e = run(bad).expect_err(bad);
        assert_eq!(e.line, 4, "{bad}");
        assert!(
            e.message.contains("authentication-key-id must be 0-255"),
            "{e}"
        );
    }
}

#[test]
fn missing_or_extra_arguments() {
    for cmd in [
        "detect-multiplier",
        "receive-interval",
        "transmit-interval",
        "echo-interval",
        "echo",
        "echo transmit-interval",
        "echo receive-interval",
        "authentication-type",
        "authentication-key-id",
        "authentication-key",
    ] {
        let e = in_peer(cmd).expect_err(cmd);
        assert_eq!(
            (e.line, e.message.as_str()),
            (3, "% Command incomplete."),
            "{cmd}"
        );
    }
    for cmd in [
        "detect-multiplier 3 4",
        "shutdown now",
        "echo-mode on",
        "echo foo 10",
        "passive-mode 1",
    ] {
        let e = in_peer(cmd).expect_err(cmd);
        assert_eq!(e.line, 3, "{cmd}");
        assert_eq!(e.message, unknown_msg(cmd));
    }
}

// -------------------------------------------------------- FRR's messages

#[test]
fn multihop_requires_local_address_and_forbids_interface() {
    let e = err("! c\nbfd\n peer 192.0.2.2 multihop\n");
    assert_eq!(e.line, 3);
    assert_eq!(e.message, "% local-address is required when using multihop");
    let e = err("bfd\n peer 192.0.2.2 multihop local-address 192.0.2.1 interface eth0\n");
    assert_eq!(e.line, 2);
    assert_eq!(e.message, "% interface is prohibited when using multihop");
    let e = err("bfd\n no peer 192.0.2.2 multihop\n");
    assert_eq!(e.message, "% local-address is required when using multihop");
}

#[test]
fn echo_commands_rejected_on_multihop() {
    for cmd in [
        "echo-mode",
        "no echo-mode",
        "echo-interval 100",
        "echo transmit-interval 100",
        "echo receive-interval 100",
        "echo receive-interval disabled",
    ] {
        let e = in_mhop(cmd).expect_err(cmd);
        assert_eq!(e.line, 3, "{cmd}");
        assert_eq!(
            e.message, "% Echo mode is only available for single hop sessions.",
            "{cmd}"
        );
    }
}

#[test]
fn minimum_ttl_rejected_on_single_hop() {
    for cmd in ["minimum-ttl 10", "no minimum-ttl 10"] {
        let e = in_peer(cmd).expect_err(cmd);
        assert_eq!(e.line, 3);
        assert_eq!(
            e.message,
            "% Minimum TTL is only available for multi hop sessions."
        );
    }
    // Out of range is a parse error before the node check, as in FRR.
    assert_eq!(
        in_peer("minimum-ttl 255").expect_err("range").message,
        unknown_msg("minimum-ttl 255")
    );
    assert!(in_peer("no minimum-ttl").is_ok());
}

#[test]
fn link_local_and_family_rules() {
    let e = err("bfd\n peer fe80::1\n");
    assert_eq!(e.line, 2);
    assert!(e
        .message
        .contains("When using link-local you must specify an interface"));
    let c = ok("bfd\n peer fe80::1 interface eth0\n");
    assert_eq!(c.peers[0].interface.as_deref(), Some("eth0"));
    let e = err("bfd\n peer fe80::1 multihop local-address fe80::2\n");
    assert!(e
        .message
        .contains("Cannot use link-local address for multihop sessions"));
    let e = err("bfd\n peer 192.0.2.2 local-address 2001:db8::1\n");
    assert_eq!(e.line, 2);
    assert!(e.message.contains("same address family"));
    let e = err("bfd\n peer 2001:db8::2 multihop local-address 192.0.2.1\n");
    assert!(e.message.contains("same address family"));
}

#[test]
fn same_peer_with_and_without_interface_is_rejected() {
    let e = err("bfd\n peer 192.0.2.2\n exit\n peer 192.0.2.2 interface eth0\n");
    assert_eq!(e.line, 4);
    assert!(e.message.contains("same peer with and without ifname"));
    let e = err("bfd\n peer 192.0.2.2 interface eth0\n peer 192.0.2.2\n");
    assert_eq!(e.line, 3);
    // Two interfaces, or another VRF, are fine.
    let c = ok("bfd\n peer 192.0.2.2 interface eth0\n peer 192.0.2.2 interface eth1\n peer 192.0.2.2 vrf red\n");
    assert_eq!(c.peers.len(), 3);
}

#[test]
fn name_lengths() {
    assert!(
        ok("bfd\n peer 192.0.2.2 interface abcdefghijklmno\n")
            .peers
            .len()
            == 1
    );
    let e = err("bfd\n peer 192.0.2.2 interface abcdefghijklmnop\n");
    assert_eq!(e.message, "% interface name too long");
    let e = err(&format!("bfd\n peer 192.0.2.2 vrf {}\n", "v".repeat(36)));
    assert_eq!(e.message, "% vrf name too long");
}

#[test]
fn unknown_command_inside_the_block_is_an_error_with_its_line() {
    let e = err("hostname r1\n!\nbfd\n peer 192.0.2.2\n  detect-multipler 5\n");
    assert_eq!(e.line, 5);
    assert_eq!(e.message, unknown_msg("detect-multipler 5"));
    assert_eq!(
        e.to_string(),
        format!("t.conf:5: {}\n    detect-multipler 5", e.message)
    );
    let e = err("bfd\n frobnicate\n");
    assert_eq!(e.line, 2);
    let e = err("bfd\n profile p\n  profile-thing x\n");
    assert_eq!(e.line, 3);
    // Commands FRR 8.4 lacks (10.3+ `no detect-multiplier`).
    let e = in_peer("no detect-multiplier").expect_err("not in 8.4");
    assert_eq!(e.line, 3);
}

// ------------------------------------------------------ node semantics

#[test]
fn nodes_close_without_exit_like_frr() {
    // A new `peer` inside a peer node goes back to the bfd node; `profile`
    // inside a profile node opens the next profile.
    let c = ok("bfd\n profile a\n  detect-multiplier 4\n profile b\n  detect-multiplier 6\n peer 192.0.2.2\n  detect-multiplier 7\n peer 192.0.2.3\n  detect-multiplier 8\n");
    assert_eq!(c.profiles.len(), 2);
    assert_eq!(c.profiles[0].settings.detect_multiplier, 4);
    assert_eq!(c.profiles[1].settings.detect_multiplier, 6);
    assert_eq!(c.peers.len(), 2);
    assert_eq!(c.peers[0].settings.detect_multiplier, 7);
    assert_eq!(c.peers[1].settings.detect_multiplier, 8);
}

#[test]
fn indentation_is_cosmetic() {
    let c = ok(
        "bfd\npeer 192.0.2.2\ndetect-multiplier 9\n      peer 192.0.2.3\n transmit-interval 500\n",
    );
    assert_eq!(c.peers[0].settings.detect_multiplier, 9);
    assert_eq!(c.peers[1].settings.transmit_interval_ms, 500);
}

#[test]
fn profile_line_inside_peer_attaches_and_inside_bfd_opens() {
    let c = ok("bfd\n peer 192.0.2.2\n  profile x\n exit\n profile x\n  detect-multiplier 4\n");
    assert_eq!(c.peers[0].profile.as_deref(), Some("x"));
    assert_eq!(c.profiles[0].settings.detect_multiplier, 4);
    assert_eq!(c.peers[0].settings.detect_multiplier, 3);
}

#[test]
fn one_space_bang_closes_peer_node() {
    let e = err("bfd\n peer 192.0.2.2\n !\n  detect-multiplier 5\n");
    assert_eq!(e.line, 4);
    // Other comments do not close anything.
    let c = ok("bfd\n peer 192.0.2.2\n  ! note\n# note\n!\n  detect-multiplier 5\n");
    assert_eq!(c.peers[0].settings.detect_multiplier, 5);
}

#[test]
fn exit_end_and_column_zero_lines_leave_the_block() {
    // exit from peer goes to bfd, exit from bfd to top.
    let c = ok("bfd\n peer 192.0.2.2\n exit\n peer 192.0.2.3\n exit\nexit\n detect-multiplier 5\n");
    assert_eq!(c.peers.len(), 2);
    assert!(c.peers.iter().all(|p| p.settings.detect_multiplier == 3));
    // end leaves from anywhere.
    let c = ok("bfd\n peer 192.0.2.2\nend\n detect-multiplier 5\n");
    assert_eq!(c.peers[0].settings.detect_multiplier, 3);
    // A column-0 foreign command leaves the block (FRR falls back to the
    // config node); its indented lines are then skipped.
    let c = ok(
        "bfd\n peer 192.0.2.2\nrouter bgp 65000\n neighbor 192.0.2.2 bfd\n detect-multiplier 5\n",
    );
    assert_eq!(c.peers[0].settings.detect_multiplier, 3);
    assert_eq!(c.peers.len(), 1);
}

#[test]
fn exit_vrf_and_repeated_bfd_blocks() {
    let c = ok("vrf red\n vni 100\n exit-vrf\n!\nbfd\n peer 192.0.2.2\n  exit-vrf\n  detect-multiplier 5\n");
    assert_eq!(
        c.peers[0].settings.detect_multiplier, 3,
        "exit-vrf left the block"
    );
    let c = ok("bfd\n peer 192.0.2.2\nexit\nhostname x\nbfd\n peer 192.0.2.2\n  shutdown\n peer 192.0.2.3\nexit\n");
    assert_eq!(c.peers.len(), 2);
    assert!(c.peers[0].settings.shutdown);
}

#[test]
fn duplicate_peer_blocks_merge() {
    let c = ok("bfd\n peer 192.0.2.2 interface eth0\n  detect-multiplier 5\n exit\n peer 10.0.0.1\n exit\n peer 192.0.2.2 interface eth0\n  receive-interval 100\n exit\nexit\n");
    assert_eq!(c.peers.len(), 2);
    assert_eq!(c.peers[0].peer, ip("192.0.2.2"));
    assert_eq!(c.peers[0].settings.detect_multiplier, 5);
    assert_eq!(c.peers[0].settings.receive_interval_ms, 100);
    // Single-hop local-address is not part of the key: a later one replaces.
    let c = ok("bfd\n peer 192.0.2.2 local-address 192.0.2.1\n peer 192.0.2.2 local-address 192.0.2.9\n peer 192.0.2.2\n");
    assert_eq!(c.peers.len(), 1);
    assert_eq!(c.peers[0].local_address, Some(ip("192.0.2.9")));
    // Multihop local-address is: two sessions.
    let c = ok("bfd\n peer 192.0.2.2 multihop local-address 192.0.2.1\n peer 192.0.2.2 multihop local-address 192.0.2.9\n");
    assert_eq!(c.peers.len(), 2);
    // Explicit `vrf default` is the same node as none.
    let c = ok("bfd\n peer 192.0.2.2 vrf default\n  shutdown\n peer 192.0.2.2\n");
    assert_eq!(c.peers.len(), 1);
    assert!(c.peers[0].settings.shutdown);
    // Profiles merge too.
    let c = ok("bfd\n profile a\n  shutdown\n profile a\n  passive-mode\n");
    assert_eq!(c.profiles.len(), 1);
    assert!(c.profiles[0].settings.shutdown && c.profiles[0].settings.passive_mode);
}

#[test]
fn no_peer_no_profile_no_bfd() {
    // `exit` before `profile a`: inside a peer node it would attach.
    let c = ok("bfd\n peer 192.0.2.2\n peer 192.0.2.3\n exit\n profile a\n profile b\n no peer 192.0.2.2\n no profile a\n no peer 198.51.100.1\n no profile zz\n");
    assert_eq!(c.peers.len(), 1);
    assert_eq!(c.peers[0].peer, ip("192.0.2.3"));
    assert_eq!(c.profiles.len(), 1);
    assert_eq!(c.profiles[0].name, "b");
    let c = ok("debug bfd peer\nbfd\n peer 192.0.2.2\n profile a\nexit\nno bfd\n");
    assert!(c.peers.is_empty() && c.profiles.is_empty());
    assert!(c.debug.peer);
}

#[test]
fn debug_flags() {
    let c = ok("debug bfd peer\ndebug bfd zebra\ndebug bfd network\ndebug bfd distributed\n");
    assert_eq!(
        c.debug,
        DebugFlags {
            peer: true,
            zebra: true,
            network: true,
            distributed: true
        }
    );
    let c = ok("debug bfd peer\nno debug bfd peer\ndebug bfd zebra\ndebug bfd bogus\n");
    assert!(!c.debug.peer && c.debug.zebra && !c.debug.network);
    // From inside the block FRR falls back to the config node.
    let c = ok("bfd\n peer 192.0.2.2\n debug bfd network\n detect-multiplier 5\n");
    assert!(c.debug.network);
    assert_eq!(c.peers[0].settings.detect_multiplier, 3);
}

const FULL_FRR_CONF: &str = "\
frr version 8.4.4
frr defaults traditional
hostname r1
log syslog informational
log file /var/log/frr/frr.log
service integrated-vtysh-config
password zebra
enable password zebra
!
debug bfd peer
!
vrf red
 vni 100
exit-vrf
!
interface eth0
 description uplink
 ip address 192.0.2.1/24
 ipv6 address 2001:db8::1/64
 ip ospf bfd
exit
!
interface lo
 ip address 10.255.0.1/32
exit
!
router bgp 65001
 bgp router-id 10.255.0.1
 no bgp ebgp-requires-policy
 neighbor 192.0.2.2 remote-as 65002
 neighbor 192.0.2.2 bfd
 neighbor 192.0.2.2 bfd profile fast
 neighbor 10.255.0.2 remote-as 65001
 neighbor 10.255.0.2 update-source lo
 neighbor 10.255.0.2 bfd
 !
 address-family ipv4 unicast
  network 10.255.0.1/32
  neighbor 192.0.2.2 activate
 exit-address-family
 !
 address-family ipv6 unicast
  neighbor 192.0.2.2 activate
 exit-address-family
exit
!
router ospf
 ospf router-id 10.255.0.1
 network 192.0.2.0/24 area 0
exit
!
ip prefix-list PL seq 5 permit 10.0.0.0/8 le 32
!
route-map RM permit 10
 match ip address prefix-list PL
 set local-preference 200
exit
!
bfd
 profile fast
  detect-multiplier 5
  transmit-interval 100
  receive-interval 100
  echo-mode
 exit
 !
 peer 192.0.2.2 interface eth0
  profile fast
  shutdown
 exit
 !
 peer 2001:db8::2 multihop local-address 2001:db8::1 vrf red
  minimum-ttl 250
 exit
 !
exit
!
line vty
 exec-timeout 0 0
!
end
";

#[test]
fn realistic_full_frr_conf() {
    let c = ok(FULL_FRR_CONF);
    assert!(c.debug.peer && !c.debug.zebra);
    assert_eq!(c.profiles.len(), 1);
    assert_eq!(c.profiles[0].name, "fast");
    assert_eq!(c.profiles[0].settings.detect_multiplier, 5);
    assert!(c.profiles[0].settings.echo_mode);
    assert_eq!(c.peers.len(), 2);
    assert_eq!(c.peers[0].interface.as_deref(), Some("eth0"));
    assert_eq!(c.peers[0].profile.as_deref(), Some("fast"));
    assert!(c.peers[0].settings.shutdown);
    assert_eq!(c.peers[1].vrf, "red");
    assert_eq!(c.peers[1].settings.minimum_ttl, 250);
    // Nothing from bgp, ospf, interface or vty blocks leaked in.
    assert_eq!(c.peers[0].settings.detect_multiplier, 3);
}

#[test]
fn frr_conf_without_exit_lines_old_style() {
    let text = "hostname r1\n!\nbfd\n peer 192.0.2.2\n  detect-multiplier 4\n !\n peer 192.0.2.3\n !\n!\nrouter bgp 65000\n neighbor 192.0.2.2 remote-as 1\n!\nline vty\n!\n";
    let c = ok(text);
    assert_eq!(c.peers.len(), 2);
    assert_eq!(c.peers[0].settings.detect_multiplier, 4);
}

#[test]
fn example_file_parses() {
    let text = include_str!("../../examples/bfdd.conf");
    let c = ok(text);
    assert!(c.peers.len() >= 4);
    assert!(c
        .peers
        .iter()
        .any(|p| p.settings.auth.as_ref().map(|a| a.auth_type) == Some(AuthType::KeyedSha1)));
    assert!(c
        .peers
        .iter()
        .any(|p| p.multihop && p.settings.minimum_ttl != 254));
    assert!(c.peers.iter().any(|p| p.peer.is_ipv6()));
    assert!(!c.profiles.is_empty());
    let specs = c.session_specs();
    assert_eq!(specs.len(), c.peers.len());
}

// ------------------------------------------------------ authentication

fn auth_of(c: &Config) -> Option<AuthConfig> {
    c.peers[0].settings.auth.clone()
}

#[test]
fn auth_every_type_and_secret_length_limits() {
    for (name, t, max) in [
        ("simple", AuthType::Simple, 16),
        ("keyed-md5", AuthType::KeyedMd5, 16),
        ("meticulous-keyed-md5", AuthType::MeticulousKeyedMd5, 16),
        ("keyed-sha1", AuthType::KeyedSha1, 20),
        ("meticulous-keyed-sha1", AuthType::MeticulousKeyedSha1, 20),
    ] {
        for len in [1, max] {
            let key = "k".repeat(len);
            let c = in_peer(&format!(
                "authentication-type {name}\n  authentication-key {key}"
            ))
            .unwrap_or_else(|e| panic!("{name} {len}: {e}"));
            let a = auth_of(&c).expect("auth");
            assert_eq!(a.auth_type, t);
            assert_eq!(a.key_id, DEFAULT_AUTH_KEY_ID);
            assert_eq!(a.secret, key.as_bytes());
        }
        let key = "k".repeat(max + 1);
        let e = in_peer(&format!(
            "authentication-type {name}\n  authentication-key {key}"
        ))
        .expect_err("too long");
        assert_eq!(e.line, 4, "{name}");
        assert!(
            e.message
                .contains(&format!("must be 1 to {max} bytes, not {}", max + 1)),
            "{e}"
        );
        assert!(!e.to_string().contains(&key), "secret leaked: {e}");
    }
}

#[test]
fn default_key_id_is_birds_first_password_id() {
    assert_eq!(DEFAULT_AUTH_KEY_ID, 1);
    let c = in_peer("authentication-type keyed-md5\n  authentication-key s3cret").expect("auth");
    assert_eq!(auth_of(&c).map(|a| a.key_id), Some(1));
    let c = in_peer("authentication-key-id 7\n  authentication-type keyed-md5\n  authentication-key s3cret\n  no authentication-key-id").expect("auth");
    assert_eq!(auth_of(&c).map(|a| a.key_id), Some(1));
}

#[test]
fn auth_partial_settings_are_errors_at_their_line() {
    let e = in_peer("authentication-type keyed-sha1").expect_err("type only");
    assert_eq!(e.line, 3);
    assert_eq!(
        e.message,
        "% authentication-type without authentication-key"
    );
    let e = in_peer("detect-multiplier 4\n  authentication-key abc").expect_err("key only");
    assert_eq!(e.line, 4);
    assert_eq!(
        e.message,
        "% authentication-key without authentication-type"
    );
    assert_eq!(e.text, "authentication-key <secret>");
    let e = in_peer("authentication-key-id 3").expect_err("id only");
    assert_eq!(e.line, 3);
    let e = in_profile("authentication-type simple").expect_err("profile type only");
    assert_eq!(e.line, 3);
    // `no` forms can make it partial again.
    let e =
        in_peer("authentication-type simple\n  authentication-key abc\n  no authentication-key")
            .expect_err("key removed");
    assert_eq!(e.line, 3);
    // Removing both is no auth at all.
    let c = in_peer("authentication-type simple\n  authentication-key abc\n  no authentication-key abc\n  no authentication-type")
        .expect("both removed");
    assert_eq!(auth_of(&c), None);
    // The earliest problem in the file is reported.
    let e = err("bfd\n peer 192.0.2.3\n  authentication-key a\n peer 192.0.2.2\n  authentication-type simple\n");
    assert_eq!(e.line, 3);
}

#[test]
fn auth_unknown_type_and_secret_masking() {
    let e = in_peer("authentication-type hmac-sha256").expect_err("unknown type");
    assert_eq!(e.line, 3);
    assert!(e.message.contains("hmac-sha256") && e.message.contains("keyed-sha1"));
    let e = in_peer("authentication-key two words").expect_err("spaces");
    assert_eq!(e.line, 3);
    assert!(
        !e.to_string().contains("two") && !e.to_string().contains("words"),
        "{e}"
    );
    let c = in_peer("authentication-type simple\n  authentication-key topsecret").expect("auth");
    assert!(
        !format!("{c:?}").contains("topsecret"),
        "Debug leaks the secret"
    );
}

#[test]
fn auth_lines_merge_across_reentered_nodes() {
    let c = ok("bfd\n peer 192.0.2.2\n  authentication-type keyed-sha1\n exit\n peer 192.0.2.2\n  authentication-key-id 9\n  authentication-key abcdefghijklmnopqrst\n exit\nexit\n");
    let a = auth_of(&c).expect("auth");
    assert_eq!(
        (a.auth_type, a.key_id, a.secret.len()),
        (AuthType::KeyedSha1, 9, 20)
    );
    // Key given before type: length checked against the final type.
    let e = err("bfd\n peer 192.0.2.2\n  authentication-key abcdefghijklmnopq\n  authentication-type simple\n");
    assert_eq!(e.line, 3);
}

// -------------------------------------------------------- override rule

fn spec_for(c: &Config, peer: &str) -> crate::registry::SessionSpec {
    c.session_specs()
        .into_iter()
        .find(|s| s.key.peer == ip(peer))
        .expect("spec present")
}

#[test]
fn session_spec_mapping_without_profile() {
    let c = ok("bfd\n peer 192.0.2.2 interface eth0 local-address 192.0.2.1\n  detect-multiplier 4\n  transmit-interval 200\n  receive-interval 250\n  passive-mode\n  shutdown\n  echo-mode\n  echo transmit-interval 60\n  echo receive-interval disabled\n");
    let s = spec_for(&c, "192.0.2.2");
    assert_eq!(s.key.local, Some(ip("192.0.2.1")));
    assert_eq!(s.key.ifname.as_deref(), Some("eth0"));
    assert_eq!(s.key.vrf, "default");
    assert!(!s.key.multihop);
    assert_eq!(s.params.detect_mult, 4);
    assert_eq!(s.params.desired_min_tx, 200_000);
    assert_eq!(s.params.required_min_rx, 250_000);
    assert_eq!(s.params.required_min_echo_rx, 0);
    assert!(s.params.passive && s.params.admin_down && !s.params.auth);
    assert!(!s.params.control_plane_independent);
    assert!(s.params.echo_mode);
    assert_eq!(s.params.desired_min_echo_tx, 60_000);
    assert_eq!(s.minimum_ttl, 254);
    assert!(s.configured);
    assert_eq!(s.auth, None);

    let c = ok(
        "bfd\n peer 2001:db8::2 multihop local-address 2001:db8::1 vrf red\n  minimum-ttl 200\n",
    );
    let s = spec_for(&c, "2001:db8::2");
    assert!(s.key.multihop);
    assert_eq!(s.key.vrf, "red");
    assert_eq!(s.key.ifname, None);
    assert_eq!(s.minimum_ttl, 200);
    assert_eq!(s.params, bfd::session::SessionParams::default());
    assert_eq!(s.params.required_min_echo_rx, 50_000);
}

#[test]
fn profile_values_apply_where_peer_has_defaults() {
    let c = ok("bfd\n profile p\n  detect-multiplier 5\n  transmit-interval 100\n  receive-interval 110\n  shutdown\n  passive-mode\n  echo-mode\n  echo transmit-interval 20\n  echo receive-interval 30\n  minimum-ttl 100\n exit\n peer 192.0.2.2\n  profile p\n  detect-multiplier 7\n exit\n peer 192.0.2.3 multihop local-address 192.0.2.1\n  profile p\n exit\n");
    let s = spec_for(&c, "192.0.2.2");
    assert_eq!(s.params.detect_mult, 7, "peer's non-default wins");
    assert_eq!(s.params.desired_min_tx, 100_000);
    assert_eq!(s.params.required_min_rx, 110_000);
    assert!(s.params.admin_down && s.params.passive);
    assert!(s.params.echo_mode);
    assert_eq!(s.params.desired_min_echo_tx, 20_000);
    assert_eq!(s.params.required_min_echo_rx, 30_000);
    assert_eq!(s.minimum_ttl, 254, "min-ttl is multihop only");
    let m = spec_for(&c, "192.0.2.3");
    assert_eq!(m.params.detect_mult, 5);
    assert_eq!(m.minimum_ttl, 100);
    assert!(!m.params.echo_mode, "echo is single-hop only");
    assert_eq!(m.params.desired_min_echo_tx, 50_000);
    assert_eq!(m.params.required_min_echo_rx, 50_000);
}

#[test]
fn peer_value_equal_to_default_does_not_override_profile() {
    // FRR cannot tell "set to the default" from "not set".
    let c = ok("bfd\n profile p\n  detect-multiplier 9\n  receive-interval 1000\n peer 192.0.2.2\n  profile p\n  detect-multiplier 3\n  no shutdown\n");
    let s = spec_for(&c, "192.0.2.2");
    assert_eq!(s.params.detect_mult, 9);
    assert_eq!(s.params.required_min_rx, 1_000_000);
}

#[test]
fn dangling_or_removed_profile_means_peer_values() {
    let c = ok("bfd\n peer 192.0.2.2\n  profile nosuch\n  transmit-interval 400\n");
    let s = spec_for(&c, "192.0.2.2");
    assert_eq!(s.params.desired_min_tx, 400_000);
    assert_eq!(s.params.detect_mult, 3);
    let c = ok("bfd\n profile p\n  detect-multiplier 9\n peer 192.0.2.2\n  profile p\n exit\n no profile p\n");
    assert_eq!(c.peers[0].profile.as_deref(), Some("p"));
    assert_eq!(spec_for(&c, "192.0.2.2").params.detect_mult, 3);
    // Profile defined after the peer still applies (resolution is global).
    let c =
        ok("bfd\n peer 192.0.2.2\n  profile late\n exit\n profile late\n  detect-multiplier 6\n");
    assert_eq!(spec_for(&c, "192.0.2.2").params.detect_mult, 6);
}

#[test]
fn auth_from_peer_or_profile() {
    let c = ok("bfd\n profile p\n  authentication-type keyed-md5\n  authentication-key-id 4\n  authentication-key profkey\n peer 192.0.2.2\n  profile p\n peer 192.0.2.3\n  profile p\n  authentication-type simple\n  authentication-key peerkey\n peer 192.0.2.4\n");
    let a = spec_for(&c, "192.0.2.2").auth.expect("profile auth");
    assert_eq!(
        (a.auth_type, a.key_id, a.secret.as_slice()),
        (AuthType::KeyedMd5, 4, &b"profkey"[..])
    );
    assert!(spec_for(&c, "192.0.2.2").params.auth);
    let b = spec_for(&c, "192.0.2.3").auth.expect("peer auth");
    assert_eq!(
        (b.auth_type, b.key_id, b.secret.as_slice()),
        (AuthType::Simple, 1, &b"peerkey"[..])
    );
    let none = spec_for(&c, "192.0.2.4");
    assert!(none.auth.is_none() && !none.params.auth);
}

// --------------------------------------------------------------- render

#[test]
fn render_matches_frr_running_config() {
    let c = ok(FULL_FRR_CONF);
    let want = "debug bfd peer\n!\nbfd\n profile fast\n  detect-multiplier 5\n  transmit-interval 100\n  receive-interval 100\n  echo-mode\n exit\n !\n peer 192.0.2.2 interface eth0\n  profile fast\n  shutdown\n exit\n !\n peer 2001:db8::2 multihop local-address 2001:db8::1 vrf red\n  minimum-ttl 250\n exit\n !\nexit\n!\n";
    assert_eq!(c.render(), want);
}

#[test]
fn render_suppresses_defaults_and_orders_single_hop_first() {
    let c = ok("bfd\n peer 192.0.2.9 multihop local-address 192.0.2.1\n  detect-multiplier 3\n  transmit-interval 300\n peer 192.0.2.2 local-address 192.0.2.1\n  echo receive-interval disabled\n  echo transmit-interval 50\n  authentication-type keyed-sha1\n  authentication-key-id 1\n  authentication-key abc\n peer 192.0.2.3\n  authentication-type simple\n  authentication-key-id 0\n  authentication-key pw\n");
    let want = "!\nbfd\n peer 192.0.2.2 local-address 192.0.2.1\n  echo receive-interval disabled\n  authentication-type keyed-sha1\n  authentication-key abc\n exit\n !\n peer 192.0.2.3\n  authentication-type simple\n  authentication-key-id 0\n  authentication-key pw\n exit\n !\n peer 192.0.2.9 multihop local-address 192.0.2.1\n exit\n !\nexit\n!\n";
    assert_eq!(c.render(), want);
    assert_eq!(Config::default().render(), "");
}

/// FRR renders single-hop sessions before multihop ones, so a round trip
/// keeps the order within each kind.
fn frr_order(mut c: Config) -> Config {
    c.peers.sort_by_key(|p| p.multihop);
    c
}

#[test]
fn render_round_trip() {
    for text in [
        FULL_FRR_CONF,
        include_str!("../../examples/bfdd.conf"),
        "debug bfd distributed\ndebug bfd network\n",
        "bfd\n profile a\n  passive-mode\n  minimum-ttl 3\n  authentication-type meticulous-keyed-sha1\n  authentication-key-id 200\n  authentication-key 01234567890123456789\n peer fe80::1 interface eth1 vrf blue\n  echo-interval 999\n  echo receive-interval disabled\n  profile a\n",
    ] {
        let c = ok(text);
        let again = ok(&c.render());
        assert_eq!(again, frr_order(c.clone()), "round trip of:\n{}", c.render());
        assert_eq!(again.render(), c.render());
    }
}

// ------------------------------------------------------ randomized run

#[test]
fn randomized_mutations_never_panic_and_round_trip() {
    use rand::rngs::SmallRng;
    use rand::{Rng, SeedableRng};

    const WORDS: [&str; 40] = [
        "bfd",
        "peer",
        "profile",
        "exit",
        "end",
        "!",
        " !",
        "no",
        "multihop",
        "local-address",
        "interface",
        "vrf",
        "detect-multiplier",
        "receive-interval",
        "transmit-interval",
        "shutdown",
        "passive-mode",
        "echo-mode",
        "echo-interval",
        "echo",
        "transmit-interval",
        "receive-interval",
        "disabled",
        "minimum-ttl",
        "authentication-type",
        "keyed-sha1",
        "simple",
        "authentication-key",
        "authentication-key-id",
        "192.0.2.2",
        "2001:db8::1",
        "fe80::1",
        "0",
        "1",
        "255",
        "60000",
        "60001",
        "eth0",
        "debug",
        "\u{1F600}",
    ];
    let corpus: Vec<&str> = FULL_FRR_CONF
        .lines()
        .chain(include_str!("../../examples/bfdd.conf").lines())
        .collect();
    let mut rng = SmallRng::seed_from_u64(0x0bfd_5880);
    let mut parsed_ok = 0;
    for _ in 0..3000 {
        let mut lines: Vec<String> = (0..rng.gen_range(1..40))
            .map(|_| corpus[rng.gen_range(0..corpus.len())].to_string())
            .collect();
        if rng.gen_bool(0.7) {
            lines.insert(0, "bfd".to_string());
        }
        for _ in 0..rng.gen_range(0..6) {
            let i = rng.gen_range(0..lines.len());
            match rng.gen_range(0..6) {
                0 => {
                    let w = WORDS[rng.gen_range(0..WORDS.len())];
                    lines[i].push(' ');
                    lines[i].push_str(w);
                }
                1 => {
                    let n = rng.gen_range(1..5);
                    lines[i] = (0..n)
                        .map(|_| WORDS[rng.gen_range(0..WORDS.len())])
                        .collect::<Vec<_>>()
                        .join(" ");
                }
                2 => lines[i] = format!("{}{}", " ".repeat(rng.gen_range(0..4)), lines[i].trim()),
                3 => {
                    let cut = rng.gen_range(0..=lines[i].len());
                    let cut = (0..=cut)
                        .rev()
                        .find(|c| lines[i].is_char_boundary(*c))
                        .unwrap_or(0);
                    lines[i].truncate(cut);
                }
                4 => {
                    let c = char::from_u32(rng.gen_range(0..0x11000)).unwrap_or('\t');
                    lines[i].push(c);
                }
                _ => {
                    let j = rng.gen_range(0..lines.len());
                    lines.swap(i, j);
                }
            }
        }
        let text = lines.join(if rng.gen_bool(0.2) { "\r\n" } else { "\n" });
        match parse_str(&text, "fuzz.conf") {
            Ok(c) => {
                parsed_ok += 1;
                let _ = c.session_specs();
                let rendered = c.render();
                let again = parse_str(&rendered, "render").unwrap_or_else(|e| {
                    panic!("render not parseable: {e}\n{rendered}\nfrom:\n{text}")
                });
                assert_eq!(again, frr_order(c), "round trip failed for:\n{text}");
            }
            Err(e) => {
                assert!(e.line >= 1 && e.line <= text.lines().count().max(1), "{e}");
                assert!(e.message.starts_with('%'), "{e}");
            }
        }
    }
    // The run must exercise both outcomes to mean anything.
    assert!(parsed_ok > 100, "only {parsed_ok} parsed");
}

// ------------------------------------------------------ ConfigEditor

#[test]
fn editor_line_by_line_equals_the_file_reader() {
    let text = include_str!("../../examples/bfdd.conf");
    let mut ed = ConfigEditor::new();
    for line in text.lines() {
        ed.apply_line(line).expect("example line");
    }
    assert_eq!(ed.config().expect("complete"), ok(text));
    let mut ed = ConfigEditor::new();
    for line in FULL_FRR_CONF.lines() {
        ed.apply_line(line).expect("frr.conf line");
    }
    assert_eq!(ed.config().expect("complete"), ok(FULL_FRR_CONF));
}

#[test]
fn editor_nodes_labels_and_warnings() {
    let mut ed = ConfigEditor::new();
    assert_eq!(ed.apply_line("bfd").map(|c| c.node), Ok(EditNode::Bfd));
    let c = ed
        .apply_line("peer 192.0.2.2 interface eth0")
        .expect("peer");
    assert_eq!(c.node, EditNode::Peer(0));
    assert_eq!(
        ed.node_label(c.node).as_deref(),
        Some("peer 192.0.2.2 interface eth0")
    );
    let w = ed.apply_line("echo-mode").expect("echo");
    assert_eq!(w.warnings.len(), 1);
    assert!(w.warnings[0].starts_with("% Echo mode works correctly for IPv4"));
    ed.set_node(EditNode::Bfd);
    let c = ed
        .apply_line("peer 2001:db8::2 multihop local-address 2001:db8::1 vrf red")
        .expect("mhop");
    let label = ed.node_label(c.node).expect("label");
    assert_eq!(
        label,
        "peer 2001:db8::2 multihop local-address 2001:db8::1 vrf red"
    );
    // In a peer node, `profile NAME` attaches it and stays there.
    let p = ed.apply_line("profile fast").map(|c| c.node);
    assert_eq!(p, Ok(EditNode::Peer(1)));
    // Labels survive removals that shift indices.
    ed.set_node(EditNode::Bfd);
    ed.apply_line("no peer 192.0.2.2 interface eth0")
        .expect("no peer");
    assert!(ed.enter_label(&label));
    assert_eq!(ed.node(), EditNode::Peer(0));
    ed.apply_line("minimum-ttl 200").expect("ttl");
    assert_eq!(ed.config().expect("cfg").peers[0].settings.minimum_ttl, 200);
    assert!(!ed.enter_label("peer 192.0.2.2 interface eth0"));
    assert!(!ed.enter_label("profile nope"));
}

#[test]
fn editor_refusals_change_nothing() {
    let mut ed = ConfigEditor::new();
    ed.apply_line("bfd").expect("bfd");
    ed.apply_line("peer 192.0.2.3 multihop local-address 192.0.2.1")
        .expect("mhop");
    let before = ed.config().expect("cfg");
    let node = ed.node();
    assert_eq!(
        ed.apply_line("echo-mode"),
        Err("% Echo mode is only available for single hop sessions.".to_string())
    );
    assert_eq!(
        ed.apply_line("detect-multiplier"),
        Err("% Command incomplete.".to_string())
    );
    ed.set_node(EditNode::Bfd);
    assert!(ed.apply_line("peer fe80::1").is_err());
    assert_eq!(ed.config().expect("cfg"), before);
    assert_eq!(ed.node(), EditNode::Bfd);
    ed.set_node(node);
    assert_eq!(ed.node(), node);
}

#[test]
fn editor_continues_a_loaded_config_including_auth() {
    let text = "bfd\n peer 192.0.2.2\n  authentication-type keyed-sha1\n  authentication-key-id 7\n  authentication-key s3cret\n exit\n profile p\n  detect-multiplier 9\n exit\nexit\n";
    let c = ok(text);
    let mut ed = ConfigEditor::from_config(&c);
    assert_eq!(ed.config().expect("same"), c);
    // Auth set over several lines is incomplete in between.
    ed.apply_line("bfd").expect("bfd");
    ed.apply_line("peer 192.0.2.9").expect("peer");
    ed.apply_line("authentication-type keyed-md5")
        .expect("type");
    assert!(ed.config().is_err());
    ed.apply_line("authentication-key abc").expect("key");
    let done = ed.config().expect("complete");
    assert_eq!(done.peers.len(), 2);
    assert!(done.peers[1].settings.auth.is_some());
    ed.apply_line("exit").expect("exit");
    ed.apply_line("exit").expect("exit");
    ed.apply_line("no bfd").expect("no bfd");
    let empty = ed.config().expect("cfg");
    assert!(empty.peers.is_empty() && empty.profiles.is_empty());
}
