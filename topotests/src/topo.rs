//! The two-router topology every test uses: namespaces `bfrs-tNa` and
//! `bfrs-tNb` joined by one or more veth pairs, plus loopback addresses with
//! static routes over the first link for multihop sessions.
//!
//! Address plan for test id N (so tests never share addresses):
//! link k: `10.200.N.(16k+1)/28` ↔ `.(16k+2)`, `fd00:200:N:k::1/64` ↔ `::2`;
//! loopbacks `10.201.N.1/32` ↔ `.2`, `fd00:201:N::1/128` ↔ `::2`.

use crate::netns::{veth, Netns};
use crate::poll::wait_for;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

/// One veth pair and its addresses.
#[derive(Debug, Clone)]
pub struct Link {
    pub if_a: String,
    pub if_b: String,
    pub a4: Ipv4Addr,
    pub b4: Ipv4Addr,
    pub a6: Ipv6Addr,
    pub b6: Ipv6Addr,
}

pub struct Topo {
    pub id: u8,
    pub links: Vec<Link>,
    pub lo_a4: Ipv4Addr,
    pub lo_b4: Ipv4Addr,
    pub lo_a6: Ipv6Addr,
    pub lo_b6: Ipv6Addr,
    // Dropped last among the fields: deleting a namespace removes its veths.
    pub a: Netns,
    pub b: Netns,
}

impl Topo {
    /// Builds the topology for test `id` (1..=250) with `nlinks` (1..=15)
    /// veth pairs and checks every address answers.
    pub fn new(id: u8, nlinks: u8) -> Topo {
        assert!((1..=250).contains(&id), "topology id out of range");
        assert!((1..=15).contains(&nlinks), "1..=15 links per topology");
        let a = Netns::create(&format!("bfrs-t{id}a"));
        let b = Netns::create(&format!("bfrs-t{id}b"));
        let mut links = Vec::new();
        for k in 0..nlinks {
            let link = Link {
                if_a: format!("bfrs-{id}a{k}"),
                if_b: format!("bfrs-{id}b{k}"),
                a4: Ipv4Addr::new(10, 200, id, 16 * k + 1),
                b4: Ipv4Addr::new(10, 200, id, 16 * k + 2),
                a6: Ipv6Addr::new(0xfd00, 0x200, id.into(), k.into(), 0, 0, 0, 1),
                b6: Ipv6Addr::new(0xfd00, 0x200, id.into(), k.into(), 0, 0, 0, 2),
            };
            veth(&a, &link.if_a, &b, &link.if_b);
            a.addr_add(&link.if_a, &format!("{}/28", link.a4));
            b.addr_add(&link.if_b, &format!("{}/28", link.b4));
            a.addr_add(&link.if_a, &format!("{}/64", link.a6));
            b.addr_add(&link.if_b, &format!("{}/64", link.b6));
            links.push(link);
        }
        let topo = Topo {
            id,
            lo_a4: Ipv4Addr::new(10, 201, id, 1),
            lo_b4: Ipv4Addr::new(10, 201, id, 2),
            lo_a6: Ipv6Addr::new(0xfd00, 0x201, id.into(), 0, 0, 0, 0, 1),
            lo_b6: Ipv6Addr::new(0xfd00, 0x201, id.into(), 0, 0, 0, 0, 2),
            links,
            a,
            b,
        };
        topo.a.addr_add("lo", &format!("{}/32", topo.lo_a4));
        topo.b.addr_add("lo", &format!("{}/32", topo.lo_b4));
        topo.a.addr_add("lo", &format!("{}/128", topo.lo_a6));
        topo.b.addr_add("lo", &format!("{}/128", topo.lo_b6));
        topo.add_routes();
        let targets: Vec<IpAddr> = topo
            .links
            .iter()
            .flat_map(|l| [IpAddr::from(l.b4), IpAddr::from(l.b6)])
            .chain([topo.lo_b4.into(), topo.lo_b6.into()])
            .collect();
        for dst in targets {
            wait_for(
                &format!("{dst} reachable from {}", topo.a.name()),
                Duration::from_secs(10),
                Duration::from_millis(200),
                || {
                    if topo.a.reachable(dst) {
                        Ok(())
                    } else {
                        Err("no answer".into())
                    }
                },
            );
        }
        topo
    }

    /// The routes between the loopbacks, over the first link (again, after
    /// an event that took them away: a link down, an address removed).
    pub fn add_routes(&self) {
        let l0 = &self.links[0];
        for (ns, dst, gw) in [
            (&self.a, format!("{}/32", self.lo_b4), IpAddr::from(l0.b4)),
            (&self.b, format!("{}/32", self.lo_a4), l0.a4.into()),
            (&self.a, format!("{}/128", self.lo_b6), l0.b6.into()),
            (&self.b, format!("{}/128", self.lo_a6), l0.a6.into()),
        ] {
            // The connected route of a link just up may lag its address.
            wait_for(
                &format!("route to {dst} in {}", ns.name()),
                Duration::from_secs(10),
                Duration::from_millis(100),
                || ns.try_route_add(&dst, gw),
            );
        }
    }

    /// Deletes link `k` (both ends) and creates it again with its addresses.
    pub fn recreate_link(&self, k: usize) {
        let l = &self.links[k];
        self.a.must(&["ip", "link", "del", &l.if_a]);
        veth(&self.a, &l.if_a, &self.b, &l.if_b);
        self.restore_addresses(k);
    }

    /// Puts link `k`'s addresses back where they are missing (the kernel
    /// flushes IPv6 addresses when a link goes down).
    pub fn restore_addresses(&self, k: usize) {
        let l = &self.links[k];
        for (ns, dev, cidr) in [
            (&self.a, &l.if_a, format!("{}/28", l.a4)),
            (&self.b, &l.if_b, format!("{}/28", l.b4)),
            (&self.a, &l.if_a, format!("{}/64", l.a6)),
            (&self.b, &l.if_b, format!("{}/64", l.b6)),
        ] {
            ns.addr_replace(dev, &cidr);
        }
    }

    /// The first link, the one the loopback routes use.
    pub fn link(&self) -> &Link {
        &self.links[0]
    }
}
