//! The views of the clients differential table (`differential_clients.rs`)
//! and their normalisation: A's BFD shows, what A's bgpd, ospfd and ospf6d
//! say of BFD and their neighbours (selected leaves of their JSON, clock
//! readings blanked), B's BFD view, the set of packets A sends as B
//! captures them, and the link-local addresses (random per run) masked.
//! Counters that only grow (session up/down, zebra notifications, BGP
//! connections) are shown as what each step added, so a difference shows
//! at the step that made it and not at every later one.

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::Duration;

use topotests::json::{self, Value};
use topotests::views::{self, Record, Views};
use topotests::{capture, Router, Topo, Vtysh};

/// The addresses and names the steps use.
pub struct Net {
    pub a4: IpAddr,
    pub b4: IpAddr,
    pub a_ll: IpAddr,
    pub b_ll: IpAddr,
    pub if_a: String,
    pub if_b: String,
}

impl Net {
    pub fn fill(&self, line: &str) -> String {
        line.replace("{b4}", &self.b4.to_string())
            .replace("{bll}", &self.b_ll.to_string())
            .replace("{if}", &self.if_a)
    }

    /// `text` with the link-local addresses (random per run: the veths get
    /// random MACs) replaced by their role.
    pub fn mask(&self, text: &str) -> String {
        text.replace(&self.a_ll.to_string(), "<A's link-local>")
            .replace(&self.b_ll.to_string(), "<B's link-local>")
    }

    /// A's packets are named by their source, as both runs know it.
    fn name_of(&self, src: IpAddr) -> &'static str {
        if src == self.a4 {
            "A's IPv4 address"
        } else if src == self.a_ll {
            "A's link-local"
        } else {
            "another address"
        }
    }
}

/// `path: value` for every leaf of a JSON document, keys joined by `.`.
fn flatten(v: &Value, path: &str, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(members) => {
            for (k, m) in members {
                flatten(m, &format!("{path}.{k}"), out);
            }
        }
        Value::Array(items) => {
            for (i, m) in items.iter().enumerate() {
                flatten(m, &format!("{path}[{i}]"), out);
            }
        }
        Value::String(s) => out.push((path.to_string(), s.clone())),
        Value::Number(_) => out.push((
            path.to_string(),
            v.as_u64().map_or(format!("{v:?}"), |n| n.to_string()),
        )),
        Value::Bool(b) => out.push((path.to_string(), b.to_string())),
        Value::Null => out.push((path.to_string(), "null".into())),
    }
}

/// Leaf keys whose values are clock readings.
fn is_time(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    [
        "lastupdate",
        "uptime",
        "downtime",
        "timer",
        "msec",
        "timestamp",
        "ago",
        "deadtime",
    ]
    .iter()
    .any(|t| k.contains(t))
}

/// The leaves of `cmd`'s JSON whose path `keep` selects, clock readings
/// blanked; the exit code first.
fn json_fields(vty: &Vtysh, net: &Net, cmd: &str, keep: fn(&str) -> bool) -> Vec<String> {
    let (code, text) = vty.run_status(&[cmd]);
    let text = net.mask(&text);
    let mut out = vec![format!("exit code {code}")];
    let Ok(doc) = json::parse(&text) else {
        out.extend(text.lines().map(str::to_string));
        return out;
    };
    let mut leaves = Vec::new();
    flatten(&doc, "", &mut leaves);
    for (path, value) in leaves {
        if !keep(&path) {
            continue;
        }
        let last = path.rsplit('.').next().unwrap_or(&path);
        let value = if is_time(last) {
            "<time>".into()
        } else {
            value
        };
        out.push(format!("{path}: {value}"));
    }
    out
}

/// bgpd's view of the neighbour: its state, drops and resets, and all of
/// its BFD information.
fn bgp_keep(path: &str) -> bool {
    path.contains("peerBfdInfo")
        || [
            "bgpState",
            "connectionsEstablished",
            "connectionsDropped",
            "lastResetDueTo",
            "lastNotificationReason",
        ]
        .iter()
        .any(|k| path.ends_with(&format!(".{k}")))
}

/// ospfd/ospf6d's views: neighbour states and BFD information.
fn ospf_keep(path: &str) -> bool {
    path.to_ascii_lowercase().contains("bfd")
        || [".nbrState", ".state", ".ifaceName", ".interfaceName"]
            .iter()
            .any(|k| path.ends_with(k))
}

/// The packets A sends, as B captures them: the set of distinct (source,
/// state, diagnostic, C bit, multiplier, intervals).
pub fn wire_view(t: &Topo, net: &Net) -> Vec<String> {
    let pkts = capture::capture_bfd(&t.b, &net.if_b, 60, Duration::from_secs(3))
        .expect("tshark capture on B");
    let mut set: Vec<String> = pkts
        .iter()
        .filter(|p| p.src == net.a4 || p.src == net.a_ll)
        .map(|p| {
            format!(
                "from {}: state {} diag {} C {} mult {} tx {} rx {}",
                net.name_of(p.src),
                p.state,
                p.diag,
                u8::from(p.cbit),
                p.detect_mult,
                p.desired_min_tx / 1000,
                p.required_min_rx / 1000
            )
        })
        .collect();
    set.sort();
    set.dedup();
    set
}

/// `show bfd peers brief` normalised, its columns' padding squeezed (the
/// masked link-local addresses are not as wide as the addresses).
fn brief(text: &str) -> Vec<String> {
    views::normalise_brief(text)
        .iter()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

/// Every view of a step (the wire's set is added by the caller).
pub fn read_views(dut: &Router, peer: &Router, net: &Net) -> Views {
    let a = dut.vty();
    let show = |vty: &Vtysh, cmd: &str, norm: fn(&str) -> Vec<String>| {
        let (code, text) = vty.run_status(&[cmd]);
        let mut lines = vec![format!("exit code {code}")];
        lines.extend(norm(&net.mask(&text)));
        lines
    };
    let mut v = vec![
        (
            "A: show bfd peers json".to_string(),
            show(a, "show bfd peers json", views::normalise_json),
        ),
        (
            "A: show bfd peers brief".to_string(),
            show(a, "show bfd peers brief", brief),
        ),
        (
            "A: show bfd peers counters json".to_string(),
            show(a, "show bfd peers counters json", views::normalise_json),
        ),
        (
            "A: running-config bfd".to_string(),
            show(a, "show running-config", views::bfd_section),
        ),
    ];
    for (name, cmd, keep) in [
        (
            "A: bgpd's neighbor",
            "show bgp neighbors json",
            bgp_keep as fn(&str) -> bool,
        ),
        (
            "A: ospfd's neighbors",
            "show ip ospf neighbor detail json",
            ospf_keep,
        ),
        (
            "A: ospfd's interface",
            "show ip ospf interface json",
            ospf_keep,
        ),
        (
            "A: ospf6d's neighbors",
            "show ipv6 ospf6 neighbor detail json",
            ospf_keep,
        ),
        (
            "A: ospf6d's interface",
            "show ipv6 ospf6 interface json",
            ospf_keep,
        ),
    ] {
        v.push((name.to_string(), json_fields(a, net, cmd, keep)));
    }
    v.push((
        "B: show bfd peers json".to_string(),
        show(peer.vty(), "show bfd peers json", remote_peers),
    ));
    v
}

/// B's `show bfd peers json`, normalised, and its `remote-id` blanked even
/// when 0: whether B still remembers A's discriminator after the cut
/// depends on the order in which B's own bgpd and ospfd deregister and
/// re-register (a session re-created by B starts from 0), not on A.
fn remote_peers(text: &str) -> Vec<String> {
    views::normalise_json(text)
        .into_iter()
        .map(|l| match l.split_once("\"remote-id\":") {
            Some((indent, rest)) => {
                let comma = if rest.ends_with(',') { "," } else { "" };
                format!("{indent}\"remote-id\":<B's memory>{comma}")
            }
            None => l,
        })
        .collect()
}

/// Counters that only ever grow in one session's (or one BGP neighbor's)
/// life, in the views below: they are shown as what the step added, so a
/// difference shows at the step that made it and not at every later one.
const COUNTERS: [&str; 5] = [
    "\"session-up\"",
    "\"session-down\"",
    "\"zebra-notifications\"",
    ".connectionsEstablished",
    ".connectionsDropped",
];
const COUNTER_VIEWS: [&str; 2] = ["A: show bfd peers counters json", "A: bgpd's neighbor"];

/// The (label, value) of a counter line: `"session-up":3,` or
/// `.PEER.connectionsDropped: 3`.
fn counter(line: &str) -> Option<(&str, u64)> {
    let t = line.trim_start();
    let c = COUNTERS
        .iter()
        .find(|c| t.starts_with(**c) || t.contains(**c))?;
    let end = t.find(c)? + c.len();
    let value = t[end..]
        .trim_start_matches([':', ' '])
        .trim_end_matches(',');
    Some((&t[..end], value.parse().ok()?))
}

/// One counter view with its counters as increments over `prev` (the same
/// view one step earlier): `+N`, or `N (new)` when the counter went back
/// (a new session). BGP's connection counters say only whether they moved
/// (`+` or `(new)` for a restarted bgpd), and the reset's reason is left
/// out: after a reset both bgpds connect at once and how many connections
/// the collision costs, and whose reason is recorded last, is a race of
/// BGP's, not something of BFD's.
fn increments(view: &[String], prev: &HashMap<String, u64>) -> Vec<String> {
    let mut session = String::new();
    let mut out = Vec::new();
    for l in view {
        if l.contains("\"peer\":") {
            session = l.trim().to_string();
        }
        if l.contains(".lastResetDueTo") || l.contains(".lastNotificationReason") {
            continue;
        }
        let Some((label, n)) = counter(l) else {
            out.push(l.clone());
            continue;
        };
        let before = prev
            .get(&format!("{session} {label}"))
            .copied()
            .unwrap_or(0);
        let bgp = label.starts_with('.');
        let shown = match n.cmp(&before) {
            std::cmp::Ordering::Less if bgp => "(new)".to_string(),
            std::cmp::Ordering::Less => format!("{n} (new)"),
            std::cmp::Ordering::Greater if bgp => "+".to_string(),
            _ => format!("+{}", n - before),
        };
        out.push(format!("{label}: {shown}"));
    }
    out
}

/// The raw counter values of a view, by session and label.
fn counter_values(view: &[String]) -> HashMap<String, u64> {
    let mut session = String::new();
    let mut values = HashMap::new();
    for l in view {
        if l.contains("\"peer\":") {
            session = l.trim().to_string();
        }
        if let Some((label, n)) = counter(l) {
            values.insert(format!("{session} {label}"), n);
        }
    }
    values
}

/// A run's records with [`COUNTER_VIEWS`] shown per step.
pub fn per_step(records: &[Record]) -> Vec<Record> {
    let mut prev: HashMap<&str, HashMap<String, u64>> = HashMap::new();
    records
        .iter()
        .map(|r| {
            let views = r
                .views
                .iter()
                .map(
                    |(name, lines)| match COUNTER_VIEWS.iter().find(|v| **v == name) {
                        Some(v) => {
                            let before = prev.remove(v).unwrap_or_default();
                            prev.insert(v, counter_values(lines));
                            (name.clone(), increments(lines, &before))
                        }
                        None => (name.clone(), lines.clone()),
                    },
                )
                .collect();
            Record {
                step: r.step.clone(),
                views,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(lines: &[&str]) -> Vec<String> {
        lines.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn counters_show_what_each_step_added() {
        let view = |up: &str, dropped: &str| {
            vec![
                (
                    COUNTER_VIEWS[0].to_string(),
                    v(&["  {", "    \"peer\":\"10.0.0.2\",", up, "  }"]),
                ),
                (
                    COUNTER_VIEWS[1].to_string(),
                    v(&[dropped, ".10.0.0.2.lastResetDueTo: BFD down received"]),
                ),
            ]
        };
        let records = vec![
            Record {
                step: "a".into(),
                views: view("    \"session-up\":2,", ".10.0.0.2.connectionsDropped: 0"),
            },
            Record {
                step: "b".into(),
                views: view("    \"session-up\":3,", ".10.0.0.2.connectionsDropped: 1"),
            },
            Record {
                step: "c".into(),
                views: view("    \"session-up\":1,", ".10.0.0.2.connectionsDropped: 1"),
            },
            Record {
                step: "d".into(),
                views: view("    \"session-up\":1,", ".10.0.0.2.connectionsDropped: 0"),
            },
        ];
        let out = per_step(&records);
        assert_eq!(out[0].views[0].1[2], "\"session-up\": +2");
        assert_eq!(out[1].views[0].1[2], "\"session-up\": +1");
        assert_eq!(out[2].views[0].1[2], "\"session-up\": 1 (new)");
        // BGP: only whether the counter moved, and no reset reason.
        assert_eq!(out[0].views[1].1, v(&[".10.0.0.2.connectionsDropped: +0"]));
        assert_eq!(out[1].views[1].1, v(&[".10.0.0.2.connectionsDropped: +"]));
        assert_eq!(out[2].views[1].1, v(&[".10.0.0.2.connectionsDropped: +0"]));
        assert_eq!(
            out[3].views[1].1,
            v(&[".10.0.0.2.connectionsDropped: (new)"])
        );
    }

    #[test]
    fn b_forgets_or_remembers_a_discriminator_alike() {
        let zero = remote_peers("[\n  {\n    \"remote-id\":0,\n    \"status\":\"down\"\n  }\n]");
        let set = remote_peers("[\n  {\n    \"remote-id\":77,\n    \"status\":\"down\"\n  }\n]");
        assert_eq!(zero, set);
        assert_eq!(zero[2], "    \"remote-id\":<B's memory>,");
    }

    #[test]
    fn json_leaves_are_flattened_with_their_path() {
        let doc = json::parse("{\"n\":{\"a\":[{\"lastUpdate\":\"0:01\",\"x\":1}],\"b\":true}}")
            .expect("json");
        let mut out = Vec::new();
        flatten(&doc, "", &mut out);
        let paths: Vec<&str> = out.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(paths, [".n.a[0].lastUpdate", ".n.a[0].x", ".n.b"]);
        assert_eq!(out[1].1, "1");
        assert!(is_time("lastUpdate") && !is_time("detectMultiplier"));
    }
}
