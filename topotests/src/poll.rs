//! Waiting for conditions with generous timeouts. A check returns `Ok(value)`
//! when the condition holds and `Err(what it saw)` otherwise, so a timeout can
//! report the last state observed instead of a bare "timed out".

use std::time::{Duration, Instant};

/// Polls `check` every `every` until it returns `Ok` or `timeout` passes.
/// Returns the value and the time it took, or the last observation.
pub fn try_wait_for<T>(
    timeout: Duration,
    every: Duration,
    mut check: impl FnMut() -> Result<T, String>,
) -> Result<(T, Duration), String> {
    let start = Instant::now();
    loop {
        let last = match check() {
            Ok(v) => return Ok((v, start.elapsed())),
            Err(e) => e,
        };
        if start.elapsed() >= timeout {
            return Err(last);
        }
        std::thread::sleep(every);
    }
}

/// [`try_wait_for`] that panics with `what` and the last observation.
pub fn wait_for<T>(
    what: &str,
    timeout: Duration,
    every: Duration,
    check: impl FnMut() -> Result<T, String>,
) -> (T, Duration) {
    try_wait_for(timeout, every, check).unwrap_or_else(|last| {
        panic!("timed out after {timeout:?} waiting for {what}; last seen: {last}")
    })
}

/// Checks that `check` keeps holding for the whole of `period`, polling every
/// `every`; panics with `what` and the first violation.
pub fn hold_for(
    what: &str,
    period: Duration,
    every: Duration,
    mut check: impl FnMut() -> Result<(), String>,
) {
    let start = Instant::now();
    loop {
        if let Err(e) = check() {
            panic!("{what} stopped holding after {:?}: {e}", start.elapsed());
        }
        if start.elapsed() >= period {
            return;
        }
        std::thread::sleep(every);
    }
}

/// Seconds with millisecond precision, for messages.
pub fn ms(d: Duration) -> u128 {
    d.as_millis()
}
