//! Where log lines go: the `--log` targets (stdout, syslog, file:PATH) and
//! those the vty's `log ...` commands set, each line written to every one
//! whose level lets it through. Log files are reopened on SIGUSR1 so
//! logrotate can move them, as FRR does.

use std::ffi::CString;
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use tracing::{Level, Metadata};
use tracing_subscriber::fmt::MakeWriter;

use super::levels::{frr_prio, syslog_prio, FRR_LEVELS};
use crate::daemon::cli::{LogLevel, LogTarget};

/// Where log lines go; cheap to clone, shared with the SIGUSR1 handler.
/// `stdout`, `syslog` and `files` are the command-line (`--log`) targets;
/// `vty` the ones set with `log ...` commands.
#[derive(Clone, Default)]
pub struct Outputs {
    pub(super) stdout: bool,
    pub(super) syslog: bool,
    pub(super) files: Vec<Arc<LogFile>>,
    /// `--log-level` name for `show logging`.
    pub(super) cmdline_level: Option<&'static str>,
    /// `--log` was given (a default target is not reported as one).
    pub(super) cmdline_explicit: bool,
    pub(super) vty: VtyTargets,
}

/// Targets configured through the vty, each with its FRR priority.
#[derive(Clone, Default)]
pub struct VtyTargets {
    pub(super) stdout: Option<u8>,
    pub(super) syslog: Option<u8>,
    pub(super) file: Option<(Arc<LogFile>, u8)>,
    pub(super) record_priority: bool,
    pub(super) timestamp_precision: u8,
    pub(super) log_commands: bool,
}

/// A log file, reopened in place on SIGUSR1.
pub(super) struct LogFile {
    pub(super) path: PathBuf,
    pub(super) file: Mutex<File>,
}

pub(super) fn open_append(path: &PathBuf) -> io::Result<File> {
    OpenOptions::new().create(true).append(true).open(path)
}

impl Outputs {
    /// Open every target; `default` applies when none was given (stdout in
    /// the foreground, syslog for a daemon).
    pub fn open(targets: &[LogTarget], default: LogTarget) -> io::Result<Outputs> {
        let mut o = Outputs::default();
        let default = [default];
        let targets = if targets.is_empty() {
            &default[..]
        } else {
            targets
        };
        for t in targets {
            match t {
                LogTarget::Stdout => o.stdout = true,
                LogTarget::Syslog => o.syslog = true,
                LogTarget::File(path) => {
                    let file = open_append(path).map_err(|e| {
                        io::Error::new(e.kind(), format!("log file {}: {e}", path.display()))
                    })?;
                    o.files.push(Arc::new(LogFile {
                        path: path.clone(),
                        file: Mutex::new(file),
                    }));
                }
            }
        }
        if o.syslog {
            open_syslog();
        }
        Ok(o)
    }

    /// Records the command line for `show logging`: whether `--log` was
    /// given, and `--log-level`.
    pub fn with_cmdline(mut self, explicit: bool, level: Option<LogLevel>) -> Outputs {
        self.cmdline_explicit = explicit;
        self.cmdline_level = level.map(|l| FRR_LEVELS[frr_prio(l) as usize]);
        self
    }

    /// Reopen log files (after logrotate moved them).
    pub fn reopen(&self) {
        for f in self
            .files
            .iter()
            .chain(self.vty.file.iter().map(|(f, _)| f))
        {
            match open_append(&f.path) {
                Ok(new) => {
                    if let Ok(mut cur) = f.file.lock() {
                        *cur = new;
                    }
                }
                Err(e) => tracing::error!("reopening log file {}: {e}", f.path.display()),
            }
        }
    }

    /// Stop writing to stdout (the daemon detached from its terminal).
    pub fn without_stdout(&self) -> Outputs {
        Outputs {
            stdout: false,
            ..self.clone()
        }
    }
}

pub(super) fn open_syslog() {
    static IDENT: OnceLock<CString> = OnceLock::new();
    let ident = IDENT.get_or_init(|| CString::new("bfdd").unwrap_or_default());
    // SAFETY: ident lives for the rest of the process, as openlog requires.
    unsafe {
        libc::openlog(
            ident.as_ptr(),
            libc::LOG_PID | libc::LOG_NDELAY,
            libc::LOG_DAEMON,
        )
    };
}

/// The current outputs, replaceable at run time.
#[derive(Clone)]
pub struct Switch(pub(super) Arc<Mutex<Outputs>>);

impl Switch {
    pub fn set(&self, outputs: Outputs) {
        if let Ok(mut o) = self.0.lock() {
            *o = outputs;
        }
    }

    pub fn get(&self) -> Outputs {
        self.0.lock().map(|o| o.clone()).unwrap_or_default()
    }
}

/// One formatted event, written to every output when dropped.
pub struct Line {
    buf: Vec<u8>,
    level: Level,
    outputs: Outputs,
}

impl Write for Line {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(b);
        Ok(b.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Drop for Line {
    fn drop(&mut self) {
        if self.buf.is_empty() {
            return;
        }
        // Log failures have nowhere to be reported; drop them.
        let prio = syslog_prio(self.level);
        let vty = &self.outputs.vty;
        let passes = |t: Option<u8>| t.is_some_and(|max| prio <= max);
        if self.outputs.stdout || passes(vty.stdout) {
            let _ = io::stdout().lock().write_all(&self.buf);
        }
        let vty_file = vty.file.iter().filter(|(_, max)| prio <= *max);
        for f in self.outputs.files.iter().chain(vty_file.map(|(f, _)| f)) {
            if let Ok(mut file) = f.file.lock() {
                let _ = file.write_all(&self.buf);
            }
        }
        if self.outputs.syslog || passes(vty.syslog) {
            let text: Vec<u8> = self
                .buf
                .iter()
                .copied()
                .filter(|&c| c != 0 && c != b'\n')
                .collect();
            if let Ok(msg) = CString::new(text) {
                let prio = match self.level {
                    Level::ERROR => libc::LOG_ERR,
                    Level::WARN => libc::LOG_WARNING,
                    Level::INFO => libc::LOG_INFO,
                    _ => libc::LOG_DEBUG,
                };
                // SAFETY: constant format string with one C string argument.
                unsafe { libc::syslog(prio, c"%s".as_ptr(), msg.as_ptr()) };
            }
        }
    }
}

impl<'a> MakeWriter<'a> for Switch {
    type Writer = Line;

    fn make_writer(&'a self) -> Line {
        Line {
            buf: Vec::new(),
            level: Level::INFO,
            outputs: self.get(),
        }
    }

    fn make_writer_for(&'a self, meta: &Metadata<'_>) -> Line {
        Line {
            buf: Vec::new(),
            level: *meta.level(),
            outputs: self.get(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_target_gets_lines_and_reopens() {
        let dir = std::env::temp_dir().join(format!("bfrs-dm-log-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("tmp dir");
        let path = dir.join("b.log");
        let o = Outputs::open(&[LogTarget::File(path.clone())], LogTarget::Stdout).expect("open");
        assert!(!o.stdout, "explicit targets replace the stdout default");
        let sw = Switch(Arc::new(Mutex::new(o.clone())));
        writeln!(sw.make_writer(), "first").expect("write");
        // Rotate: move the file away, reopen, write again.
        let rotated = dir.join("b.log.1");
        std::fs::rename(&path, &rotated).expect("rename");
        o.reopen();
        writeln!(sw.make_writer(), "second").expect("write");
        assert_eq!(std::fs::read_to_string(&rotated).expect("read"), "first\n");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "second\n");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
