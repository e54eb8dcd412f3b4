//! Starting daemons inside a namespace: the ones that daemonize themselves
//! (FRR's with `-d`, BIRD) and report through a pid file, and waiting for the
//! files (sockets, pid files) that say a daemon is ready.

use crate::poll::try_wait_for;
use std::fs::{File, OpenOptions};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

/// Opens `path` for appending a daemon's stdout/stderr.
pub fn log_sink(path: &Path) -> File {
    OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .unwrap_or_else(|e| panic!("open {}: {e}", path.display()))
}

/// Runs a self-daemonizing program in `ns` and waits for the foreground part
/// to exit successfully; its output goes to `stderr_file`.
pub fn run_daemonizing(ns: &str, argv: &[&str], stderr_file: &Path) -> Result<(), String> {
    let status = Command::new("ip")
        .args(["netns", "exec", ns])
        .args(argv)
        .stdin(Stdio::null())
        .stdout(log_sink(stderr_file))
        .stderr(log_sink(stderr_file))
        .status()
        .map_err(|e| format!("cannot run {argv:?}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        let err = std::fs::read_to_string(stderr_file).unwrap_or_default();
        Err(format!(
            "{argv:?} in {ns} failed ({status}): {}",
            err.trim()
        ))
    }
}

/// Waits until `path` exists (a socket or pid file appears).
pub fn wait_path(path: &Path, timeout: Duration) -> Result<(), String> {
    try_wait_for(timeout, Duration::from_millis(50), || {
        if path.exists() {
            Ok(())
        } else {
            Err(format!("{} does not exist", path.display()))
        }
    })
    .map(|_| ())
}

/// Hands `dir` and everything in it to user and group `frr`.
pub fn chown_frr(dir: &Path) {
    crate::cmd::must(&["chown", "-R", "frr:frr", &dir.to_string_lossy()]);
}

/// The flags every FRR daemon of a router instance gets (bfdd-rs too, as a
/// drop-in): background, user frr (FRR refuses root), no TCP vty, config,
/// pid file and vty socket in instance directory `dir`, ZAPI at
/// `dir/zserv.api`.
pub fn frr_common_args(dir: &str, daemon: &str) -> Vec<String> {
    let mut argv: Vec<String> = ["-d", "-u", "frr", "-g", "frr", "-P", "0"]
        .map(String::from)
        .to_vec();
    argv.extend([
        "-f".to_string(),
        format!("{dir}/{daemon}.conf"),
        "-i".to_string(),
        format!("{dir}/{daemon}.pid"),
        "--vty_socket".to_string(),
        dir.to_string(),
        "-z".to_string(),
        format!("{dir}/zserv.api"),
    ]);
    argv
}
