//! Log output for the daemon: tracing events fanned out to FRR's `--log`
//! targets (stdout, syslog, file:PATH) at `--log-level`. Log files are
//! reopened on SIGUSR1 so logrotate can move them, as FRR does.

use std::ffi::CString;
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use tracing::{Level, Metadata};
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{reload, Registry};

use super::cli::{LogLevel, LogTarget};

/// Where log lines go; cheap to clone, shared with the SIGUSR1 handler.
#[derive(Clone, Default)]
pub struct Outputs {
    stdout: bool,
    syslog: bool,
    files: Vec<Arc<LogFile>>,
}

struct LogFile {
    path: PathBuf,
    file: Mutex<File>,
}

fn open_append(path: &PathBuf) -> io::Result<File> {
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

    /// Reopen log files (after logrotate moved them).
    pub fn reopen(&self) {
        for f in &self.files {
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

fn open_syslog() {
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

pub fn level_filter(level: Option<LogLevel>) -> LevelFilter {
    match level {
        None => LevelFilter::INFO,
        Some(LogLevel::Emergencies | LogLevel::Alerts | LogLevel::Critical | LogLevel::Errors) => {
            LevelFilter::ERROR
        }
        Some(LogLevel::Warnings) => LevelFilter::WARN,
        Some(LogLevel::Notifications | LogLevel::Informational) => LevelFilter::INFO,
        Some(LogLevel::Debugging) => LevelFilter::DEBUG,
        Some(LogLevel::Trace) => LevelFilter::TRACE,
    }
}

/// The level in force: `--log-level` when given; otherwise debugging while
/// the config has `debug bfd ...` lines (FRR logs those messages only then),
/// else informational.
pub fn effective_level(cli: Option<LogLevel>, config_debug: bool) -> LevelFilter {
    match cli {
        Some(_) => level_filter(cli),
        None if config_debug => LevelFilter::DEBUG,
        None => LevelFilter::INFO,
    }
}

/// The netlink crates warn about attributes newer than they know (e.g. a
/// longer IFLA_INET6_CONF); that is noise for an operator, so below error
/// they are only shown at trace level.
fn filter(level: LevelFilter) -> Targets {
    let quiet = if level == LevelFilter::TRACE {
        LevelFilter::TRACE
    } else {
        LevelFilter::ERROR
    };
    Targets::new()
        .with_default(level)
        .with_target("netlink_packet_route", quiet)
        .with_target("netlink_packet_core", quiet)
        .with_target("netlink_proto", quiet)
        .with_target("netlink_sys", quiet)
}

/// Changes the level at run time (config reload toggling debug lines).
#[derive(Clone)]
pub struct LevelControl {
    cli: Option<LogLevel>,
    handle: reload::Handle<Targets, Registry>,
}

impl LevelControl {
    pub fn set_config_debug(&self, on: bool) {
        let level = effective_level(self.cli, on);
        let _ = self.handle.modify(|f| *f = filter(level));
    }
}

/// Install the global subscriber. Switching outputs later (detaching from
/// the terminal) goes through the shared `Switch`.
pub fn install(
    outputs: Outputs,
    cli: Option<LogLevel>,
    config_debug: bool,
) -> (Switch, LevelControl) {
    let switch = Switch(Arc::new(Mutex::new(outputs)));
    let (targets, handle) = reload::Layer::new(filter(effective_level(cli, config_debug)));
    let fmt = tracing_subscriber::fmt::layer()
        .with_ansi(false)
        .with_target(false)
        .with_writer(switch.clone());
    // Fails only if a subscriber is already set (tests): keep that one.
    let _ = tracing_subscriber::registry()
        .with(targets)
        .with(fmt)
        .try_init();
    (switch, LevelControl { cli, handle })
}

/// The current outputs, replaceable at run time.
#[derive(Clone)]
pub struct Switch(Arc<Mutex<Outputs>>);

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

/// The vty's handle on logging: `debug bfd ...` raises the level, the
/// `log ...` commands change the outputs.
pub struct VtyLogging {
    log: Switch,
    levels: LevelControl,
}

impl VtyLogging {
    pub fn new(log: Switch, levels: LevelControl) -> VtyLogging {
        VtyLogging { log, levels }
    }
}

impl bfdd_rs::vty::DaemonControl for VtyLogging {
    fn debug_changed(&self, any: bool) {
        self.levels.set_config_debug(any);
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
        if self.outputs.stdout {
            let _ = io::stdout().lock().write_all(&self.buf);
        }
        for f in &self.outputs.files {
            if let Ok(mut file) = f.file.lock() {
                let _ = file.write_all(&self.buf);
            }
        }
        if self.outputs.syslog {
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

    #[test]
    fn levels_map_to_filters() {
        assert_eq!(level_filter(None), LevelFilter::INFO);
        assert_eq!(level_filter(Some(LogLevel::Debugging)), LevelFilter::DEBUG);
        assert_eq!(level_filter(Some(LogLevel::Warnings)), LevelFilter::WARN);
        assert_eq!(level_filter(Some(LogLevel::Critical)), LevelFilter::ERROR);
        assert_eq!(effective_level(None, false), LevelFilter::INFO);
        assert_eq!(effective_level(None, true), LevelFilter::DEBUG);
        let warn = Some(LogLevel::Warnings);
        assert_eq!(effective_level(warn, true), LevelFilter::WARN);
        assert_eq!(
            effective_level(Some(LogLevel::Trace), false),
            LevelFilter::TRACE
        );
    }
}
