//! Regression guard for memory per session (target: about 1 KiB of RSS per
//! session in the whole daemon). Counts the heap bytes that stay allocated
//! per session in the engine core (N Up sessions, through the hot-path bench
//! hook), in the registry (N configured sessions), and in the parsed config
//! plus the vty's editor copy of it. The bounds sit about 25 % above the
//! measurement when they were set, so a change that grows a per-session
//! structure fails here. bench/mem.sh measures the real daemon's RSS.
//!
//! The counter is per thread: other tests of this binary running in
//! parallel do not disturb a measurement.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::net::Ipv4Addr;

use bfdd_rs::config::{self, ConfigEditor};
use bfdd_rs::engine::bench::HotPath;
use bfdd_rs::registry::Registry;

struct Counting;

thread_local! {
    static LIVE: Cell<isize> = const { Cell::new(0) };
}

fn add(n: isize) {
    // try_with: the slot may be gone while a thread shuts down.
    let _ = LIVE.try_with(|c| c.set(c.get() + n));
}

// SAFETY: forwards to the system allocator; only adds counting.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        add(l.size() as isize);
        System.alloc(l)
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        add(-(l.size() as isize));
        System.dealloc(p, l)
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        add(new as isize - l.size() as isize);
        System.realloc(p, l, new)
    }
}

#[global_allocator]
static A: Counting = Counting;

fn live() -> isize {
    LIVE.with(|c| c.get())
}

/// Sessions to build: past a power of two times 7/8 (hash tables' load
/// factor), so the tables carry their usual slack.
const N: usize = 3000;

fn per_session(bytes: isize) -> isize {
    bytes / N as isize
}

#[test]
fn engine_heap_per_session_stays_small() {
    let before = live();
    let h = HotPath::new(N, 50_000);
    let bytes = per_session(live() - before);
    println!("engine heap bytes per session: {bytes}");
    // Measured 643 (about 1390 before the slab grew by chunks and shrank).
    assert!(bytes <= 800, "engine holds {bytes} B per session");
    drop(h);
}

fn config_text(n: usize) -> String {
    let addr = |net: u8, i: usize| Ipv4Addr::new(10, net, (i / 250) as u8, (i % 250 + 1) as u8);
    let mut s = String::from("bfd\n");
    for i in 0..n {
        s.push_str(&format!(
            " peer {} local-address {} interface eth0\n  receive-interval 300\n exit\n !\n",
            addr(101, i),
            addr(100, i)
        ));
    }
    s.push_str("exit\n");
    s
}

#[test]
fn registry_heap_per_session_stays_small() {
    let cfg = config::parse_str(&config_text(N), "bfdd.conf").expect("config parses");
    // Counted from before the specs exist: the registry keeps what it
    // takes of them.
    let before = live();
    let specs = cfg.session_specs();
    let mut reg = Registry::new();
    let cmds = reg.apply_config(specs);
    assert_eq!(cmds.len(), N);
    drop(cmds);
    let bytes = per_session(live() - before);
    println!("registry heap bytes per session: {bytes}");
    assert_eq!(reg.sessions().count(), N);
    // Measured 490 (more than 900 with an unboxed entry and a second spec).
    assert!(bytes <= 620, "registry holds {bytes} B per session");
}

#[test]
fn config_heap_per_session_stays_small() {
    let text = config_text(N);
    let before = live();
    let cfg = config::parse_str(&text, "bfdd.conf").expect("config parses");
    let editor = ConfigEditor::from_config(&cfg);
    let bytes = per_session(live() - before);
    println!("config + editor heap bytes per session: {bytes}");
    assert_eq!(cfg.peers.len(), N);
    // Measured 366: the parsed config and the vty editor's copy of it.
    assert!(bytes <= 460, "config and editor hold {bytes} B per session");
    drop(editor);
}
