//! Time stamps of log lines: RFC 3339 UTC with the sub-second precision
//! the vty's `log timestamp precision N` sets.

use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::time::FormatTime;

/// Digits of sub-second time stamp precision (`log timestamp precision N`);
/// 6 until the vty sets it, the format's default.
static PRECISION: AtomicU8 = AtomicU8::new(6);

/// `log timestamp precision N` (0 for `no log timestamp precision`).
pub fn set_precision(digits: u8) {
    PRECISION.store(digits, Ordering::Relaxed);
}

/// RFC 3339 UTC time stamps with `PRECISION` fraction digits.
pub struct Stamp;

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
