//! Log output for the daemon: tracing events fanned out to FRR's `--log`
//! targets (stdout, syslog, file:PATH) at `--log-level`. Log files are
//! reopened on SIGUSR1 so logrotate can move them, as FRR does.

use std::ffi::CString;
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use tracing::{Level, Metadata};
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::time::FormatTime;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{reload, Registry};

use super::cli::{LogLevel, LogTarget};

/// Where log lines go; cheap to clone, shared with the SIGUSR1 handler.
/// `stdout`, `syslog` and `files` are the command-line (`--log`) targets;
/// `vty` the ones set with `log ...` commands.
#[derive(Clone, Default)]
pub struct Outputs {
    stdout: bool,
    syslog: bool,
    files: Vec<Arc<LogFile>>,
    /// `--log-level` name for `show logging`.
    cmdline_level: Option<&'static str>,
    /// `--log` was given (a default target is not reported as one).
    cmdline_explicit: bool,
    vty: VtyTargets,
}

/// FRR's syslog priorities by name, most severe first (0..=7).
pub const FRR_LEVELS: [&str; 8] = [
    "emergencies",
    "alerts",
    "critical",
    "errors",
    "warnings",
    "notifications",
    "informational",
    "debugging",
];
const DEBUGGING: u8 = 7;

/// Targets configured through the vty, each with its FRR priority.
#[derive(Clone, Default)]
pub struct VtyTargets {
    stdout: Option<u8>,
    syslog: Option<u8>,
    file: Option<(Arc<LogFile>, u8)>,
    record_priority: bool,
    timestamp_precision: u8,
    log_commands: bool,
}

fn syslog_prio(level: Level) -> u8 {
    match level {
        Level::ERROR => 3,
        Level::WARN => 4,
        Level::INFO => 6,
        _ => 7,
    }
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

/// Digits of sub-second time stamp precision (`log timestamp precision N`);
/// 6 until the vty sets it, the format's default.
static PRECISION: AtomicU8 = AtomicU8::new(6);

/// RFC 3339 UTC time stamps with `PRECISION` fraction digits.
struct Stamp;

impl FormatTime for Stamp {
    fn format_time(&self, w: &mut Writer<'_>) -> std::fmt::Result {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        write!(w, "{}", stamp(now, PRECISION.load(Ordering::Relaxed)))
    }
}

/// `YYYY-MM-DDTHH:MM:SS[.f…]Z` for a time since the epoch.
fn stamp(since_epoch: Duration, digits: u8) -> String {
    let secs = since_epoch.as_secs();
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let mut out = format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    );
    let digits = digits.min(6);
    if digits > 0 {
        let frac = format!("{:06}", since_epoch.subsec_micros());
        out.push('.');
        out.push_str(&frac[..digits as usize]);
    }
    out.push('Z');
    out
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
        .with_timer(Stamp)
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
    /// `--command-log-always`: commands are logged and `no log commands`
    /// is refused, as FRR does.
    commands_perm: bool,
}

impl VtyLogging {
    pub fn new(log: Switch, levels: LevelControl) -> VtyLogging {
        VtyLogging {
            log,
            levels,
            commands_perm: false,
        }
    }

    /// FRR's `--command-log-always`: log every vty command from the start,
    /// and for the daemon's whole life.
    pub fn with_command_log_always(mut self, on: bool) -> VtyLogging {
        self.commands_perm = on;
        if on {
            self.edit(|o| o.vty.log_commands = true);
        }
        self
    }
}

fn frr_prio(l: LogLevel) -> u8 {
    match l {
        LogLevel::Emergencies => 0,
        LogLevel::Alerts => 1,
        LogLevel::Critical => 2,
        LogLevel::Errors => 3,
        LogLevel::Warnings => 4,
        LogLevel::Notifications => 5,
        LogLevel::Informational => 6,
        LogLevel::Debugging | LogLevel::Trace => 7,
    }
}

/// A level word as the vty grammar expanded it (full name).
fn level_arg(word: Option<&str>) -> u8 {
    word.and_then(|w| FRR_LEVELS.iter().position(|n| *n == w))
        .map_or(DEBUGGING, |i| i as u8)
}

/// ` LEVEL` unless it is the default (debugging), as FRR writes it.
fn level_suffix(prio: u8) -> String {
    if prio == DEBUGGING {
        String::new()
    } else {
        format!(" {}", FRR_LEVELS[prio as usize])
    }
}

impl VtyLogging {
    fn edit(&self, f: impl FnOnce(&mut Outputs)) {
        let mut o = self.log.get();
        f(&mut o);
        self.log.set(o);
    }

    /// FRR's `show logging` text.
    fn show_logging(&self) -> String {
        let o = self.log.get();
        let v = &o.vty;
        let name = |p: u8| FRR_LEVELS[p as usize];
        let mut out = String::new();
        match v.syslog {
            Some(p) => out.push_str(&format!(
                "Syslog logging: level {}, facility daemon, ident bfdd\n",
                name(p)
            )),
            None => out.push_str("Syslog logging: disabled\n"),
        }
        match v.stdout {
            Some(p) => out.push_str(&format!("Stdout logging: level {}\n", name(p))),
            None => out.push_str("Stdout logging: disabled\n"),
        }
        match &v.file {
            Some((f, p)) => out.push_str(&format!(
                "File logging: level {}, filename {}\n",
                name(*p),
                f.path.display()
            )),
            None => out.push_str("File logging: disabled\n"),
        }
        let level = o
            .cmdline_level
            .map(|l| format!(" --log-level {l}"))
            .unwrap_or_default();
        for f in &o.files {
            out.push_str(&format!(
                "From command line: \"--log file:{}{level}\"\n",
                f.path.display()
            ));
        }
        if o.stdout && o.cmdline_explicit {
            out.push_str(&format!("From command line: \"--log stdout{level}\"\n"));
        }
        if o.syslog && o.cmdline_explicit {
            out.push_str(&format!("From command line: \"--log syslog{level}\"\n"));
        }
        out.push_str("Protocol name: BFD\n");
        out.push_str(&format!(
            "Record priority: {}\n",
            if v.record_priority {
                "enabled"
            } else {
                "disabled"
            }
        ));
        out.push_str(&format!("Timestamp precision: {}\n", v.timestamp_precision));
        out
    }
}

impl bfdd_rs::frr::vty::DaemonControl for VtyLogging {
    fn debug_changed(&self, any: bool) {
        self.levels.set_config_debug(any);
    }

    fn command(&self, line: &str) -> Option<(String, u8)> {
        let words: Vec<&str> = line.split(' ').collect();
        match words.as_slice() {
            ["show", "logging"] => return Some((self.show_logging(), 0)),
            ["clear", "log", "cmdline-targets"] => self.edit(|o| {
                o.stdout = false;
                o.syslog = false;
                o.files.clear();
            }),
            ["log", "file", path, rest @ ..] => {
                let path = PathBuf::from(path);
                match open_append(&path) {
                    Ok(file) => {
                        let prio = level_arg(rest.first().copied());
                        let lf = Arc::new(LogFile {
                            path,
                            file: Mutex::new(file),
                        });
                        self.edit(|o| o.vty.file = Some((lf, prio)));
                    }
                    Err(e) => {
                        return Some((
                            format!("% Failed to open logfile {}: {e}\n", path.display()),
                            1,
                        ))
                    }
                }
            }
            ["no", "log", "file", ..] => self.edit(|o| o.vty.file = None),
            ["log", "stdout", rest @ ..] => {
                let p = level_arg(rest.first().copied());
                self.edit(|o| o.vty.stdout = Some(p));
            }
            ["no", "log", "stdout", ..] => self.edit(|o| o.vty.stdout = None),
            ["log", "syslog", rest @ ..] => {
                let p = level_arg(rest.first().copied());
                open_syslog();
                self.edit(|o| o.vty.syslog = Some(p));
            }
            ["no", "log", "syslog", ..] => self.edit(|o| o.vty.syslog = None),
            ["log", "commands"] => self.edit(|o| o.vty.log_commands = true),
            ["no", "log", "commands"] if self.commands_perm => {
                return Some((
                    "Daemon started with permanent logging turned on for commands, ignoring\n"
                        .into(),
                    1,
                ));
            }
            ["no", "log", "commands"] => self.edit(|o| o.vty.log_commands = false),
            ["log", "record-priority"] => self.edit(|o| o.vty.record_priority = true),
            ["no", "log", "record-priority"] => self.edit(|o| o.vty.record_priority = false),
            ["log", "timestamp", "precision", n] => {
                let n = n.parse().unwrap_or(0);
                PRECISION.store(n, Ordering::Relaxed);
                self.edit(|o| o.vty.timestamp_precision = n);
            }
            ["no", "log", "timestamp", "precision", ..] => {
                PRECISION.store(0, Ordering::Relaxed);
                self.edit(|o| o.vty.timestamp_precision = 0)
            }
            _ => return None,
        }
        Some((String::new(), 0))
    }

    fn log_config(&self) -> (String, bool) {
        let o = self.log.get();
        let v = &o.vty;
        let mut out = String::new();
        let level = o.cmdline_level.unwrap_or("debugging");
        for f in &o.files {
            out.push_str(&format!(
                "! \"log file {} {level}\" enabled by \"--log\" startup option\n\
                 ! use \"clear log cmdline-targets\" to remove this target\n",
                f.path.display()
            ));
        }
        if let Some((f, p)) = &v.file {
            out.push_str(&format!(
                "log file {}{}\n",
                f.path.display(),
                level_suffix(*p)
            ));
        }
        if let Some(p) = v.stdout {
            out.push_str(&format!("log stdout{}\n", level_suffix(p)));
        }
        if let Some(p) = v.syslog {
            out.push_str(&format!("log syslog{}\n", level_suffix(p)));
        }
        if v.record_priority {
            out.push_str("log record-priority\n");
        }
        if v.timestamp_precision != 0 {
            out.push_str(&format!(
                "log timestamp precision {}\n",
                v.timestamp_precision
            ));
        }
        (out, v.log_commands)
    }

    fn log_command(&self, line: &str) {
        if self.log.get().vty.log_commands {
            tracing::info!("VTY command: {line}");
        }
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

    use bfdd_rs::frr::vty::DaemonControl;

    fn vty_logging(perm: bool) -> VtyLogging {
        let (_layer, handle) = reload::Layer::<Targets, Registry>::new(filter(LevelFilter::INFO));
        let levels = LevelControl { cli: None, handle };
        let sw = Switch(Arc::new(Mutex::new(Outputs::default())));
        VtyLogging::new(sw, levels).with_command_log_always(perm)
    }

    #[test]
    fn command_log_always_logs_commands_and_refuses_to_stop() {
        let v = vty_logging(true);
        assert!(v.log_config().1, "on from the start");
        let (out, ret) = v.command("no log commands").expect("handled");
        assert_eq!(
            out,
            "Daemon started with permanent logging turned on for commands, ignoring\n"
        );
        assert_eq!(ret, 1);
        assert!(v.log_config().1, "still on");

        let v = vty_logging(false);
        assert!(!v.log_config().1);
        assert_eq!(v.command("log commands"), Some((String::new(), 0)));
        assert!(v.log_config().1);
        assert_eq!(v.command("no log commands"), Some((String::new(), 0)));
        assert!(!v.log_config().1);
    }

    #[test]
    fn time_stamps_follow_the_precision() {
        let t = Duration::from_micros(1_764_018_549_123_456);
        assert_eq!(stamp(t, 6), "2025-11-24T21:09:09.123456Z");
        assert_eq!(stamp(t, 3), "2025-11-24T21:09:09.123Z");
        assert_eq!(stamp(t, 0), "2025-11-24T21:09:09Z");
        assert_eq!(stamp(Duration::ZERO, 1), "1970-01-01T00:00:00.0Z");
        // A leap day.
        assert_eq!(
            stamp(Duration::from_secs(951_782_400), 0),
            "2000-02-29T00:00:00Z"
        );
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
