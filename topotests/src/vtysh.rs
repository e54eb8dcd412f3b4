//! Talking to an FRR-compatible daemon (FRR's bfdd or bfdd-rs) through the
//! real `vtysh`, and reading `show bfd peers json` / `show bfd peers counters
//! json` into typed records. The keys read here are the ones FRR 8.4 always
//! prints, so a daemon that leaves one out fails loudly.

use crate::json::{self, Value};
use std::net::IpAddr;
use std::path::{Path, PathBuf};

/// `vtysh --vty_socket DIR` for one daemon set's instance directory.
#[derive(Debug, Clone)]
pub struct Vtysh {
    dir: PathBuf,
}

/// One session from `show bfd peers json`.
#[derive(Debug, Clone)]
pub struct BfdPeer {
    pub peer: IpAddr,
    pub local: Option<IpAddr>,
    pub interface: Option<String>,
    pub multihop: bool,
    pub id: u64,
    pub remote_id: u64,
    pub passive: bool,
    pub minimum_ttl: Option<u64>,
    /// "up", "down", "init", "shutdown" or "unknown".
    pub status: String,
    pub uptime: Option<u64>,
    pub downtime: Option<u64>,
    pub diagnostic: String,
    pub remote_diagnostic: String,
    pub receive_interval: u64,
    pub transmit_interval: u64,
    pub detect_multiplier: u64,
    pub remote_receive_interval: u64,
    pub remote_transmit_interval: u64,
    pub remote_detect_multiplier: u64,
}

/// One session from `show bfd peers counters json`.
#[derive(Debug, Clone)]
pub struct BfdCounters {
    pub peer: IpAddr,
    pub multihop: bool,
    pub control_packet_input: u64,
    pub control_packet_output: u64,
    pub session_up: u64,
    pub session_down: u64,
}

impl BfdPeer {
    pub fn is_up(&self) -> bool {
        self.status == "up"
    }

    /// One-line summary for failure messages.
    pub fn summary(&self) -> String {
        format!(
            "{}{} {} diag={:?} rdiag={:?} tx={} rx={} mult={} rtx={} rrx={} rmult={}",
            self.peer,
            if self.multihop { " mh" } else { "" },
            self.status,
            self.diagnostic,
            self.remote_diagnostic,
            self.transmit_interval,
            self.receive_interval,
            self.detect_multiplier,
            self.remote_transmit_interval,
            self.remote_receive_interval,
            self.remote_detect_multiplier
        )
    }
}

fn field<'a>(obj: &'a Value, key: &str) -> Result<&'a Value, String> {
    obj.get(key)
        .ok_or_else(|| format!("missing key {key:?} in {obj:?}"))
}

fn str_field(obj: &Value, key: &str) -> Result<String, String> {
    field(obj, key)?
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| format!("key {key:?} is not a string"))
}

fn u64_field(obj: &Value, key: &str) -> Result<u64, String> {
    field(obj, key)?
        .as_u64()
        .ok_or_else(|| format!("key {key:?} is not an unsigned integer"))
}

fn bool_field(obj: &Value, key: &str) -> Result<bool, String> {
    field(obj, key)?
        .as_bool()
        .ok_or_else(|| format!("key {key:?} is not a boolean"))
}

fn addr_field(obj: &Value, key: &str) -> Result<IpAddr, String> {
    let s = str_field(obj, key)?;
    s.parse()
        .map_err(|_| format!("key {key:?}: {s:?} is not an address"))
}

fn array_of(text: &str) -> Result<Vec<Value>, String> {
    let doc = json::parse(text).map_err(|e| format!("{e} in {text:?}"))?;
    match doc {
        Value::Array(items) => Ok(items),
        other => Err(format!("expected a JSON array, got {other:?}")),
    }
}

/// Parses the output of `show bfd peers json`.
pub fn parse_peers(text: &str) -> Result<Vec<BfdPeer>, String> {
    array_of(text)?
        .iter()
        .map(|o| {
            Ok(BfdPeer {
                peer: addr_field(o, "peer")?,
                local: o
                    .get("local")
                    .and_then(Value::as_str)
                    .and_then(|s| s.parse().ok()),
                interface: o
                    .get("interface")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                multihop: bool_field(o, "multihop")?,
                id: u64_field(o, "id")?,
                remote_id: u64_field(o, "remote-id")?,
                passive: bool_field(o, "passive-mode")?,
                minimum_ttl: o.get("minimum-ttl").and_then(Value::as_u64),
                status: str_field(o, "status")?,
                uptime: o.get("uptime").and_then(Value::as_u64),
                downtime: o.get("downtime").and_then(Value::as_u64),
                diagnostic: str_field(o, "diagnostic")?,
                remote_diagnostic: str_field(o, "remote-diagnostic")?,
                receive_interval: u64_field(o, "receive-interval")?,
                transmit_interval: u64_field(o, "transmit-interval")?,
                detect_multiplier: u64_field(o, "detect-multiplier")?,
                remote_receive_interval: u64_field(o, "remote-receive-interval")?,
                remote_transmit_interval: u64_field(o, "remote-transmit-interval")?,
                remote_detect_multiplier: u64_field(o, "remote-detect-multiplier")?,
            })
        })
        .collect()
}

/// Parses the output of `show bfd peers counters json`.
pub fn parse_counters(text: &str) -> Result<Vec<BfdCounters>, String> {
    array_of(text)?
        .iter()
        .map(|o| {
            Ok(BfdCounters {
                peer: addr_field(o, "peer")?,
                multihop: bool_field(o, "multihop")?,
                control_packet_input: u64_field(o, "control-packet-input")?,
                control_packet_output: u64_field(o, "control-packet-output")?,
                session_up: u64_field(o, "session-up")?,
                session_down: u64_field(o, "session-down")?,
            })
        })
        .collect()
}

impl Vtysh {
    pub fn new(dir: &Path) -> Vtysh {
        Vtysh {
            dir: dir.to_path_buf(),
        }
    }

    /// Runs the commands in one vtysh invocation; returns its output.
    pub fn run(&self, cmds: &[&str]) -> Result<String, String> {
        let dir = self.dir.to_string_lossy().into_owned();
        let mut argv = vec!["vtysh", "--vty_socket", dir.as_str()];
        for c in cmds {
            argv.push("-c");
            argv.push(c);
        }
        let out = crate::cmd::run(&argv)?;
        // vtysh prints "% ..." for commands the daemon rejected.
        if let Some(line) = out.lines().find(|l| l.starts_with('%')) {
            return Err(format!("vtysh {cmds:?}: {line}"));
        }
        Ok(out)
    }

    /// Runs the commands in one vtysh invocation and returns its exit code
    /// and output (stdout, then stderr if any) whatever they are: for
    /// comparing how two daemons answer a command, errors included.
    pub fn run_status(&self, cmds: &[&str]) -> (i32, String) {
        let mut cmd = std::process::Command::new("vtysh");
        cmd.arg("--vty_socket").arg(&self.dir);
        for c in cmds {
            cmd.arg("-c").arg(c);
        }
        match cmd.stdin(std::process::Stdio::null()).output() {
            Ok(out) => {
                let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
                let err = String::from_utf8_lossy(&out.stderr);
                if !err.is_empty() {
                    text.push_str("[stderr]\n");
                    text.push_str(&err);
                }
                (out.status.code().unwrap_or(-1), text)
            }
            Err(e) => (-1, format!("cannot run vtysh: {e}")),
        }
    }

    /// `configure terminal` followed by `lines`.
    pub fn configure(&self, lines: &[&str]) -> Result<(), String> {
        let mut cmds = vec!["configure terminal"];
        cmds.extend_from_slice(lines);
        self.run(&cmds).map(|_| ())
    }

    pub fn peers(&self) -> Result<Vec<BfdPeer>, String> {
        parse_peers(&self.run(&["show bfd peers json"])?)
    }

    pub fn counters(&self) -> Result<Vec<BfdCounters>, String> {
        parse_counters(&self.run(&["show bfd peers counters json"])?)
    }

    /// The session to `peer`, or an error saying what sessions exist.
    pub fn peer(&self, peer: IpAddr) -> Result<BfdPeer, String> {
        let all = self.peers()?;
        all.iter().find(|p| p.peer == peer).cloned().ok_or_else(|| {
            format!(
                "no session to {peer} among {:?}",
                all.iter().map(|p| p.peer).collect::<Vec<_>>()
            )
        })
    }
}

/// A one-line view of several sessions, for failure messages.
pub fn summarize(peers: &[BfdPeer]) -> String {
    peers
        .iter()
        .map(BfdPeer::summary)
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "[\n  {\n    \"multihop\":false,\n    \"peer\":\"fd00:200:1::2\",\n    \"local\":\"fd00:200:1::1\",\n    \"vrf\":\"default\",\n    \"interface\":\"eth0\",\n    \"id\":3735928559,\n    \"remote-id\":1622318137,\n    \"passive-mode\":false,\n    \"status\":\"down\",\n    \"downtime\":4,\n    \"diagnostic\":\"control detection time expired\",\n    \"remote-diagnostic\":\"ok\",\n    \"receive-interval\":300,\n    \"transmit-interval\":300,\n    \"echo-receive-interval\":50,\n    \"echo-transmit-interval\":0,\n    \"detect-multiplier\":3,\n    \"remote-receive-interval\":1000,\n    \"remote-transmit-interval\":1000,\n    \"remote-echo-receive-interval\":0,\n    \"remote-detect-multiplier\":3,\n    \"rtt-min\":0,\n    \"rtt-avg\":0,\n    \"rtt-max\":0\n  }\n]\n";

    #[test]
    fn parses_peer_json() {
        let peers = parse_peers(SAMPLE).unwrap();
        assert_eq!(peers.len(), 1);
        let p = &peers[0];
        assert_eq!(p.peer, "fd00:200:1::2".parse::<IpAddr>().unwrap());
        assert_eq!(p.interface.as_deref(), Some("eth0"));
        assert_eq!(p.status, "down");
        assert_eq!(p.downtime, Some(4));
        assert_eq!(p.uptime, None);
        assert_eq!(p.diagnostic, "control detection time expired");
        assert_eq!(p.remote_transmit_interval, 1000);
        assert!(!p.is_up());
    }

    #[test]
    fn missing_key_is_an_error() {
        let broken = SAMPLE.replace("\"remote-detect-multiplier\":3,", "");
        let err = parse_peers(&broken).unwrap_err();
        assert!(err.contains("remote-detect-multiplier"), "{err}");
    }

    #[test]
    fn parses_counters_json() {
        let text = "[\n  {\n    \"multihop\":true,\n    \"peer\":\"10.201.1.2\",\n    \"local\":\"10.201.1.1\",\n    \"vrf\":\"default\",\n    \"control-packet-input\":12,\n    \"control-packet-output\":13,\n    \"echo-packet-input\":0,\n    \"echo-packet-output\":0,\n    \"session-up\":1,\n    \"session-down\":0,\n    \"zebra-notifications\":2\n  }\n]\n";
        let c = parse_counters(text).unwrap();
        assert_eq!(c[0].session_up, 1);
        assert_eq!(c[0].control_packet_output, 13);
        assert!(c[0].multihop);
    }
}
