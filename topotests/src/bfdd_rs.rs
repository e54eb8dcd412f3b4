//! The daemon under test: `bfdd-rs --standalone` run in the foreground inside
//! a namespace, with FRR's flags (`-f`, `--vty_socket`, `-i`, `--log`,
//! `--log-level`), queried through the real vtysh, reloaded with SIGHUP and
//! stopped with SIGTERM (which must send AdminDown before it exits).

use crate::cmd;
use crate::daemon::log_sink;
use crate::lab::Lab;
use crate::netns::Netns;
use crate::vtysh::Vtysh;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// Where the bfdd-rs binary is: `$BFDD_RS_BIN`, else the newer of
/// `target/release/bfdd-rs` and `target/debug/bfdd-rs` of this workspace
/// (honouring `$CARGO_TARGET_DIR`).
pub fn binary() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("BFDD_RS_BIN") {
        return Some(PathBuf::from(p));
    }
    newest_built(Path::new("bfdd-rs"))
}

/// The newer of `target/release/REL` and `target/debug/REL` of this
/// workspace (honouring `$CARGO_TARGET_DIR`), if either exists.
pub(crate) fn newest_built(rel: &Path) -> Option<PathBuf> {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
            manifest.parent().unwrap_or(manifest).join("target")
        });
    ["release", "debug"]
        .iter()
        .map(|profile| target.join(profile).join(rel))
        .filter_map(|p| {
            let modified = std::fs::metadata(&p).ok()?.modified().ok()?;
            Some((modified, p))
        })
        .max_by_key(|(modified, _)| *modified)
        .map(|(_, p)| p)
}

pub struct BfddRs {
    name: String,
    dir: PathBuf,
    child: Option<Child>,
    vty: Vtysh,
    /// The whole command line, `ip netns exec` included, for restarts.
    argv: Vec<String>,
}

impl BfddRs {
    /// Writes `conf` (frr.conf syntax) and starts bfdd-rs in `ns`; returns
    /// once its vty socket answers `show bfd peers json`.
    pub fn start(lab: &Lab, ns: &Netns, name: &str, conf: &str) -> BfddRs {
        BfddRs::start_with_args(lab, ns, name, conf, &[])
    }

    /// [`BfddRs::start`] with `extra` arguments appended to the command line
    /// (e.g. `--zapi-socket PATH`, `--bfdctl PATH`).
    pub fn start_with_args(
        lab: &Lab,
        ns: &Netns,
        name: &str,
        conf: &str,
        extra: &[&str],
    ) -> BfddRs {
        let bin = binary().expect(
            "bfdd-rs binary not found: run `cargo build --release` first (or set BFDD_RS_BIN)",
        );
        let dir = lab.instance_dir(name);
        let conf_path = dir.join("bfdd.conf");
        std::fs::write(&conf_path, conf).expect("write bfdd-rs config");
        lab.add_log(&format!("{name} bfdd.conf"), &conf_path);
        lab.add_log(&format!("{name} stderr"), &dir.join("bfdd.stderr"));
        lab.add_log(&format!("{name} bfdd.log"), &dir.join("bfdd.log"));
        let d = dir.to_string_lossy().into_owned();
        // Every instance gets private control sockets: the defaults under
        // /var/run/frr are shared by all namespaces, and a second instance
        // would take over the first one's socket files.
        let mut private: Vec<String> = Vec::new();
        if !extra.contains(&"--bfdctl") {
            private.extend(["--bfdctl".into(), format!("{d}/bfdd.sock")]);
        }
        if !extra.contains(&"--zapi-socket") {
            private.extend(["--zapi-socket".into(), format!("{d}/bfdd-zapi.sock")]);
        }
        let mut argv: Vec<String> = vec![
            "ip".into(),
            "netns".into(),
            "exec".into(),
            ns.name().into(),
            bin.to_string_lossy().into_owned(),
            "--standalone".into(),
            "-f".into(),
            conf_path.to_string_lossy().into_owned(),
        ];
        argv.extend(
            [
                "--vty_socket",
                &d,
                "-i",
                &format!("{d}/bfdd.pid"),
                "--log",
                &format!("file:{d}/bfdd.log"),
                "--log-level",
                "debug",
            ]
            .map(String::from),
        );
        argv.extend(private);
        argv.extend(extra.iter().map(|a| a.to_string()));
        let mut rs = BfddRs {
            name: name.to_string(),
            vty: Vtysh::new(&dir),
            dir,
            child: None,
            argv,
        };
        rs.spawn();
        rs
    }

    /// Starts the daemon from `argv` and waits until its vty answers.
    fn spawn(&mut self) {
        let stderr = self.dir.join("bfdd.stderr");
        let child = Command::new(&self.argv[0])
            .args(&self.argv[1..])
            .stdin(Stdio::null())
            .stdout(log_sink(&stderr))
            .stderr(log_sink(&stderr))
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", self.argv[4]));
        self.child = Some(child);
        let name = self.name.clone();
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if let Some(status) = self.exited() {
                panic!(
                    "{name}: bfdd-rs ({}) exited at start-up ({status}); stderr:\n{}",
                    self.argv[4],
                    std::fs::read_to_string(&stderr).unwrap_or_default()
                );
            }
            if self.vty.peers().is_ok() {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "{name}: bfdd-rs did not answer `show bfd peers json` within 15 s: {:?}",
                self.vty.peers().err()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Stops the daemon with `sig` (TERM, or KILL for a crash) and reaps it.
    pub fn stop(&mut self, sig: &str) {
        let pid = self.pid().expect("bfdd-rs running");
        cmd::signal(pid, sig).unwrap_or_else(|e| panic!("{e}"));
        if let Some(mut child) = self.child.take() {
            let _ = child.wait();
        }
    }

    /// Starts the stopped daemon again with the same command line.
    pub fn start_again(&mut self) {
        assert!(self.child.is_none(), "{}: still running", self.name);
        self.spawn();
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn vty(&self) -> &Vtysh {
        &self.vty
    }

    /// The session state changes logged so far (see [`crate::rslog`]).
    pub fn state_changes(&self) -> Vec<crate::rslog::StateChange> {
        let text = std::fs::read(self.dir.join("bfdd.log")).unwrap_or_default();
        crate::rslog::state_changes(&String::from_utf8_lossy(&text))
    }

    /// The daemon's pid, while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// `Some(status)` once the process has exited.
    pub fn exited(&mut self) -> Option<ExitStatus> {
        self.child
            .as_mut()
            .and_then(|c| c.try_wait().ok().flatten())
    }

    /// Rewrites the config file and sends SIGHUP to reload it.
    pub fn reload(&mut self, conf: &str) {
        std::fs::write(self.dir.join("bfdd.conf"), conf).expect("rewrite bfdd-rs config");
        assert!(
            self.exited().is_none(),
            "{}: bfdd-rs is not running",
            self.name
        );
        let pid = self.pid().expect("bfdd-rs pid");
        cmd::signal(pid, "HUP").unwrap_or_else(|e| panic!("{e}"));
    }

    /// Sends SIGTERM and waits up to `timeout` for the exit status.
    pub fn terminate(&mut self, timeout: Duration) -> Result<ExitStatus, String> {
        let pid = self.pid().ok_or("bfdd-rs already reaped")?;
        cmd::signal(pid, "TERM")?;
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.exited() {
                self.child = None;
                return Ok(status);
            }
            if Instant::now() >= deadline {
                return Err(format!("bfdd-rs still running {timeout:?} after SIGTERM"));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for BfddRs {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            cmd::stop_pid(child.id(), Duration::from_secs(3));
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
