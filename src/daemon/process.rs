//! Process plumbing: `-d` daemonizing the way FRR does it (the parent waits
//! on a pipe until the child is ready, so init scripts see a working daemon
//! when the command returns), and the pid file.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use nix::errno::Errno;
use nix::fcntl::{Flock, FlockArg};
use nix::unistd::{fork, pipe, setsid, ForkResult};

/// The child's end of the readiness pipe.
pub struct Readiness(Option<OwnedFd>);

impl Readiness {
    /// Not daemonized: nothing to tell.
    pub fn none() -> Readiness {
        Readiness(None)
    }

    /// Tell the waiting parent we are up, then detach stdio from the
    /// terminal. Dropping a `Readiness` without calling this makes the parent
    /// exit 1.
    pub fn ready(mut self) -> io::Result<()> {
        if let Some(fd) = self.0.take() {
            nix::unistd::write(&fd, &[0u8])?;
            drop(fd);
            detach_stdio()?;
        }
        Ok(())
    }

    pub fn daemonized(&self) -> bool {
        self.0.is_some()
    }
}

/// Fork; the parent never returns (it exits 0 once the child calls
/// `Readiness::ready`, 1 if the child dies or gives up first). Must be called
/// before any thread exists.
pub fn daemonize() -> io::Result<Readiness> {
    let (rd, wr) = pipe()?;
    // SAFETY: called from main before the tokio runtime or any other thread
    // is started, so the child is a full copy of a single-threaded process.
    match unsafe { fork() }? {
        ForkResult::Parent { .. } => {
            drop(wr);
            let mut b = [0u8; 1];
            let code = match nix::unistd::read(rd.as_raw_fd(), &mut b) {
                Ok(1) if b[0] == 0 => 0,
                _ => 1,
            };
            std::process::exit(code);
        }
        ForkResult::Child => {
            drop(rd);
            setsid()?;
            Ok(Readiness(Some(wr)))
        }
    }
}

/// Point stdin, stdout and stderr at /dev/null.
fn detach_stdio() -> io::Result<()> {
    let null = OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/null")?;
    for fd in 0..=2 {
        nix::unistd::dup2(null.as_raw_fd(), fd)?;
    }
    Ok(())
}

/// The pid file, held locked while we run (a second daemon with the same
/// pid file refuses to start) and removed when dropped.
pub struct PidFile {
    path: PathBuf,
    _lock: Flock<File>,
}

impl PidFile {
    pub fn create(path: &Path) -> io::Result<PidFile> {
        let f = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o644)
            .open(path)?;
        let mut lock = match Flock::lock(f, FlockArg::LockExclusiveNonblock) {
            Ok(l) => l,
            Err((_, Errno::EWOULDBLOCK)) => {
                let other = std::fs::read_to_string(path).unwrap_or_default();
                return Err(io::Error::new(
                    io::ErrorKind::AddrInUse,
                    format!("already running (pid {})", other.trim()),
                ));
            }
            Err((_, e)) => return Err(e.into()),
        };
        lock.set_len(0)?;
        writeln!(lock, "{}", std::process::id())?;
        Ok(PidFile {
            path: path.to_path_buf(),
            _lock: lock,
        })
    }
}

impl Drop for PidFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pid_file_is_exclusive_and_removed() {
        let path = std::env::temp_dir().join(format!("bfrs-dm-pid-{}", std::process::id()));
        let first = PidFile::create(&path).expect("first");
        let text = std::fs::read_to_string(&path).expect("read");
        assert_eq!(text.trim(), std::process::id().to_string());
        let err = PidFile::create(&path).err().expect("second must fail");
        assert!(err.to_string().contains("already running"), "{err}");
        drop(first);
        assert!(!path.exists());
        let again = PidFile::create(&path).expect("free again");
        drop(again);
    }
}
