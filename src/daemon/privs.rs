//! Running as FRR's unprivileged user. Started as root, bfdd switches to
//! `-u`/`-g` (FRR's defaults: user and group `frr`, with the `frrvty` group
//! added so the vty socket can be given to it) and keeps only the
//! capabilities BFD needs: binding ports 3784/4784 (NET_BIND_SERVICE), TTL
//! and raw socket options (NET_RAW), SO_BINDTODEVICE and VRF binding
//! (NET_ADMIN, SYS_ADMIN). Unlike FRR, which raises them around each
//! privileged call, we keep them effective: the engine thread opens and binds
//! sockets whenever a session appears. Capabilities are per thread in Linux,
//! so the switch must happen while the process has a single thread; every
//! thread started later inherits the set.
//!
//! Explicit `-u`/`-g` are strict (a missing user, or a state directory the
//! user cannot write, stops the daemon as FRR would stop). Left at their
//! defaults they are best effort: a host without the `frr` user, or with
//! root-owned state directories, keeps running as root and says why.

use std::ffi::CString;
use std::fmt;
use std::fs::Metadata;
use std::io;
use std::os::unix::fs::{DirBuilderExt, MetadataExt};
use std::path::{Path, PathBuf};

use nix::unistd::{Gid, Group, Uid, User};

use super::cli::{Args, LogTarget, Paths};

/// FRR's vty group (`--enable-vty-group`), added when the user belongs to it.
pub const VTY_GROUP: &str = "frrvty";

/// Linux capability numbers (linux/capability.h).
pub const CAP_NET_BIND_SERVICE: u32 = 10;
pub const CAP_NET_ADMIN: u32 = 12;
pub const CAP_NET_RAW: u32 = 13;
pub const CAP_SYS_ADMIN: u32 = 21;
/// Kept only with `--realtime`: SCHED_FIFO and CPU pinning need it.
pub const CAP_SYS_NICE: u32 = 23;

/// What we keep, by number and by the name `capsh` prints.
pub const KEPT_CAPS: [(u32, &str); 4] = [
    (CAP_NET_BIND_SERVICE, "cap_net_bind_service"),
    (CAP_NET_ADMIN, "cap_net_admin"),
    (CAP_NET_RAW, "cap_net_raw"),
    (CAP_SYS_ADMIN, "cap_sys_admin"),
];

/// The kept set as a capability bit mask.
pub fn kept_mask() -> u64 {
    KEPT_CAPS.iter().fold(0, |m, (c, _)| m | (1u64 << c))
}

/// What `drop_privileges` did, for one log line once logging runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Dropped {
        user: String,
        uid: u32,
        group: String,
        gid: u32,
        vty_group: Option<String>,
    },
    /// Not started as root: nothing to drop.
    NotRoot(u32),
    /// Root, staying root, for the reason given.
    StayedRoot(String),
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Dropped {
                user,
                uid,
                group,
                gid,
                vty_group,
            } => {
                write!(f, "running as user {user} ({uid}) group {group} ({gid})")?;
                if let Some(v) = vty_group {
                    write!(f, " with group {v}")?;
                }
                let names: Vec<&str> = KEPT_CAPS.iter().map(|(_, n)| *n).collect();
                write!(f, "; capabilities kept: {}", names.join(","))
            }
            Outcome::NotRoot(uid) => write!(
                f,
                "not started as root (uid {uid}): running with the privileges we were given"
            ),
            Outcome::StayedRoot(why) => write!(f, "staying root: {why}"),
        }
    }
}

/// Why the daemon must not start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrivsError(pub String);

impl fmt::Display for PrivsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PrivsError {}

/// The user we switch to, looked up.
#[derive(Debug, Clone)]
struct Target {
    user: String,
    uid: Uid,
    group: String,
    gid: Gid,
    /// Supplementary groups: the user's own, plus the vty group.
    groups: Vec<Gid>,
    vty_group: Option<String>,
}

/// Switch to the `-u`/`-g` user if started as root. Must be called while the
/// process has one thread (before daemonizing is fine; before the runtime is
/// required). Creates missing state directories owned by the user, as FRR
/// does, so the pid file, sockets and log files can be created and removed
/// after the switch.
pub fn drop_privileges(args: &Args, paths: &Paths) -> Result<Outcome, PrivsError> {
    let euid = nix::unistd::geteuid();
    if !euid.is_root() {
        return Ok(Outcome::NotRoot(euid.as_raw()));
    }
    let explicit = args.user.is_some() || args.group.is_some();
    // Defaults are best effort; explicit options are strict.
    let soft = |msg: String| -> Result<Outcome, PrivsError> {
        if explicit {
            Err(PrivsError(msg))
        } else {
            Ok(Outcome::StayedRoot(format!(
                "{msg} (give -u/-g to make this an error)"
            )))
        }
    };
    let target = match lookup(args.user(), args.group()) {
        Ok(t) => t,
        Err(e) => return soft(e),
    };
    if target.uid.is_root() {
        return Ok(Outcome::StayedRoot(format!(
            "-u {} keeps full root privileges",
            target.user
        )));
    }
    if let Err(e) = prepare_paths(&target, &state_dirs(paths), &owned_files(args, paths)) {
        return soft(e);
    }
    ensure_single_thread()?;
    let extra = if args.realtime {
        1u64 << CAP_SYS_NICE
    } else {
        0
    };
    switch(&target, extra)?;
    Ok(Outcome::Dropped {
        user: target.user,
        uid: target.uid.as_raw(),
        group: target.group,
        gid: target.gid.as_raw(),
        vty_group: target.vty_group,
    })
}

fn lookup(user: &str, group: &str) -> Result<Target, String> {
    let pw = match User::from_name(user) {
        Ok(Some(pw)) => pw,
        Ok(None) => return Err(format!("could not lookup user {user}: no such user")),
        Err(e) => return Err(format!("could not lookup user {user}: {e}")),
    };
    let gr = match Group::from_name(group) {
        Ok(Some(gr)) => gr,
        Ok(None) => return Err(format!("could not lookup group {group}: no such group")),
        Err(e) => return Err(format!("could not lookup group {group}: {e}")),
    };
    let cuser = CString::new(user).map_err(|_| format!("invalid user name {user:?}"))?;
    let mut groups = nix::unistd::getgrouplist(&cuser, gr.gid)
        .map_err(|e| format!("could not getgrouplist for user {user}: {e}"))?;
    // FRR refuses a user outside its vty group; we only leave the group out
    // (the vty socket then keeps the user's group), so hosts without
    // frrvty work too.
    let vty_group = match Group::from_name(VTY_GROUP) {
        Ok(Some(v)) if groups.contains(&v.gid) => Some(v.name),
        _ => None,
    };
    groups.dedup();
    Ok(Target {
        user: pw.name,
        uid: pw.uid,
        group: gr.name,
        gid: gr.gid,
        groups,
        vty_group,
    })
}

/// Directories where we create and later remove files.
fn state_dirs(paths: &Paths) -> Vec<PathBuf> {
    let mut v = vec![paths.vty_dir.clone()];
    for f in [&paths.pid_file, &paths.bfdctl, &paths.zapi_socket] {
        v.push(parent_dir(f));
    }
    v.dedup();
    v
}

/// Files we write to that may already exist from an earlier run as root.
fn owned_files(args: &Args, paths: &Paths) -> Vec<PathBuf> {
    let mut v = vec![paths.pid_file.clone()];
    for t in &args.log {
        if let LogTarget::File(p) = t {
            v.push(p.clone());
        }
    }
    v
}

/// The directory holding `file`; `.` for a bare relative name.
fn parent_dir(file: &Path) -> PathBuf {
    match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Check that the user can create and later remove files where it must;
/// only then create missing state directories (one level, 0755, owned by
/// the user, like FRR's frr_mkdir) and hand files left by an earlier run as
/// root to the user. Nothing is changed when a check fails.
fn prepare_paths(t: &Target, dirs: &[PathBuf], files: &[PathBuf]) -> Result<(), String> {
    let gids: Vec<u32> = t.groups.iter().map(|g| g.as_raw()).collect();
    let uid = t.uid.as_raw();
    let check_dir = |d: &Path| -> Result<bool, String> {
        match std::fs::metadata(d) {
            Ok(meta) if writable(&meta, uid, &gids, true) => Ok(true),
            Ok(meta) => Err(not_writable(d, &meta, &t.user)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(format!("{}: {e}", d.display())),
        }
    };
    let mut missing: Vec<&PathBuf> = Vec::new();
    for d in dirs {
        if !check_dir(d)? && !missing.contains(&d) {
            missing.push(d);
        }
    }
    let mut hand_over = Vec::new();
    for f in files {
        match std::fs::metadata(f) {
            Ok(meta) if !writable(&meta, uid, &gids, false) => hand_over.push(f),
            Ok(_) => {}
            Err(_) => {
                let d = parent_dir(f);
                if !check_dir(&d)? && !missing.contains(&&d) {
                    return Err(format!("{}: no such directory", d.display()));
                }
            }
        }
    }
    for d in missing {
        std::fs::DirBuilder::new()
            .mode(0o755)
            .create(d)
            .map_err(|e| format!("cannot create {}: {e}", d.display()))?;
        nix::unistd::chown(d, Some(t.uid), Some(t.gid))
            .map_err(|e| format!("cannot chown {}: {e}", d.display()))?;
    }
    for f in hand_over {
        nix::unistd::chown(f, Some(t.uid), Some(t.gid))
            .map_err(|e| format!("cannot chown {}: {e}", f.display()))?;
    }
    Ok(())
}

fn not_writable(d: &Path, meta: &Metadata, user: &str) -> String {
    format!(
        "{} (owner {}:{}, mode {:o}) is not writable by user {user}",
        d.display(),
        meta.uid(),
        meta.gid(),
        meta.mode() & 0o7777
    )
}

/// Unix permission check for `uid` with groups `gids` (no capabilities:
/// after the switch we have no DAC override). Directories need w and x.
pub fn writable(meta: &Metadata, uid: u32, gids: &[u32], is_dir: bool) -> bool {
    mode_allows(meta.mode(), meta.uid(), meta.gid(), uid, gids, is_dir)
}

fn mode_allows(mode: u32, owner: u32, group: u32, uid: u32, gids: &[u32], is_dir: bool) -> bool {
    let need = if is_dir { 0o3 } else { 0o2 };
    let bits = if owner == uid {
        mode >> 6
    } else if gids.contains(&group) {
        mode >> 3
    } else {
        mode
    };
    bits & need == need
}

fn ensure_single_thread() -> Result<(), PrivsError> {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let threads = status
        .lines()
        .find_map(|l| l.strip_prefix("Threads:"))
        .and_then(|n| n.trim().parse::<u32>().ok())
        .unwrap_or(1);
    if threads > 1 {
        return Err(PrivsError(format!(
            "privilege drop needs a single-threaded process ({threads} threads running)"
        )));
    }
    Ok(())
}

/// setgroups/setgid/setuid with capabilities kept across the uid change,
/// then the kept set made permitted and effective (and nothing else).
fn switch(t: &Target, extra_caps: u64) -> Result<(), PrivsError> {
    let fail = |what: &str, e: &dyn fmt::Display| PrivsError(format!("{what}: {e}"));
    nix::sys::prctl::set_keepcaps(true).map_err(|e| fail("could not set PR_SET_KEEPCAPS", &e))?;
    nix::unistd::setgroups(&t.groups).map_err(|e| fail("could not setgroups", &e))?;
    nix::unistd::setresgid(t.gid, t.gid, t.gid).map_err(|e| fail("could not setresgid", &e))?;
    nix::unistd::setresuid(t.uid, t.uid, t.uid).map_err(|e| fail("could not setresuid", &e))?;
    let kept = kept_mask() | extra_caps;
    capset(Caps {
        effective: kept,
        permitted: kept,
        inheritable: 0,
    })
    .map_err(|e| fail("could not set capabilities", &e))?;
    let now = capget().map_err(|e| fail("could not read capabilities", &e))?;
    if now.effective & kept != kept {
        return Err(PrivsError(format!(
            "capabilities not effective after the switch: have {:#x}, want {kept:#x}",
            now.effective
        )));
    }
    // Later setuid calls (none expected) must not keep anything.
    nix::sys::prctl::set_keepcaps(false)
        .map_err(|e| fail("could not clear PR_SET_KEEPCAPS", &e))?;
    Ok(())
}

/// The three capability sets of the calling thread, as bit masks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caps {
    pub effective: u64,
    pub permitted: u64,
    pub inheritable: u64,
}

// linux/capability.h, version 3: two 32-bit words per set.
const LINUX_CAPABILITY_VERSION_3: u32 = 0x2008_0522;

#[repr(C)]
struct CapHeader {
    version: u32,
    pid: libc::c_int,
}

#[repr(C)]
#[derive(Clone, Copy, Default)]
struct CapData {
    effective: u32,
    permitted: u32,
    inheritable: u32,
}

fn capset(c: Caps) -> io::Result<()> {
    let mut hdr = CapHeader {
        version: LINUX_CAPABILITY_VERSION_3,
        pid: 0,
    };
    let word = |m: u64, i: u32| (m >> (32 * i)) as u32;
    let data = [0, 1].map(|i| CapData {
        effective: word(c.effective, i),
        permitted: word(c.permitted, i),
        inheritable: word(c.inheritable, i),
    });
    // SAFETY: header and a two-element data array of the kernel's v3 layout,
    // both live for the call.
    let r = unsafe { libc::syscall(libc::SYS_capset, &mut hdr as *mut CapHeader, data.as_ptr()) };
    if r == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// The calling thread's capabilities.
pub fn capget() -> io::Result<Caps> {
    let mut hdr = CapHeader {
        version: LINUX_CAPABILITY_VERSION_3,
        pid: 0,
    };
    let mut data = [CapData::default(); 2];
    // SAFETY: as in capset; the kernel writes two CapData.
    let r = unsafe {
        libc::syscall(
            libc::SYS_capget,
            &mut hdr as *mut CapHeader,
            data.as_mut_ptr(),
        )
    };
    if r != 0 {
        return Err(io::Error::last_os_error());
    }
    let join = |f: fn(&CapData) -> u32| u64::from(f(&data[0])) | (u64::from(f(&data[1])) << 32);
    Ok(Caps {
        effective: join(|d| d.effective),
        permitted: join(|d| d.permitted),
        inheritable: join(|d| d.inheritable),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_set_is_frr_bfdd_plus_net_admin() {
        // FRR 8.4 bfdd's permitted set as /proc shows it is 0x202400
        // (net_bind_service, net_raw, sys_admin); we add net_admin.
        assert_eq!(kept_mask(), 0x202400 | (1 << 12));
    }

    #[test]
    fn permission_bits() {
        // owner rwx, group r-x, other r-x: only the owner may create files.
        assert!(mode_allows(0o755, 103, 107, 103, &[107], true));
        assert!(!mode_allows(0o755, 0, 0, 103, &[107], true));
        // group-writable directory, user in the group.
        assert!(mode_allows(0o775, 0, 107, 103, &[106, 107], true));
        assert!(!mode_allows(0o775, 0, 107, 103, &[106], true));
        // write without search is not enough for a directory...
        assert!(!mode_allows(0o722, 0, 0, 103, &[], true));
        // ...but is for a file.
        assert!(mode_allows(0o622, 0, 0, 103, &[], false));
        // the owner class decides even when "other" would allow it.
        assert!(!mode_allows(0o577, 103, 0, 103, &[], true));
        // sticky /tmp: anyone may create.
        assert!(mode_allows(0o1777, 0, 0, 103, &[], true));
    }

    #[test]
    fn parent_of_bare_names_is_cwd() {
        assert_eq!(parent_dir(Path::new("bfdd.log")), Path::new("."));
        assert_eq!(
            parent_dir(Path::new("/var/run/frr/x")),
            Path::new("/var/run/frr")
        );
    }

    #[test]
    fn capget_reads_this_thread() {
        let c = capget().expect("capget");
        assert_eq!(c.effective & !c.permitted, 0, "effective within permitted");
    }

    #[test]
    fn outcome_text() {
        let d = Outcome::Dropped {
            user: "frr".into(),
            uid: 103,
            group: "frr".into(),
            gid: 107,
            vty_group: Some("frrvty".into()),
        };
        assert_eq!(
            d.to_string(),
            "running as user frr (103) group frr (107) with group frrvty; capabilities kept: \
             cap_net_bind_service,cap_net_admin,cap_net_raw,cap_sys_admin"
        );
        assert!(Outcome::NotRoot(1000).to_string().contains("uid 1000"));
    }
}
