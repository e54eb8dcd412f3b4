//! Process plumbing: `-d` daemonizing the way FRR does it (the parent waits
//! on a pipe until the child is ready, so init scripts see a working daemon
//! when the command returns), and the pid file.

use std::fs::OpenOptions;
use std::io::{self, Write};
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

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

/// The pid file, removed when dropped.
pub struct PidFile(PathBuf);

impl PidFile {
    pub fn create(path: &Path) -> io::Result<PidFile> {
        let mut f = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o644)
            .open(path)?;
        writeln!(f, "{}", std::process::id())?;
        Ok(PidFile(path.to_path_buf()))
    }
}

impl Drop for PidFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}
