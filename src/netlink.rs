//! rtnetlink: the kernel's links and addresses, sent to the engine as full
//! `LinkInfo` snapshots whenever they change.
//!
//! The kernel's multicast messages are used only as a wake-up: a burst of them
//! (an interface coming up brings several) is debounced, then links and
//! addresses are dumped afresh and the table rebuilt. A dump is the truth even
//! when the kernel dropped notifications (ENOBUFS), and a link deleted and
//! recreated under a new ifindex needs no special case. A snapshot is sent
//! only when it differs from the last one sent.

use std::collections::BTreeMap;
use std::io;
use std::net::IpAddr;
use std::os::fd::{AsRawFd, OwnedFd};
use std::time::Duration;

use futures::TryStreamExt;
use netlink_packet_route::address::{AddressAttribute, AddressMessage};
use netlink_packet_route::link::{
    InfoKind, LinkAttribute, LinkFlag, LinkInfo as NlLinkInfo, LinkMessage, State as OperState,
};
use nix::sys::socket::{
    bind, socket, AddressFamily, NetlinkAddr, SockFlag, SockProtocol, SockType,
};
use tokio::io::unix::AsyncFd;
use tokio::io::Interest;

use crate::engine::{Command, EngineHandle, LinkInfo};

/// rtnetlink multicast groups (linux/rtnetlink.h RTMGRP_*).
const RTMGRP_LINK: u32 = 0x1;
const RTMGRP_IPV4_IFADDR: u32 = 0x10;
const RTMGRP_IPV6_IFADDR: u32 = 0x100;

/// How long to wait after a notification for the rest of its burst.
const DEBOUNCE: Duration = Duration::from_millis(15);
/// Retry delay when a dump fails (e.g. the kernel was busy).
const RETRY: Duration = Duration::from_millis(500);

/// Watch links and feed every changed snapshot to the engine. Returns when
/// the engine is gone, or on a netlink socket error.
pub async fn run(engine: EngineHandle) -> io::Result<()> {
    watch(move |links| engine.send(Command::Links(links)).is_ok()).await
}

/// Watch links and addresses: `deliver` gets the first full snapshot and then
/// every changed one; it returns false to stop watching. Must run inside a
/// tokio runtime; the sockets belong to the calling thread's network
/// namespace.
pub async fn watch<F: FnMut(Vec<LinkInfo>) -> bool>(deliver: F) -> io::Result<()> {
    watch_in(None, deliver).await
}

/// `watch` in the network namespace `ns` (a VRF): its sockets are opened
/// there, the rest runs where it is.
pub async fn watch_in<F: FnMut(Vec<LinkInfo>) -> bool>(
    ns: Option<&std::fs::File>,
    mut deliver: F,
) -> io::Result<()> {
    // Subscribe before the first dump so no change falls between the two.
    let (events, (conn, handle, _messages)) = crate::netns::in_netns(ns, || {
        Ok::<_, io::Error>((subscribe()?, rtnetlink::new_connection()?))
    })??;
    // SAFETY: the OwnedFd moves into the AsyncFd, so it stays open exactly
    // as long as it is registered.
    let events = unsafe { AsyncFd::register_with_interest(events, Interest::READABLE)? };
    let conn_task = tokio::spawn(conn);
    let result = async {
        let mut last: Option<Vec<LinkInfo>> = None;
        loop {
            match dump(&handle).await {
                Ok(links) => {
                    if last.as_ref() != Some(&links) {
                        if !deliver(links.clone()) {
                            return Ok(());
                        }
                        last = Some(links);
                    }
                }
                Err(e) => {
                    tracing::warn!("netlink dump failed, retrying: {e}");
                    tokio::time::sleep(RETRY).await;
                    continue;
                }
            }
            wait_for_change(&events).await?;
        }
    }
    .await;
    conn_task.abort();
    result
}

/// A raw rtnetlink socket joined to the link and address groups.
fn subscribe() -> io::Result<OwnedFd> {
    let fd = socket(
        AddressFamily::Netlink,
        SockType::Raw,
        SockFlag::SOCK_NONBLOCK | SockFlag::SOCK_CLOEXEC,
        SockProtocol::NetlinkRoute,
    )?;
    let groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR;
    bind(fd.as_raw_fd(), &NetlinkAddr::new(0, groups))?;
    Ok(fd)
}

/// Wait for at least one notification, let the burst settle, then drain.
async fn wait_for_change(events: &AsyncFd<OwnedFd>) -> io::Result<()> {
    let mut guard = events.readable().await?;
    guard.clear_ready();
    drop(guard);
    tokio::time::sleep(DEBOUNCE).await;
    drain(events.get_ref())
}

/// Read and discard everything queued. ENOBUFS means notifications were lost,
/// which the following full dump makes up for.
fn drain(fd: &OwnedFd) -> io::Result<()> {
    let mut buf = [0u8; 16384];
    loop {
        // SAFETY: buf is a valid writable buffer of the given length.
        let n = unsafe {
            libc::recv(
                fd.as_raw_fd(),
                buf.as_mut_ptr().cast(),
                buf.len(),
                libc::MSG_DONTWAIT,
            )
        };
        if n >= 0 {
            continue;
        }
        let err = io::Error::last_os_error();
        match err.raw_os_error() {
            Some(libc::EAGAIN) => return Ok(()),
            Some(libc::EINTR) | Some(libc::ENOBUFS) => continue,
            _ => return Err(err),
        }
    }
}

async fn dump(handle: &rtnetlink::Handle) -> Result<Vec<LinkInfo>, rtnetlink::Error> {
    let links: Vec<LinkMessage> = handle.link().get().execute().try_collect().await?;
    let addrs: Vec<AddressMessage> = handle.address().get().execute().try_collect().await?;
    Ok(build_table(&links, &addrs))
}

/// Turn dumped messages into the engine's view, sorted by ifindex. Addresses
/// on unknown links are ignored (the link was deleted between the dumps).
pub fn build_table(links: &[LinkMessage], addrs: &[AddressMessage]) -> Vec<LinkInfo> {
    let mut table: BTreeMap<u32, LinkInfo> = BTreeMap::new();
    for link in links {
        if let Some(info) = link_info(link) {
            table.insert(info.ifindex, info);
        }
    }
    for addr in addrs {
        if let (Some(info), Some(ip)) = (table.get_mut(&addr.header.index), address(addr)) {
            if !info.addrs.contains(&ip) {
                info.addrs.push(ip);
            }
        }
    }
    table
        .into_values()
        .map(|mut info| {
            info.addrs.sort();
            info
        })
        .collect()
}

/// One link; None when the kernel sent no name.
fn link_info(link: &LinkMessage) -> Option<LinkInfo> {
    let mut name = None;
    let mut oper = None;
    let mut master = 0;
    let mut vrf_device = false;
    for attr in &link.attributes {
        match attr {
            LinkAttribute::IfName(n) => name = Some(n.clone()),
            LinkAttribute::OperState(s) => oper = Some(*s),
            LinkAttribute::Controller(m) => master = *m,
            LinkAttribute::LinkInfo(info) => {
                vrf_device |= info
                    .iter()
                    .any(|i| matches!(i, NlLinkInfo::Kind(InfoKind::Vrf)));
            }
            _ => {}
        }
    }
    let flags = &link.header.flags;
    let admin_up = flags.contains(&LinkFlag::Up);
    // IFF_RUNNING is carrier; loopback and some virtual links report oper
    // state "unknown" but are usable whenever they are admin up.
    let running = flags.contains(&LinkFlag::Running)
        || flags.contains(&LinkFlag::LowerUp)
        || matches!(oper, Some(OperState::Up))
        || (flags.contains(&LinkFlag::Loopback) && matches!(oper, Some(OperState::Unknown)));
    Some(LinkInfo {
        ifindex: link.header.index,
        name: name?,
        up: admin_up && running,
        addrs: Vec::new(),
        master,
        vrf_device,
    })
}

/// The interface's own address: IFA_LOCAL when present (on point-to-point
/// links IFA_ADDRESS is the far end), else IFA_ADDRESS.
fn address(addr: &AddressMessage) -> Option<IpAddr> {
    let mut local = None;
    let mut address = None;
    for attr in &addr.attributes {
        match attr {
            AddressAttribute::Local(ip) => local = Some(*ip),
            AddressAttribute::Address(ip) => address = Some(*ip),
            _ => {}
        }
    }
    local.or(address)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(index: u32, name: &str, flags: Vec<LinkFlag>, oper: OperState) -> LinkMessage {
        let mut m = LinkMessage::default();
        m.header.index = index;
        m.header.flags = flags;
        m.attributes = vec![
            LinkAttribute::IfName(name.into()),
            LinkAttribute::OperState(oper),
        ];
        m
    }

    fn addr(index: u32, attrs: Vec<AddressAttribute>) -> AddressMessage {
        let mut m = AddressMessage::default();
        m.header.index = index;
        m.attributes = attrs;
        m
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("test address")
    }

    #[test]
    fn up_needs_admin_and_carrier() {
        let links = [
            link(
                2,
                "eth0",
                vec![LinkFlag::Up, LinkFlag::Running],
                OperState::Up,
            ),
            link(3, "eth1", vec![LinkFlag::Up], OperState::Down),
            link(4, "eth2", vec![LinkFlag::Running], OperState::Down),
            link(
                1,
                "lo",
                vec![LinkFlag::Up, LinkFlag::Loopback],
                OperState::Unknown,
            ),
            link(5, "lo2", vec![LinkFlag::Loopback], OperState::Unknown),
        ];
        let t = build_table(&links, &[]);
        let got: Vec<(u32, &str, bool)> = t
            .iter()
            .map(|l| (l.ifindex, l.name.as_str(), l.up))
            .collect();
        assert_eq!(
            got,
            [
                (1, "lo", true),
                (2, "eth0", true),
                (3, "eth1", false),
                (4, "eth2", false),
                (5, "lo2", false)
            ]
        );
    }

    #[test]
    fn addresses_join_their_link() {
        let links = [link(2, "eth0", vec![LinkFlag::Up], OperState::Up)];
        let addrs = [
            addr(2, vec![AddressAttribute::Address(ip("2001:db8::1"))]),
            // Point-to-point: IFA_LOCAL is ours, IFA_ADDRESS the far end.
            addr(
                2,
                vec![
                    AddressAttribute::Address(ip("10.9.9.2")),
                    AddressAttribute::Local(ip("10.9.9.1")),
                ],
            ),
            addr(2, vec![AddressAttribute::Local(ip("10.0.0.1"))]),
            // Duplicate and orphan are dropped.
            addr(2, vec![AddressAttribute::Local(ip("10.0.0.1"))]),
            addr(7, vec![AddressAttribute::Local(ip("10.7.7.7"))]),
        ];
        let t = build_table(&links, &addrs);
        assert_eq!(t.len(), 1);
        assert_eq!(
            t[0].addrs,
            [ip("10.0.0.1"), ip("10.9.9.1"), ip("2001:db8::1")]
        );
    }

    #[test]
    fn nameless_link_is_skipped() {
        let mut m = LinkMessage::default();
        m.header.index = 9;
        assert!(build_table(&[m], &[]).is_empty());
    }

    /// VRF-lite: the VRF device says so in its link info, and a link
    /// enslaved to it names it as its master.
    #[test]
    fn vrf_devices_and_their_links() {
        let mut red = link(5, "red", vec![LinkFlag::Up], OperState::Up);
        red.attributes
            .push(LinkAttribute::LinkInfo(vec![NlLinkInfo::Kind(
                InfoKind::Vrf,
            )]));
        let mut eth = link(
            6,
            "eth1",
            vec![LinkFlag::Up, LinkFlag::Running],
            OperState::Up,
        );
        eth.attributes.push(LinkAttribute::Controller(5));
        let plain = link(
            7,
            "eth2",
            vec![LinkFlag::Up, LinkFlag::Running],
            OperState::Up,
        );
        let t = build_table(&[red, eth, plain], &[]);
        assert_eq!(
            t.iter()
                .map(|l| (l.name.as_str(), l.master, l.vrf_device))
                .collect::<Vec<_>>(),
            [("red", 0, true), ("eth1", 5, false), ("eth2", 0, false)]
        );
    }
}
