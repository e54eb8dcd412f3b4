//! Performance knobs of the engine thread: real-time scheduling and CPU
//! pinning (`--realtime`), receive-buffer sizing of the shared listening
//! sockets for the session count, and the loop's turn pacing. Each knob
//! degrades to a warning, never to a failure: a daemon that cannot get
//! SCHED_FIFO or a large buffer still runs BFD.

use std::io;
use std::os::fd::RawFd;
use std::time::Duration;

/// Opt-in scheduling of the engine thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Realtime {
    /// SCHED_FIFO priority (1..=99); 0 = leave the policy alone.
    pub fifo_priority: u8,
    /// Pin the engine thread to this CPU; None = the last CPU the process may use.
    pub cpu: Option<usize>,
}

/// Extra start-time settings, apart from `EngineOptions` so that existing
/// struct literals of `EngineOptions` keep compiling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EngineTuning {
    /// `--realtime`: SCHED_FIFO and pinning for the engine thread.
    pub realtime: Option<Realtime>,
}

/// What happened when the engine thread applied `Realtime` (logged by the
/// engine, returned for tests).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RealtimeOutcome {
    pub pinned_cpu: Option<usize>,
    pub fifo: bool,
    pub warnings: Vec<String>,
}

/// Pin and raise the calling thread. Failures become warnings that say what
/// is missing (CAP_SYS_NICE / RLIMIT_RTPRIO for SCHED_FIFO).
pub fn apply_realtime(rt: &Realtime) -> RealtimeOutcome {
    let mut out = RealtimeOutcome {
        pinned_cpu: None,
        fifo: false,
        warnings: Vec::new(),
    };
    match pin_current_thread(rt.cpu) {
        Ok(cpu) => out.pinned_cpu = Some(cpu),
        Err(e) => out
            .warnings
            .push(format!("--realtime: cannot pin the BFD engine thread: {e}")),
    }
    if rt.fifo_priority > 0 {
        let param = libc::sched_param {
            sched_priority: libc::c_int::from(rt.fifo_priority.min(99)),
        };
        // SAFETY: valid sched_param pointer; 0 = the calling thread.
        let rc = unsafe { libc::sched_setscheduler(0, libc::SCHED_FIFO, &param) };
        if rc == 0 {
            out.fifo = true;
        } else {
            let e = io::Error::last_os_error();
            let why = if e.raw_os_error() == Some(libc::EPERM) {
                "; it needs CAP_SYS_NICE (or an RLIMIT_RTPRIO of at least the priority); \
                 running at normal priority"
            } else {
                ""
            };
            out.warnings.push(format!(
                "--realtime: SCHED_FIFO priority {} refused: {e}{why}",
                rt.fifo_priority
            ));
        }
    }
    out
}

/// Pin the calling thread to `cpu`, or to the last CPU of the current
/// affinity mask. Returns the CPU used.
fn pin_current_thread(cpu: Option<usize>) -> io::Result<usize> {
    // SAFETY: cpu_set_t is plain data; sched_getaffinity fills it.
    let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    let size = std::mem::size_of::<libc::cpu_set_t>();
    // SAFETY: valid set pointer and size; 0 = the calling thread.
    if unsafe { libc::sched_getaffinity(0, size, &mut set) } != 0 {
        return Err(io::Error::last_os_error());
    }
    let allowed: Vec<usize> = (0..libc::CPU_SETSIZE as usize)
        // SAFETY: index below CPU_SETSIZE.
        .filter(|&c| unsafe { libc::CPU_ISSET(c, &set) })
        .collect();
    let target = match cpu {
        Some(c) if allowed.contains(&c) => c,
        Some(c) => {
            return Err(io::Error::other(format!(
                "CPU {c} is not in the allowed set {allowed:?}"
            )))
        }
        None => *allowed
            .last()
            .ok_or_else(|| io::Error::other("empty CPU affinity"))?,
    };
    // SAFETY: as above.
    let mut one: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    // SAFETY: target < CPU_SETSIZE.
    unsafe { libc::CPU_SET(target, &mut one) };
    // SAFETY: valid set pointer and size.
    if unsafe { libc::sched_setaffinity(0, size, &one) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(target)
}

/// Receive buffer wanted on each listening socket for `sessions` sessions:
/// room for about two packets per session (a small datagram costs roughly
/// 1 KiB of socket memory in the kernel's accounting), so a stall of one
/// interval at 10 ms does not overflow it. Stepped to powers of two so that
/// adding sessions one by one does not resize on every command.
pub fn rcvbuf_for(sessions: usize) -> usize {
    const MIN: usize = 256 << 10;
    const MAX: usize = 64 << 20;
    (sessions.saturating_mul(2048))
        .next_power_of_two()
        .clamp(MIN, MAX)
}

/// Set SO_RCVBUF, with SO_RCVBUFFORCE first (CAP_NET_ADMIN, which bfdd keeps)
/// so `net.core.rmem_max` does not cap it. Returns the size the kernel reports.
pub fn set_rcvbuf(fd: RawFd, bytes: usize) -> io::Result<usize> {
    let v = libc::c_int::try_from(bytes).unwrap_or(libc::c_int::MAX);
    let set = |name| {
        // SAFETY: pointer to a live c_int with its size.
        unsafe {
            libc::setsockopt(
                fd,
                libc::SOL_SOCKET,
                name,
                &v as *const libc::c_int as *const libc::c_void,
                std::mem::size_of::<libc::c_int>() as libc::socklen_t,
            )
        }
    };
    if set(libc::SO_RCVBUFFORCE) != 0 && set(libc::SO_RCVBUF) != 0 {
        return Err(io::Error::last_os_error());
    }
    let mut got: libc::c_int = 0;
    let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
    // SAFETY: valid out pointers.
    unsafe {
        libc::getsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_RCVBUF,
            &mut got as *mut libc::c_int as *mut libc::c_void,
            &mut len,
        )
    };
    Ok(usize::try_from(got).unwrap_or(0))
}

/// Shortest time between two turns of a busy loop. Under load every packet
/// and every transmit deadline would otherwise be its own wake-up (a context
/// switch each, 40k/s at 1000 sessions x 50 ms); pacing turns lets epoll and
/// recvmmsg return many at once. It bounds the added latency of a receive or
/// a timer to this value plus the kernel's timer slack, far below the
/// +1 ms detection budget. An idle loop is not paced.
pub const TURN_GAP: Duration = Duration::from_micros(200);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rcvbuf_grows_with_sessions_within_bounds() {
        assert_eq!(rcvbuf_for(0), 256 << 10);
        assert_eq!(rcvbuf_for(100), 256 << 10);
        assert_eq!(rcvbuf_for(1000), 2 << 20);
        assert_eq!(rcvbuf_for(10_000), 32 << 20);
        assert_eq!(rcvbuf_for(1_000_000), 64 << 20);
    }

    #[test]
    fn pinning_picks_an_allowed_cpu_and_rejects_others() {
        std::thread::spawn(|| {
            let out = apply_realtime(&Realtime {
                fifo_priority: 0,
                cpu: None,
            });
            let cpu = out.pinned_cpu.expect("pinning to an allowed CPU works");
            // SAFETY: plain syscall.
            assert_eq!(unsafe { libc::sched_getcpu() } as usize, cpu);
            let bad = apply_realtime(&Realtime {
                fifo_priority: 0,
                cpu: Some(100_000),
            });
            assert!(bad.pinned_cpu.is_none());
            assert!(bad.warnings[0].contains("cannot pin"), "{:?}", bad.warnings);
        })
        .join()
        .unwrap();
    }

    #[test]
    fn rcvbuf_is_applied() {
        let s = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        use std::os::fd::AsRawFd;
        let got = set_rcvbuf(s.as_raw_fd(), 1 << 20).unwrap();
        // The kernel doubles the value; without privileges rmem_max caps it.
        assert!(got >= 200_000, "got {got}");
    }
}
