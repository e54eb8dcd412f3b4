//! Network namespaces owned by a test. Dropping a [`Netns`] stops every
//! process still running inside it (they can only be ours: the name is
//! unique to this harness) and deletes it, which also removes its veths.

use crate::cmd::{self, run, run_in};
use std::net::IpAddr;
use std::time::Duration;

/// Every namespace and veth this harness creates starts with this.
pub const PREFIX: &str = "bfrs-";

/// Linux interface and namespace names used here must fit IFNAMSIZ - 1.
fn check_name(name: &str) {
    assert!(
        name.starts_with(PREFIX) && name.len() <= 15,
        "name {name:?} must start with {PREFIX} and be at most 15 characters"
    );
}

pub struct Netns {
    name: String,
}

impl Netns {
    /// Creates namespace `name` (a stale one of the same name, left by a
    /// crashed earlier run of this harness, is removed first), brings `lo`
    /// up and turns off IPv6 duplicate address detection.
    pub fn create(name: &str) -> Netns {
        check_name(name);
        if exists(name) {
            kill_all_in(name);
            let _ = run(&["ip", "netns", "del", name]);
        }
        cmd::must(&["ip", "netns", "add", name]);
        let ns = Netns {
            name: name.to_string(),
        };
        ns.must(&["ip", "link", "set", "lo", "up"]);
        ns.must(&[
            "sysctl",
            "-qw",
            "net.ipv6.conf.all.accept_dad=0",
            "net.ipv6.conf.default.accept_dad=0",
        ]);
        ns
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Runs a command inside the namespace.
    pub fn exec(&self, argv: &[&str]) -> Result<String, String> {
        run_in(&self.name, argv)
    }

    /// Runs a set-up command inside the namespace; panics if it fails.
    pub fn must(&self, argv: &[&str]) -> String {
        self.exec(argv).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Adds an address (`A.B.C.D/N` or `X:X::X/N`) to `dev`; IPv6 without DAD.
    pub fn addr_add(&self, dev: &str, cidr: &str) {
        if cidr.contains(':') {
            self.must(&["ip", "-6", "addr", "add", cidr, "dev", dev, "nodad"]);
        } else {
            self.must(&["ip", "addr", "add", cidr, "dev", dev]);
        }
    }

    /// Adds `cidr` to `dev`, or keeps it when it is there already.
    pub fn addr_replace(&self, dev: &str, cidr: &str) {
        if cidr.contains(':') {
            self.must(&["ip", "-6", "addr", "replace", cidr, "dev", dev, "nodad"]);
        } else {
            self.must(&["ip", "addr", "replace", cidr, "dev", dev]);
        }
    }

    /// Adds a static route to `dst` (a prefix) via `gw`.
    pub fn route_add(&self, dst: &str, gw: IpAddr) {
        self.try_route_add(dst, gw)
            .unwrap_or_else(|e| panic!("{e}"));
    }

    /// Adds (or replaces) a static route to `dst` via `gw`.
    pub fn try_route_add(&self, dst: &str, gw: IpAddr) -> Result<(), String> {
        let fam = if gw.is_ipv6() { "-6" } else { "-4" };
        let gw = gw.to_string();
        self.exec(&["ip", fam, "route", "replace", dst, "via", &gw])
            .map(|_| ())
    }

    /// Whether `dst` answers from here: there is no ping on these machines,
    /// so a TCP connect to a closed port that is refused (RST) proves the path.
    pub fn reachable(&self, dst: IpAddr) -> bool {
        let script = format!("exec 3<>/dev/tcp/{dst}/9");
        match self.exec(&["timeout", "2", "bash", "-c", &script]) {
            Ok(_) => true,
            Err(e) => e.contains("refused"),
        }
    }

    /// Pids of the processes living in this namespace.
    pub fn pids(&self) -> Vec<u32> {
        pids_in(&self.name)
    }
}

fn exists(name: &str) -> bool {
    run(&["ip", "netns", "list"])
        .map(|out| {
            out.lines()
                .any(|l| l.split_whitespace().next() == Some(name))
        })
        .unwrap_or(false)
}

fn pids_in(name: &str) -> Vec<u32> {
    run(&["ip", "netns", "pids", name])
        .map(|out| {
            out.split_whitespace()
                .filter_map(|p| p.parse().ok())
                .collect()
        })
        .unwrap_or_default()
}

fn kill_all_in(name: &str) {
    for pid in pids_in(name) {
        cmd::stop_pid(pid, Duration::from_secs(3));
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        kill_all_in(&self.name);
        if let Err(e) = run(&["ip", "netns", "del", &self.name]) {
            eprintln!("warning: {e}");
        }
    }
}

/// Creates a veth pair: `if_a` in `a`, `if_b` in `b`, both up.
pub fn veth(a: &Netns, if_a: &str, b: &Netns, if_b: &str) {
    check_name(if_a);
    check_name(if_b);
    cmd::must(&[
        "ip",
        "link",
        "add",
        if_a,
        "netns",
        a.name(),
        "type",
        "veth",
        "peer",
        "name",
        if_b,
        "netns",
        b.name(),
    ]);
    a.must(&["ip", "link", "set", if_a, "up"]);
    b.must(&["ip", "link", "set", if_b, "up"]);
}
