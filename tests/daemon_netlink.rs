//! The netlink watcher inside a private network namespace (bfrs-dm-*): it
//! must report the links there, follow lo going up and down, see a veth pair
//! appear with addresses, and see a link deleted and recreated with a new
//! ifindex. Needs root and iproute2; the namespace is removed even on failure.

use std::os::fd::AsRawFd;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use bfdd_rs::engine::LinkInfo;

mod support;

use support::Netns;

/// Run the watcher on a thread that has entered the namespace, sending every
/// snapshot to the returned channel.
fn start_watcher(ns: &Netns) -> mpsc::Receiver<Vec<LinkInfo>> {
    let path = format!("/var/run/netns/{}", ns.0);
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let f = std::fs::File::open(&path).expect("open netns");
        // SAFETY: setns on a valid namespace fd; it affects this thread only.
        let rc = unsafe { libc::setns(f.as_raw_fd(), libc::CLONE_NEWNET) };
        assert_eq!(rc, 0, "setns: {}", std::io::Error::last_os_error());
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let res = rt.block_on(bfdd_rs::netlink::watch(move |links| tx.send(links).is_ok()));
        if let Err(e) = res {
            eprintln!("watch ended: {e}");
        }
    });
    rx
}

/// Wait for a snapshot satisfying `pred`, returning it.
fn wait_for(
    rx: &mpsc::Receiver<Vec<LinkInfo>>,
    what: &str,
    pred: impl Fn(&[LinkInfo]) -> bool,
) -> Vec<LinkInfo> {
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut last = None;
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match rx.recv_timeout(left) {
            Ok(links) => {
                if pred(&links) {
                    return links;
                }
                last = Some(links);
            }
            Err(_) => break,
        }
    }
    panic!("timed out waiting for {what}; last snapshot: {last:?}");
}

fn find<'a>(links: &'a [LinkInfo], name: &str) -> Option<&'a LinkInfo> {
    links.iter().find(|l| l.name == name)
}

#[test]
fn links_follow_the_kernel() {
    let ns = Netns::bare("bfrs-dm", "nl");
    let rx = start_watcher(&ns);

    let first = wait_for(&rx, "initial dump", |l| find(l, "lo").is_some());
    assert_eq!(first.len(), 1, "a new namespace has only lo: {first:?}");
    assert!(!first[0].up, "lo starts down");

    ns.ip("link set lo up");
    let l = wait_for(&rx, "lo up", |l| find(l, "lo").is_some_and(|lo| lo.up));
    let lo = find(&l, "lo").expect("lo");
    assert!(
        lo.addrs.contains(&"127.0.0.1".parse().expect("addr")),
        "{lo:?}"
    );

    ns.ip("link add bfv0 type veth peer name bfv1");
    ns.ip("addr add 10.77.0.1/24 dev bfv0");
    ns.ip("link set bfv0 up");
    ns.ip("link set bfv1 up");
    let l = wait_for(&rx, "veth up with address", |l| {
        find(l, "bfv0")
            .is_some_and(|v| v.up && v.addrs.contains(&"10.77.0.1".parse().expect("addr")))
            && find(l, "bfv1").is_some_and(|v| v.up)
    });
    let old_index = find(&l, "bfv0").expect("bfv0").ifindex;

    // Carrier loss on the far end takes the near end down (no IFF_RUNNING).
    ns.ip("link set bfv1 down");
    wait_for(&rx, "bfv0 loses carrier", |l| {
        find(l, "bfv0").is_some_and(|v| !v.up)
    });

    ns.ip("link set lo down");
    wait_for(&rx, "lo down", |l| find(l, "lo").is_some_and(|lo| !lo.up));

    // Delete and recreate: same name, new ifindex, no stale entry.
    ns.ip("link del bfv0");
    wait_for(&rx, "veth gone", |l| {
        find(l, "bfv0").is_none() && find(l, "bfv1").is_none()
    });
    ns.ip("link add bfv0 type veth peer name bfv1");
    let l = wait_for(&rx, "veth back", |l| find(l, "bfv0").is_some());
    let v = find(&l, "bfv0").expect("bfv0");
    assert_ne!(v.ifindex, old_index);
    assert!(v.addrs.is_empty(), "recreated link has no address: {v:?}");
    assert_eq!(l.iter().filter(|x| x.name == "bfv0").count(), 1);
}
