//! Typed readers for the routing daemons' vtysh output that the client
//! topotests look at: bgpd's `show bgp neighbors X json`, ospfd's `show ip
//! ospf neighbor json` and ospf6d's `show ipv6 ospf6 neighbor json` (FRR 8.4
//! key names), and zebra's client tables (text only in 8.4). Only the keys
//! the tests need are read; a missing one is an error naming it.

use crate::json::{self, Value};

/// One BGP neighbor from `show bgp neighbors X json`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BgpNeighbor {
    pub peer: String,
    /// "Established", "Active", "Connect", "Idle", ...
    pub state: String,
    pub connections_established: u64,
    pub connections_dropped: u64,
    /// bgpd's text for the last reset, e.g. "BFD down received".
    pub last_reset: Option<String>,
    /// The last NOTIFICATION's "code/subcode" text, e.g. "Cease/BFD Down".
    pub last_notification: Option<String>,
    /// `peerBfdInfo.status` ("Up", "Down", "Unknown") when BFD is on.
    pub bfd_status: Option<String>,
    /// `peerBfdInfo.detectMultiplier` etc. as bgpd asked for them.
    pub bfd_detect_multiplier: Option<u64>,
}

impl BgpNeighbor {
    pub fn is_established(&self) -> bool {
        self.state == "Established"
    }

    /// Whether the last reset came from BFD: bgpd saw BFD go Down itself,
    /// or sent or received a NOTIFICATION Cease/BFD Down (RFC 9384) for it.
    pub fn reset_by_bfd(&self) -> bool {
        self.last_reset.as_deref() == Some("BFD down received")
            || self.last_notification.as_deref() == Some("Cease/BFD Down")
    }

    pub fn summary(&self) -> String {
        format!(
            "{} {} est={} dropped={} reset={:?} notification={:?} bfd={:?}",
            self.peer,
            self.state,
            self.connections_established,
            self.connections_dropped,
            self.last_reset,
            self.last_notification,
            self.bfd_status
        )
    }
}

/// One peer of `show ip bgp summary json` (its `ipv4Unicast.peers`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BgpSummaryPeer {
    pub peer: String,
    pub state: String,
    pub connections_dropped: u64,
}

/// One OSPFv2 or OSPFv3 neighbor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OspfNeighbor {
    pub router_id: String,
    /// "Full", "2-Way", "Init", ... (the "/DR" role suffix removed).
    pub state: String,
    pub interface: String,
}

impl OspfNeighbor {
    pub fn is_full(&self) -> bool {
        self.state == "Full"
    }
}

fn doc(text: &str) -> Result<Value, String> {
    json::parse(text).map_err(|e| format!("{e} in {text:?}"))
}

fn str_of(obj: &Value, key: &str) -> Result<String, String> {
    obj.get(key)
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| format!("missing string key {key:?} in {obj:?}"))
}

fn u64_of(obj: &Value, key: &str) -> Result<u64, String> {
    obj.get(key)
        .and_then(Value::as_u64)
        .ok_or_else(|| format!("missing integer key {key:?} in {obj:?}"))
}

/// Parses `show bgp neighbors X json` (an object keyed by the neighbor).
pub fn parse_bgp_neighbor(text: &str) -> Result<BgpNeighbor, String> {
    let d = doc(text)?;
    let Value::Object(members) = &d else {
        return Err(format!("expected an object, got {d:?}"));
    };
    let (peer, o) = members
        .iter()
        .find(|(_, v)| v.get("bgpState").is_some())
        .ok_or_else(|| format!("no neighbor with a bgpState in {text:?}"))?;
    let bfd = o.get("peerBfdInfo");
    Ok(BgpNeighbor {
        peer: peer.clone(),
        state: str_of(o, "bgpState")?,
        connections_established: u64_of(o, "connectionsEstablished")?,
        connections_dropped: u64_of(o, "connectionsDropped")?,
        last_reset: o
            .get("lastResetDueTo")
            .and_then(Value::as_str)
            .map(str::to_string),
        last_notification: o
            .get("lastNotificationReason")
            .and_then(Value::as_str)
            .map(str::to_string),
        bfd_status: bfd
            .and_then(|b| b.get("status"))
            .and_then(Value::as_str)
            .map(str::to_string),
        bfd_detect_multiplier: bfd
            .and_then(|b| b.get("detectMultiplier"))
            .and_then(Value::as_u64),
    })
}

/// Parses `show ip bgp summary json`: the peers of `ipv4Unicast` (empty
/// when bgpd has no IPv4 unicast peers and prints `{}`).
pub fn parse_bgp_summary(text: &str) -> Result<Vec<BgpSummaryPeer>, String> {
    let d = doc(text)?;
    let Some(af) = d.get("ipv4Unicast") else {
        return Ok(Vec::new());
    };
    let Some(Value::Object(peers)) = af.get("peers") else {
        return Err(format!("no \"peers\" object in {text:?}"));
    };
    peers
        .iter()
        .map(|(peer, o)| {
            Ok(BgpSummaryPeer {
                peer: peer.clone(),
                state: str_of(o, "state")?,
                connections_dropped: u64_of(o, "connectionsDropped")?,
            })
        })
        .collect()
}

/// Parses `show ip ospf neighbor json`: `{"neighbors":{ID:[{..}]}}`.
pub fn parse_ospf_neighbors(text: &str) -> Result<Vec<OspfNeighbor>, String> {
    let d = doc(text)?;
    let Some(Value::Object(by_id)) = d.get("neighbors") else {
        return Err(format!("no \"neighbors\" object in {text:?}"));
    };
    let mut out = Vec::new();
    for (id, list) in by_id {
        for n in list.as_array().unwrap_or_default() {
            let state = n
                .get("nbrState")
                .or_else(|| n.get("state"))
                .and_then(Value::as_str)
                .ok_or_else(|| format!("neighbor {id} without a state: {n:?}"))?;
            let iface = str_of(n, "ifaceName")?;
            out.push(OspfNeighbor {
                router_id: id.clone(),
                state: state.split('/').next().unwrap_or(state).to_string(),
                // ospfd names the interface "IF:ADDRESS".
                interface: iface.split(':').next().unwrap_or(&iface).to_string(),
            });
        }
    }
    Ok(out)
}

/// Parses `show ipv6 ospf6 neighbor json`: `{"neighbors":[{..}]}`.
pub fn parse_ospf6_neighbors(text: &str) -> Result<Vec<OspfNeighbor>, String> {
    let d = doc(text)?;
    let list = d
        .get("neighbors")
        .and_then(Value::as_array)
        .ok_or_else(|| format!("no \"neighbors\" array in {text:?}"))?;
    list.iter()
        .map(|n| {
            let state = str_of(n, "state")?;
            Ok(OspfNeighbor {
                router_id: str_of(n, "neighborId")?,
                state: state.split('/').next().unwrap_or(&state).to_string(),
                interface: str_of(n, "interfaceName")?,
            })
        })
        .collect()
}

/// The client daemons zebra lists in `show zebra client summary`, by the
/// protocol name in the first column ("bgp", "ospf", "ospf6", "bfd", ...).
pub fn parse_zebra_clients(text: &str) -> Vec<String> {
    text.lines()
        .skip_while(|l| !l.trim_start().starts_with("Name"))
        .skip(1)
        .filter(|l| !l.trim_start().starts_with('-'))
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_string)
        .collect()
}

/// The clients named in zebra's debug log (`debug zebra events`) lines
/// "bfd_dst_register msg from client NAME: ...", one entry per line: each is
/// a BFD peer registration zebra relayed to the BFD daemon.
pub fn parse_zebra_registers(log: &str) -> Vec<String> {
    const MARK: &str = "bfd_dst_register msg from client ";
    log.lines()
        .filter_map(|l| {
            let rest = &l[l.find(MARK)? + MARK.len()..];
            let name = rest.split(':').next()?.trim();
            (!name.is_empty()).then(|| name.to_string())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_bgp_neighbor() {
        let text = "{\n  \"10.200.40.2\":{\n    \"remoteAs\":65002,\n    \"bgpState\":\"Established\",\n    \"connectionsEstablished\":2,\n    \"connectionsDropped\":1,\n    \"lastResetDueTo\":\"BFD down received\",\n    \"peerBfdInfo\":{\n      \"type\":\"single hop\",\n      \"detectMultiplier\":3,\n      \"status\":\"Up\"\n    }\n  }\n}\n";
        let n = parse_bgp_neighbor(text).unwrap();
        assert_eq!(n.peer, "10.200.40.2");
        assert!(n.is_established());
        assert_eq!(n.connections_dropped, 1);
        assert_eq!(n.last_reset.as_deref(), Some("BFD down received"));
        assert_eq!(n.bfd_status.as_deref(), Some("Up"));
        assert_eq!(n.bfd_detect_multiplier, Some(3));
        assert!(n.reset_by_bfd());
        let sent = text.replace(
            "\"lastResetDueTo\":\"BFD down received\",",
            "\"lastResetDueTo\":\"BGP Notification send\",\"lastNotificationReason\":\"Cease\\/BFD Down\",",
        );
        let n = parse_bgp_neighbor(&sent).unwrap();
        assert_eq!(n.last_notification.as_deref(), Some("Cease/BFD Down"));
        assert!(n.reset_by_bfd());
        let other = sent.replace("BFD Down", "Hold Timer Expired");
        assert!(!parse_bgp_neighbor(&other).unwrap().reset_by_bfd());
        assert!(parse_bgp_neighbor("{\"bgpNoSuchNeighbor\":true}").is_err());
    }

    #[test]
    fn parses_bgp_summary() {
        let text = "{\n\"ipv4Unicast\":{\n  \"routerId\":\"10.200.40.1\",\n  \"peers\":{\n    \"10.200.40.2\":{\n      \"remoteAs\":65002,\n      \"state\":\"Established\",\n      \"peerState\":\"OK\",\n      \"connectionsEstablished\":1,\n      \"connectionsDropped\":0\n    }\n  }\n}\n}\n";
        let p = parse_bgp_summary(text).unwrap();
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].peer, "10.200.40.2");
        assert_eq!(p[0].state, "Established");
        assert_eq!(p[0].connections_dropped, 0);
        assert!(parse_bgp_summary("{\n}\n").unwrap().is_empty());
        assert!(parse_bgp_summary("{\"ipv4Unicast\":{}}").is_err());
    }

    #[test]
    fn parses_ospf_neighbors() {
        let text = "{\n  \"neighbors\":{\n    \"10.200.40.2\":[\n      {\n        \"priority\":1,\n        \"state\":\"Full\\/-\",\n        \"nbrState\":\"Full\\/-\",\n        \"ifaceName\":\"bfrs-40a0:10.200.40.1\"\n      }\n    ]\n  }\n}\n";
        let n = parse_ospf_neighbors(text).unwrap();
        assert_eq!(n.len(), 1);
        assert_eq!(n[0].router_id, "10.200.40.2");
        assert!(n[0].is_full());
        assert_eq!(n[0].interface, "bfrs-40a0");
        assert!(parse_ospf_neighbors("{\"neighbors\":{}}")
            .unwrap()
            .is_empty());
    }

    #[test]
    fn parses_ospf6_neighbors() {
        let text = "{\n  \"neighbors\":[\n    {\n      \"neighborId\":\"10.200.40.2\",\n      \"state\":\"Init\",\n      \"interfaceName\":\"bfrs-40a0\"\n    }\n  ]\n}\n";
        let n = parse_ospf6_neighbors(text).unwrap();
        assert_eq!(n[0].state, "Init");
        assert!(!n[0].is_full());
    }

    #[test]
    fn parses_zebra_client_summary() {
        let text = "Name    Connect Time    Last Read  Last Write  IPv4 Routes       IPv6 Routes\n------------------------------------------------------------------------------------------\nbgp     00:00:05        00:00:03   00:00:03       0/0/0             0/0/0\nbfd     00:00:05        00:00:05   00:00:04       0/0/0             0/0/0\n\nRoutes column shows (added+updated)/deleted\n";
        assert_eq!(parse_zebra_clients(text), vec!["bgp", "bfd"]);
    }

    #[test]
    fn parses_zebra_register_lines() {
        let log = "2026/11/24 20:57:18.781547 ZEBRA: [WW9KY-0R9YA] bfd_client_register msg from client bgp: length=4\n2026/11/24 20:57:18.782330 ZEBRA: [G37DH-KRAE9] bfd_dst_register msg from client bgp: length=30\n2026/11/24 20:57:18.782490 ZEBRA: [V0KXZ-QFE4D] bfd_dst_update msg from client bfd: length=25\n2026/11/24 20:57:19.787031 ZEBRA: [G37DH-KRAE9] bfd_dst_register msg from client ospf6: length=39\n";
        assert_eq!(parse_zebra_registers(log), vec!["bgp", "ospf6"]);
    }
}
