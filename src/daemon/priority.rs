//! CPU priority of the control plane. The engine thread sends and times the
//! packets; everything else (vty, zebra, logging, rtnetlink) can wait. On a
//! busy box a flap storm makes the control threads log and relay thousands
//! of state changes a second, and at equal priority they take CPU from the
//! engine just when it is behind, which turns a few late packets into more
//! flaps. So the control threads run at a higher nice value than the engine:
//! any thread may lower its own priority, no capability needed.

/// Nice value of the control threads (the engine stays at the process's).
/// +5 gives the engine about three times their CPU share under contention.
pub const CONTROL_NICE_INCREMENT: libc::c_int = 5;

/// Lower the calling thread's priority by `CONTROL_NICE_INCREMENT`.
/// Returns the thread's nice value after the change.
pub fn demote_current_thread() -> std::io::Result<libc::c_int> {
    // SAFETY: plain syscalls on the calling thread's id.
    unsafe {
        let tid = libc::gettid() as libc::id_t;
        *libc::__errno_location() = 0;
        let cur = libc::getpriority(libc::PRIO_PROCESS, tid);
        if cur == -1 && *libc::__errno_location() != 0 {
            return Err(std::io::Error::last_os_error());
        }
        let want = (cur + CONTROL_NICE_INCREMENT).min(19);
        if libc::setpriority(libc::PRIO_PROCESS, tid, want) != 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(want)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demotes_only_the_calling_thread() {
        let other = std::thread::spawn(|| {
            // SAFETY: plain syscall.
            unsafe { libc::getpriority(libc::PRIO_PROCESS, 0) }
        });
        let before = other.join().expect("thread");
        let after = std::thread::spawn(|| demote_current_thread().expect("setpriority"))
            .join()
            .expect("thread");
        assert_eq!(after, (before + CONTROL_NICE_INCREMENT).min(19));
        // A new thread from this (undemoted) thread starts at the old value.
        let again = std::thread::spawn(|| {
            // SAFETY: plain syscall.
            unsafe { libc::getpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t) }
        })
        .join()
        .expect("thread");
        assert_eq!(again, before);
    }
}
