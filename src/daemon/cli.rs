//! bfdd's command line as FRR 8.4 defines it (lib/libfrr.c generic options
//! plus bfdd's own), with FRR's Debian default paths, and ours (`--standalone`,
//! `--frr-version`). `Paths::resolve` applies `-N` pathspace the way FRR does:
//! the name is inserted into every default state path and the config path,
//! while paths given explicitly are taken as they are.

use std::fmt;
use std::path::{Path, PathBuf};

use clap::{ArgAction, Parser};

pub const SYSCONF_DIR: &str = "/etc/frr";
pub const STATE_DIR: &str = "/var/run/frr";
/// FRR's default user and group (`--enable-user`/`--enable-group`), for
/// `-u`/`-g` left out; the privilege drop takes them from `Args`.
pub const DEFAULT_USER: &str = "frr";
pub const DEFAULT_GROUP: &str = "frr";

#[derive(Parser, Debug, Clone, PartialEq)]
#[command(
    name = "bfdd",
    version,
    disable_version_flag = true,
    about = "BFD daemon (RFC 5880/5881/5883): FRR bfdd drop-in, or standalone"
)]
pub struct Args {
    /// Print version and exit.
    #[arg(short = 'v', long = "version", action = ArgAction::Version)]
    pub version: Option<bool>,

    /// Configuration file [default: /etc/frr/bfdd.conf].
    #[arg(short = 'f', long = "config_file", value_name = "PATH")]
    pub config_file: Option<PathBuf>,
    /// Run in the background; the parent exits once the daemon is ready.
    #[arg(short = 'd', long = "daemon")]
    pub daemon: bool,
    /// Process id file [default: /var/run/frr/bfdd.pid].
    #[arg(short = 'i', long = "pid_file", value_name = "PATH")]
    pub pid_file: Option<PathBuf>,
    /// zebra's ZAPI socket [default: /var/run/frr/zserv.api].
    #[arg(short = 'z', long = "socket", value_name = "PATH")]
    pub socket: Option<PathBuf>,
    /// TCP vty bind address [default: every address].
    #[arg(short = 'A', long = "vty_addr", value_name = "ADDR")]
    pub vty_addr: Option<String>,
    /// TCP vty port (0 disables it).
    #[arg(
        short = 'P',
        long = "vty_port",
        value_name = "PORT",
        default_value_t = super::tcp_vty::BFDD_VTY_PORT
    )]
    pub vty_port: u16,
    /// User to run as when started as root [default: frr].
    #[arg(short = 'u', long = "user", value_name = "USER")]
    pub user: Option<String>,
    /// Group to run as when started as root [default: frr].
    #[arg(short = 'g', long = "group", value_name = "GROUP")]
    pub group: Option<String>,
    /// Insert NAME into the default state and config paths.
    #[arg(short = 'N', long = "pathspace", value_name = "NAME", value_parser = parse_pathspace)]
    pub pathspace: Option<String>,
    /// Directory for the bfdd.vty socket [default: /var/run/frr].
    #[arg(long = "vty_socket", value_name = "DIR")]
    pub vty_socket: Option<PathBuf>,
    /// Log target: stdout, syslog or file:PATH (repeatable).
    #[arg(long = "log", value_name = "TARGET", value_parser = parse_log_target)]
    pub log: Vec<LogTarget>,
    /// Log level for --log targets (FRR names: debugging, informational, ...).
    #[arg(long = "log-level", value_name = "LEVEL", value_parser = parse_log_level)]
    pub log_level: Option<LogLevel>,
    /// bfdd control socket [default: /var/run/frr/bfdd.sock].
    #[arg(long = "bfdctl", value_name = "PATH")]
    pub bfdctl: Option<PathBuf>,
    /// Log every vty command.
    #[arg(long = "command-log-always")]
    pub command_log_always: bool,
    /// Load a module (NAME[:ARGS]).
    #[arg(short = 'M', long = "module", value_name = "MODULE")]
    pub module: Vec<String>,
    /// Defaults profile (traditional, datacenter).
    #[arg(short = 'F', long = "profile", value_name = "NAME")]
    pub profile: Option<String>,
    /// Name of the default VRF.
    #[arg(short = 'o', long = "vrfdefaultname", value_name = "NAME")]
    pub vrfdefaultname: Option<String>,
    /// Check the configuration file and exit (0 valid, 1 invalid).
    #[arg(short = 'C', long = "dryrun")]
    pub dryrun: bool,
    /// CLI on the terminal.
    #[arg(short = 't', long = "terminal")]
    pub terminal: bool,
    /// Transactional CLI.
    #[arg(long = "tcli")]
    pub tcli: bool,
    /// Northbound database file.
    #[arg(long = "db_file", value_name = "PATH")]
    pub db_file: Option<PathBuf>,
    #[arg(long = "moduledir", value_name = "DIR")]
    pub moduledir: Option<PathBuf>,
    #[arg(long = "scriptdir", value_name = "DIR")]
    pub scriptdir: Option<PathBuf>,
    /// Limit on open file descriptors.
    #[arg(long = "limit-fds", value_name = "N")]
    pub limit_fds: Option<u32>,
    /// Distributed BFD data plane (TYPE:ADDR).
    #[arg(long = "dplaneaddr", value_name = "TYPE:ADDR")]
    pub dplaneaddr: Option<String>,
    /// Never try to reach zebra.
    #[arg(long = "standalone")]
    pub standalone: bool,
    /// Run the BFD engine thread SCHED_FIFO (priority 50) and pinned to one
    /// CPU (the last one allowed, or --realtime-cpu); without the privilege
    /// it warns and runs at normal priority.
    #[arg(long = "realtime")]
    pub realtime: bool,
    /// CPU for --realtime.
    #[arg(long = "realtime-cpu", value_name = "CPU", requires = "realtime")]
    pub realtime_cpu: Option<usize>,
    /// Direct ZAPI control socket for clients without zebra
    /// [default: /var/run/frr/bfdd-zapi.sock].
    #[arg(long = "zapi-socket", value_name = "PATH")]
    pub zapi_socket: Option<PathBuf>,
    /// FRR release whose wire formats and output to follow.
    #[arg(long = "frr-version", value_name = "X.Y", default_value = "8.4")]
    pub frr_version: String,
}

/// Where `--log` sends log lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogTarget {
    Stdout,
    Syslog,
    File(PathBuf),
}

/// FRR's log levels, kept by FRR's name; `trace` is ours, below debugging.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogLevel {
    Emergencies,
    Alerts,
    Critical,
    Errors,
    Warnings,
    Notifications,
    Informational,
    Debugging,
    Trace,
}

fn parse_log_target(s: &str) -> Result<LogTarget, String> {
    match s {
        "stdout" => Ok(LogTarget::Stdout),
        "syslog" => Ok(LogTarget::Syslog),
        _ => match s.strip_prefix("file:") {
            Some(p) if !p.is_empty() => Ok(LogTarget::File(PathBuf::from(p))),
            _ => Err(format!(
                "invalid log target {s:?}: expected stdout, syslog or file:PATH"
            )),
        },
    }
}

/// FRR matches a level by its first two letters (lib/log.c), so `debug`,
/// `info` and `warn` work as well as the full names.
fn parse_log_level(s: &str) -> Result<LogLevel, String> {
    const NAMES: [(&str, LogLevel); 9] = [
        ("emergencies", LogLevel::Emergencies),
        ("alerts", LogLevel::Alerts),
        ("critical", LogLevel::Critical),
        ("errors", LogLevel::Errors),
        ("warnings", LogLevel::Warnings),
        ("notifications", LogLevel::Notifications),
        ("informational", LogLevel::Informational),
        ("debugging", LogLevel::Debugging),
        ("trace", LogLevel::Trace),
    ];
    let lower = s.to_ascii_lowercase();
    if lower.len() >= 2 {
        for (name, level) in NAMES {
            if name.as_bytes()[..2] == lower.as_bytes()[..2] {
                return Ok(level);
            }
        }
    }
    Err(format!("unknown log level {s:?}"))
}

fn parse_pathspace(s: &str) -> Result<String, String> {
    if s.is_empty() || s.contains('/') || s.contains('.') {
        Err(format!("invalid pathspace {s:?}: no '/' or '.' allowed"))
    } else {
        Ok(s.to_string())
    }
}

/// Every path the daemon uses, after defaults and `-N`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    pub config_file: PathBuf,
    pub pid_file: PathBuf,
    pub vty_dir: PathBuf,
    pub zserv: PathBuf,
    pub bfdctl: PathBuf,
    pub zapi_socket: PathBuf,
}

impl Paths {
    pub fn resolve(args: &Args) -> Paths {
        let ns = args.pathspace.as_deref();
        let under = |base: &str, file: &str| -> PathBuf {
            let mut p = PathBuf::from(base);
            if let Some(ns) = ns {
                p.push(ns);
            }
            p.push(file);
            p
        };
        let state_dir = match ns {
            Some(ns) => Path::new(STATE_DIR).join(ns),
            None => PathBuf::from(STATE_DIR),
        };
        Paths {
            config_file: args
                .config_file
                .clone()
                .unwrap_or_else(|| under(SYSCONF_DIR, "bfdd.conf")),
            pid_file: args
                .pid_file
                .clone()
                .unwrap_or_else(|| under(STATE_DIR, "bfdd.pid")),
            vty_dir: args.vty_socket.clone().unwrap_or(state_dir),
            zserv: args
                .socket
                .clone()
                .unwrap_or_else(|| under(STATE_DIR, "zserv.api")),
            bfdctl: args
                .bfdctl
                .clone()
                .unwrap_or_else(|| under(STATE_DIR, "bfdd.sock")),
            zapi_socket: args
                .zapi_socket
                .clone()
                .unwrap_or_else(|| under(STATE_DIR, "bfdd-zapi.sock")),
        }
    }

    pub fn vty_socket(&self) -> PathBuf {
        self.vty_dir.join("bfdd.vty")
    }
}

impl fmt::Display for LogTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LogTarget::Stdout => f.write_str("stdout"),
            LogTarget::Syslog => f.write_str("syslog"),
            LogTarget::File(p) => write!(f, "file:{}", p.display()),
        }
    }
}

impl Args {
    /// The user to switch to: `-u`, else FRR's default.
    pub fn user(&self) -> &str {
        self.user.as_deref().unwrap_or(DEFAULT_USER)
    }

    /// The group to switch to: `-g`, else FRR's default.
    pub fn group(&self) -> &str {
        self.group.as_deref().unwrap_or(DEFAULT_GROUP)
    }

    /// What must happen before anything starts: `-F help` answers and
    /// exits, an invalid `-F` profile is an error as in FRR, and every option
    /// FRR's bfdd takes whose function bfdd-rs does not have is refused with
    /// the reason, rather than accepted and ignored.
    pub fn early(&self) -> Early {
        if let Some(p) = self.profile.as_deref() {
            if p == "help" {
                return Early::Exit {
                    code: 0,
                    stdout: profiles_text(),
                    stderr: String::new(),
                };
            }
            if !PROFILES.contains(&p) {
                return Early::Exit {
                    code: 1,
                    stdout: String::new(),
                    stderr: format!(
                        "The \"{p}\" configuration profile is not valid for this FRR version.\n{}\n",
                        profiles_text()
                    ),
                };
            }
        }
        let refused = self.refused();
        if refused.is_empty() {
            return Early::Run;
        }
        let stderr = refused.iter().map(|r| format!("bfdd: {r}\n")).collect();
        Early::Exit {
            code: 1,
            stdout: String::new(),
            stderr,
        }
    }

    /// Options bfdd-rs refuses, each with its reason.
    fn refused(&self) -> Vec<String> {
        let mut v = Vec::new();
        for m in &self.module {
            v.push(format!(
                "-M {m}: module \"{}\" cannot be loaded: bfdd-rs has no loadable modules",
                m.split(':').next().unwrap_or(m)
            ));
        }
        if let Some(o) = self.vrfdefaultname.as_deref().filter(|o| *o != "default") {
            v.push(format!(
                "-o {o}: renaming the default VRF is not supported (it is \"default\")"
            ));
        }
        if self.terminal {
            v.push("-t: a CLI on the terminal is not supported; use vtysh".into());
        }
        if self.tcli {
            v.push("--tcli: the transactional CLI is not supported".into());
        }
        if let Some(p) = &self.db_file {
            v.push(format!(
                "--db_file {}: no northbound database (FRR builds without SQLite have none either)",
                p.display()
            ));
        }
        if let Some(p) = &self.moduledir {
            v.push(format!(
                "--moduledir {}: bfdd-rs has no loadable modules",
                p.display()
            ));
        }
        if let Some(p) = &self.scriptdir {
            v.push(format!(
                "--scriptdir {}: bfdd-rs runs no scripts",
                p.display()
            ));
        }
        if let Some(d) = &self.dplaneaddr {
            v.push(format!(
                "--dplaneaddr {d}: the distributed BFD data plane is not implemented yet"
            ));
        }
        v
    }
}

/// FRR's defaults profiles (lib/defaults.c). bfdd has no setting that
/// depends on the profile, so a valid one changes nothing, as in FRR.
const PROFILES: [&str; 2] = ["traditional", "datacenter"];

/// FRR's list of profiles, the default one starred.
fn profiles_text() -> String {
    let mut out = String::from("Available profiles are:\n");
    for p in PROFILES {
        let mark = if p == PROFILES[0] { " * " } else { "   " };
        out.push_str(&format!("{mark}{p}\n"));
    }
    out
}

/// `Args::early`'s answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Early {
    /// Start the daemon.
    Run,
    /// Print and exit with `code`.
    Exit {
        code: u8,
        stdout: String,
        stderr: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Args {
        Args::try_parse_from(line.split_whitespace()).expect("parses")
    }

    #[test]
    fn defaults() {
        let a = parse("bfdd");
        assert!(!a.daemon && !a.dryrun && !a.standalone);
        assert_eq!(a.vty_port, 2617);
        assert_eq!((a.user(), a.group()), ("frr", "frr"));
        assert_eq!((a.user.as_deref(), a.group.as_deref()), (None, None));
        assert_eq!(a.frr_version, "8.4");
        assert!(a.log.is_empty());
        let p = Paths::resolve(&a);
        assert_eq!(p.config_file, Path::new("/etc/frr/bfdd.conf"));
        assert_eq!(p.pid_file, Path::new("/var/run/frr/bfdd.pid"));
        assert_eq!(p.vty_socket(), Path::new("/var/run/frr/bfdd.vty"));
        assert_eq!(p.zserv, Path::new("/var/run/frr/zserv.api"));
        assert_eq!(p.bfdctl, Path::new("/var/run/frr/bfdd.sock"));
        assert_eq!(p.zapi_socket, Path::new("/var/run/frr/bfdd-zapi.sock"));
        assert_eq!(a.early(), Early::Run);
        let a = parse("bfdd --zapi-socket /tmp/z.sock");
        assert_eq!(Paths::resolve(&a).zapi_socket, Path::new("/tmp/z.sock"));
    }

    #[test]
    fn realtime_flags() {
        let a = parse("bfdd --realtime --realtime-cpu 1");
        assert!(a.realtime);
        assert_eq!(a.realtime_cpu, Some(1));
        assert!(!parse("bfdd").realtime);
        assert!(Args::try_parse_from(["bfdd", "--realtime-cpu", "1"]).is_err());
    }

    #[test]
    fn topotest_logging_line() {
        let a = parse("bfdd --command-log-always --log file:bfdd.log --log-level debug -d");
        assert!(a.daemon && a.command_log_always);
        assert_eq!(a.log, [LogTarget::File("bfdd.log".into())]);
        assert_eq!(a.log_level, Some(LogLevel::Debugging));
        assert_eq!(
            Paths::resolve(&a).config_file,
            Path::new("/etc/frr/bfdd.conf")
        );
        assert_eq!(a.early(), Early::Run);
    }

    #[test]
    fn debian_line() {
        let a = parse("bfdd -d -F traditional -A 127.0.0.1");
        assert!(a.daemon);
        assert_eq!(a.profile.as_deref(), Some("traditional"));
        assert_eq!(a.vty_addr.as_deref(), Some("127.0.0.1"));
        assert_eq!(a.vty_port, 2617);
        // bfdd has no setting that depends on the profile (as in FRR).
        assert_eq!(a.early(), Early::Run);
    }

    #[test]
    fn topotest_paths_line() {
        let a = parse(
            "bfdd -d -u frr -g frr -P 0 -f D/bfdd.conf -i D/bfdd.pid --vty_socket D \
             -z D/zserv.api --bfdctl D/bfdd.sock",
        );
        assert_eq!(a.vty_port, 0);
        assert_eq!(a.user.as_deref(), Some("frr"));
        assert_eq!(a.group(), "frr");
        let p = Paths::resolve(&a);
        assert_eq!(
            p,
            Paths {
                config_file: "D/bfdd.conf".into(),
                pid_file: "D/bfdd.pid".into(),
                vty_dir: "D".into(),
                zserv: "D/zserv.api".into(),
                bfdctl: "D/bfdd.sock".into(),
                zapi_socket: "/var/run/frr/bfdd-zapi.sock".into(),
            }
        );
        assert_eq!(p.vty_socket(), Path::new("D/bfdd.vty"));
    }

    #[test]
    fn pathspace_goes_into_default_paths_only() {
        let a = parse("bfdd -N blue -i /tmp/x.pid");
        let p = Paths::resolve(&a);
        assert_eq!(p.config_file, Path::new("/etc/frr/blue/bfdd.conf"));
        assert_eq!(p.pid_file, Path::new("/tmp/x.pid"));
        assert_eq!(p.vty_socket(), Path::new("/var/run/frr/blue/bfdd.vty"));
        assert_eq!(p.zserv, Path::new("/var/run/frr/blue/zserv.api"));
        assert_eq!(p.bfdctl, Path::new("/var/run/frr/blue/bfdd.sock"));
        assert!(Args::try_parse_from(["bfdd", "-N", "a/b"]).is_err());
        assert!(Args::try_parse_from(["bfdd", "-N", ".."]).is_err());
    }

    #[test]
    fn log_targets_and_levels() {
        let a =
            parse("bfdd --log stdout --log syslog --log file:/tmp/b.log --log-level informational");
        assert_eq!(
            a.log,
            [
                LogTarget::Stdout,
                LogTarget::Syslog,
                LogTarget::File("/tmp/b.log".into())
            ]
        );
        assert_eq!(a.log_level, Some(LogLevel::Informational));
        for (s, l) in [
            ("warn", LogLevel::Warnings),
            ("errors", LogLevel::Errors),
            ("DEBUGGING", LogLevel::Debugging),
            ("notif", LogLevel::Notifications),
            ("trace", LogLevel::Trace),
        ] {
            assert_eq!(parse_log_level(s), Ok(l), "{s}");
        }
        assert!(parse_log_level("x").is_err());
        assert!(Args::try_parse_from(["bfdd", "--log", "monitor"]).is_err());
        assert!(Args::try_parse_from(["bfdd", "--log", "file:"]).is_err());
        assert!(Args::try_parse_from(["bfdd", "--log-level", "loud"]).is_err());
    }

    #[test]
    fn every_frr_option_is_parsed() {
        let a = parse(
            "bfdd -M snmp -M foo:bar -o vrf0 -C -t --tcli --db_file /x.db --moduledir /m \
             --scriptdir /s --limit-fds 1024 --dplaneaddr unix:/tmp/dp --standalone \
             --frr-version 10.1",
        );
        assert_eq!(a.module, ["snmp", "foo:bar"]);
        assert!(a.dryrun && a.terminal && a.tcli && a.standalone);
        assert_eq!(a.limit_fds, Some(1024));
        assert_eq!(a.frr_version, "10.1");
        assert!(Args::try_parse_from(["bfdd", "--no-such-flag"]).is_err());
        // Parsed, but refused before start: one reason per option whose
        // function bfdd-rs does not have (--limit-fds is implemented).
        let Early::Exit { code, stderr, .. } = a.early() else {
            panic!("refused");
        };
        assert_eq!(code, 1);
        assert_eq!(stderr.lines().count(), 9, "{stderr}");
        assert!(stderr.contains(
            "bfdd: --dplaneaddr unix:/tmp/dp: the distributed BFD data plane is not implemented yet"
        ));
        assert!(stderr.contains("bfdd: -M foo:bar: module \"foo\" cannot be loaded"));
    }

    #[test]
    fn frr_startup_options_run() {
        // Debian's frrinit: `bfdd -d -F traditional -A 127.0.0.1`.
        let a = parse("bfdd -d -F traditional -A 127.0.0.1 -o default --limit-fds 64");
        assert_eq!(a.early(), Early::Run);
        assert_eq!(parse("bfdd -F datacenter").early(), Early::Run);
    }

    #[test]
    fn profiles_as_frr_lists_them() {
        let list = "Available profiles are:\n * traditional\n   datacenter\n";
        assert_eq!(
            parse("bfdd -F help").early(),
            Early::Exit {
                code: 0,
                stdout: list.into(),
                stderr: String::new()
            }
        );
        let Early::Exit { code, stderr, .. } = parse("bfdd -F fast").early() else {
            panic!("invalid profile");
        };
        assert_eq!(code, 1);
        assert_eq!(
            stderr,
            format!(
                "The \"fast\" configuration profile is not valid for this FRR version.\n{list}\n"
            )
        );
    }

    #[test]
    fn version_and_help_exit_early() {
        let e = Args::try_parse_from(["bfdd", "-v"]).expect_err("version exits");
        assert_eq!(e.kind(), clap::error::ErrorKind::DisplayVersion);
        let e = Args::try_parse_from(["bfdd", "-h"]).expect_err("help exits");
        assert_eq!(e.kind(), clap::error::ErrorKind::DisplayHelp);
    }
}
