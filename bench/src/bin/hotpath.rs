//! hotpath: stable-Rust micro-benchmark of the engine's per-packet work
//! (parse + lookup + checks + state update + timer re-arm on receive; build +
//! encode on transmit) with no sockets, and of the heap memory the engine
//! holds per session (a counting global allocator).
//!
//! usage: hotpath [SESSIONS [ROUNDS]]     defaults 10000 200
//! Prints `key=value` lines; bench/run.sh --quick prints them too, so a change
//! to the hot path shows its cost.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};

use bfdd_rs::engine::bench::HotPath;

/// Counts live heap bytes.
struct Counting;
static LIVE: AtomicIsize = AtomicIsize::new(0);

// SAFETY: forwards to the system allocator; only adds counting.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        LIVE.fetch_add(l.size() as isize, Ordering::Relaxed);
        System.alloc(l)
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        LIVE.fetch_sub(l.size() as isize, Ordering::Relaxed);
        System.dealloc(p, l)
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        LIVE.fetch_add(new as isize - l.size() as isize, Ordering::Relaxed);
        System.realloc(p, l, new)
    }
}

#[global_allocator]
static A: Counting = Counting;

fn main() {
    let mut args = std::env::args().skip(1);
    let sessions: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let rounds: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(200);
    let before = LIVE.load(Ordering::Relaxed);
    let mut h = HotPath::new(sessions, 50_000);
    let after = LIVE.load(Ordering::Relaxed);
    // Warm up (heap growth, caches), then measure.
    h.run(5);
    let r = h.run(rounds);
    println!("sessions={sessions}");
    println!("packets={}", r.packets);
    println!("rx_ns_per_packet={:.1}", r.rx_ns_per_packet);
    println!("tx_ns_per_packet={:.1}", r.tx_ns_per_packet);
    println!(
        "hot_path_ns_per_packet={:.1}",
        r.rx_ns_per_packet + r.tx_ns_per_packet
    );
    println!(
        "engine_heap_bytes_per_session={:.0}",
        (after - before) as f64 / sessions.max(1) as f64
    );
    println!("entry_inline_bytes={}", HotPath::entry_size());
    println!("not_up={}", r.not_up);
    if r.not_up != 0 {
        std::process::exit(1);
    }
}
