//! The vty's own show texts in FRR's words: `show debugging`, `show
//! memory`, and the "peer not found" answer of a `clear bfd peer`.

use std::fmt::Write as _;

use vtysh_compat::Answer;

use crate::config::DebugFlags;

pub fn not_found(vrf: &Option<String>, sel: &vtysh_compat::PeerSelector) -> Answer {
    let r = vtysh_compat::cli::render_show(
        &vtysh_compat::cli::Command::ShowPeer {
            vrf: vrf.clone(),
            selector: sel.clone(),
            counters: false,
            json: false,
        },
        &[],
    );
    Answer::error(String::from_utf8_lossy(&r.output).into_owned(), r.ret)
}

pub fn any_debug(d: &DebugFlags) -> bool {
    d.peer || d.zebra || d.network || d.distributed
}

/// FRR's `show debugging` for bfdd.
pub fn show_debugging(d: &DebugFlags) -> String {
    let mut out = String::from("BFD debugging status:\n");
    for (on, what) in [
        (d.distributed, "Distributed BFD"),
        (d.peer, "Peer events"),
        (d.zebra, "Zebra events"),
        (d.network, "Network layer"),
    ] {
        if on {
            let _ = writeln!(out, "  {what} debugging is on.");
        }
    }
    out
}

/// `show memory`: FRR prints its allocator statistics; ours are the
/// kernel's figures for the process.
pub fn show_memory() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let mut out = String::from("System memory statistics (from /proc/self/status):\n");
    for key in [
        "VmPeak", "VmSize", "VmHWM", "VmRSS", "RssAnon", "VmData", "Threads",
    ] {
        if let Some(line) = status.lines().find(|l| l.starts_with(&format!("{key}:"))) {
            let value = line[key.len() + 1..].trim();
            let _ = writeln!(out, "  {:<22}{value}", format!("{key}:"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn show_debugging_lists_flags_in_frr_order() {
        assert_eq!(
            show_debugging(&DebugFlags::default()),
            "BFD debugging status:\n"
        );
        let all = DebugFlags {
            peer: true,
            zebra: true,
            network: true,
            distributed: true,
        };
        assert_eq!(
            show_debugging(&all),
            "BFD debugging status:\n  Distributed BFD debugging is on.\n  Peer events debugging is on.\n  Zebra events debugging is on.\n  Network layer debugging is on.\n"
        );
    }
}
