//! Shared by the engine integration tests: run a test body in a private,
//! anonymous network namespace so engines there neither see nor disturb
//! anything else on the host (other daemons on port 3784, parallel test
//! runs). Threads spawned by the body (the engine threads) inherit the
//! namespace; it disappears when they have all exited. Needs root.

#![allow(dead_code)]

use std::process::Command;

/// Run `body` on a thread inside a fresh network namespace with `lo` up;
/// a panic in the body fails the calling test.
pub fn in_private_netns<F: FnOnce() + Send + 'static>(body: F) {
    let t = std::thread::spawn(move || {
        // SAFETY: plain syscall; it affects only this thread and its children.
        let rc = unsafe { libc::unshare(libc::CLONE_NEWNET) };
        assert_eq!(
            rc,
            0,
            "unshare(CLONE_NEWNET) failed (needs root): {}",
            std::io::Error::last_os_error()
        );
        ip("link set lo up");
        body();
    });
    if let Err(p) = t.join() {
        std::panic::resume_unwind(p);
    }
}

/// Run `ip` with the given arguments in the current namespace.
pub fn ip(args: &str) {
    let st = Command::new("ip")
        .args(args.split_whitespace())
        .status()
        .expect("the ip command runs");
    assert!(st.success(), "ip {args}");
}

pub fn lo_ifindex() -> u32 {
    // SAFETY: a NUL-terminated constant name.
    let i = unsafe { libc::if_nametoindex(c"lo".as_ptr()) };
    assert!(i > 0, "lo exists");
    i
}
