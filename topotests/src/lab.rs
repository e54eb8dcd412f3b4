//! The per-test context: a private temporary directory holding every daemon's
//! instance directory, and the list of log files to show when the test fails.
//! Create it first in a test so it is dropped last: by then the daemons and
//! namespaces declared after it are gone, and on a panic their logs are
//! printed to stderr (which the test runner shows) before the directory goes.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Lines shown from the end of each log file when a test fails.
const DUMP_TAIL_LINES: usize = 250;

pub struct Lab {
    name: String,
    dir: PathBuf,
    logs: Mutex<Vec<(String, PathBuf)>>,
    keep: bool,
}

impl Lab {
    /// A fresh lab for test `name`. Checks root and the needed tools first.
    /// `TOPOTESTS_KEEP=1` keeps the temporary directory after the test.
    pub fn new(name: &str) -> Lab {
        crate::cmd::require_lab_tools();
        let base = std::env::temp_dir().join("bfrs-topotests");
        fs::create_dir_all(&base).expect("create the topotests temp base");
        let dir = base.join(format!("{name}-{}", std::process::id()));
        if dir.exists() {
            let _ = fs::remove_dir_all(&dir);
        }
        fs::create_dir_all(&dir).expect("create the lab directory");
        // FRR's daemons run as user frr and must reach their instance dirs.
        for d in [&base, &dir] {
            let _ = fs::set_permissions(d, fs::Permissions::from_mode(0o755));
        }
        Lab {
            name: name.to_string(),
            dir,
            logs: Mutex::new(Vec::new()),
            keep: std::env::var("TOPOTESTS_KEEP").is_ok_and(|v| v == "1"),
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// A new, empty instance directory for one daemon set.
    pub fn instance_dir(&self, instance: &str) -> PathBuf {
        let d = self.dir.join(instance);
        let _ = fs::remove_dir_all(&d);
        fs::create_dir_all(&d).expect("create an instance directory");
        d
    }

    /// Registers a log file to be printed if the test fails.
    pub fn add_log(&self, label: &str, path: &Path) {
        if let Ok(mut logs) = self.logs.lock() {
            logs.push((label.to_string(), path.to_path_buf()));
        }
    }

    /// Prints the tail of every registered log to stderr.
    pub fn dump_logs(&self) {
        let logs = match self.logs.lock() {
            Ok(l) => l.clone(),
            Err(p) => p.into_inner().clone(),
        };
        for (label, path) in logs {
            eprintln!("===== {} [{}] {}", self.name, label, path.display());
            match fs::read(&path) {
                Ok(bytes) => {
                    let text = String::from_utf8_lossy(&bytes);
                    let lines: Vec<&str> = text.lines().collect();
                    let from = lines.len().saturating_sub(DUMP_TAIL_LINES);
                    if from > 0 {
                        eprintln!("... ({from} earlier lines omitted)");
                    }
                    for l in &lines[from..] {
                        eprintln!("{l}");
                    }
                }
                Err(e) => eprintln!("(cannot read: {e})"),
            }
        }
        eprintln!("===== end of logs for {}", self.name);
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.dump_logs();
        }
        if self.keep {
            eprintln!("TOPOTESTS_KEEP=1: kept {}", self.dir.display());
        } else {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}
