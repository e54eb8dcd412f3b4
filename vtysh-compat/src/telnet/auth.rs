//! The TCP vty's login settings (`password`, `enable password`,
//! `hostname`, `line vty`'s `login` and `exec-timeout`): read from the
//! startup config, shared by every telnet session and changed by the
//! CONFIG-node commands typed in any of them.

use std::sync::{Arc, Mutex};
use std::time::Duration;

/// FRR's VTY_TIMEOUT_DEFAULT: ten minutes.
pub const DEFAULT_EXEC_TIMEOUT: Duration = Duration::from_secs(600);

/// The `password`, `enable password`, `hostname` and `line vty` settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VtyAuth {
    pub password: Option<String>,
    pub enable_password: Option<String>,
    /// `line vty` / `no login`: sessions start at the prompt.
    pub no_login: bool,
    /// `hostname`; the system's name when unset, as FRR. Empty after `no
    /// hostname`: prompts show the system's name, running-config no line.
    pub hostname: Option<String>,
    /// `exec-timeout`; zero never times out.
    pub exec_timeout: Duration,
    /// `frr defaults PROFILE` given at run time (None: the daemon's own).
    pub frr_defaults: Option<String>,
    /// `frr version VERSION`: the version the configuration was written by.
    pub frr_version: Option<String>,
    /// `service advanced-vty`.
    pub advanced_vty: bool,
}

impl Default for VtyAuth {
    fn default() -> Self {
        VtyAuth {
            password: None,
            enable_password: None,
            no_login: false,
            hostname: None,
            exec_timeout: DEFAULT_EXEC_TIMEOUT,
            frr_defaults: None,
            frr_version: None,
            advanced_vty: false,
        }
    }
}

impl VtyAuth {
    /// Picks the vty settings out of a bfdd.conf text; everything else is
    /// the config layer's business. Encrypted (`8`) passwords are skipped:
    /// checking them needs crypt(3).
    pub fn from_config_text(text: &str) -> VtyAuth {
        let mut auth = VtyAuth::default();
        let mut in_line_vty = false;
        for raw in text.lines() {
            let indented = raw.starts_with([' ', '\t']);
            let words: Vec<&str> = raw.split_whitespace().collect();
            if !indented {
                in_line_vty = false;
            }
            match words.as_slice() {
                ["line", "vty"] if !indented => in_line_vty = true,
                ["password", pw] if !indented => auth.password = Some(pw.to_string()),
                ["enable", "password", pw] if !indented => {
                    auth.enable_password = Some(pw.to_string())
                }
                ["hostname", name] if !indented => auth.hostname = Some(name.to_string()),
                ["frr", "version", rest @ ..] if !indented && !rest.is_empty() => {
                    auth.frr_version = Some(rest.join(" "))
                }
                ["frr", "defaults", rest @ ..] if !indented && !rest.is_empty() => {
                    auth.frr_defaults = Some(rest.join(" "))
                }
                ["service", "advanced-vty"] if !indented => auth.advanced_vty = true,
                ["no", "login"] if in_line_vty => auth.no_login = true,
                ["login"] if in_line_vty => auth.no_login = false,
                ["exec-timeout", m, rest @ ..] if in_line_vty => {
                    if let Some(t) = exec_timeout(m, rest.first().copied()) {
                        auth.exec_timeout = t;
                    }
                }
                _ => {}
            }
        }
        auth
    }

    /// The name in prompts.
    pub fn prompt_host(&self) -> String {
        if let Some(h) = self.hostname.as_ref().filter(|h| !h.is_empty()) {
            return h.clone();
        }
        std::fs::read_to_string("/proc/sys/kernel/hostname")
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    }
}

/// `exec-timeout MINUTES [SECONDS]` within FRR's bounds.
pub(super) fn exec_timeout(min: &str, sec: Option<&str>) -> Option<Duration> {
    let m: u64 = min.parse().ok().filter(|m| *m <= 35791)?;
    let s: u64 = match sec {
        Some(s) => s.parse().ok().filter(|s| *s <= 2_147_483)?,
        None => 0,
    };
    Some(Duration::from_secs(m * 60 + s))
}

/// The login settings every telnet session reads and the CONFIG node writes.
pub type SharedAuth = Arc<Mutex<VtyAuth>>;

/// A copy of the settings (a poisoned lock still holds them).
pub(super) fn snapshot(auth: &SharedAuth) -> VtyAuth {
    match auth.lock() {
        Ok(a) => a.clone(),
        Err(p) => p.into_inner().clone(),
    }
}

/// Changes the settings in place.
pub(super) fn update(auth: &SharedAuth, f: impl FnOnce(&mut VtyAuth)) {
    match auth.lock() {
        Ok(mut a) => f(&mut a),
        Err(p) => f(&mut p.into_inner()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_from_config_text() {
        let a = VtyAuth::from_config_text(
            "hostname r1\npassword zebra\nenable password s3\nbfd\n password no\n!\n\
             line vty\n exec-timeout 1 30\n no login\n!\n",
        );
        assert_eq!(a.hostname.as_deref(), Some("r1"));
        assert_eq!(a.password.as_deref(), Some("zebra"));
        assert_eq!(a.enable_password.as_deref(), Some("s3"));
        assert!(a.no_login);
        assert_eq!(a.exec_timeout, Duration::from_secs(90));
        // `no login` outside `line vty` is not ours; encrypted is skipped.
        let b = VtyAuth::from_config_text("password 8 abc\n no login\n");
        assert_eq!(b, VtyAuth::default());
    }
}
