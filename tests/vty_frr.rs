//! The vty surface against FRR 8.4's real bfdd and real vtysh. Golden tests
//! replay the command sessions recorded from FRR's bfdd
//! (tests/fixtures/frr-vty/README.md says how) against `bfdd-rs` and
//! compare every reply and return code, masking only volatile fields.
//! Integration tests drive /usr/bin/vtysh against the daemon: configure a
//! peer, change its timers without a flap, `show running-config` merging,
//! `write memory`, and `vtysh -b` giving the same running-config as the
//! file read at start. Needs root, iproute2 and FRR 8.4's vtysh (skipped
//! when vtysh is missing); namespaces are bfrs-v4-*, removed even on failure.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

mod support;

use support::{vty, wait_until, Netns, Reap, Scratch};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/frr-vty");
const VTYSH: &str = "/usr/bin/vtysh";

/// This file's namespaces and directories: bfrs-v4-TAG-PID.
const PREFIX: &str = "bfrs-v4";

fn netns(tag: &str) -> Netns {
    Netns::new(PREFIX, tag)
}

/// On drop, stops the daemon named in its pid file.
fn scratch(tag: &str) -> Scratch {
    Scratch::new(PREFIX, tag, Reap::Stop)
}

/// `bfdd-rs -d` in the namespace, config `DIR/bfdd.conf` (may be absent),
/// vty socket in DIR; returns once the daemon is ready.
fn start(ns: &Netns, dir: &Scratch) {
    start_with(ns, dir, &[]);
}

fn start_with(ns: &Netns, dir: &Scratch, extra: &[&str]) {
    let d = dir.dir();
    let status = Command::new("ip")
        .args(["netns", "exec", &ns.0, env!("CARGO_BIN_EXE_bfdd-rs"), "-d"])
        .args(["-f", &format!("{d}/bfdd.conf")])
        .args(["-i", &format!("{d}/bfdd.pid")])
        .args(["--vty_socket", &d, "-P", "0", "--standalone"])
        .args(["--zapi-socket", &format!("{d}/zapi.sock")])
        .args(["--bfdctl", &format!("{d}/bfdd.sock")])
        .args(extra)
        .stdin(Stdio::null())
        .status()
        .expect("spawn bfdd-rs");
    assert!(status.success(), "bfdd-rs -d failed: {status}");
}

fn vtysh_available() -> bool {
    if Path::new(VTYSH).exists() {
        return true;
    }
    eprintln!("skipped: {VTYSH} not installed");
    false
}

/// Real vtysh with `-c` commands against the daemon's socket directory.
fn vtysh(dir: &Scratch, cmds: &[&str]) -> (String, i32) {
    let mut c = Command::new(VTYSH);
    c.args(["--vty_socket", &dir.dir()]);
    for cmd in cmds {
        c.args(["-c", cmd]);
    }
    let out = c.output().expect("run vtysh");
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    (text, out.status.code().unwrap_or(-1))
}

// ---- golden replay of FRR's recorded sessions --------------------------

/// One recorded command of FRR's bfdd.
struct Record {
    cmd: String,
    out: String,
    ret: u8,
}

/// The fixtures are JSON arrays of {"cmd","out","ret"} (rawvty.py output);
/// a tiny reader for exactly that shape keeps the test dependency-free.
fn records(name: &str) -> Vec<Record> {
    let text = std::fs::read_to_string(format!("{FIXTURES}/{name}")).expect("fixture");
    let mut out = Vec::new();
    let mut rest = text.as_str();
    while let Some(i) = rest.find("\"cmd\": ") {
        rest = &rest[i + 7..];
        let (cmd, r) = json_string(rest);
        let j = r.find("\"out\": ").expect("out");
        let (o, r) = json_string(&r[j + 7..]);
        let k = r.find("\"ret\": ").expect("ret");
        let r = &r[k + 7..];
        let end = r.find(|c: char| !c.is_ascii_digit()).unwrap_or(r.len());
        out.push(Record {
            cmd,
            out: o,
            ret: r[..end].parse().expect("ret"),
        });
        rest = &r[end..];
    }
    out
}

/// A JSON string at the start of `s` (after optional spaces): its value and
/// the text after it.
fn json_string(s: &str) -> (String, &str) {
    let s = s.trim_start();
    let mut out = String::new();
    let mut chars = s[1..].char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return (out, &s[i + 2..]),
            '\\' => {
                let (_, e) = chars.next().expect("escape");
                match e {
                    'n' => out.push('\n'),
                    't' => out.push('\t'),
                    'u' => {
                        let hex: String =
                            (0..4).filter_map(|_| chars.next().map(|x| x.1)).collect();
                        let v = u32::from_str_radix(&hex, 16).expect("hex");
                        out.push(char::from_u32(v).unwrap_or('?'));
                    }
                    other => out.push(other),
                }
            }
            c => out.push(c),
        }
    }
    panic!("unterminated JSON string");
}

/// Volatile fields: the host name, session ids (random), the order of
/// brief rows (FRR walks a hash), FRR's install paths in `show version`.
fn mask(text: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    for line in text.lines() {
        let l = if line.starts_with("hostname ") {
            "hostname HOST".to_string()
        } else if line.trim_start().starts_with("\"id\":") {
            "\"id\":ID,".to_string()
        } else if line.len() > 10
            && line.as_bytes()[0].is_ascii_digit()
            && line.contains("                ")
        {
            // A brief row: the id column is 10 wide.
            format!("ID        {}", &line[10..])
        } else {
            line.to_string()
        };
        lines.push(l);
    }
    let mut out = lines.join("\n");
    if text.ends_with('\n') {
        out.push('\n');
    }
    if out.starts_with("Session count:") {
        let mut rows: Vec<&str> = out.lines().collect();
        rows[3..].sort_unstable();
        out = rows.join("\n") + "\n";
    }
    out
}

/// Commands whose output is ours by design, checked for the return code
/// only: version and memory are our own figures, thread stats our own,
/// `terminal monitor` needs FD passing (bfdd-rs says it is unsupported).
fn ours_by_design(cmd: &str) -> bool {
    [
        "show version",
        "show memory",
        "show thread cpu",
        "terminal monitor",
    ]
    .contains(&cmd)
}

/// FRR counts a zebra notification for every state change even without
/// zebra; bfdd-rs counts the ones it sent. Not volatile, a known difference.
fn without_zebra_count(text: &str) -> String {
    text.lines()
        .filter(|l| !l.contains("Zebra notifications") && !l.contains("\"zebra-notifications\""))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// Replays `sessions` (each on its own connection, in order) and compares.
fn replay(dir: &Scratch, sessions: &[&str], frr_dir: &str) {
    let mut diffs = Vec::new();
    for name in sessions {
        let mut c = dir.vty_conn();
        for r in records(name) {
            let cmd = r.cmd.replace(frr_dir, &dir.dir());
            let (out, ret) = vty(&mut c, &cmd);
            let want = mask(&r.out.replace(frr_dir, &dir.dir()));
            let got = mask(&out);
            let (want, got) = (without_zebra_count(&want), without_zebra_count(&got));
            let same_text = ours_by_design(&r.cmd) || want == got;
            let same_ret = r.ret == ret || r.cmd == "terminal monitor";
            if !same_text || !same_ret {
                diffs.push(format!(
                    "{name}: {cmd:?}\n  FRR ({}):\n{want}\n  ours ({ret}):\n{got}",
                    r.ret
                ));
            }
        }
    }
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
}

#[test]
fn golden_config_show_debug_and_logging_sessions_match_frr() {
    let ns = netns("g");
    let dir = scratch("g");
    // cap1/cap2: FRR's bfdd was started without a config file.
    start(&ns, &dir);
    replay(&dir, &["cap1.json", "cap2.json"], "/tmp/bfrs-v4/frr");
}

#[test]
fn golden_logging_commands_match_frr_and_really_log() {
    let ns = netns("l");
    let dir = scratch("l");
    let cmdline = format!("file:{}/cmdline.log", dir.dir());
    start_with(&ns, &dir, &["--log", &cmdline, "--log-level", "debug"]);
    replay(&dir, &["cap4.json"], "/tmp/bfrs-v4/frr2");
    // cap4 left `log stdout informational` and `log syslog warnings`; the
    // vty file target it set (x.log) was removed again. A new file target
    // gets the lines, at its level.
    let mut c = dir.vty_conn();
    vty(&mut c, "enable");
    vty(&mut c, "configure terminal");
    let path = dir.path("vty.log");
    let (out, ret) = vty(
        &mut c,
        &format!("log file {} informational", path.display()),
    );
    assert_eq!((out.as_str(), ret), ("", 0));
    assert_eq!(vty(&mut c, "log commands").1, 0);
    vty(&mut c, "bfd");
    vty(&mut c, "peer 192.0.2.44");
    wait_until("command logged", 5, || {
        std::fs::read_to_string(&path).is_ok_and(|t| t.contains("VTY command: peer 192.0.2.44"))
    });
    // Off again: the file gets nothing more.
    vty(&mut c, "end");
    vty(&mut c, "configure terminal");
    vty(&mut c, "no log file");
    let before = std::fs::read_to_string(&path).expect("log");
    vty(&mut c, "bfd");
    vty(&mut c, "peer 192.0.2.45");
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(std::fs::read_to_string(&path).expect("log"), before);
}

#[test]
fn golden_debug_flags_and_odd_refusals_match_frr() {
    let ns = netns("o");
    let dir = scratch("o");
    start(&ns, &dir);
    replay(&dir, &["cap5.json"], "/tmp/bfrs-v4/frr");
}

#[test]
fn golden_write_memory_matches_frr() {
    let ns = netns("w");
    let dir = scratch("w");
    let conf = "bfd\n peer 192.0.2.7\n  detect-multiplier 4\n !\n!\n";
    std::fs::write(dir.path("bfdd.conf"), conf).expect("conf");
    start(&ns, &dir);
    let recs = records("cap3.json");
    let mut c = dir.vty_conn();
    let frr_dir = "/tmp/bfrs-v4/frr";
    for r in recs.iter().take(5) {
        let (out, ret) = vty(&mut c, &r.cmd);
        assert_eq!(ret, r.ret, "{}", r.cmd);
        assert_eq!(out, r.out.replace(frr_dir, &dir.dir()), "{}", r.cmd);
    }
    // The file FRR wrote is the `show startup-config` record; only the
    // time stamp (line 3) and the host name differ.
    let frr_file = &recs[5].out;
    let ours = std::fs::read_to_string(dir.path("bfdd.conf")).expect("saved");
    let strip = |t: &str| {
        t.lines()
            .enumerate()
            .filter(|(i, _)| *i != 2)
            .map(|(_, l)| mask(l))
            .collect::<Vec<_>>()
    };
    assert_eq!(strip(&ours), strip(frr_file));
    assert!(ours.lines().nth(2).is_some_and(|l| l.starts_with("!   20")));
    let sav = std::fs::read_to_string(dir.path("bfdd.conf.sav")).expect(".sav");
    assert!(
        sav.starts_with("!\n! Zebra configuration saved from vty\n"),
        "{sav}"
    );
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(dir.path("bfdd.conf"))
        .expect("meta")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o640);
}

// ---- real vtysh ----------------------------------------------------------

/// `"key":value` of the first object in `json` with `"peer":"PEER"`.
fn json_field(json: &str, peer: &str, key: &str) -> Option<String> {
    let start = json.find(&format!("\"peer\":\"{peer}\""))?;
    let obj = &json[start..];
    let obj = &obj[..obj.find('}').unwrap_or(obj.len())];
    let k = obj.find(&format!("\"{key}\":"))?;
    let v = &obj[k + key.len() + 3..];
    Some(
        v[..v.find([',', '\n']).unwrap_or(v.len())]
            .trim_matches('"')
            .to_string(),
    )
}

#[test]
fn vtysh_configures_peers_live_and_timer_changes_do_not_flap() {
    if !vtysh_available() {
        return;
    }
    let ns = netns("c");
    let dir = scratch("c");
    start(&ns, &dir);
    let (out, code) = vtysh(
        &dir,
        &[
            "configure terminal",
            "bfd",
            "peer 127.0.0.2 local-address 127.0.0.1",
            "receive-interval 100",
            "transmit-interval 100",
            "exit",
            "peer 127.0.0.1 local-address 127.0.0.2",
            "receive-interval 100",
            "transmit-interval 100",
            "end",
        ],
    );
    assert_eq!(code, 0, "{out}");
    let json = || vtysh(&dir, &["show bfd peers json"]).0;
    wait_until("both sessions up", 10, || {
        let j = json();
        json_field(&j, "127.0.0.2", "status").as_deref() == Some("up")
            && json_field(&j, "127.0.0.1", "status").as_deref() == Some("up")
    });
    // New timers on both ends: applied by poll sequence, no flap.
    let (out, code) = vtysh(
        &dir,
        &[
            "conf t",
            "bfd",
            "peer 127.0.0.2 local-address 127.0.0.1",
            "transmit-interval 200",
            "detect-multiplier 5",
            "exit",
            "peer 127.0.0.1",
            "transmit-interval 200",
        ],
    );
    assert_eq!(code, 0, "{out}");
    std::thread::sleep(Duration::from_secs(2));
    let j = json();
    assert_eq!(
        json_field(&j, "127.0.0.2", "transmit-interval").as_deref(),
        Some("200")
    );
    assert_eq!(
        json_field(&j, "127.0.0.2", "detect-multiplier").as_deref(),
        Some("5")
    );
    assert_eq!(
        json_field(&j, "127.0.0.1", "remote-detect-multiplier").as_deref(),
        Some("5")
    );
    let counters = vtysh(&dir, &["show bfd peers counters json"]).0;
    for peer in ["127.0.0.1", "127.0.0.2"] {
        assert_eq!(
            json_field(&counters, peer, "session-down").as_deref(),
            Some("0"),
            "{counters}"
        );
        assert_eq!(
            json_field(&counters, peer, "session-up").as_deref(),
            Some("1"),
            "{counters}"
        );
    }
    // clear counters zeroes the packet counters only.
    let (out, code) = vtysh(&dir, &["clear bfd peer 127.0.0.2 counters"]);
    assert_eq!(code, 0, "{out}");
    let counters = vtysh(&dir, &["show bfd peer 127.0.0.2 counters json"]).0;
    let input: u64 = json_field(&counters, "127.0.0.2", "control-packet-input")
        .and_then(|v| v.parse().ok())
        .expect("input");
    assert!(input < 5, "{counters}");
    assert_eq!(
        json_field(&counters, "127.0.0.2", "session-up").as_deref(),
        Some("1")
    );
    // Shutdown through vtysh takes the session admin-down; `no peer`
    // removes it; errors keep FRR's text and exit code.
    vtysh(&dir, &["conf t", "bfd", "peer 127.0.0.1", "shutdown"]);
    wait_until("admin down", 5, || {
        json_field(&json(), "127.0.0.1", "status").as_deref() == Some("shutdown")
    });
    vtysh(&dir, &["conf t", "bfd", "no peer 127.0.0.1"]);
    wait_until("peer removed", 5, || {
        !json().contains("\"peer\":\"127.0.0.1\"")
    });
    let (out, code) = vtysh(&dir, &["conf t", "bfd", "peer 127.0.0.9 multihop"]);
    assert!(
        out.contains("% local-address is required when using multihop"),
        "{out}"
    );
    assert_ne!(code, 0);
}

#[test]
fn show_running_config_merges_and_boot_push_equals_file() {
    if !vtysh_available() {
        return;
    }
    let conf = "bfd\n peer 192.0.2.7\n  detect-multiplier 4\n !\n!\n";
    // 1. Started with the file: vtysh's merged running-config is FRR's.
    let ns = netns("r");
    let dir = scratch("r");
    std::fs::write(dir.path("bfdd.conf"), conf).expect("conf");
    start(&ns, &dir);
    let (merged, code) = vtysh(&dir, &["show running-config"]);
    assert_eq!(code, 0, "{merged}");
    let frr = std::fs::read_to_string(format!("{FIXTURES}/merged.txt")).expect("fixture");
    assert_eq!(mask(&merged), mask(&frr));
    let from_file = vty(&mut dir.vty_conn(), "enable").1;
    assert_eq!(from_file, 0);
    let mut c = dir.vty_conn();
    vty(&mut c, "enable");
    let running_from_file = vty(&mut c, "write terminal").0;
    drop(c);
    dir.stop();

    // 2. Started without a file, the same config pushed by `vtysh -b`
    // (vtysh reads CONFIG_DIR/frr.conf).
    let dir2 = scratch("r2");
    start(&ns, &dir2);
    let conf_dir = scratch("r2conf");
    let frr_conf = format!("frr version 8.4.4\nfrr defaults traditional\nhostname x\n!\n{conf}");
    std::fs::write(conf_dir.path("frr.conf"), frr_conf).expect("frr.conf");
    let out = Command::new(VTYSH)
        .args([
            "--vty_socket",
            &dir2.dir(),
            "--config_dir",
            &conf_dir.dir(),
            "-b",
        ])
        .output()
        .expect("vtysh -b");
    assert!(out.status.success(), "{out:?}");
    let mut c = dir2.vty_conn();
    vty(&mut c, "enable");
    let running_pushed = vty(&mut c, "write terminal").0;
    assert_eq!(running_pushed, running_from_file);
    // Applied at XFRR_end_configuration: the session exists.
    let (json, _) = vty(&mut c, "show bfd peers json");
    assert_eq!(
        json_field(&json, "192.0.2.7", "detect-multiplier").as_deref(),
        Some("4"),
        "{json}"
    );
}

// ---- real watchfrr ---------------------------------------------------------

const WATCHFRR: &str = "/usr/lib/frr/watchfrr";
const ZEBRA: &str = "/usr/lib/frr/zebra";

/// Kills the watchfrr this test started, and the zebra it watches.
struct Watch {
    child: std::process::Child,
    zebra_pid: PathBuf,
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(pid) = std::fs::read_to_string(&self.zebra_pid)
            .ok()
            .and_then(|p| p.trim().parse::<i32>().ok())
        {
            // SAFETY: plain kill(2) of the zebra this test started.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
    }
}

#[test]
fn watchfrr_keeps_bfdd_rs_up_and_restarts_it_when_stopped() {
    if ![WATCHFRR, ZEBRA].iter().all(|p| Path::new(p).exists()) {
        eprintln!("skipped: FRR's watchfrr/zebra not installed");
        return;
    }
    let ns = netns("f");
    let dir = scratch("f");
    let d = dir.dir();
    // watchfrr needs zebra in its list; a real zebra runs as frr in DIR.
    let ok = Command::new("chown")
        .args(["frr:frr", &d])
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "chown frr {d}");
    std::fs::write(dir.path("zebra.conf"), "").expect("zebra.conf");
    // The start/restart/stop command watchfrr runs: restart.sh DAEMON [stop].
    let script = format!(
        "#!/bin/sh\n\
         D={d}\n\
         if [ -f $D/$1.pid ]; then kill -9 $(cat $D/$1.pid) 2>/dev/null; rm -f $D/$1.pid; fi\n\
         [ \"$2\" = stop ] && exit 0\n\
         sleep 0.2\n\
         case $1 in\n\
         zebra) exec {ZEBRA} -d -u frr -g frr -P 0 -f $D/zebra.conf -i $D/zebra.pid --vty_socket $D -z $D/zserv.api ;;\n\
         bfdd) exec {} -d -f $D/bfdd.conf -i $D/bfdd.pid --vty_socket $D -P 0 --standalone \
         --zapi-socket $D/zapi.sock --bfdctl $D/bfdd.sock ;;\n\
         esac\n",
        env!("CARGO_BIN_EXE_bfdd-rs")
    );
    let script_path = dir.path("restart.sh");
    std::fs::write(&script_path, script).expect("script");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script_path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let sh = script_path.to_string_lossy().into_owned();
    for daemon in ["zebra", "bfdd"] {
        let st = Command::new("ip")
            .args(["netns", "exec", &ns.0, &sh, daemon])
            .stdin(Stdio::null())
            .status()
            .expect("start");
        assert!(st.success(), "start {daemon}");
    }
    let first = dir.pid().expect("bfdd pid");
    let restart = format!("{sh} %s");
    let stop = format!("{sh} %s stop");
    let child = Command::new("ip")
        .args(["netns", "exec", &ns.0, WATCHFRR, "-S", &d])
        .args(["-p", &format!("{d}/watchfrr.pid")])
        .args(["-i", "1", "-t", "3", "--min-restart-interval", "1"])
        .args(["-r", &restart, "-s", &restart, "-k", &stop, "zebra", "bfdd"])
        .stdout(std::fs::File::create(dir.path("watchfrr.out")).expect("out"))
        .stderr(Stdio::null())
        .spawn()
        .expect("watchfrr");
    let _watch = Watch {
        child,
        zebra_pid: dir.path("zebra.pid"),
    };
    let log = || std::fs::read_to_string(dir.path("watchfrr.out")).unwrap_or_default();
    wait_until("watchfrr sees bfdd up", 10, || {
        log().contains("bfdd state -> up")
    });
    // Pinged every second with a 3 s timeout: still the same daemon after 6 s.
    std::thread::sleep(Duration::from_secs(6));
    assert_eq!(dir.pid(), Some(first), "{}", log());
    assert!(!log().contains("unresponsive"), "{}", log());
    // Stopped: unresponsive after the timeout, restarted.
    // SAFETY: plain kill(2) of the daemon this test started.
    unsafe { libc::kill(first, libc::SIGSTOP) };
    wait_until("a new bfdd-rs", 20, || {
        dir.pid().is_some_and(|p| p != first) && dir.path("bfdd.vty").exists()
    });
    wait_until("watchfrr sees the new bfdd up", 10, || {
        let l = log();
        l.contains("bfdd state -> unresponsive") && l.matches("bfdd state -> up").count() >= 2
    });
    let mut c = dir.vty_conn();
    assert_eq!(vty(&mut c, "echo PING"), ("PING\n".to_string(), 0));
    // SAFETY: the stopped daemon, killed by the restart command already;
    // make sure it is gone.
    unsafe { libc::kill(first, libc::SIGKILL) };
}
