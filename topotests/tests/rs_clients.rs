//! bfdd-rs's own client sockets against a real FRR 8.4 bfdd: bfdd-rs runs
//! standalone in namespace A with an EMPTY bfd config, so every session it
//! has was asked for by a client; FRR (zebra + bfdd) in namespace B has the
//! matching peers configured.
//!
//! - the direct ZAPI socket (`--zapi-socket`) driven by the example program
//!   `zapi-client` (a single-hop IPv4 and a multihop IPv6 peer);
//! - bfdd.sock (`--bfdctl`, FRR 8.4's control protocol) driven by a client
//!   written here ([`topotests::CtlConn`]) and by the example `bfdctl`.
//!
//! The examples are not built by `cargo build --release`: run
//! `cargo build --release --examples` first (scripts/test.sh does).

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use topotests::clients::{
    bfdctl, must_example, CTL_NOTIFY, CTL_NOTIFY_ADD, CTL_REQUEST_ADD, CTL_REQUEST_DEL,
    CTL_RESPONSE,
};
use topotests::{
    bfd_block, json, wait_for, BfddRs, ClientProcess, CtlConn, CtlMsg, FrrRouter, Lab, NftCut,
    PeerConf, Topo, Vtysh,
};

const UP_TIMEOUT: Duration = Duration::from_secs(40);
/// The clients ask for 300 ms × 3 (FRR's defaults, which FRR uses too):
/// detection takes 900 ms; the rest is slack for a loaded machine.
const DOWN_TIMEOUT: Duration = Duration::from_secs(5);
/// Removing a session sends AdminDown at once: FRR must be Down well
/// before it could have timed out by itself and more.
const ADMIN_DOWN_WITHIN: Duration = Duration::from_millis(2500);
const POLL: Duration = Duration::from_millis(100);
const OK: &str = r#"{"status":"ok"}"#;

/// bfdd-rs standalone in `t.a` with an empty `bfd` block and both client
/// sockets in its instance directory; returns it with the two socket paths.
fn start_rs(lab: &Lab, t: &Topo) -> (BfddRs, PathBuf, PathBuf) {
    let zapi = lab.dir().join("rs-zapi.sock");
    let ctl = lab.dir().join("rs-bfdd.sock");
    let rs = BfddRs::start_with_args(
        lab,
        &t.a,
        "rs",
        &bfd_block(&[]),
        &[
            "--zapi-socket",
            &zapi.to_string_lossy(),
            "--bfdctl",
            &ctl.to_string_lossy(),
        ],
    );
    for p in [&zapi, &ctl] {
        topotests::daemon::wait_path(p, Duration::from_secs(10))
            .unwrap_or_else(|e| panic!("bfdd-rs socket: {e}"));
    }
    let peers = rs.vty().peers().expect("bfdd-rs peers");
    assert!(
        peers.is_empty(),
        "empty config, yet sessions: {}",
        topotests::vtysh::summarize(&peers)
    );
    (rs, zapi, ctl)
}

/// FRR's state of its session to `a` is `status`.
fn frr_is(frr: &FrrRouter, a: IpAddr, status: &str) -> Result<(), String> {
    let p = frr.vty().peer(a)?;
    if p.status == status {
        Ok(())
    } else {
        Err(format!("FRR: {}", p.summary()))
    }
}

/// bfdd-rs lists a session to `peer` that is Up.
fn rs_up(vty: &Vtysh, peer: IpAddr) -> Result<(), String> {
    let p = vty.peer(peer)?;
    if p.is_up() {
        Ok(())
    } else {
        Err(format!("bfdd-rs: {}", p.summary()))
    }
}

/// bfdd-rs no longer lists any session to `peer`.
fn rs_gone(vty: &Vtysh, peer: IpAddr) -> Result<(), String> {
    let all = vty.peers()?;
    match all.iter().find(|p| p.peer == peer) {
        None => Ok(()),
        Some(p) => Err(format!("bfdd-rs still lists {}", p.summary())),
    }
}

/// FRR leaves Up within [`ADMIN_DOWN_WITHIN`] because it received
/// AdminDown ("neighbor signaled session down"), not by a timeout.
fn expect_frr_admin_down(frr: &FrrRouter, a: IpAddr, since: Instant, what: &str) {
    wait_for(
        &format!("FRR sees its session to {a} Down after {what}"),
        ADMIN_DOWN_WITHIN.saturating_sub(since.elapsed()),
        Duration::from_millis(20),
        || frr_is(frr, a, "down"),
    );
    eprintln!("FRR: {a} Down {:?} after {what}", since.elapsed());
    let p = frr.vty().peer(a).expect("FRR peer");
    assert_eq!(
        p.diagnostic,
        "neighbor signaled session down",
        "FRR after {what}: {}",
        p.summary()
    );
    assert_eq!(
        p.remote_diagnostic,
        "administratively down",
        "FRR after {what}: {}",
        p.summary()
    );
}

/// One output line of zapi-client: `peer local status`.
fn zapi_line_is(line: &str, peer: IpAddr, status: &str) -> bool {
    let f: Vec<&str> = line.split_whitespace().collect();
    f.len() == 3 && f[0].parse::<IpAddr>().ok() == Some(peer) && f[2] == status
}

/// (f) The direct ZAPI socket with the example client: a single-hop IPv4
/// peer on the veth and a multihop IPv6 peer between the loopbacks. Each
/// client prints Up, FRR shows Up; an nft cut makes both clients print
/// Down, lifting it brings Up back; SIGINT on a client removes its session
/// from bfdd-rs and FRR sees AdminDown, while the other session stays Up.
#[test]
fn rs_zapi_socket_example_client() {
    let lab = Lab::new("rs-zapi-client");
    let t = Topo::new(70, 1);
    let l = t.link().clone();
    let (v4_a, v4_b) = (IpAddr::from(l.a4), IpAddr::from(l.b4));
    let (v6_a, v6_b) = (IpAddr::from(t.lo_a6), IpAddr::from(t.lo_b6));
    let frr = FrrRouter::start(
        &lab,
        &t.b,
        "remote-frr",
        &bfd_block(&[
            PeerConf::single_hop(v4_a, &l.if_b),
            PeerConf::multihop(v6_a, v6_b),
        ]),
    );
    let (rs, zapi, _ctl) = start_rs(&lab, &t);
    let z = zapi.to_string_lossy().into_owned();
    let bin = must_example("zapi-client");
    eprintln!("zapi-client: {}", bin.display());

    let mut c4 = ClientProcess::spawn(
        &lab,
        &t.a,
        "zapi-client-v4",
        &bin,
        &[
            &z,
            &v4_b.to_string(),
            "--local",
            &v4_a.to_string(),
            "--interface",
            &l.if_a,
        ],
    );
    let mut c6 = ClientProcess::spawn(
        &lab,
        &t.a,
        "zapi-client-v6",
        &bin,
        &[
            &z,
            &v6_b.to_string(),
            "--local",
            &v6_a.to_string(),
            "--multihop",
            "--hops",
            "2",
        ],
    );
    let clients = [(&c4, v4_a, v4_b), (&c6, v6_a, v6_b)];

    // Up: the clients print it, FRR and bfdd-rs show it.
    for (c, a, b) in clients {
        c.wait_line(&format!("`{b} .. Up`"), 0, UP_TIMEOUT, |s| {
            zapi_line_is(s, b, "Up")
        });
        wait_for("FRR Up", UP_TIMEOUT, POLL, || frr_is(&frr, a, "up"));
        wait_for("bfdd-rs Up", UP_TIMEOUT, POLL, || rs_up(rs.vty(), b));
    }
    let peers = rs.vty().peers().expect("bfdd-rs peers");
    assert_eq!(peers.len(), 2, "{}", topotests::vtysh::summarize(&peers));
    let v6 = peers.iter().find(|p| p.peer == v6_b).expect("v6 session");
    assert!(v6.multihop, "v6 session not multihop: {}", v6.summary());
    let v4 = peers.iter().find(|p| p.peer == v4_b).expect("v4 session");
    assert!(
        !v4.multihop && v4.interface.as_deref() == Some(l.if_a.as_str()),
        "v4 session: {}",
        v4.summary()
    );

    // Cut: both clients hear Down; restore: Up again.
    let marks = [c4.line_count(), c6.line_count()];
    let mut cut = NftCut::cut(&t.a);
    let cut_at = Instant::now();
    for ((c, a, b), from) in clients.iter().zip(marks) {
        let (_, at) = c.wait_line(&format!("`{b} .. Down`"), from, DOWN_TIMEOUT, |s| {
            zapi_line_is(s, *b, "Down")
        });
        eprintln!("client: {b} Down {:?} after the cut", at - cut_at);
        wait_for("FRR Down during the cut", DOWN_TIMEOUT, POLL, || {
            frr_is(&frr, *a, "down")
        });
    }
    let marks = [c4.line_count(), c6.line_count()];
    cut.restore();
    for ((c, a, b), from) in clients.iter().zip(marks) {
        c.wait_line(
            &format!("`{b} .. Up` after restore"),
            from,
            UP_TIMEOUT,
            |s| zapi_line_is(s, *b, "Up"),
        );
        wait_for("FRR Up after restore", UP_TIMEOUT, POLL, || {
            frr_is(&frr, *a, "up")
        });
    }

    // SIGINT on the IPv4 client: it deregisters and exits; bfdd-rs drops
    // the session and FRR gets AdminDown; the IPv6 session is untouched.
    let v6_flaps = frr_flaps(&frr, v6_a);
    let at = Instant::now();
    let status = c4.interrupt(Duration::from_secs(5)).expect("client exits");
    assert!(status.success(), "zapi-client v4 after SIGINT: {status}");
    expect_frr_admin_down(&frr, v4_a, at, "SIGINT to the v4 client");
    wait_for(
        "bfdd-rs drops the v4 session",
        Duration::from_secs(3),
        POLL,
        || rs_gone(rs.vty(), v4_b),
    );
    rs_up(rs.vty(), v6_b).expect("v6 session still Up on bfdd-rs");
    frr_is(&frr, v6_a, "up").expect("v6 session still Up on FRR");
    assert_eq!(frr_flaps(&frr, v6_a), v6_flaps, "v6 session flapped");
    assert!(c6.exited().is_none(), "v6 client exited");

    // And the IPv6 (multihop) client.
    let at = Instant::now();
    let status = c6.interrupt(Duration::from_secs(5)).expect("client exits");
    assert!(status.success(), "zapi-client v6 after SIGINT: {status}");
    expect_frr_admin_down(&frr, v6_a, at, "SIGINT to the v6 client");
    wait_for(
        "bfdd-rs has no session left",
        Duration::from_secs(3),
        POLL,
        || match rs.vty().peers()?.as_slice() {
            [] => Ok(()),
            left => Err(topotests::vtysh::summarize(left)),
        },
    );
}

/// FRR's up/down counters of its session to `a`.
fn frr_flaps(frr: &FrrRouter, a: IpAddr) -> (u64, u64) {
    let c = frr.vty().counters().expect("FRR counters");
    let c = c
        .iter()
        .find(|c| c.peer == a)
        .expect("FRR counters for peer");
    (c.session_up, c.session_down)
}

/// A notification (type 4, id 0) whose JSON has every `(key, value)`.
fn notify_with(m: &CtlMsg, fields: &[(&str, &str)]) -> bool {
    if m.msg_type != CTL_NOTIFY || m.id != 0 {
        return false;
    }
    let Ok(v) = json::parse(&m.text) else {
        return false;
    };
    fields
        .iter()
        .all(|(k, want)| v.get(k).and_then(json::Value::as_str) == Some(*want))
}

fn must_ok(m: &CtlMsg, id: u16, what: &str) {
    assert_eq!(
        (m.msg_type, m.id, m.text.as_str()),
        (CTL_RESPONSE, id, OK),
        "{what}: response"
    );
}

/// (g) bfdd.sock with a client written here: a watcher subscribes to every
/// notification; an add of an IPv4 single-hop peer answers ok with its id
/// echoed, the watcher sees the config "add" and, once FRR answers, status
/// "up"; a notify-add subscriber gets the status; a delete is refused while
/// it is subscribed; once it closes, the example `bfdctl` deletes the peer,
/// the watcher sees config "delete", FRR sees AdminDown, bfdd-rs forgets it.
#[test]
fn rs_bfdd_sock_add_notify_delete() {
    let lab = Lab::new("rs-bfdd-sock");
    let t = Topo::new(71, 1);
    let l = t.link().clone();
    let (a, b) = (IpAddr::from(l.a4), IpAddr::from(l.b4));
    let frr = FrrRouter::start(
        &lab,
        &t.b,
        "remote-frr",
        &bfd_block(&[PeerConf::single_hop(a, &l.if_b)]),
    );
    let (rs, _zapi, ctl) = start_rs(&lab, &t);
    let wait = Duration::from_secs(10);

    let mut watcher = CtlConn::connect(&ctl).expect("watcher connects");
    let r = watcher
        .request(1, CTL_NOTIFY, &u64::MAX.to_ne_bytes())
        .expect("notify response");
    must_ok(&r, 1, "notify all");

    let mut adder = CtlConn::connect(&ctl).expect("client connects");
    let peer_keys = format!(
        r#""peer-address":"{b}","local-address":"{a}","local-interface":"{}""#,
        l.if_a
    );
    let add = format!(r#"{{"ipv4":[{{{peer_keys},"label":"g1"}}]}}"#);
    let r = adder
        .request(0x4a17, CTL_REQUEST_ADD, add.as_bytes())
        .expect("add response");
    must_ok(&r, 0x4a17, "add");
    let sb = b.to_string();
    let n = watcher
        .wait(wait, |m| {
            notify_with(m, &[("op", "add"), ("peer-address", &sb)])
        })
        .expect("config add notification");
    let v = json::parse(&n.text).expect("JSON");
    assert_eq!(
        (
            v.get("label").and_then(json::Value::as_str),
            v.get("local-interface").and_then(json::Value::as_str),
            v.get("multihop").and_then(json::Value::as_bool),
        ),
        (Some("g1"), Some(l.if_a.as_str()), Some(false)),
        "config add notification: {}",
        n.text
    );
    watcher
        .wait(UP_TIMEOUT, |m| {
            notify_with(
                m,
                &[("op", "status"), ("peer-address", &sb), ("state", "up")],
            )
        })
        .expect("status up notification");
    wait_for("FRR Up", UP_TIMEOUT, POLL, || frr_is(&frr, a, "up"));
    rs_up(rs.vty(), b).expect("bfdd-rs shows the session Up");

    // A subscriber by label: ok, then the current status at once.
    let mut sub = CtlConn::connect(&ctl).expect("subscriber connects");
    let r = sub
        .request(7, CTL_NOTIFY_ADD, br#"{"label":[{"label":"g1"}]}"#)
        .expect("notify-add response");
    must_ok(&r, 7, "notify-add");
    sub.wait(wait, |m| {
        notify_with(m, &[("op", "status"), ("label", "g1"), ("state", "up")])
    })
    .expect("subscriber gets the status");

    // Refused while subscribed; the session stays Up on both sides.
    let del = format!(r#"{{"ipv4":[{{{peer_keys}}}]}}"#);
    let r = adder
        .request(8, CTL_REQUEST_DEL, del.as_bytes())
        .expect("del response");
    assert_eq!(
        (r.msg_type, r.id, r.text.as_str()),
        (
            CTL_RESPONSE,
            8,
            r#"{"status":"error","error":"request del failed"}"#
        ),
        "delete while subscribed"
    );
    rs_up(rs.vty(), b).expect("still Up on bfdd-rs after the refused delete");
    frr_is(&frr, a, "up").expect("still Up on FRR after the refused delete");

    // The subscriber leaves; the example bfdctl deletes by label (the
    // release of the subscription is asynchronous: retry briefly).
    drop(sub);
    let (deleted_at, _) = wait_for(
        "bfdctl del succeeds once unsubscribed",
        Duration::from_secs(5),
        Duration::from_millis(200),
        || {
            let (status, out) = bfdctl(&ctl, &["del", r#"{"label":[{"label":"g1"}]}"#]);
            if status.success() && out.lines().any(|s| s.ends_with(OK)) {
                Ok(Instant::now())
            } else {
                Err(format!("bfdctl {status}: {}", out.trim()))
            }
        },
    );
    eprintln!("bfdctl del ok");
    expect_frr_admin_down(&frr, a, deleted_at, "bfdctl del");
    watcher
        .wait(wait, |m| {
            notify_with(m, &[("op", "delete"), ("peer-address", &sb)])
        })
        .expect("config delete notification");
    wait_for(
        "bfdd-rs forgets the deleted session",
        Duration::from_secs(3),
        POLL,
        || rs_gone(rs.vty(), b),
    );
    frr_is(&frr, a, "down").expect("FRR stays Down");
}
