//! Process plumbing: `-d` daemonizing the way FRR does it (the parent waits
//! on a pipe until the child is ready, so init scripts see a working daemon
//! when the command returns), the pid file, and reading the config file at
//! start the way FRR's vty_read_config does (a missing file is not fatal).

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use nix::errno::Errno;
use nix::fcntl::{Flock, FlockArg};
use nix::unistd::{fork, pipe, setsid, ForkResult};

use crate::config::{self, Config, ConfigError};

/// What start-up found about the config file, to log once logging runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigNote {
    /// The file was missing and FRR's backup `<file>.sav` was put in place.
    UsedBackup(PathBuf),
    /// No file and no backup: running with an empty configuration.
    Missing(PathBuf),
}

impl ConfigNote {
    /// FRR 8.4's log lines for the case (lib/vty.c), one per element.
    pub fn log_lines(&self) -> Vec<String> {
        let (p, last) = match self {
            ConfigNote::UsedBackup(p) => (p, "WARNING: using backup configuration file!".into()),
            ConfigNote::Missing(p) => (
                p,
                format!("can't open configuration file [{}]", p.display()),
            ),
        };
        vec![
            format!(
                "vty_read_config: failed to open configuration file {}: No such file or directory, checking backup",
                p.display()
            ),
            last,
        ]
    }
}

/// The config at start-up. A missing file is what FRR tolerates: it tries
/// the backup `<file>.sav` (copying it into place) and otherwise starts with
/// an empty configuration. In a dry run (`-C`) a missing file is an error,
/// as is any other failure to read or parse.
pub fn load_config(
    path: &Path,
    dryrun: bool,
) -> Result<(Config, Option<ConfigNote>, Vec<String>), ConfigError> {
    if dryrun || path.exists() {
        return config::load_noted(path).map(|(c, n)| (c, None, n));
    }
    let mut backup = path.as_os_str().to_owned();
    backup.push(".sav");
    let backup = PathBuf::from(backup);
    if backup.exists() && std::fs::copy(&backup, path).is_ok() {
        return config::load_noted(path)
            .map(|(c, n)| (c, Some(ConfigNote::UsedBackup(path.to_path_buf())), n));
    }
    Ok((
        Config::default(),
        Some(ConfigNote::Missing(path.to_path_buf())),
        Vec::new(),
    ))
}

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
    fn missing_config_is_empty_except_in_dry_run() {
        let dir = std::env::temp_dir().join(format!("bfrs-pv-cfg-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("dir");
        let conf = dir.join("bfdd.conf");

        let (c, note, _) = load_config(&conf, false).expect("missing is not fatal");
        assert_eq!(c, Config::default());
        assert_eq!(note, Some(ConfigNote::Missing(conf.clone())));
        let lines = note.expect("note").log_lines();
        assert!(
            lines[1].starts_with("can't open configuration file ["),
            "{lines:?}"
        );
        assert!(load_config(&conf, true).is_err(), "dry run wants the file");

        // FRR's backup file is copied into place and used.
        std::fs::write(
            dir.join("bfdd.conf.sav"),
            "bfd\n peer 10.0.0.2\n exit\nexit\n",
        )
        .expect("backup");
        let (c, note, _) = load_config(&conf, false).expect("backup");
        assert_eq!(c.peers.len(), 1);
        assert_eq!(note, Some(ConfigNote::UsedBackup(conf.clone())));
        assert!(conf.exists(), "backup copied into place");

        // A present file is read as it is; a bad one is still fatal.
        std::fs::write(&conf, "bfd\n peer 10.0.0.300\n").expect("bad");
        assert!(load_config(&conf, false).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }

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
