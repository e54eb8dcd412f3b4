//! glibc malloc settings for a daemon whose memory per session is a target
//! (about 1 KiB): one arena for every thread, and giving freed pages back
//! after a burst of configuration work. Elsewhere (musl, ...) these do nothing.
//!
//! Why one arena: glibc gives each thread that allocates its own arena, so
//! the control task, the engine thread and the runtime's main thread each
//! keep their own free lists and fragmentation (measured: about 2 MB more
//! RSS at 5000 sessions). The engine's packet path does not allocate, so the
//! arena lock that sharing brings is never taken where it would cost. Not
//! with `--realtime`: there the SCHED_FIFO engine, which does allocate now
//! and then (a notification queue block), must never wait for a lock a
//! normal-priority thread holds, so it keeps an arena of its own.
//!
//! Why trim: loading a config of N peers parses, resolves and copies N specs
//! several times on the way to the engine; the freed holes stay resident in
//! the middle of the heap, where glibc's automatic trim (top of heap only)
//! cannot return them (about 2 MB at 5000 sessions).

/// Limit malloc to one arena. Call in `main` before any thread starts.
pub fn limit_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator parameters; M_ARENA_MAX takes
    // any positive count.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}

/// Return free heap pages to the kernel (after a config load, not on the
/// packet path: it walks the heap under the arena lock).
pub fn trim() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim has no preconditions.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn trim_returns_freed_pages() {
        // Hold many small blocks, free every other one: the holes sit below
        // live memory, so only an explicit trim can hand them back.
        let rss = || -> u64 {
            let s = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
            s.split_whitespace()
                .nth(1)
                .and_then(|v| v.parse().ok())
                .unwrap_or(0)
        };
        let mut blocks: Vec<Vec<u8>> = (0..4096).map(|_| vec![1u8; 8192]).collect();
        let mut keep = Vec::new();
        for (i, b) in blocks.drain(..).enumerate() {
            if i % 2 == 0 {
                keep.push(b);
            }
        }
        let before = rss();
        super::trim();
        let after = rss();
        assert!(keep.iter().all(|b| b[0] == 1));
        if cfg!(all(target_os = "linux", target_env = "gnu")) {
            // 2048 holes of 8 KiB: at least a few MiB come back.
            assert!(before > after + 1000, "rss pages {before} -> {after}");
        }
    }
}
