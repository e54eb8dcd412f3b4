//! What the differential tables share: reading the subject's views (every
//! show of the sessions, the `bfd` block of the running configuration) and
//! the remote FRR's view of the subject, normalised by `topotests::views`,
//! and waiting for a step to settle before they are read.
#![allow(dead_code)] // each table uses a different subset

use std::time::{Duration, Instant};

use super::common::*;
use topotests::views::{self, Views};
use topotests::{json, Vtysh};

/// What must hold before a step's views are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settle {
    /// Every session Up on both sides, then no change for a while.
    Up,
    /// No change for a while, whatever the states.
    Stable,
}

/// How long the views must stay unchanged before a step counts as settled:
/// with every session Up (packets every 200-400 ms, a poll sequence done
/// within a second), and otherwise (a Down session sends once a second).
const HOLD_UP: Duration = Duration::from_millis(1500);
const HOLD_STABLE: Duration = Duration::from_millis(2500);
const POLL: Duration = Duration::from_millis(250);
const SETTLE_TIMEOUT: Duration = Duration::from_secs(40);

/// The key of a session as `peer` and `show bfd peer` take it, on the
/// subject's side or the remote's.
pub fn key(s: &Sess, subject_side: bool) -> String {
    let p = if subject_side {
        subject_peer(s)
    } else {
        remote_frr_peer(s)
    };
    p.header()
        .strip_prefix("peer ")
        .expect("a peer header")
        .to_string()
}

/// Runs commands in one vtysh: its exit code and its output, normalised
/// like the views (the commands may end in a show).
pub fn answer(vty: &Vtysh, cmds: &[String]) -> (i32, Vec<String>) {
    let argv: Vec<&str> = cmds.iter().map(String::as_str).collect();
    let (code, text) = vty.run_status(&argv);
    let json = views::normalise_json(&text).join("\n");
    (code, views::normalise_peer_text(&json))
}

pub fn with_code(code: i32, lines: Vec<String>) -> Vec<String> {
    std::iter::once(format!("exit code {code}"))
        .chain(lines)
        .collect()
}

/// What the remote FRR shows about the subject's end of session `s`.
pub fn remote_view(remote: &Vtysh, s: &Sess) -> Vec<String> {
    let (code, text) = remote.run_status(&[&format!("show bfd peer {} json", key(s, false))]);
    let Ok(doc) = json::parse(&text) else {
        return with_code(code, text.lines().map(str::to_string).collect());
    };
    let fields = [
        "status",
        "diagnostic",
        "remote-diagnostic",
        "remote-receive-interval",
        "remote-transmit-interval",
        "remote-echo-receive-interval",
        "remote-detect-multiplier",
    ];
    let shown = fields.iter().map(|f| {
        let v = doc.get(f).map_or("(absent)".to_string(), |v| match v {
            json::Value::String(s) => s.clone(),
            other => other
                .as_u64()
                .map_or(format!("{other:?}"), |n| n.to_string()),
        });
        format!("{f}: {v}")
    });
    with_code(code, shown.collect())
}

/// The subject's views of `sessions` and the remote's view of each.
pub fn read_views(subject: &Vtysh, remote: &Vtysh, sessions: &[Sess]) -> Views {
    let show = |cmd: &str, norm: fn(&str) -> Vec<String>| {
        let (code, text) = subject.run_status(&[cmd]);
        (cmd.to_string(), with_code(code, norm(&text)))
    };
    let mut v = vec![
        show("show bfd peers json", views::normalise_json),
        show("show bfd peers brief", views::normalise_brief),
        show("show bfd peers counters json", views::normalise_json),
    ];
    for s in sessions {
        v.push(show(
            &format!("show bfd peer {} json", key(s, true)),
            views::normalise_json,
        ));
    }
    for s in sessions {
        v.push(show(
            &format!("show bfd peer {}", key(s, true)),
            views::normalise_peer_text,
        ));
    }
    v.push(show("show running-config", views::bfd_section));
    for s in sessions {
        v.push((
            format!("remote's view of the subject, {}", s.label),
            remote_view(remote, s),
        ));
    }
    v
}

pub fn remote_vty(remote: &Remote) -> &Vtysh {
    match remote {
        Remote::Frr { router, .. } => router.vty(),
        Remote::Bird { .. } => unreachable!("an FRR remote"),
    }
}

/// Waits until the subject's sessions and the remote's view of them stop
/// changing for a while (and, for [`Settle::Up`], are all Up on both sides).
pub fn settle(what: &str, how: Settle, subject: &Subject, remote: &Remote, sessions: &[Sess]) {
    let r = remote_vty(remote);
    let fingerprint = || {
        let (_, text) = subject.vty().run_status(&["show bfd peers json"]);
        let mut fp = views::normalise_json(&text);
        for s in sessions {
            fp.extend(remote_view(r, s));
        }
        fp
    };
    let mut last = fingerprint();
    let mut since = Instant::now();
    let mut last_change = String::from("none");
    topotests::wait_for(
        &format!("step {what:?} to settle"),
        SETTLE_TIMEOUT,
        POLL,
        || {
            let now = fingerprint();
            if now != last {
                last_change = views::diff(&last, &now);
                last = now;
                since = Instant::now();
                return Err(format!("still changing:\n{last_change}"));
            }
            if how == Settle::Up {
                subject.check_all(sessions, |p| p.is_up())?;
                remote.check_all(sessions, |st| st == "up")?;
            }
            let hold = match how {
                Settle::Up => HOLD_UP,
                Settle::Stable => HOLD_STABLE,
            };
            if since.elapsed() < hold {
                return Err(format!(
                    "unchanged for {:?} only; the last change:\n{last_change}",
                    since.elapsed()
                ));
            }
            Ok(())
        },
    );
}
