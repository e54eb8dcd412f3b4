//! Log output for the daemon: tracing events fanned out to FRR's `--log`
//! targets (stdout, syslog, file:PATH) at `--log-level`, changed at run time
//! by the vty and by `debug bfd ...`. This file installs the subscriber over
//! the pieces: levels, outputs, time stamps, the vty's commands and the
//! lines for session state changes.

mod levels;
mod outputs;
mod sessions;
mod stamp;
mod vty;

use std::sync::{Arc, Mutex};

use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::reload;
use tracing_subscriber::util::SubscriberInitExt;

pub use levels::{effective_level, level_filter, LevelControl, FRR_LEVELS};
pub use outputs::{Line, Outputs, Switch, VtyTargets};
pub use sessions::log_notifications;
pub use vty::VtyLogging;

use crate::daemon::cli::LogLevel;
use levels::filter;
use stamp::Stamp;

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
