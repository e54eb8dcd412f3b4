//! The vty's handle on logging: `debug bfd ...` raises the level, the
//! `log ...` commands change the outputs, `show logging` and the running
//! config's `log` lines say what is in force, as FRR prints them.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use super::levels::{LevelControl, DEBUGGING, FRR_LEVELS};
use super::outputs::{open_append, open_syslog, LogFile, Outputs, Switch};
use super::stamp::set_precision;

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

impl crate::frr::vty::DaemonControl for VtyLogging {
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
                set_precision(n);
                self.edit(|o| o.vty.timestamp_precision = n);
            }
            ["no", "log", "timestamp", "precision", ..] => {
                set_precision(0);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::daemon::logging::levels::filter;
    use tracing_subscriber::filter::{LevelFilter, Targets};
    use tracing_subscriber::{reload, Registry};

    use crate::frr::vty::DaemonControl;

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
}
