//! The open-file limit. Every session owns a transmit socket (a fixed,
//! unique source port, RFC 5881 §4), so the default soft limit of 1024 would
//! cap a router at about a thousand sessions with "Too many open files".
//! At start the soft limit is raised to the hard one, as network daemons
//! usually do; `--limit-fds N` (FRR's option: the number of descriptors the
//! daemon may use) sets it to N instead, still bounded by the hard limit
//! unless the process may raise that too (root before the privilege drop).

use std::io;

/// What the limit became, for the start-up log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FdLimit {
    pub before: u64,
    pub now: u64,
    /// `--limit-fds` asked for more than could be granted.
    pub capped: bool,
}

impl std::fmt::Display for FdLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "open file limit {} (was {})", self.now, self.before)?;
        if self.capped {
            write!(f, "; --limit-fds asked for more than the system allows")?;
        }
        Ok(())
    }
}

fn get() -> io::Result<libc::rlimit> {
    let mut r = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: valid out pointer.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut r) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(r)
}

fn set(r: &libc::rlimit) -> io::Result<()> {
    // SAFETY: valid pointer to an initialised rlimit.
    if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, r) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Raise (or with `limit`, set) the soft RLIMIT_NOFILE. Failure to go above
/// the hard limit falls back to the hard limit; nothing here is fatal.
pub fn apply(limit: Option<u32>) -> io::Result<FdLimit> {
    let old = get()?;
    let want = limit.map_or(old.rlim_max, u64::from);
    let mut capped = false;
    if want > old.rlim_max {
        // Only a privileged process may raise the hard limit.
        if set(&libc::rlimit {
            rlim_cur: want,
            rlim_max: want,
        })
        .is_err()
        {
            capped = true;
            set(&libc::rlimit {
                rlim_cur: old.rlim_max,
                rlim_max: old.rlim_max,
            })?;
        }
    } else if want != old.rlim_cur {
        set(&libc::rlimit {
            rlim_cur: want,
            rlim_max: old.rlim_max,
        })?;
    }
    Ok(FdLimit {
        before: old.rlim_cur,
        now: get()?.rlim_cur,
        capped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_raises_soft_to_hard() {
        // Raising the soft limit to the hard one is harmless for the other
        // tests in this process.
        let l = apply(None).expect("getrlimit/setrlimit");
        let r = get().expect("getrlimit");
        assert_eq!(l.now, r.rlim_max);
        assert_eq!(r.rlim_cur, r.rlim_max);
        assert!(!l.capped);
        assert!(l.to_string().starts_with("open file limit "));
    }
}
