//! Running outside programs (ip, nft, vtysh, birdc, kill) and turning their
//! exit status into a `Result` whose error carries the command line and its
//! stderr, so a failing test says exactly which command broke.

use std::path::Path;
use std::process::{Command, Stdio};

/// Runs `argv` to completion with no stdin; `Ok(stdout)` when it exits 0.
pub fn run(argv: &[&str]) -> Result<String, String> {
    let (prog, args) = argv.split_first().ok_or("empty command line")?;
    let out = Command::new(prog)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run `{}`: {e}", argv.join(" ")))?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    if out.status.success() {
        Ok(stdout)
    } else {
        Err(format!(
            "`{}` failed ({}): {}{}",
            argv.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stderr).trim(),
            if stdout.trim().is_empty() {
                String::new()
            } else {
                format!(" / stdout: {}", stdout.trim())
            }
        ))
    }
}

/// Like [`run`], but a failure is a bug in the test set-up: panic with it.
pub fn must(argv: &[&str]) -> String {
    run(argv).unwrap_or_else(|e| panic!("{e}"))
}

/// Runs `argv` inside network namespace `ns` (`ip netns exec`).
pub fn run_in(ns: &str, argv: &[&str]) -> Result<String, String> {
    let mut full = vec!["ip", "netns", "exec", ns];
    full.extend_from_slice(argv);
    run(&full)
}

/// Sends signal `sig` (a name such as "TERM" or "HUP") to process `pid`.
pub fn signal(pid: u32, sig: &str) -> Result<(), String> {
    run(&["kill", &format!("-{sig}"), &pid.to_string()]).map(|_| ())
}

/// Whether process `pid` still exists (and is not a zombie we could reap).
pub fn alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // The state letter follows the parenthesised command name.
        Ok(stat) => stat
            .rsplit_once(')')
            .map(|(_, rest)| !rest.trim_start().starts_with('Z'))
            .unwrap_or(false),
        Err(_) => false,
    }
}

/// Whether any thread of process `pid` still runs: a process whose leader
/// has exited is a zombie while its other threads still hold its sockets
/// and files.
pub fn any_thread_alive(pid: u32) -> bool {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return false;
    };
    tasks.flatten().any(|t| {
        std::fs::read_to_string(t.path().join("stat"))
            .map(|stat| {
                stat.rsplit_once(')')
                    .is_some_and(|(_, rest)| !rest.trim_start().starts_with('Z'))
            })
            .unwrap_or(false)
    })
}

/// SIGTERM `pid`, wait up to `grace`, then SIGKILL. Only for processes this
/// harness started (their pids come from our own pid files or children).
pub fn stop_pid(pid: u32, grace: std::time::Duration) {
    if pid <= 1 || !alive(pid) {
        return;
    }
    let _ = signal(pid, "TERM");
    let deadline = std::time::Instant::now() + grace;
    while alive(pid) && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    if alive(pid) {
        let _ = signal(pid, "KILL");
    }
}

/// Reads a pid file written by a daemon.
pub fn read_pid(path: &Path) -> Option<u32> {
    std::fs::read_to_string(path).ok()?.trim().parse().ok()
}

/// Whether `prog` is found on PATH or is an existing path.
pub fn have(prog: &str) -> bool {
    if prog.contains('/') {
        return Path::new(prog).exists();
    }
    std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).any(|d| d.join(prog).exists()))
        .unwrap_or(false)
}

/// Panics unless we run as root with every tool the topologies need.
pub fn require_lab_tools() {
    let uid = run(&["id", "-u"]).unwrap_or_default();
    assert_eq!(
        uid.trim(),
        "0",
        "topotests need root (network namespaces); run `sudo scripts/test.sh`"
    );
    for prog in [
        "ip",
        "nft",
        "vtysh",
        "bird",
        "birdc",
        "/usr/lib/frr/bfdd",
        "/usr/lib/frr/zebra",
    ] {
        assert!(
            have(prog),
            "`{prog}` not found: install frr, bird2, nftables, iproute2 (scripts/test.sh does)"
        );
    }
}
