//! A real BIRD 2 router in a namespace running only a `protocol bfd`: its
//! config rendered from [`BirdBfd`], started with its own control socket and
//! pid file, queried with `birdc show bfd sessions`, and reconfigured in
//! place with `birdc configure`.

use crate::cmd;
use crate::conf::Auth;
use crate::daemon::{run_daemonizing, wait_path};
use crate::lab::Lab;
use crate::netns::Netns;
use std::fmt::Write;
use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Session options of one BIRD `interface` or `multihop` block.
#[derive(Debug, Clone)]
pub struct BirdOpts {
    pub min_rx_ms: u32,
    pub min_tx_ms: u32,
    /// Transmit interval while the session is not Up (BIRD's default 1 s).
    pub idle_tx_ms: u32,
    pub multiplier: u8,
    pub passive: bool,
    pub auth: Option<Auth>,
}

impl BirdOpts {
    pub fn new(tx_ms: u32, rx_ms: u32, multiplier: u8) -> BirdOpts {
        BirdOpts {
            min_rx_ms: rx_ms,
            min_tx_ms: tx_ms,
            idle_tx_ms: 1000,
            multiplier,
            passive: false,
            auth: None,
        }
    }

    pub fn auth(mut self, auth: Auth) -> BirdOpts {
        self.auth = Some(auth);
        self
    }

    fn render(&self) -> String {
        let mut s = format!(
            "min rx interval {} ms; min tx interval {} ms; idle tx interval {} ms; multiplier {};",
            self.min_rx_ms, self.min_tx_ms, self.idle_tx_ms, self.multiplier
        );
        if self.passive {
            s.push_str(" passive yes;");
        }
        if let Some(a) = &self.auth {
            let _ = write!(
                s,
                " authentication {}; password \"{}\" {{ id {}; }};",
                a.kind.bird_words(),
                a.secret,
                a.key_id
            );
        }
        s
    }
}

/// A BFD neighbor: single-hop (`dev`) or multihop (`local`, `multihop yes`).
#[derive(Debug, Clone)]
pub struct BirdNeighbor {
    pub addr: IpAddr,
    pub dev: Option<String>,
    pub local: Option<IpAddr>,
    pub multihop: bool,
}

impl BirdNeighbor {
    pub fn single_hop(addr: impl Into<IpAddr>, dev: &str) -> BirdNeighbor {
        BirdNeighbor {
            addr: addr.into(),
            dev: Some(dev.to_string()),
            local: None,
            multihop: false,
        }
    }

    pub fn multihop(addr: impl Into<IpAddr>, local: impl Into<IpAddr>) -> BirdNeighbor {
        BirdNeighbor {
            addr: addr.into(),
            dev: None,
            local: Some(local.into()),
            multihop: true,
        }
    }
}

/// The `protocol bfd` part of a BIRD config.
#[derive(Debug, Clone)]
pub struct BirdBfd {
    pub router_id: Ipv4Addr,
    /// (interface name, options) pairs.
    pub interfaces: Vec<(String, BirdOpts)>,
    pub multihop: Option<BirdOpts>,
    pub neighbors: Vec<BirdNeighbor>,
}

impl BirdBfd {
    /// The whole config file; the log goes to `log_path`.
    pub fn render(&self, log_path: &Path) -> String {
        let mut s = format!(
            "router id {};\nlog \"{}\" all;\ntimeformat log \"%F %T.%6f\";\n\
             timeformat protocol \"%F %T.%3f\";\ndebug protocols {{ states, events }};\n\
             protocol device {{ scan time 10; }}\nprotocol bfd bfd1 {{\n",
            self.router_id,
            log_path.display()
        );
        for (name, opts) in &self.interfaces {
            let _ = writeln!(s, "  interface \"{name}\" {{ {} }};", opts.render());
        }
        if let Some(opts) = &self.multihop {
            let _ = writeln!(s, "  multihop {{ {} }};", opts.render());
        }
        for n in &self.neighbors {
            let _ = write!(s, "  neighbor {}", n.addr);
            if let Some(dev) = &n.dev {
                let _ = write!(s, " dev \"{dev}\"");
            }
            if let Some(local) = n.local {
                let _ = write!(s, " local {local}");
            }
            if n.multihop {
                s.push_str(" multihop yes");
            }
            s.push_str(";\n");
        }
        s.push_str("}\n");
        s
    }
}

/// One row of `birdc show bfd sessions`.
#[derive(Debug, Clone, PartialEq)]
pub struct BirdSession {
    pub addr: IpAddr,
    pub interface: String,
    /// "Up", "Down", "Init" or "AdminDown".
    pub state: String,
    /// When the state last changed, as BIRD prints it.
    pub since: String,
    /// Current transmit interval and detection timeout, seconds.
    pub interval: f64,
    pub timeout: f64,
}

impl BirdSession {
    pub fn is_up(&self) -> bool {
        self.state == "Up"
    }
}

/// Parses `birdc show bfd sessions` (the rows of every bfd protocol).
pub fn parse_sessions(text: &str) -> Result<Vec<BirdSession>, String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let t: Vec<&str> = line.split_whitespace().collect();
        let Some(addr) = t.first().and_then(|a| a.parse::<IpAddr>().ok()) else {
            continue;
        };
        if t.len() < 6 {
            return Err(format!("short birdc row: {line:?}"));
        }
        let n = t.len();
        let num = |s: &str| {
            s.parse::<f64>()
                .map_err(|_| format!("bad number {s:?} in {line:?}"))
        };
        out.push(BirdSession {
            addr,
            interface: t[1].to_string(),
            state: t[2].to_string(),
            since: t[3..n - 2].join(" "),
            interval: num(t[n - 2])?,
            timeout: num(t[n - 1])?,
        });
    }
    Ok(out)
}

/// Lines of a BIRD log saying the session to `addr` changed state.
pub fn count_state_changes(log: &str, addr: IpAddr) -> usize {
    let needle = format!("Session to {addr} changed state");
    log.lines().filter(|l| l.contains(&needle)).count()
}

pub struct BirdRouter {
    name: String,
    dir: PathBuf,
    ctl: String,
}

impl BirdRouter {
    /// Writes the config, checks it with `bird -p` and starts BIRD in `ns`.
    pub fn start(lab: &Lab, ns: &Netns, name: &str, conf: &BirdBfd) -> BirdRouter {
        let dir = lab.instance_dir(name);
        let router = BirdRouter {
            name: name.to_string(),
            ctl: dir.join("bird.ctl").to_string_lossy().into_owned(),
            dir,
        };
        lab.add_log(&format!("{name} bird.conf"), &router.conf_path());
        lab.add_log(
            &format!("{name} bird.stderr"),
            &router.dir.join("bird.stderr"),
        );
        lab.add_log(&format!("{name} bird.log"), &router.dir.join("bird.log"));
        router.write_conf(conf);
        let conf_path = router.conf_path().to_string_lossy().into_owned();
        cmd::run_in(ns.name(), &["bird", "-p", "-c", &conf_path])
            .unwrap_or_else(|e| panic!("{name}: bird.conf rejected: {e}"));
        let pid = router.dir.join("bird.pid").to_string_lossy().into_owned();
        run_daemonizing(
            ns.name(),
            &["bird", "-c", &conf_path, "-s", &router.ctl, "-P", &pid],
            &router.dir.join("bird.stderr"),
        )
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        wait_path(Path::new(&router.ctl), Duration::from_secs(15))
            .unwrap_or_else(|e| panic!("{name}: no control socket: {e}"));
        crate::poll::wait_for(
            &format!("{name}: birdc answering"),
            Duration::from_secs(15),
            Duration::from_millis(100),
            || router.birdc(&["show", "status"]).map(|_| ()),
        );
        router
    }

    fn conf_path(&self) -> PathBuf {
        self.dir.join("bird.conf")
    }

    fn write_conf(&self, conf: &BirdBfd) {
        std::fs::write(self.conf_path(), conf.render(&self.dir.join("bird.log")))
            .expect("write bird.conf");
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Runs `birdc -s CTL args...`.
    pub fn birdc(&self, args: &[&str]) -> Result<String, String> {
        let mut argv = vec!["birdc", "-s", self.ctl.as_str()];
        argv.extend_from_slice(args);
        cmd::run(&argv)
    }

    pub fn sessions(&self) -> Result<Vec<BirdSession>, String> {
        parse_sessions(&self.birdc(&["show", "bfd", "sessions"])?)
    }

    /// The session to `addr`, or an error listing what exists.
    pub fn session(&self, addr: IpAddr) -> Result<BirdSession, String> {
        let all = self.sessions()?;
        all.iter()
            .find(|s| s.addr == addr)
            .cloned()
            .ok_or_else(|| format!("{}: no BFD session to {addr} in {all:?}", self.name))
    }

    /// How many state changes BIRD has logged for the session to `addr`: a
    /// flap marker that does not depend on the one-millisecond jitter of the
    /// `since` column (BIRD turns its monotonic clock into wall time anew on
    /// each `show`).
    pub fn state_changes(&self, addr: IpAddr) -> Result<usize, String> {
        let log = std::fs::read_to_string(self.dir.join("bird.log"))
            .map_err(|e| format!("{}: bird.log: {e}", self.name))?;
        Ok(count_state_changes(&log, addr))
    }

    /// Rewrites the config and applies it in place with `birdc configure`.
    pub fn reconfigure(&self, conf: &BirdBfd) {
        self.write_conf(conf);
        let out = self
            .birdc(&["configure"])
            .unwrap_or_else(|e| panic!("{}: {e}", self.name));
        assert!(
            out.contains("Reconfigured") || out.contains("Reconfiguration in progress"),
            "{}: birdc configure said: {out}",
            self.name
        );
    }

    pub fn stop(&mut self) {
        if let Some(pid) = cmd::read_pid(&self.dir.join("bird.pid")) {
            cmd::stop_pid(pid, Duration::from_secs(5));
        }
        let _ = std::fs::remove_file(self.dir.join("bird.pid"));
    }
}

impl Drop for BirdRouter {
    fn drop(&mut self) {
        self.stop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conf::AuthKind;

    #[test]
    fn parses_birdc_rows() {
        let text = "BIRD 2.0.12 ready.\nbfd1:\nIP address                Interface  State      Since         Interval  Timeout\n10.200.1.1                bfrs-1b0   Up         2026-11-24 20:13:54.123    0.200    0.600\nfd00:201:1::1             ---        Down       2026-11-24 20:13:50.001    1.000    0.000\n";
        let s = parse_sessions(text).unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].addr, "10.200.1.1".parse::<IpAddr>().unwrap());
        assert!(s[0].is_up());
        assert_eq!(s[0].since, "2026-11-24 20:13:54.123");
        assert_eq!(s[0].interval, 0.2);
        assert_eq!(s[1].state, "Down");
        assert!(parse_sessions("10.0.0.1 x Up").is_err());
    }

    #[test]
    fn counts_state_changes_per_session() {
        let log = "x <TRACE> bfd1: Session to 10.0.0.1 changed state from Down to Up\n\
                   x <TRACE> bfd1: Session to 10.0.0.10 changed state from Down to Up\n\
                   x <TRACE> bfd1: Session to 10.0.0.1 reconfigured\n\
                   x <TRACE> bfd1: Session to 10.0.0.1 changed state from Up to Down\n";
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        assert_eq!(count_state_changes(log, a), 2);
        assert_eq!(count_state_changes(log, "10.0.0.10".parse().unwrap()), 1);
        assert_eq!(count_state_changes(log, "10.0.0.2".parse().unwrap()), 0);
    }

    #[test]
    fn renders_bird_config() {
        let conf = BirdBfd {
            router_id: Ipv4Addr::new(10, 0, 0, 2),
            interfaces: vec![(
                "eth0".into(),
                BirdOpts::new(200, 250, 3).auth(Auth::new(AuthKind::KeyedMd5, 5, "pw")),
            )],
            multihop: Some(BirdOpts::new(300, 300, 3)),
            neighbors: vec![
                BirdNeighbor::single_hop(Ipv4Addr::new(10, 0, 0, 1), "eth0"),
                BirdNeighbor::multihop(Ipv4Addr::new(10, 1, 0, 1), Ipv4Addr::new(10, 1, 0, 2)),
            ],
        };
        let text = conf.render(Path::new("/x/bird.log"));
        assert!(text.contains("interface \"eth0\" { min rx interval 250 ms; min tx interval 200 ms; idle tx interval 1000 ms; multiplier 3; authentication keyed md5; password \"pw\" { id 5; }; };"), "{text}");
        assert!(text.contains("neighbor 10.0.0.1 dev \"eth0\";"), "{text}");
        assert!(
            text.contains("neighbor 10.1.0.1 local 10.1.0.2 multihop yes;"),
            "{text}"
        );
    }
}
