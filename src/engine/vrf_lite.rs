//! VRF-lite (FRR's VRF-device backend): in the daemon's own namespace, a
//! VRF is a VRF device (l3mdev) of the VRF's name, and the links enslaved
//! to it are that VRF's. This splits one rtnetlink link set into the
//! default VRF's links and each VRF device's own, so each is served by its
//! own data path (sockets bound to the device).

use std::collections::BTreeMap;

use super::LinkInfo;

/// One link set, split by VRF.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Split {
    /// Links that are in no VRF device.
    pub default: Vec<LinkInfo>,
    /// VRF device name -> (its ifindex, the device and its enslaved links).
    pub vrfs: BTreeMap<String, (u32, Vec<LinkInfo>)>,
}

pub fn split(links: &[LinkInfo]) -> Split {
    let mut out = Split::default();
    let devices: BTreeMap<u32, &str> = links
        .iter()
        .filter(|l| l.vrf_device)
        .map(|l| (l.ifindex, l.name.as_str()))
        .collect();
    for (ifindex, name) in &devices {
        out.vrfs.insert(name.to_string(), (*ifindex, Vec::new()));
    }
    for l in links {
        // The device itself carries the VRF's own addresses (its loopback).
        let owner = if l.vrf_device {
            Some(l.ifindex)
        } else {
            devices.contains_key(&l.master).then_some(l.master)
        };
        match owner.and_then(|o| devices.get(&o)) {
            Some(name) => {
                if let Some((_, v)) = out.vrfs.get_mut(*name) {
                    v.push(l.clone());
                }
            }
            None => out.default.push(l.clone()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(ifindex: u32, name: &str, master: u32, vrf_device: bool) -> LinkInfo {
        LinkInfo {
            ifindex,
            name: name.into(),
            up: true,
            addrs: Vec::new(),
            master,
            vrf_device,
        }
    }

    #[test]
    fn enslaved_links_go_to_their_vrf_device() {
        let links = [
            link(1, "lo", 0, false),
            link(2, "eth0", 0, false),
            link(3, "br0", 0, false),
            // A bridge port has a master that is no VRF: default VRF.
            link(4, "eth1", 3, false),
            link(5, "red", 0, true),
            link(6, "eth2", 5, false),
            link(7, "blue", 0, true),
        ];
        let s = split(&links);
        let names = |v: &[LinkInfo]| v.iter().map(|l| l.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(&s.default), ["lo", "eth0", "br0", "eth1"]);
        assert_eq!(s.vrfs.len(), 2);
        let (i, red) = &s.vrfs["red"];
        assert_eq!((*i, names(red)), (5, vec!["red".into(), "eth2".into()]));
        let (i, blue) = &s.vrfs["blue"];
        assert_eq!((*i, names(blue)), (7, vec!["blue".to_string()]));
    }

    #[test]
    fn no_vrf_device_means_all_default() {
        let links = [link(1, "lo", 0, false), link(2, "eth0", 9, false)];
        let s = split(&links);
        assert_eq!(s.default.len(), 2);
        assert!(s.vrfs.is_empty());
    }
}
