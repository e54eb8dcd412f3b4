//! How late session timeouts ran: now − deadline when each was handled, as a
//! count, sum, maximum and histogram. Plain arithmetic on the instants the
//! driver passes in; the endpoint never reads a clock.

use std::time::{Duration, Instant};

/// Upper bounds (exclusive, µs) of the lateness histogram buckets; the
/// last bucket holds everything at or above the last bound.
pub const LATENESS_BOUNDS_US: [u64; 4] = [100, 1_000, 5_000, 20_000];

/// How late session timeouts ran: now − deadline when each was handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LatenessStats {
    pub count: u64,
    pub sum_ns: u64,
    pub max_ns: u64,
    /// Counts per bucket of `LATENESS_BOUNDS_US` (<100 µs, <1 ms, <5 ms,
    /// <20 ms, >=20 ms).
    pub histogram: [u64; 5],
}

fn ns(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

impl LatenessStats {
    /// A timeout due at `deadline` ran at `now`.
    pub fn record(&mut self, deadline: Instant, now: Instant) {
        let late = ns(now.saturating_duration_since(deadline));
        self.count += 1;
        self.sum_ns = self.sum_ns.saturating_add(late);
        self.max_ns = self.max_ns.max(late);
        let us = late / 1_000;
        let bucket = LATENESS_BOUNDS_US
            .iter()
            .position(|&b| us < b)
            .unwrap_or(LATENESS_BOUNDS_US.len());
        self.histogram[bucket] += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lateness_buckets_and_sums() {
        let mut l = LatenessStats::default();
        let d = Instant::now();
        for us in [0u64, 99, 100, 999, 4_999, 19_999, 20_000, 500_000] {
            l.record(d, d + Duration::from_micros(us));
        }
        // A deadline in the future counts as on time.
        l.record(d + Duration::from_millis(1), d);
        assert_eq!(l.count, 9);
        assert_eq!(l.histogram, [3, 2, 1, 1, 2]);
        assert_eq!(l.max_ns, 500_000_000);
        let sum_us = 99 + 100 + 999 + 4_999 + 19_999 + 20_000 + 500_000;
        assert_eq!(l.sum_ns, sum_us * 1_000);
    }
}
