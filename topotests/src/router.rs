//! A whole FRR router in a namespace, the way an operator runs one: zebra,
//! a BFD daemon (FRR 8.4's own bfdd, or bfdd-rs in FRR mode started with
//! exactly bfdd's flags) and the routing daemons that are BFD clients
//! (bgpd, ospfd, ospf6d), all sharing one instance directory (configs, pid
//! files, vty sockets, zserv.api). Each daemon can be killed and started
//! again in place, so tests can restart zebra under the BFD daemon or
//! restart a client. The routing daemons' state is read through vtysh.
//! (For bfdd-rs, `--zapi-socket` is given only when its `--help` lists it.)

use crate::cmd;
use crate::daemon::{chown_frr, run_daemonizing, wait_path};
use crate::lab::Lab;
use crate::netns::Netns;
use crate::poll::try_wait_for;
use crate::routing_json::{self, BgpNeighbor, BgpSummaryPeer, OspfNeighbor};
use crate::vtysh::Vtysh;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

const FRR_BIN: &str = "/usr/lib/frr";

/// Which program serves as the router's BFD daemon.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BfdKind {
    /// `/usr/lib/frr/bfdd` (FRR 8.4).
    Frr,
    /// bfdd-rs without `--standalone`: it must talk to zebra itself.
    Rs,
}

/// The daemons a [`Router`] may run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Daemon {
    Zebra,
    Bfdd,
    Bgpd,
    Ospfd,
    Ospf6d,
}

impl Daemon {
    /// FRR's name for it (binary, config, pid and vty file stem).
    pub fn name(self) -> &'static str {
        match self {
            Daemon::Zebra => "zebra",
            Daemon::Bfdd => "bfdd",
            Daemon::Bgpd => "bgpd",
            Daemon::Ospfd => "ospfd",
            Daemon::Ospf6d => "ospf6d",
        }
    }

    /// The `debug` lines put in its config so failures have useful logs.
    fn debug_lines(self) -> &'static str {
        match self {
            Daemon::Zebra => "debug zebra events\n",
            Daemon::Bfdd => "debug bfd peer\ndebug bfd network\ndebug bfd zebra\n",
            Daemon::Bgpd => "debug bgp bfd\ndebug bgp neighbor-events\n",
            Daemon::Ospfd => "debug ospf bfd\ndebug ospf nsm\n",
            Daemon::Ospf6d => "debug ospf6 bfd\ndebug ospf6 neighbor state\n",
        }
    }
}

/// What a router runs: each daemon's own config text (after the hostname,
/// log and debug lines the harness writes). zebra and the BFD daemon always
/// run; a routing daemon runs when its config is given.
#[derive(Debug, Clone, Default)]
pub struct RouterConf {
    pub zebra: String,
    /// More command-line arguments for zebra (e.g. `--vrfwnetns`).
    pub zebra_args: Vec<String>,
    /// bfdd's config, e.g. a [`crate::conf::bfd_block`] or profiles; may be empty.
    pub bfdd: String,
    pub bgpd: Option<String>,
    pub ospfd: Option<String>,
    pub ospf6d: Option<String>,
}

pub struct Router {
    name: String,
    ns: String,
    dir: PathBuf,
    bfd: BfdKind,
    daemons: Vec<Daemon>,
    vty: Vtysh,
    zebra_args: Vec<String>,
}

/// Whether the bfdd-rs binary knows `flag` (its `--help` mentions it).
fn rs_supports(bin: &Path, flag: &str) -> bool {
    cmd::run(&[&bin.to_string_lossy(), "--help"])
        .map(|out| out.contains(flag))
        .unwrap_or(false)
}

impl Router {
    /// Writes every config and starts zebra, the BFD daemon, then the
    /// routing daemons, each waited for until its vty socket exists.
    pub fn start(lab: &Lab, ns: &Netns, name: &str, bfd: BfdKind, conf: &RouterConf) -> Router {
        let dir = lab.instance_dir(name);
        let mut daemons = vec![Daemon::Zebra, Daemon::Bfdd];
        for (d, text) in [
            (Daemon::Bgpd, &conf.bgpd),
            (Daemon::Ospfd, &conf.ospfd),
            (Daemon::Ospf6d, &conf.ospf6d),
        ] {
            if text.is_some() {
                daemons.push(d);
            }
        }
        let router = Router {
            name: name.to_string(),
            ns: ns.name().to_string(),
            vty: Vtysh::new(&dir),
            dir,
            bfd,
            daemons,
            zebra_args: conf.zebra_args.clone(),
        };
        for d in router.daemons.clone() {
            let body = match d {
                Daemon::Zebra => conf.zebra.as_str(),
                Daemon::Bfdd => conf.bfdd.as_str(),
                Daemon::Bgpd => conf.bgpd.as_deref().unwrap_or(""),
                Daemon::Ospfd => conf.ospfd.as_deref().unwrap_or(""),
                Daemon::Ospf6d => conf.ospf6d.as_deref().unwrap_or(""),
            };
            router.write_conf(lab, d, body);
        }
        if bfd == BfdKind::Rs {
            lab.add_log(&format!("{name} bfdd-rs.log"), &router.file("bfdd-rs.log"));
        }
        chown_frr(&router.dir);
        for d in router.daemons.clone() {
            router.start_daemon(d);
        }
        router
    }

    fn file(&self, f: &str) -> PathBuf {
        self.dir.join(f)
    }

    fn write_conf(&self, lab: &Lab, d: Daemon, body: &str) {
        let dn = d.name();
        let log = self.file(&format!("{dn}.log"));
        let text = format!(
            "hostname {}\nlog file {} debugging\nlog timestamp precision 6\n{}!\n{body}",
            self.name,
            log.display(),
            d.debug_lines()
        );
        let conf = self.file(&format!("{dn}.conf"));
        std::fs::write(&conf, text).unwrap_or_else(|e| panic!("write {}: {e}", conf.display()));
        lab.add_log(&format!("{} {dn}.conf", self.name), &conf);
        lab.add_log(
            &format!("{} {dn}.stderr", self.name),
            &self.file(&format!("{dn}.stderr")),
        );
        lab.add_log(&format!("{} {dn}.log", self.name), &log);
    }

    /// The command line of daemon `d`: FRR's common flags, plus bfdd's
    /// `--bfdctl`; for bfdd-rs the same flags (and its log file and direct
    /// ZAPI socket path when the binary has that option).
    fn argv(&self, d: Daemon) -> Vec<String> {
        let dd = self.dir.to_string_lossy().into_owned();
        let dn = d.name();
        let bin = match (d, self.bfd) {
            (Daemon::Bfdd, BfdKind::Rs) => crate::bfdd_rs::binary()
                .expect("bfdd-rs binary not found: build it first (or set BFDD_RS_BIN)")
                .to_string_lossy()
                .into_owned(),
            _ => format!("{FRR_BIN}/{dn}"),
        };
        let mut argv: Vec<String> = vec![bin.clone()];
        argv.extend(crate::daemon::frr_common_args(&dd, dn));
        match d {
            Daemon::Zebra => {
                argv.extend(["-s".to_string(), "90000000".to_string()]);
                argv.extend(self.zebra_args.iter().cloned());
            }
            Daemon::Bfdd => {
                argv.extend(["--bfdctl".to_string(), format!("{dd}/bfdd.sock")]);
                if self.bfd == BfdKind::Rs {
                    argv.extend([
                        "--log".to_string(),
                        format!("file:{dd}/bfdd-rs.log"),
                        "--log-level".to_string(),
                        "debug".to_string(),
                    ]);
                    // Unix socket paths are global: each instance needs its own.
                    if rs_supports(Path::new(&bin), "--zapi-socket") {
                        argv.extend(["--zapi-socket".to_string(), format!("{dd}/bfdd-zapi.sock")]);
                    }
                }
            }
            _ => {}
        }
        argv
    }

    /// Starts daemon `d` (again) and waits for its vty socket; zebra also
    /// for its ZAPI socket. Stale sockets of a killed instance are removed
    /// first so the wait sees the new daemon's.
    pub fn start_daemon(&self, d: Daemon) {
        let dn = d.name();
        let vty = self.file(&format!("{dn}.vty"));
        let _ = std::fs::remove_file(&vty);
        if d == Daemon::Zebra {
            let _ = std::fs::remove_file(self.file("zserv.api"));
        }
        let argv = self.argv(d);
        let args: Vec<&str> = argv.iter().map(String::as_str).collect();
        run_daemonizing(&self.ns, &args, &self.file(&format!("{dn}.stderr")))
            .unwrap_or_else(|e| panic!("{}: {e}", self.name));
        wait_path(&vty, Duration::from_secs(20))
            .unwrap_or_else(|e| panic!("{}: {dn} has no vty socket: {e}", self.name));
        if d == Daemon::Zebra {
            wait_path(&self.file("zserv.api"), Duration::from_secs(20))
                .unwrap_or_else(|e| panic!("{}: zebra has no ZAPI socket: {e}", self.name));
        }
    }

    /// The running pid of daemon `d`, from its pid file.
    pub fn pid(&self, d: Daemon) -> Option<u32> {
        cmd::read_pid(&self.file(&format!("{}.pid", d.name()))).filter(|p| cmd::alive(*p))
    }

    /// Sends `sig` ("KILL", "TERM") to daemon `d` and waits until it is gone.
    pub fn kill(&self, d: Daemon, sig: &str) {
        let pid = self
            .pid(d)
            .unwrap_or_else(|| panic!("{}: {} is not running", self.name, d.name()));
        cmd::signal(pid, sig).unwrap_or_else(|e| panic!("{e}"));
        try_wait_for(Duration::from_secs(10), Duration::from_millis(20), || {
            if cmd::alive(pid) {
                Err(format!("{} (pid {pid}) still alive", d.name()))
            } else {
                Ok(())
            }
        })
        .unwrap_or_else(|e| panic!("{}: {e}", self.name));
    }

    /// SIGKILL then start again: a crash and a restart by watchfrr.
    pub fn restart(&self, d: Daemon) {
        self.kill(d, "KILL");
        self.start_daemon(d);
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn bfd_kind(&self) -> BfdKind {
        self.bfd
    }

    /// vtysh against every daemon of this router.
    pub fn vty(&self) -> &Vtysh {
        &self.vty
    }

    /// `show bgp neighbors PEER json`.
    pub fn bgp_neighbor(&self, peer: IpAddr) -> Result<BgpNeighbor, String> {
        let out = self
            .vty
            .run(&[&format!("show bgp neighbors {peer} json")])?;
        routing_json::parse_bgp_neighbor(&out)
    }

    /// `show ip bgp summary json`: the IPv4 unicast peers.
    pub fn bgp_summary(&self) -> Result<Vec<BgpSummaryPeer>, String> {
        routing_json::parse_bgp_summary(&self.vty.run(&["show ip bgp summary json"])?)
    }

    /// `show ip ospf neighbor json`.
    pub fn ospf_neighbors(&self) -> Result<Vec<OspfNeighbor>, String> {
        routing_json::parse_ospf_neighbors(&self.vty.run(&["show ip ospf neighbor json"])?)
    }

    /// `show ipv6 ospf6 neighbor json`.
    pub fn ospf6_neighbors(&self) -> Result<Vec<OspfNeighbor>, String> {
        routing_json::parse_ospf6_neighbors(&self.vty.run(&["show ipv6 ospf6 neighbor json"])?)
    }

    /// The protocols zebra has as connected clients.
    pub fn zebra_clients(&self) -> Result<Vec<String>, String> {
        Ok(routing_json::parse_zebra_clients(
            &self.vty.run(&["show zebra client summary"])?,
        ))
    }

    /// The current length of daemon `d`'s log file (a mark for [`Router::log_since`]).
    pub fn log_len(&self, d: Daemon) -> u64 {
        std::fs::metadata(self.file(&format!("{}.log", d.name())))
            .map(|m| m.len())
            .unwrap_or(0)
    }

    /// What daemon `d` logged after `mark` (a restarted daemon appends).
    pub fn log_since(&self, d: Daemon, mark: u64) -> String {
        let bytes = std::fs::read(self.file(&format!("{}.log", d.name()))).unwrap_or_default();
        let from = usize::try_from(mark).unwrap_or(usize::MAX).min(bytes.len());
        String::from_utf8_lossy(&bytes[from..]).into_owned()
    }

    /// The clients whose BFD peer registrations zebra relayed after `mark`
    /// in its log, one entry per registration.
    pub fn zebra_registers_since(&self, mark: u64) -> Vec<String> {
        routing_json::parse_zebra_registers(&self.log_since(Daemon::Zebra, mark))
    }

    /// Stops the clients, then the BFD daemon, then zebra.
    pub fn stop(&mut self) {
        for d in self.daemons.iter().rev() {
            let pidf = self.file(&format!("{}.pid", d.name()));
            if let Some(pid) = cmd::read_pid(&pidf) {
                cmd::stop_pid(pid, Duration::from_secs(5));
            }
            let _ = std::fs::remove_file(pidf);
        }
    }
}

impl Drop for Router {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The IPv6 link-local address of `dev` in `ns` (OSPFv3 peers use it).
pub fn link_local(ns: &Netns, dev: &str) -> Result<IpAddr, String> {
    let out = ns.exec(&[
        "ip", "-6", "-o", "addr", "show", "dev", dev, "scope", "link",
    ])?;
    out.split_whitespace()
        .skip_while(|w| *w != "inet6")
        .nth(1)
        .and_then(|cidr| cidr.split('/').next())
        .and_then(|a| a.parse().ok())
        .ok_or_else(|| format!("no link-local address on {dev}: {out:?}"))
}
