//! Network namespaces as VRFs (FRR's netns backend, zebra `--vrfwnetns`):
//! VRF NAME is the namespace bind-mounted at /run/netns/NAME. A socket
//! belongs to the namespace of the thread that created it, so everything
//! opened for a VRF is opened inside `in_netns`, which enters the namespace
//! on the calling thread and always comes back before returning; the socket
//! then works from any thread.

use std::fs::File;
use std::io;
use std::os::fd::{AsFd, AsRawFd};
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;

/// Where `ip netns` (and FRR) keep named namespaces.
pub const NETNS_DIR: &str = "/run/netns";

/// The namespace file of VRF `name`.
pub fn path_of(name: &str) -> PathBuf {
    PathBuf::from(NETNS_DIR).join(name)
}

/// Open VRF `name`'s namespace, with the (device, inode) that tells a
/// namespace re-created under the same name from the old one.
pub fn open(name: &str) -> io::Result<(File, (u64, u64))> {
    if name.is_empty() || name.contains('/') || name == "." || name == ".." {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a namespace name",
        ));
    }
    let f = File::open(path_of(name))?;
    let m = f.metadata()?;
    Ok((f, (m.dev(), m.ino())))
}

/// The identity of VRF `name`'s namespace file now, if it exists.
pub fn identity(name: &str) -> Option<(u64, u64)> {
    let m = std::fs::metadata(path_of(name)).ok()?;
    Some((m.dev(), m.ino()))
}

/// Run `f` inside namespace `ns` (None: where we are), then return to the
/// thread's own namespace. If the way back fails the thread is left in
/// `ns`, which must not go unnoticed: that is a panic.
pub fn in_netns<T>(ns: Option<&File>, f: impl FnOnce() -> T) -> io::Result<T> {
    let Some(ns) = ns else {
        return Ok(f());
    };
    let home = File::open("/proc/thread-self/ns/net")?;
    setns(ns)?;
    let out = f();
    if let Err(e) = setns(&home) {
        panic!("cannot return to the thread's own network namespace: {e}");
    }
    Ok(out)
}

fn setns(ns: &File) -> io::Result<()> {
    // SAFETY: setns(2) on a file descriptor we own, for this thread only.
    let rc = unsafe { libc::setns(ns.as_fd().as_raw_fd(), libc::CLONE_NEWNET) };
    if rc < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_escape_the_directory_are_refused() {
        for bad in ["", "a/b", "..", "."] {
            assert!(open(bad).is_err(), "{bad:?}");
        }
        assert!(identity("bfrs-no-such-namespace").is_none());
    }

    #[test]
    fn in_no_namespace_runs_here() {
        assert_eq!(in_netns(None, || 5).unwrap(), 5);
    }

    #[test]
    fn our_own_namespace_round_trips() {
        // Entering the namespace we are in needs CAP_SYS_ADMIN; without it
        // setns fails cleanly and the thread stays where it was.
        let me = File::open("/proc/thread-self/ns/net").unwrap();
        let before = std::fs::metadata("/proc/thread-self/ns/net").unwrap().ino();
        let _ = in_netns(Some(&me), || ());
        let after = std::fs::metadata("/proc/thread-self/ns/net").unwrap().ino();
        assert_eq!(before, after);
    }
}
