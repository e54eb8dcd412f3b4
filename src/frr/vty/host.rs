//! FRR's host settings given over the vty (`frr version`, `frr defaults`,
//! `hostname`, `password`, `enable password`, `service advanced-vty`): kept
//! in the settings the TCP vty's login uses (one `SharedAuth` for both), and
//! written back by `show running-config` in FRR's order. `service
//! password-encryption` is refused: it needs crypt(3)'s DES, which bfdd-rs
//! does not carry, and a password stored in clear while the operator asked
//! for it encrypted would be worse than an error.

use std::fmt::Write as _;

use vtysh_compat::cli::ret;
use vtysh_compat::telnet::SharedAuth;

/// The FRR version whose behaviour bfdd-rs follows (FRR_VER_SHORT).
pub const FRR_VERSION: &str = "8.4.4";
/// FRR's longest hostname (HOSTNAME_LEN).
const HOSTNAME_LEN: usize = 64;

/// What a host line did: the text and return code vtysh shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostReply {
    pub out: String,
    pub code: u8,
}

fn ok() -> Option<HostReply> {
    Some(HostReply {
        out: String::new(),
        code: ret::SUCCESS,
    })
}

fn fail(out: &str, code: u8) -> Option<HostReply> {
    Some(HostReply {
        out: out.to_string(),
        code,
    })
}

/// Apply `line` (keywords in full) if it is a host setting; None if not.
pub fn apply(host: &SharedAuth, line: &str) -> Option<HostReply> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let mut h = host.lock().unwrap_or_else(|e| e.into_inner());
    match words.as_slice() {
        ["frr", "version", rest @ ..] if !rest.is_empty() => {
            h.frr_version = Some(rest.join(" "));
            ok()
        }
        ["frr", "defaults", rest @ ..] if !rest.is_empty() => {
            h.frr_defaults = Some(rest.join(" "));
            ok()
        }
        ["hostname", name] => {
            if !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
                return fail(
                    "Please specify string starting with alphabet or number\n",
                    ret::WARNING_CONFIG_FAILED,
                );
            }
            if name.len() > HOSTNAME_LEN {
                return fail(
                    &format!("Hostname length should be less than {HOSTNAME_LEN} chars\n"),
                    ret::WARNING_CONFIG_FAILED,
                );
            }
            h.hostname = Some(name.to_string());
            ok()
        }
        ["no", "hostname", ..] => {
            // FRR forgets the name: no `hostname` line is written at all.
            h.hostname = Some(String::new());
            ok()
        }
        ["password", pw] => {
            h.password = Some(pw.to_string());
            ok()
        }
        ["enable", "password", pw] => {
            h.enable_password = Some(pw.to_string());
            ok()
        }
        ["password", "8", _] | ["enable", "password", "8", _] => fail(
            "% bfdd-rs cannot check encrypted (8) passwords: give the password in clear\n",
            ret::WARNING_CONFIG_FAILED,
        ),
        ["no", "password"] => {
            h.password = None;
            ok()
        }
        ["no", "enable", "password"] => {
            h.enable_password = None;
            ok()
        }
        ["service", "advanced-vty"] => {
            h.advanced_vty = true;
            ok()
        }
        ["no", "service", "advanced-vty"] => {
            h.advanced_vty = false;
            ok()
        }
        ["service", "password-encryption"] => fail(
            "% bfdd-rs does not encrypt passwords: service password-encryption is not supported\n",
            ret::WARNING_CONFIG_FAILED,
        ),
        ["no", "service", "password-encryption"] => ok(),
        _ => None,
    }
}

/// The head of `show running-config` up to the logging lines: the version
/// lines, a `!`, then FRR's host writer (hostname, passwords).
pub fn write_head(host: &SharedAuth, system_hostname: &str) -> String {
    let h = host.lock().unwrap_or_else(|e| e.into_inner());
    let mut out = String::new();
    if let Some(v) = h.frr_version.as_deref().filter(|v| *v != FRR_VERSION) {
        let _ = writeln!(out, "! loaded from {v}");
    }
    let _ = writeln!(out, "frr version {FRR_VERSION}");
    let defaults = h.frr_defaults.as_deref().unwrap_or("traditional");
    let _ = writeln!(out, "frr defaults {defaults}\n!");
    let name = h.hostname.as_deref().unwrap_or(system_hostname);
    if !name.is_empty() {
        let _ = writeln!(out, "hostname {name}");
    }
    if let Some(p) = &h.password {
        let _ = writeln!(out, "password {p}");
    }
    if let Some(p) = &h.enable_password {
        let _ = writeln!(out, "enable password {p}");
    }
    out
}

/// The host writer's lines after logging (`service advanced-vty`).
pub fn write_services(host: &SharedAuth) -> String {
    let h = host.lock().unwrap_or_else(|e| e.into_inner());
    if h.advanced_vty {
        "service advanced-vty\n".to_string()
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};
    use vtysh_compat::telnet::VtyAuth;

    fn host() -> SharedAuth {
        Arc::new(Mutex::new(VtyAuth::default()))
    }

    #[test]
    fn settings_show_in_running_config_order() {
        let h = host();
        for line in [
            "frr version 8.1",
            "frr defaults datacenter",
            "hostname r1",
            "password pw",
            "enable password en",
            "service advanced-vty",
        ] {
            assert_eq!(apply(&h, line).unwrap().code, ret::SUCCESS, "{line}");
        }
        assert_eq!(
            write_head(&h, "sys"),
            "! loaded from 8.1\nfrr version 8.4.4\nfrr defaults datacenter\n!\n\
             hostname r1\npassword pw\nenable password en\n"
        );
        assert_eq!(write_services(&h), "service advanced-vty\n");
        // The telnet login sees the same settings.
        let a = h.lock().unwrap().clone();
        assert_eq!(a.password.as_deref(), Some("pw"));
        assert_eq!(a.hostname.as_deref(), Some("r1"));
        apply(&h, "no hostname").unwrap();
        apply(&h, "no password").unwrap();
        assert_eq!(
            write_head(&h, "sys"),
            "! loaded from 8.1\nfrr version 8.4.4\nfrr defaults datacenter\n!\nenable password en\n"
        );
    }

    #[test]
    fn defaults_and_refusals() {
        let h = host();
        assert_eq!(
            write_head(&h, "sys"),
            "frr version 8.4.4\nfrr defaults traditional\n!\nhostname sys\n"
        );
        let r = apply(&h, "hostname -x").unwrap();
        assert_eq!(r.code, ret::WARNING_CONFIG_FAILED);
        assert_eq!(
            r.out,
            "Please specify string starting with alphabet or number\n"
        );
        let long = format!("hostname {}", "a".repeat(65));
        assert!(apply(&h, &long).unwrap().out.starts_with("Hostname length"));
        assert_ne!(
            apply(&h, "service password-encryption").unwrap().code,
            ret::SUCCESS
        );
        assert_ne!(
            apply(&h, "password 8 abcdefghijklm").unwrap().code,
            ret::SUCCESS
        );
        assert!(apply(&h, "log file /tmp/x").is_none());
        assert!(apply(&h, "frr version 8.4.4").is_some());
        assert!(!write_head(&h, "sys").contains("loaded from"));
    }
}
