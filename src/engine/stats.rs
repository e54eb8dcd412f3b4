//! Accounting of the engine thread's own work for `show thread cpu`: events
//! handled, CPU and wall time per handler kind (how late session timeouts
//! run is counted by the endpoint). Plain integer updates, no allocation or
//! locks; clocks are read once per batch (a CPU clock read is a syscall, so
//! never per packet) and only when the batch did work.

use std::time::{Duration, Instant};

use super::HandlerStats;

/// This thread's CPU time in ns (0 if the clock cannot be read).
pub fn thread_cpu_ns() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: a valid clock id and an out-parameter we own.
    if unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) } != 0 {
        return 0;
    }
    (ts.tv_sec as u64)
        .saturating_mul(1_000_000_000)
        .saturating_add(ts.tv_nsec as u64)
}

fn ns(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

/// Start of one batch of work: wall and CPU clocks.
#[derive(Debug, Clone, Copy)]
pub struct Batch {
    wall: Instant,
    cpu: u64,
}

impl Batch {
    /// `wall` is the turn's clock when the caller already has it.
    pub fn start(wall: Instant) -> Batch {
        Batch {
            wall,
            cpu: thread_cpu_ns(),
        }
    }
}

impl HandlerStats {
    /// Account `runs` events that took `wall_ns` and `cpu_ns`.
    pub fn add(&mut self, runs: u64, wall_ns: u64, cpu_ns: u64) {
        self.runs += runs;
        self.wall_total_ns = self.wall_total_ns.saturating_add(wall_ns);
        self.wall_max_ns = self.wall_max_ns.max(wall_ns);
        self.cpu_total_ns = self.cpu_total_ns.saturating_add(cpu_ns);
        self.cpu_max_ns = self.cpu_max_ns.max(cpu_ns);
    }

    /// Close a batch of `runs` events begun at `b`.
    pub fn finish(&mut self, b: Batch, runs: u64) {
        let wall = ns(Instant::now().saturating_duration_since(b.wall));
        let cpu = thread_cpu_ns().saturating_sub(b.cpu);
        self.add(runs, wall, cpu);
    }

    /// One send that began at `start` (wall time stands for CPU, see
    /// `HandlerStats::cpu_total_ns`).
    pub fn finish_send(&mut self, start: Instant) {
        let wall = ns(Instant::now().saturating_duration_since(start));
        self.add(1, wall, wall);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handler_totals_and_max() {
        let mut h = HandlerStats::default();
        h.add(3, 300, 200);
        h.add(1, 50, 900);
        assert_eq!(h.runs, 4);
        assert_eq!((h.wall_total_ns, h.wall_max_ns), (350, 300));
        assert_eq!((h.cpu_total_ns, h.cpu_max_ns), (1100, 900));
    }

    #[test]
    fn batch_measures_cpu_spent() {
        let mut h = HandlerStats::default();
        let b = Batch::start(Instant::now());
        // Burn some CPU so both clocks move.
        let mut x = 0u64;
        while b.wall.elapsed() < Duration::from_millis(3) {
            x = std::hint::black_box(x.wrapping_add(1));
        }
        h.finish(b, 2);
        assert_eq!(h.runs, 2);
        assert!(h.wall_total_ns >= 3_000_000, "{h:?}");
        assert!(h.cpu_total_ns >= 1_000_000, "{h:?}");
        assert!(h.cpu_max_ns == h.cpu_total_ns);
    }
}
