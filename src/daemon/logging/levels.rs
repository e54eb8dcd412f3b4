//! FRR's log levels and what they let through: the names and syslog
//! priorities, `--log-level` and `debug bfd ...` turned into the tracing
//! filter in force, and the handle that changes it at run time.

use tracing::Level;
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::{reload, Registry};

use crate::daemon::cli::LogLevel;

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
pub(super) const DEBUGGING: u8 = 7;

pub(super) fn syslog_prio(level: Level) -> u8 {
    match level {
        Level::ERROR => 3,
        Level::WARN => 4,
        Level::INFO => 6,
        _ => 7,
    }
}

pub(super) fn frr_prio(l: LogLevel) -> u8 {
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
pub(super) fn filter(level: LevelFilter) -> Targets {
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
    pub(super) cli: Option<LogLevel>,
    pub(super) handle: reload::Handle<Targets, Registry>,
}

impl LevelControl {
    pub fn set_config_debug(&self, on: bool) {
        let level = effective_level(self.cli, on);
        let _ = self.handle.modify(|f| *f = filter(level));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
