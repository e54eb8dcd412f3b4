//! `write terminal` and `write memory`: the daemon's configuration text as
//! FRR writes it for a vtysh session, and saving it FRR's way (the old file
//! kept as `.sav`, a "saved from vty" header, mode 0640).

use std::path::Path;

use crate::config::Config;

/// The daemon's `write terminal` text (FRR's `vty_write_config` for a
/// vtysh session: no "Current configuration" banner, no `end`): the host
/// head (`host::write_head`), the logging lines the daemon gave
/// (`DaemonControl::log_config`), the host's service lines, then bfd.
pub fn write_terminal(
    cfg: &Config,
    head: &str,
    log_lines: &str,
    services: &str,
    log_commands: bool,
) -> String {
    let mut out = String::from(head);
    out.push_str(log_lines);
    out.push_str(services);
    // One `!` per lib config writer, as FRR prints them.
    out.push_str("!\n!\n!\n!\n");
    if log_commands {
        out.push_str("log commands\n");
    }
    out.push_str("!\n");
    out.push_str(&cfg.render());
    out.push_str("!\n");
    out
}

/// What `write memory` saves: `write terminal`'s text under FRR's header.
pub fn saved_text(write_terminal: &str) -> String {
    format!(
        "!\n! Zebra configuration saved from vty\n!   {}\n!\n{}",
        local_time(),
        write_terminal
    )
}

/// The system's host name, FRR's `hostname` until one is configured.
pub fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "localhost".to_string())
}

/// `YYYY/MM/DD HH:MM:SS` in local time, as FRR stamps saved configs.
fn local_time() -> String {
    // SAFETY: time(NULL) and localtime_r with a zeroed out-parameter.
    unsafe {
        let t = libc::time(std::ptr::null_mut());
        let mut tm: libc::tm = std::mem::zeroed();
        if libc::localtime_r(&t, &mut tm).is_null() {
            return String::new();
        }
        format!(
            "{:04}/{:02}/{:02} {:02}:{:02}:{:02}",
            tm.tm_year + 1900,
            tm.tm_mon + 1,
            tm.tm_mday,
            tm.tm_hour,
            tm.tm_min,
            tm.tm_sec
        )
    }
}

/// Write `text` to `path` the way FRR does: the old file becomes
/// `PATH.sav`, the new one is written beside it and renamed into place.
pub fn save_file(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let mut sav = path.as_os_str().to_owned();
    sav.push(".sav");
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o640)
        .open(&tmp)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()?;
    if path.exists() {
        let _ = std::fs::copy(path, &sav);
    }
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_file_keeps_the_old_one_as_sav_with_mode_0640() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("bfrs-v4-save-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("bfdd.conf");
        std::fs::write(&path, "old\n").expect("old");
        save_file(&path, "new\n").expect("save");
        assert_eq!(std::fs::read_to_string(&path).expect("new"), "new\n");
        assert_eq!(
            std::fs::read_to_string(dir.join("bfdd.conf.sav")).expect("sav"),
            "old\n"
        );
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(local_time().len(), "2026/11/24 21:09:09".len());
    }
}
