//! Readiness of sessions from the set of links and addresses (rtnetlink's
//! view, sent by the control plane as `Command::Links`): whether a session's
//! path exists, so it may run on the wire, and which interface it is bound to.

use super::{LinkInfo, SessionKey};

/// The last link set received.
#[derive(Debug, Default)]
pub struct LinkTable {
    links: Vec<LinkInfo>,
}

impl LinkTable {
    pub fn new(links: Vec<LinkInfo>) -> LinkTable {
        LinkTable { links }
    }

    pub fn links(&self) -> &[LinkInfo] {
        &self.links
    }
}

/// Whether the session's path is present: None = disabled; Some(ifindex) =
/// enabled, bound to that interface when it has one.
///
/// - single-hop with an interface: it exists, is up and (if a local address
///   is set) holds the local address;
/// - single-hop without an interface: the local address (if set) is on some up link;
/// - multihop: the local address (if set) is on some link.
///
/// `links` are those of the session's VRF (its network namespace).
pub fn readiness(key: &SessionKey, links: &[LinkInfo]) -> Option<Option<u32>> {
    if key.multihop {
        return match key.local {
            Some(local) => links
                .iter()
                .any(|l| l.addrs.contains(&local))
                .then_some(None),
            None => Some(None),
        };
    }
    match &key.ifname {
        Some(name) => {
            let link = links.iter().find(|l| &l.name == name && l.up)?;
            if let Some(local) = key.local {
                if !link.addrs.contains(&local) {
                    return None;
                }
            }
            Some(Some(link.ifindex))
        }
        None => match key.local {
            Some(local) => links
                .iter()
                .any(|l| l.up && l.addrs.contains(&local))
                .then_some(None),
            None => Some(None),
        },
    }
}

/// Whether an up path keeps its interface: a single-hop session on a named
/// interface loses it when the interface is deleted (or created again under
/// another index); any other path has nothing to lose. A link that is down
/// or without its address is kept, as FRR's bfdd keeps it.
pub fn interface_kept(key: &SessionKey, ifindex: Option<u32>, links: &[LinkInfo]) -> bool {
    if key.multihop {
        return true;
    }
    match (&key.ifname, ifindex) {
        (Some(name), Some(ifindex)) => links
            .iter()
            .any(|l| &l.name == name && l.ifindex == ifindex),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(ifindex: u32, name: &str, up: bool, addrs: &[&str]) -> LinkInfo {
        LinkInfo {
            ifindex,
            name: name.into(),
            up,
            addrs: addrs.iter().map(|a| a.parse().unwrap()).collect(),
            master: 0,
            vrf_device: false,
        }
    }

    fn key(local: Option<&str>, ifname: Option<&str>, multihop: bool) -> SessionKey {
        SessionKey {
            peer: "10.0.0.2".parse().unwrap(),
            local: local.map(|l| l.parse().unwrap()),
            ifname: ifname.map(str::to_string),
            vrf: "default".into(),
            multihop,
        }
    }

    #[test]
    fn single_hop_with_interface() {
        let up = [link(3, "eth0", true, &["10.0.0.1"])];
        let down = [link(3, "eth0", false, &["10.0.0.1"])];
        assert_eq!(
            readiness(&key(None, Some("eth0"), false), &up),
            Some(Some(3))
        );
        assert_eq!(
            readiness(&key(Some("10.0.0.1"), Some("eth0"), false), &up),
            Some(Some(3))
        );
        assert_eq!(
            readiness(&key(Some("10.0.0.9"), Some("eth0"), false), &up),
            None
        );
        assert_eq!(readiness(&key(None, Some("eth0"), false), &down), None);
        assert_eq!(readiness(&key(None, Some("eth1"), false), &up), None);
        // Recreated with a new index: the new index is reported.
        let again = [link(9, "eth0", true, &[])];
        assert_eq!(
            readiness(&key(None, Some("eth0"), false), &again),
            Some(Some(9))
        );
    }

    #[test]
    fn single_hop_without_interface_and_multihop() {
        let links = [
            link(3, "eth0", false, &["10.0.0.1"]),
            link(4, "eth1", true, &["10.0.1.1"]),
        ];
        assert_eq!(readiness(&key(None, None, false), &links), Some(None));
        assert_eq!(
            readiness(&key(Some("10.0.1.1"), None, false), &links),
            Some(None)
        );
        // On a down link: not ready for single-hop, ready for multihop.
        assert_eq!(readiness(&key(Some("10.0.0.1"), None, false), &links), None);
        assert_eq!(
            readiness(&key(Some("10.0.0.1"), None, true), &links),
            Some(None)
        );
        assert_eq!(readiness(&key(Some("10.9.9.9"), None, true), &links), None);
        // A VRF's links are its own namespace's: the same rule applies.
        let mut k = key(None, None, false);
        k.vrf = "red".into();
        assert_eq!(readiness(&k, &links), Some(None));
    }

    #[test]
    fn an_up_path_is_lost_only_with_its_interface() {
        let k = key(None, Some("eth0"), false);
        let up = [link(3, "eth0", true, &["10.0.0.1"])];
        let down_bare = [link(3, "eth0", false, &[])];
        assert!(interface_kept(&k, Some(3), &up));
        assert!(
            interface_kept(&k, Some(3), &down_bare),
            "down, no address: kept"
        );
        assert!(!interface_kept(&k, Some(3), &[]), "deleted");
        assert!(
            !interface_kept(&k, Some(3), &[link(9, "eth0", true, &[])]),
            "created again under another index"
        );
        let mh = key(Some("10.0.0.1"), None, true);
        assert!(
            interface_kept(&mh, None, &[]),
            "multihop: no interface to lose"
        );
        assert!(interface_kept(&key(None, None, false), None, &[]));
    }
}
