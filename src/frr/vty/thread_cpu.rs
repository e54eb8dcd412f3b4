//! `show thread cpu` for the engine thread: FRR 8.4's table layout (one
//! "Showing statistics for pthread" block, then the totals) with one row per
//! engine handler kind, followed by a block on session timer lateness, which
//! FRR does not have. The `[FILTER]` letters pick rows by FRR's task types:
//! R = rx_batch, W = tx, T = session_timer, E = command (X selects none).

use std::fmt::Write as _;

use crate::engine::{EngineCounters, EngineStats, HandlerStats, LATENESS_BOUNDS_US};

const READ: u8 = 1 << 0;
const WRITE: u8 = 1 << 1;
const TIMER: u8 = 1 << 2;
const EVENT: u8 = 1 << 3;
const EXECUTE: u8 = 1 << 4;
const ALL: u8 = 0xff;

/// FRR's `parse_filter`: letters of "rwtex" in either case, others ignored;
/// None when no letter matched (FRR then refuses the command).
pub fn parse_filter(s: &str) -> Option<u8> {
    let f = s.chars().fold(0u8, |f, c| {
        f | match c.to_ascii_lowercase() {
            'r' => READ,
            'w' => WRITE,
            't' => TIMER,
            'e' => EVENT,
            'x' => EXECUTE,
            _ => 0,
        }
    });
    (f != 0).then_some(f)
}

/// FRR's refusal of a filter without any known letter (return code 1).
pub fn invalid_filter(s: &str) -> String {
    format!("Invalid filter \"{s}\" specified; must contain at leastone of 'RWTEXB'\n")
}

/// One row as FRR's `cpu_record_print` would hold it, times in µs.
#[derive(Default)]
struct Row {
    active: u64,
    calls: u64,
    cpu_total: u64,
    cpu_max: u64,
    real_total: u64,
    real_max: u64,
    types: u8,
}

impl Row {
    fn from(h: &HandlerStats, types: u8) -> Row {
        Row {
            active: 0,
            calls: h.runs,
            cpu_total: h.cpu_total_ns / 1_000,
            cpu_max: h.cpu_max_ns / 1_000,
            real_total: h.wall_total_ns / 1_000,
            real_max: h.wall_max_ns / 1_000,
            types,
        }
    }

    fn add(&mut self, r: &Row) {
        self.active += r.active;
        self.calls += r.calls;
        self.cpu_total += r.cpu_total;
        self.cpu_max = self.cpu_max.max(r.cpu_max);
        self.real_total += r.real_total;
        self.real_max = self.real_max.max(r.real_max);
    }

    /// FRR's row format; a kind that never ran averages 0.
    fn write(&self, out: &mut String, name: &str) {
        let avg = |t: u64| t.checked_div(self.calls).unwrap_or(0);
        let _ = write!(
            out,
            "{:5} {:10}.{:03} {:9} {:8} {:9} {:8} {:9} {:9} {:9} {:10}",
            self.active,
            self.cpu_total / 1000,
            self.cpu_total % 1000,
            self.calls,
            avg(self.cpu_total),
            self.cpu_max,
            avg(self.real_total),
            self.real_max,
            0,
            0,
            0
        );
        let flag = |bit: u8, c: char| if self.types & bit != 0 { c } else { ' ' };
        let _ = writeln!(
            out,
            "  {}{}{}{}{}  {name}",
            flag(READ, 'R'),
            flag(WRITE, 'W'),
            flag(TIMER, 'T'),
            flag(EVENT, 'E'),
            flag(EXECUTE, 'X')
        );
    }
}

fn headers(out: &mut String) {
    let _ = writeln!(
        out,
        "{:30} {:18} {:18}",
        "", "CPU (user+system):", "Real (wall-clock):"
    );
}

/// The whole `show thread cpu [FILTER]` answer; `filter` from
/// `parse_filter`, None = every row.
pub fn render(s: &EngineStats, filter: Option<u8>) -> String {
    let filter = filter.unwrap_or(ALL);
    let name = "bfd-engine";
    let mut out = String::new();
    let _ = writeln!(out, "\nShowing statistics for pthread {name}");
    let _ = writeln!(
        out,
        "-------------------------------{}",
        "-".repeat(name.len())
    );
    headers(&mut out);
    out.push_str("Active   Runtime(ms)   Invoked Avg uSec Max uSecs Avg uSec Max uSecs  CPU_Warn Wall_Warn Starv_Warn Type   Thread\n");
    let mut total = Row {
        types: filter,
        ..Row::default()
    };
    for (h, types, thread) in [
        (&s.session_timer, TIMER, "session_timer"),
        (&s.rx, READ, "rx_batch"),
        (&s.tx, WRITE, "tx"),
        (&s.command, EVENT, "command"),
    ] {
        if types & filter == 0 {
            continue;
        }
        let row = Row::from(h, types);
        row.write(&mut out, thread);
        total.add(&row);
    }
    out.push_str("\n\nTotal thread statistics\n-------------------------\n");
    headers(&mut out);
    out.push_str("Active   Runtime(ms)   Invoked Avg uSec Max uSecs Avg uSec Max uSecs  CPU_Warn Wall_Warn  Type  Thread\n");
    if total.calls > 0 {
        total.write(&mut out, "TOTAL");
    }
    lateness(&mut out, s);
    out
}

/// Our addition after FRR's tables: how late session timeouts ran.
fn lateness(out: &mut String, s: &EngineStats) {
    let l = &s.lateness;
    let avg = l.sum_ns.checked_div(l.count).unwrap_or(0);
    out.push_str("\nTimer lateness (engine thread):\n");
    let _ = writeln!(out, "  Timeouts handled: {}", l.count);
    let _ = writeln!(out, "  Avg uSec: {}", avg / 1_000);
    let _ = writeln!(out, "  Max uSecs: {}", l.max_ns / 1_000);
    let mut lower = 0;
    for (i, n) in l.histogram.iter().enumerate() {
        let label = match LATENESS_BOUNDS_US.get(i) {
            Some(&b) => {
                let l = format!("{} - {}", us_text(lower), us_text(b));
                lower = b;
                l
            }
            None => format!(">= {}", us_text(lower)),
        };
        let _ = writeln!(out, "  {label:>18}: {n}");
    }
}

/// Our second addition: the engine's counters of packets it refused or could
/// not handle, by reason (RFC 5880 §6.8.6 checks, socket and send errors,
/// deferred notifications). vtysh only passes commands it knows, so the
/// operator finds them here, next to the engine's timings.
pub fn counters(out: &mut String, c: &EngineCounters) {
    out.push_str("\nEngine counters (packets dropped, errors):\n");
    for (name, n) in &c.by_reason {
        let _ = writeln!(out, "  {name:>24}: {n}");
    }
}

fn us_text(us: u64) -> String {
    if us >= 1_000 && us % 1_000 == 0 {
        format!("{} ms", us / 1_000)
    } else {
        format!("{us} us")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats() -> EngineStats {
        EngineStats {
            session_timer: HandlerStats {
                runs: 4,
                cpu_total_ns: 1_234_567,
                cpu_max_ns: 700_000,
                wall_total_ns: 2_000_000,
                wall_max_ns: 900_000,
            },
            rx: HandlerStats {
                runs: 2,
                cpu_total_ns: 10_000,
                cpu_max_ns: 6_000,
                wall_total_ns: 12_000,
                wall_max_ns: 7_000,
            },
            lateness: crate::engine::LatenessStats {
                count: 4,
                sum_ns: 400_000,
                max_ns: 250_000,
                histogram: [2, 2, 0, 0, 0],
            },
            ..EngineStats::default()
        }
    }

    #[test]
    fn frr_header_and_a_row_per_kind() {
        let out = render(&stats(), None);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], "");
        assert_eq!(lines[1], "Showing statistics for pthread bfd-engine");
        assert_eq!(lines[2], "-".repeat(41));
        assert_eq!(
            lines[3],
            "                               CPU (user+system): Real (wall-clock):"
        );
        assert!(lines[4].starts_with("Active   Runtime(ms)   Invoked Avg uSec Max uSecs"));
        assert_eq!(
            lines[5],
            "    0          1.234         4      308       700      500       900         0         0          0    T    session_timer"
        );
        assert_eq!(
            lines[6],
            "    0          0.010         2        5         6        6         7         0         0          0  R      rx_batch"
        );
        assert!(lines[7].ends_with(" W     tx") && lines[7].contains("         0        0"));
        assert!(lines[8].ends_with("   E   command"));
        assert!(out.contains(
            "    0          1.244         6      207       700      335       900         0         0          0  RWTEX  TOTAL\n"
        ));
        assert!(out.contains("Timer lateness (engine thread):\n  Timeouts handled: 4\n  Avg uSec: 100\n  Max uSecs: 250\n"));
        assert!(out.contains("      0 us - 100 us: 2\n"), "{out}");
        assert!(out.contains("      >= 20 ms: 0\n"), "{out}");
    }

    #[test]
    fn engine_counters_block_lists_every_reason() {
        let mut out = String::new();
        let c = EngineCounters {
            by_reason: vec![("bad_version", 3), ("rx_backlog", 0)],
        };
        counters(&mut out, &c);
        assert_eq!(
            out,
            "\nEngine counters (packets dropped, errors):\n               bad_version: 3\n                rx_backlog: 0\n"
        );
    }

    #[test]
    fn filter_selects_rows_and_rejects_nonsense() {
        let out = render(&stats(), parse_filter("t"));
        assert!(out.contains("session_timer"));
        assert!(!out.contains("rx_batch") && !out.contains(" tx\n"));
        assert!(out.contains("    T    TOTAL"));
        assert_eq!(parse_filter("zq"), None);
        assert_eq!(parse_filter("Rw"), Some(READ | WRITE));
        assert!(invalid_filter("zq").starts_with("Invalid filter \"zq\""));
    }

    #[test]
    fn nothing_run_yet_has_no_total_row() {
        let out = render(&EngineStats::default(), None);
        assert!(out.contains("    0          0.000         0        0         0        0         0         0         0          0    T    session_timer\n"));
        assert!(!out.contains("TOTAL"));
        assert!(out.contains("  Timeouts handled: 0\n"));
    }
}
