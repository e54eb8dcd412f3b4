//! Differential test of events: four sessions (IPv4 and IPv6, single-hop
//! and multihop) configured from the start with a profile, passive mode
//! and a minimum TTL come Up between the subject and a remote FRR bfdd;
//! then a table of events happens to them, one after another: silent cuts
//! (both ways) and their restores, the remote daemon and the
//! subject restarted or killed, links down and up on either side,
//! addresses removed and added back, the link deleted and created again.
//! After each event has settled, the subject's views (every show of the
//! sessions, the `bfd` block of the running configuration), the remote's
//! view of each session and the wire (the distinct packets each side sends
//! on each session, and how many, captured with tshark on the subject's
//! link) are read. The table runs once with FRR 8.4's bfdd as the subject
//! and once with bfdd-rs; the two sequences must match but for the
//! differences in `KNOWN`, each a deliberate one (docs/wire.md).

mod common;
mod diff_common;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use common::*;
use diff_common::*;
use topotests::known::{self, Known};
use topotests::views::{Record, Views};
use topotests::{capture, Lab, NftCut, PeerConf, Topo};

/// What an event acts on.
struct Ctx<'a> {
    t: &'a Topo,
    subject: Subject,
    remote: Remote,
    cut: Option<NftCut>,
    /// False while the subject is killed: its views are not read then
    /// (FRR's vtysh would name bfdd as not running because zebra still
    /// answers, where bfdd-rs runs alone: a difference of the harness).
    subject_running: bool,
}

impl Ctx<'_> {
    fn remote_frr(&self) -> &topotests::FrrRouter {
        match &self.remote {
            Remote::Frr { router, .. } => router,
            Remote::Bird { .. } => unreachable!("an FRR remote"),
        }
    }

    fn ip(&self, subject_side: bool, args: &[&str]) {
        let ns = if subject_side { &self.t.a } else { &self.t.b };
        let mut argv = vec!["ip"];
        argv.extend_from_slice(args);
        ns.must(&argv);
    }
}

struct Event {
    what: &'static str,
    act: fn(&mut Ctx),
    settle: Settle,
}

const fn ev(what: &'static str, act: fn(&mut Ctx), settle: Settle) -> Event {
    Event { what, act, settle }
}

use Settle::{Stable, Up};

fn restore(c: &mut Ctx) {
    c.cut.take().expect("a cut to restore").restore();
}

fn link_down(c: &mut Ctx, subject_side: bool) {
    let l = c.t.link();
    let dev = if subject_side { &l.if_a } else { &l.if_b };
    c.ip(subject_side, &["link", "set", dev, "down"]);
}

fn link_up(c: &mut Ctx, subject_side: bool) {
    let l = c.t.link();
    let dev = if subject_side { &l.if_a } else { &l.if_b };
    c.ip(subject_side, &["link", "set", dev, "up"]);
    c.t.restore_addresses(0);
    c.t.add_routes();
}

/// The subject's IPv4 address of the link, or of its loopback (`lo`).
fn subject_addr(c: &Ctx, lo: bool) -> (String, String) {
    if lo {
        (format!("{}/32", c.t.lo_a4), "lo".into())
    } else {
        let l = c.t.link();
        (format!("{}/28", l.a4), l.if_a.clone())
    }
}

fn addr_del(c: &mut Ctx, lo: bool) {
    let (cidr, dev) = subject_addr(c, lo);
    c.ip(true, &["addr", "del", &cidr, "dev", &dev]);
    if !lo {
        // The remote forgets the address's MAC, so that it cannot reach
        // the subject through it either: a one-way path would make FRR's
        // bfdd flap (see the one-way cuts above).
        let if_b = c.t.link().if_b.clone();
        c.ip(false, &["neigh", "flush", "dev", &if_b]);
    }
}

fn addr_add(c: &mut Ctx, lo: bool) {
    let (cidr, dev) = subject_addr(c, lo);
    c.t.a.addr_add(&dev, &cidr);
    c.t.add_routes();
}

#[rustfmt::skip]
const EVENTS: &[Event] = &[
    ev("BFD cut both ways in the subject", |c| c.cut = Some(NftCut::cut(&c.t.a)), Stable),
    ev("cut restored", restore, Up),
    // Not here: one-way cuts. The side that still hears the other goes
    // Init and hears Down packets with Your Discriminator zero, which FRR
    // 8.4's bfdd drops in Init ("not overridden"), so it times out and
    // flaps Init <-> Down every few seconds: the remote FRR does so
    // whichever daemon the subject is, and FRR as the subject does so
    // where bfdd-rs stays in Init as RFC 5880 section 6.8.6 has it
    // (docs/wire.md). There is no settled view to compare.
    ev("remote bfdd restarted (SIGTERM)", |c| {
        c.remote_frr().stop_bfdd("TERM");
        c.remote_frr().start_bfdd();
    }, Up),
    ev("remote bfdd killed (SIGKILL)", |c| c.remote_frr().stop_bfdd("KILL"), Stable),
    ev("remote bfdd started again", |c| c.remote_frr().start_bfdd(), Up),
    ev("subject killed (SIGKILL)", |c| {
        c.subject.stop("KILL");
        c.subject_running = false;
    }, Stable),
    ev("subject started again", |c| {
        c.subject.start_again();
        c.subject_running = true;
    }, Up),
    ev("subject's link down", |c| link_down(c, true), Stable),
    ev("subject's link up", |c| link_up(c, true), Up),
    ev("remote's link down", |c| link_down(c, false), Stable),
    ev("remote's link up", |c| link_up(c, false), Up),
    ev("subject's IPv4 link address removed", |c| addr_del(c, false), Stable),
    ev("subject's IPv4 link address added back", |c| addr_add(c, false), Up),
    ev("subject's IPv4 loopback address removed", |c| addr_del(c, true), Stable),
    ev("subject's IPv4 loopback address added back", |c| addr_add(c, true), Up),
    // Not here: IPv6 addresses removed. The kernel keeps the IPv6 route
    // and lets a socket send from an address that is gone, so the subject
    // still reaches the remote but not the reverse: a one-way path, where
    // FRR's bfdd flaps (above) and no settled view exists.
    ev("link deleted", |c| {
        let l = c.t.link().if_a.clone();
        c.ip(true, &["link", "del", &l]);
    }, Stable),
    ev("link created again", |c| {
        let l = c.t.link();
        topotests::netns::veth(&c.t.a, &l.if_a, &c.t.b, &l.if_b);
        c.t.restore_addresses(0);
        c.t.add_routes();
    }, Up),
    // Not here: the link deleted and created again at once. Both daemons
    // go Down and Up again, but how often depends on whether the remote's
    // zebra has told its bfdd of the deletion before the subject is back.
];

/// The profile the v4 single-hop peer uses from the start.
const PROFILE: &str = " profile steady\n  detect-multiplier 4\n  transmit-interval 250\n  \
                       receive-interval 250\n exit\n !\n";

/// The subject's configuration: v4 single-hop on profile `steady`, v6
/// single-hop passive, v4 multihop with minimum-ttl 250, v6 multihop plain.
fn subject_conf(sessions: &[Sess]) -> (Vec<PeerConf>, String) {
    let peers: Vec<PeerConf> = sessions
        .iter()
        .enumerate()
        .map(|(n, s)| {
            let p = subject_peer(s);
            match n {
                0 => p.profile("steady"),
                1 => p.timers(TX, RX, MULT).passive(true),
                2 => p.timers(TX, RX, MULT).minimum_ttl(250),
                _ => p.timers(TX, RX, MULT),
            }
        })
        .collect();
    let body: String = peers.iter().map(PeerConf::render).collect();
    let block = format!("bfd\n{PROFILE}{body}exit\n!\n");
    (peers, block)
}

/// How long the wire is watched after each event.
const WIRE_FOR: Duration = Duration::from_secs(2);

/// The distinct BFD Control packets each side sends on each session
/// (every field but the discriminators) and how many, over [`WIRE_FOR`]
/// on the subject's link.
fn wire_view(t: &Topo, sessions: &[Sess]) -> Vec<String> {
    let l = t.link();
    let pkts = match capture::capture_bfd(&t.a, &l.if_a, 400, WIRE_FOR) {
        Ok(p) => p,
        Err(_) => return vec!["no capture: the link is gone".into()],
    };
    let mut out = Vec::new();
    for s in sessions {
        for (from, src, dst) in [("subject", s.a, s.b), ("remote", s.b, s.a)] {
            let mut seen: BTreeMap<String, u64> = BTreeMap::new();
            for p in pkts.iter().filter(|p| p.src == src && p.dst == dst) {
                let k = format!(
                    "sta {} diag {} P {} F {} C {} mult {} tx {} rx {} echo {}",
                    p.state,
                    p.diag,
                    p.poll,
                    p.final_,
                    p.cbit,
                    p.detect_mult,
                    p.desired_min_tx,
                    p.required_min_rx,
                    p.required_min_echo_rx
                );
                *seen.entry(k).or_default() += 1;
            }
            let total: u64 = seen.values().sum();
            // Polls and finals come and go with timing: the set of steady
            // packets is compared, P/F packets only counted together.
            let steady: Vec<&String> = seen
                .keys()
                .filter(|k| k.contains("P false F false"))
                .collect();
            out.push(format!(
                "{}, {from} sends ~{total} packets: {steady:?}",
                s.label
            ));
        }
    }
    out
}

/// Runs the whole table with `kind` as the subject.
fn run_table(kind: SubjectKind, name: &str) -> Vec<Record> {
    let lab = Lab::new(name);
    let t = Topo::new(112, 1);
    let sessions = four_sessions(&t);
    let remote = Remote::start(RemoteKind::Frr, &lab, &t, &sessions, TX, RX, MULT);
    let (peers, block) = subject_conf(&sessions);
    let subject = Subject::start_block(kind, &lab, &t, peers, &block);
    wait_all_up(&subject, &remote, &sessions);
    let mut c = Ctx {
        t: &t,
        subject,
        remote,
        cut: None,
        subject_running: true,
    };
    let views = |c: &Ctx| -> Views {
        let mut v = read_views(c.subject.vty(), c.remote_frr().vty(), &sessions);
        if !c.subject_running {
            for (name, lines) in v.iter_mut() {
                if !name.starts_with("remote's view") {
                    *lines = vec!["(the subject is not running)".into()];
                }
            }
        }
        v.push(("the wire".into(), wire_view(c.t, &sessions)));
        v
    };
    let start = "(start: all Up)";
    settle(start, Up, &c.subject, &c.remote, &sessions);
    let mut records = vec![Record {
        step: start.into(),
        views: views(&c),
    }];
    for (i, e) in EVENTS.iter().enumerate() {
        eprintln!("[{name}] event {i}: {}", e.what);
        (e.act)(&mut c);
        settle(e.what, e.settle, &c.subject, &c.remote, &sessions);
        records.push(Record {
            step: format!("{i}: {}", e.what),
            views: views(&c),
        });
    }
    records
}

/// Differences this table finds and does not fix (see `topotests::known`).
const KNOWN: &[Known] = &[];

/// The event table gives the same views, remote views and wire with
/// bfdd-rs as with FRR's bfdd.
#[test]
fn events_look_the_same() {
    let t0 = Instant::now();
    let frr = known::cached_frr_run("DIFF_EVENTS_FRR_RECORD", || {
        run_table(SubjectKind::Frr, "de-frr")
    });
    let rs = run_table(SubjectKind::BfddRs, "de-rs");
    let what = |i: usize| i.checked_sub(1).map_or("", |n| EVENTS[n].what);
    known::verdict(&frr, &rs, what, KNOWN);
    eprintln!("{:?}", t0.elapsed());
}
