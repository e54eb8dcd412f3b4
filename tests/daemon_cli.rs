//! The built binary's command line: `-C` checks a config file and exits 0 or
//! 1 (printing file:line on error), `-v` prints the version, and an unknown
//! option is refused. Parsing of FRR's real argv lines is unit-tested in
//! src/daemon/cli.rs.

use std::path::PathBuf;
use std::process::{Command, Output};

fn bfdd(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bfdd-rs"))
        .args(args)
        .output()
        .expect("run bfdd-rs")
}

struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let p = std::env::temp_dir().join(format!("bfrs-dm-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).expect("temp dir");
        TempDir(p)
    }

    fn file(&self, name: &str, text: &str) -> String {
        let p = self.0.join(name);
        std::fs::write(&p, text).expect("write file");
        p.to_string_lossy().into_owned()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const GOOD: &str = "\
frr version 8.4.4
hostname r1
!
bfd
 peer 10.0.0.2 interface lo
  detect-multiplier 3
  receive-interval 300
  transmit-interval 300
 exit
 !
exit
!
";

#[test]
fn dryrun_accepts_a_good_config() {
    let d = TempDir::new("cli-good");
    let f = d.file("bfdd.conf", GOOD);
    let out = bfdd(&["-C", "-f", &f]);
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A dry run starts nothing: no pid file, no vty socket next to it.
    assert!(!d.0.join("bfdd.pid").exists());
}

#[test]
fn dryrun_refuses_a_missing_config() {
    let d = TempDir::new("cli-missing");
    let f = d.0.join("nope.conf");
    let out = bfdd(&["-C", "-f", &f.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("nope.conf"), "stderr: {err}");
}

#[test]
fn version_and_unknown_option() {
    let out = bfdd(&["-v"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains(env!("CARGO_PKG_VERSION")));
    let out = bfdd(&["--no-such-option"]);
    assert_eq!(out.status.code(), Some(2));
}

/// Options FRR's bfdd takes whose function bfdd-rs does not have are
/// refused before anything starts, never accepted and ignored.
#[test]
fn unimplemented_options_are_refused() {
    let out = bfdd(&["-C", "--dplaneaddr", "unix:/tmp/bfrs-dplane"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--dplaneaddr unix:/tmp/bfrs-dplane: the distributed BFD data plane is not implemented yet"),
        "stderr: {err}"
    );
    let out = bfdd(&["-C", "-M", "snmp", "-t"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 2, "one reason per option: {err}");
    let out = bfdd(&["-F", "help"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains(" * traditional"));
}

#[test]
fn dryrun_refuses_a_bad_config_with_file_and_line() {
    let d = TempDir::new("cli-bad");
    let f = d.file(
        "bfdd.conf",
        "bfd\n peer 10.0.0.2\n  detect-multiplier 3\n  receive-interval 5\n exit\nexit\n",
    );
    let out = bfdd(&["-C", "-f", &f]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("{f}:4:")), "stderr: {err}");
}
