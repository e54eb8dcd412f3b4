//! The registry against FRR 8.4 bfdd's client rules
//! (frr-bfdd-interfaces.md §2.5–§2.7, §8.2): creation from the first
//! registrant, profiles from later ones, hops → minimum TTL, per-client
//! references, deregistration, client and connection loss, configured
//! sessions outliving clients, stale references across a zebra reconnect,
//! and which transitions are reported to whom. Pure: no engine, no I/O.

use bfd::packet::{Diag, State};
use bfdd_rs::config;
use bfdd_rs::engine::{Command, Notification, SessionKey};
use bfdd_rs::registry::{
    counts_as_notification, reported, ClientId, Registry, Request, SessionSpec, Source, Status,
    StatusEvent,
};

fn key(peer: &str, local: Option<&str>, ifname: Option<&str>, multihop: bool) -> SessionKey {
    SessionKey {
        peer: peer.parse().expect("addr"),
        local: local.map(|l| l.parse().expect("addr")),
        ifname: ifname.map(str::to_string),
        vrf: "default".into(),
        multihop,
    }
}

fn zebra(pid: u32) -> ClientId {
    ClientId {
        source: Source::Zebra,
        pid,
    }
}

fn direct(conn: u64, pid: u32) -> ClientId {
    ClientId {
        source: Source::Direct(conn),
        pid,
    }
}

fn zreq(k: SessionKey, rx: u32, tx: u32, mult: u8, hops: u8, cbit: bool, prof: &str) -> Request {
    Request::from_zapi(k, rx, tx, mult, hops, cbit, prof)
}

fn plain(k: SessionKey) -> Request {
    zreq(k, 300, 300, 3, 1, false, "")
}

/// The registry's spec of each session upserted by `cmds`; the engine got
/// exactly its `config()`.
fn upserts(r: &Registry, cmds: &[Command]) -> Vec<SessionSpec> {
    cmds.iter()
        .filter_map(|c| match c {
            Command::Upsert(c) => {
                let spec = r.get(&c.key).cloned().expect("upserted session is held");
                assert_eq!(&spec.config(), c, "the engine runs the spec in force");
                Some(spec)
            }
            _ => None,
        })
        .collect()
}

fn removes(cmds: &[Command]) -> Vec<SessionKey> {
    cmds.iter()
        .filter_map(|c| match c {
            Command::Remove(k) => Some(k.clone()),
            _ => None,
        })
        .collect()
}

fn changed(k: &SessionKey, from: State, to: State) -> Notification {
    Notification::StateChanged {
        key: k.clone(),
        local_discr: 1,
        from,
        to,
        diag: Diag::NONE,
        remote_cbit: false,
    }
}

fn cfg(text: &str) -> config::Config {
    config::parse_str(text, "test.conf").expect("config parses")
}

#[test]
fn first_register_creates_dynamic_session_with_default_timers() {
    let mut r = Registry::new();
    let k = key("10.0.0.2", None, Some("eth0"), false);
    let out = r.register(zebra(100), plain(k.clone()));
    let ups = upserts(&r, &out.commands);
    assert_eq!(ups.len(), 1);
    let s = &ups[0];
    assert_eq!(s.key, k);
    assert!(!s.configured, "a client's session is dynamic");
    assert_eq!(s.params.desired_min_tx, 300_000);
    assert_eq!(s.params.required_min_rx, 300_000);
    assert_eq!(s.params.detect_mult, 3);
    assert!(!s.params.control_plane_independent);
    assert!(!s.params.echo_mode && !s.params.passive && !s.params.admin_down);
    // Immediate status reply with the current state (a new session: Down).
    assert_eq!(
        out.events,
        [StatusEvent {
            target: Source::Zebra,
            key: k,
            status: Status::Down,
            remote_cbit: false,
        }]
    );
}

#[test]
fn first_registrant_timers_and_cbit_apply_later_ones_do_not() {
    let mut r = Registry::new();
    let k = key("10.0.0.2", None, None, false);
    let out = r.register(zebra(1), zreq(k.clone(), 100, 200, 5, 1, true, ""));
    let s = &upserts(&r, &out.commands)[0];
    assert_eq!(s.params.required_min_rx, 100_000);
    assert_eq!(s.params.desired_min_tx, 200_000);
    assert_eq!(s.params.detect_mult, 5);
    assert!(s.params.control_plane_independent, "cbit → C bit");
    // A second client with other timers: no change on the wire.
    let out = r.register(zebra(2), zreq(k.clone(), 50, 50, 2, 1, false, ""));
    assert!(out.commands.is_empty(), "{:?}", out.commands);
    assert_eq!(r.get(&k).map(|s| s.params.desired_min_tx), Some(200_000));
    assert_eq!(r.session(&k).map(|v| v.clients.len()), Some(2));
}

#[test]
fn multihop_hops_give_minimum_ttl() {
    let mut r = Registry::new();
    for (hops, ttl) in [(255u8, 1u8), (5, 251), (2, 254), (0, 254)] {
        let k = key("192.0.2.9", Some("192.0.2.1"), None, true);
        let out = r.register(zebra(7), zreq(k.clone(), 300, 300, 3, hops, false, ""));
        let s = &upserts(&r, &out.commands)[0];
        assert_eq!(s.minimum_ttl, ttl, "hops {hops}");
        r.deregister(zebra(7), &k);
        assert!(r.is_empty());
    }
    // Single hop: the TTL rule does not apply (always 255 on the wire).
    let k = key("10.0.0.2", None, None, false);
    let out = r.register(zebra(7), zreq(k, 300, 300, 3, 1, false, ""));
    assert_eq!(upserts(&r, &out.commands)[0].minimum_ttl, 254);
}

#[test]
fn profile_applies_on_create_and_from_a_later_registrant() {
    let mut r = Registry::new();
    r.apply(&cfg(
        "bfd\n profile fast\n  transmit-interval 100\n  receive-interval 100\n exit\n \
         profile slow\n  transmit-interval 1000\n  detect-multiplier 7\n exit\nexit\n",
    ));
    let k = key("10.0.0.2", None, None, false);
    let out = r.register(zebra(1), zreq(k.clone(), 300, 300, 3, 1, false, "fast"));
    let s = &upserts(&r, &out.commands)[0];
    assert_eq!(s.params.desired_min_tx, 100_000);
    assert_eq!(s.params.required_min_rx, 100_000);
    // Later registrant names another profile: it is applied.
    let out = r.register(zebra(2), zreq(k.clone(), 300, 300, 3, 1, false, "slow"));
    let s = &upserts(&r, &out.commands)[0];
    assert_eq!(s.params.desired_min_tx, 1_000_000);
    assert_eq!(s.params.required_min_rx, 300_000);
    assert_eq!(s.params.detect_mult, 7);
    // A later registrant without a profile changes nothing.
    assert!(r.register(zebra(3), plain(k.clone())).commands.is_empty());
}

#[test]
fn registrant_own_non_default_timers_win_over_profile() {
    let mut r = Registry::new();
    r.apply(&cfg(
        "bfd\n profile fast\n  transmit-interval 100\n  receive-interval 100\n exit\nexit\n",
    ));
    let k = key("10.0.0.2", None, None, false);
    let out = r.register(zebra(1), zreq(k, 300, 500, 3, 1, false, "fast"));
    let s = &upserts(&r, &out.commands)[0];
    assert_eq!(s.params.desired_min_tx, 500_000, "own value wins");
    assert_eq!(s.params.required_min_rx, 100_000, "default own → profile");
}

#[test]
fn missing_profile_is_ignored_until_configured() {
    let mut r = Registry::new();
    let k = key("10.0.0.2", None, None, false);
    let out = r.register(zebra(1), zreq(k.clone(), 300, 300, 3, 1, false, "later"));
    assert_eq!(upserts(&r, &out.commands)[0].params.desired_min_tx, 300_000);
    let cmds = r.apply(&cfg(
        "bfd\n profile later\n  transmit-interval 150\n exit\nexit\n",
    ));
    let ups = upserts(&r, &cmds);
    assert_eq!(ups.len(), 1);
    assert_eq!(ups[0].params.desired_min_tx, 150_000);
    assert!(!ups[0].configured);
}

#[test]
fn register_is_idempotent_per_client_and_replies_each_time() {
    let mut r = Registry::new();
    let k = key("10.0.0.2", None, None, false);
    r.register(zebra(1), plain(k.clone()));
    let out = r.register(zebra(1), plain(k.clone()));
    assert!(out.commands.is_empty());
    assert_eq!(out.events.len(), 1, "status after every register");
    assert_eq!(r.session(&k).map(|v| v.clients.len()), Some(1));
    // One deregister is enough to drop the single reference.
    let out = r.deregister(zebra(1), &k);
    assert_eq!(removes(&out.commands), [k]);
    assert!(out.events.is_empty(), "no status on deregister");
}

#[test]
fn reply_reports_current_state_of_existing_session() {
    let mut r = Registry::new();
    let k = key("10.0.0.2", None, None, false);
    r.register(zebra(1), plain(k.clone()));
    r.notification(&changed(&k, State::Down, State::Init));
    r.notification(&changed(&k, State::Init, State::Up));
    let out = r.register(direct(9, 55), plain(k.clone()));
    assert_eq!(
        out.events,
        [StatusEvent {
            target: Source::Direct(9),
            key: k,
            status: Status::Up,
            remote_cbit: false,
        }]
    );
}

#[test]
fn deregister_keeps_session_while_other_clients_reference_it() {
    let mut r = Registry::new();
    let k = key("10.0.0.2", None, Some("eth0"), false);
    r.register(zebra(1), plain(k.clone()));
    r.register(direct(4, 2), plain(k.clone()));
    let out = r.deregister(zebra(1), &k);
    assert!(out.commands.is_empty(), "still referenced: no flap");
    let out = r.deregister(direct(4, 2), &k);
    assert_eq!(removes(&out.commands), [k]);
    assert!(r.is_empty());
}

#[test]
fn deregister_matches_by_frr_key_rule() {
    let mut r = Registry::new();
    // Registered with interface and source; deregistered without either.
    let full = key("10.0.0.2", Some("10.0.0.1"), Some("eth0"), false);
    r.register(zebra(1), plain(full.clone()));
    let out = r.deregister(zebra(1), &key("10.0.0.2", None, None, false));
    assert_eq!(removes(&out.commands), [full]);
    // Different multihop flag, vrf or local address never match.
    let k = key("10.0.0.2", Some("10.0.0.1"), None, false);
    r.register(zebra(1), plain(k.clone()));
    assert!(r
        .deregister(zebra(1), &key("10.0.0.2", Some("10.0.0.9"), None, false))
        .commands
        .is_empty());
    let mut other_vrf = k.clone();
    other_vrf.vrf = "red".into();
    assert!(r.deregister(zebra(1), &other_vrf).commands.is_empty());
    assert_eq!(r.len(), 1);
}

#[test]
fn register_attaches_to_configured_session_by_frr_key_rule() {
    let mut r = Registry::new();
    r.apply(&cfg(
        "bfd\n peer 10.0.0.2\n  transmit-interval 100\n exit\nexit\n",
    ));
    // The client names an interface and source; the configured peer has none.
    let k = key("10.0.0.2", Some("10.0.0.1"), Some("eth0"), false);
    let out = r.register(zebra(1), zreq(k, 900, 900, 9, 1, true, ""));
    assert!(out.commands.is_empty(), "configured session keeps its spec");
    let ck = key("10.0.0.2", None, None, false);
    assert_eq!(out.events[0].key, ck, "status names the session's own key");
    let v = r.session(&ck).expect("configured session");
    assert!(v.configured);
    assert_eq!(v.clients.len(), 1);
    assert_eq!(v.spec.params.desired_min_tx, 100_000);
}

#[test]
fn configured_session_survives_its_clients() {
    let mut r = Registry::new();
    r.apply(&cfg("bfd\n peer 10.0.0.2\n exit\nexit\n"));
    let k = key("10.0.0.2", None, None, false);
    r.register(zebra(1), plain(k.clone()));
    assert!(r.deregister(zebra(1), &k).commands.is_empty());
    r.register(zebra(2), plain(k.clone()));
    assert!(r.drop_client(zebra(2)).commands.is_empty());
    assert_eq!(r.len(), 1);
    assert!(r
        .session(&k)
        .is_some_and(|v| v.configured && v.clients.is_empty()));
}

#[test]
fn config_removal_keeps_client_referenced_session_as_dynamic() {
    let mut r = Registry::new();
    r.apply(&cfg(
        "bfd\n peer 10.0.0.2\n  transmit-interval 100\n exit\n peer 10.0.0.3\n exit\nexit\n",
    ));
    let k2 = key("10.0.0.2", None, None, false);
    let k3 = key("10.0.0.3", None, None, false);
    r.register(zebra(1), plain(k2.clone()));
    let cmds = r.apply(&cfg("bfd\nexit\n"));
    assert_eq!(removes(&cmds), [k3], "unreferenced peer goes");
    let ups = upserts(&r, &cmds);
    assert_eq!(ups.len(), 1);
    assert_eq!(ups[0].key, k2);
    assert!(!ups[0].configured, "now dynamic");
    assert_eq!(ups[0].params.desired_min_tx, 100_000, "settings kept");
    // And it goes with its last client.
    assert_eq!(removes(&r.drop_client(zebra(1)).commands), [k2]);
}

#[test]
fn config_adding_a_dynamic_session_makes_it_configured() {
    let mut r = Registry::new();
    let k = key("10.0.0.2", None, None, false);
    r.register(zebra(1), plain(k.clone()));
    let cmds = r.apply(&cfg(
        "bfd\n peer 10.0.0.2\n  receive-interval 200\n exit\nexit\n",
    ));
    assert!(removes(&cmds).is_empty());
    let ups = upserts(&r, &cmds);
    assert_eq!(ups.len(), 1);
    assert!(ups[0].configured);
    assert_eq!(ups[0].params.required_min_rx, 200_000);
    // The client leaving no longer removes it.
    assert!(r.drop_client(zebra(1)).commands.is_empty());
    assert_eq!(r.len(), 1);
}

#[test]
fn client_deregister_drops_only_that_pid() {
    let mut r = Registry::new();
    let a = key("10.0.0.2", None, None, false);
    let b = key("10.0.0.3", None, None, false);
    r.register(zebra(1), plain(a.clone()));
    r.register(zebra(1), plain(b.clone()));
    r.register(zebra(2), plain(b.clone()));
    let out = r.drop_client(zebra(1));
    assert_eq!(removes(&out.commands), [a]);
    assert_eq!(r.len(), 1);
    assert_eq!(r.session(&b).map(|v| v.clients.len()), Some(1));
}

#[test]
fn connection_close_drops_every_client_behind_it() {
    let mut r = Registry::new();
    let a = key("10.0.0.2", None, None, false);
    let b = key("10.0.0.3", None, None, false);
    r.register(direct(1, 10), plain(a.clone()));
    r.register(direct(1, 11), plain(b.clone()));
    r.register(direct(2, 10), plain(b.clone()));
    // Same pid on another connection is another client.
    let out = r.drop_source(Source::Direct(1));
    assert_eq!(removes(&out.commands), [a]);
    assert_eq!(r.session(&b).map(|v| v.clients.len()), Some(1));
    assert_eq!(removes(&r.drop_source(Source::Direct(2)).commands), [b]);
}

#[test]
fn stale_references_survive_until_swept_and_reregistration_refreshes() {
    let mut r = Registry::new();
    let a = key("10.0.0.2", None, None, false);
    let b = key("10.0.0.3", None, None, false);
    r.register(zebra(1), plain(a.clone()));
    r.register(zebra(1), plain(b.clone()));
    r.register(direct(3, 1), plain(b.clone()));
    assert_eq!(r.stale_count(Source::Zebra), 0);
    // zebra reconnects: references kept, nothing on the wire.
    assert_eq!(r.mark_stale(Source::Zebra), 2, "zebra's two references");
    assert_eq!(r.stale_count(Source::Direct(3)), 0);
    assert_eq!(r.len(), 2);
    // Client re-registers only `a`.
    let out = r.register(zebra(1), plain(a.clone()));
    assert!(out.commands.is_empty(), "re-attach without a change");
    assert_eq!(r.stale_count(Source::Zebra), 1, "b's is still stale");
    let out = r.sweep_stale(Source::Zebra);
    assert!(out.commands.is_empty(), "b still has its direct client");
    assert_eq!(r.session(&b).map(|v| v.clients.len()), Some(1));
    assert_eq!(r.session(&a).map(|v| v.clients.len()), Some(1));
    // A second sweep removes nothing more.
    assert!(r.sweep_stale(Source::Zebra).commands.is_empty());
    assert_eq!(r.stale_count(Source::Zebra), 0);
    // Not re-registered and no other client: removed at the sweep.
    assert_eq!(r.mark_stale(Source::Zebra), 1);
    assert_eq!(removes(&r.sweep_stale(Source::Zebra).commands), [a]);
}

#[test]
fn reported_transitions_follow_frr() {
    use State::*;
    assert_eq!(reported(Down, Up), Some(Status::Up));
    assert_eq!(reported(Init, Up), Some(Status::Up));
    assert_eq!(reported(Up, Down), Some(Status::Down));
    assert_eq!(reported(Init, Down), None);
    assert_eq!(reported(Down, Init), None);
    assert_eq!(reported(Down, Down), None);
    assert_eq!(reported(Up, AdminDown), Some(Status::AdminDown));
    assert_eq!(reported(Down, AdminDown), Some(Status::AdminDown));
    assert_eq!(reported(AdminDown, Down), Some(Status::Down));
    assert_eq!(Status::of(Init), Status::Down);
    assert_eq!(
        [Status::Down, Status::Up, Status::AdminDown].map(Status::zapi_value),
        [2, 4, 8]
    );
}

#[test]
fn notifications_go_to_zebra_and_to_referencing_sources_only() {
    let mut r = Registry::new();
    let k = key("10.0.0.2", None, None, false);
    let other = key("10.0.0.3", None, None, false);
    r.register(direct(5, 1), plain(k.clone()));
    r.register(direct(5, 2), plain(k.clone()));
    r.register(direct(6, 1), plain(other.clone()));
    let ev = r.notification(&changed(&k, State::Init, State::Up));
    let targets: Vec<Source> = ev.iter().map(|e| e.target).collect();
    assert_eq!(
        targets,
        [Source::Zebra, Source::Direct(5)],
        "one per source"
    );
    assert!(ev.iter().all(|e| e.status == Status::Up && e.key == k));
    // Not reported: no events, but the state is remembered.
    assert!(r
        .notification(&changed(&k, State::Up, State::Up))
        .is_empty());
    assert!(r
        .notification(&changed(&k, State::Init, State::Down))
        .is_empty());
    assert_eq!(r.session(&k).map(|v| v.state), Some(State::Down));
    // Unknown session: nothing.
    let gone = key("10.9.9.9", None, None, false);
    assert!(r
        .notification(&changed(&gone, State::Down, State::Up))
        .is_empty());
}

#[test]
fn remote_cbit_goes_into_events_and_later_replies() {
    let mut r = Registry::new();
    let k = key("10.0.0.2", None, None, false);
    r.register(direct(5, 1), plain(k.clone()));
    let mut up = changed(&k, State::Init, State::Up);
    let Notification::StateChanged { remote_cbit, .. } = &mut up;
    *remote_cbit = true;
    let ev = r.notification(&up);
    assert_eq!(ev.len(), 2);
    assert!(ev.iter().all(|e| e.remote_cbit), "{ev:?}");
    // A later registrant's reply carries the value last notified.
    let out = r.register(zebra(7), plain(k.clone()));
    assert_eq!(
        (out.events[0].status, out.events[0].remote_cbit),
        (Status::Up, true)
    );
    // And a notification without C clears it.
    let ev = r.notification(&changed(&k, State::Up, State::Down));
    assert!(ev.iter().all(|e| !e.remote_cbit), "{ev:?}");
    let out = r.register(zebra(8), plain(k.clone()));
    assert!(!out.events[0].remote_cbit);
}

#[test]
fn register_replies_to_zapi_sources_are_counted() {
    let mut r = Registry::new();
    let k = key("10.0.0.2", None, None, false);
    let mut events = r.register(zebra(1), plain(k.clone())).events;
    events.extend(r.register(direct(3, 1), plain(k.clone())).events);
    let pin = ClientId {
        source: Source::Control(0),
        pid: 0,
    };
    events.extend(r.register(pin, Request::new(k.clone())).events);
    assert_eq!(events.len(), 3, "every registrant gets a reply");
    let counted: Vec<SessionKey> = events
        .iter()
        .filter(|ev| counts_as_notification(ev))
        .map(|ev| ev.key.clone())
        .collect();
    assert_eq!(
        counted,
        [k.clone(), k.clone()],
        "zebra and direct, not bfdd.sock"
    );
    r.count_replies(&events);
    let v = r.sessions().next().unwrap();
    assert_eq!(v.notifications, 2, "the two ZAPI replies counted");
}

#[test]
fn reportable_transitions_are_up_down_from_up_and_admin_down() {
    use bfdd_rs::registry::reportable_transition as r;
    use State::*;
    assert!(r(Down, Up) && r(Init, Up));
    assert!(r(Up, Down));
    assert!(!r(Init, Down) && !r(Down, Init) && !r(Up, Up) && !r(Down, Down));
    assert!(r(Up, AdminDown) && r(Down, AdminDown) && r(Init, AdminDown));
    assert!(r(AdminDown, Down));
    assert!(!r(AdminDown, AdminDown));
}

/// Reported changes count in the session's notifications (FRR's "Zebra
/// notifications"), churn does not; a registration reply counts too.
#[test]
fn reported_changes_and_replies_count_as_notifications() {
    let mut r = Registry::new();
    let k = key("10.0.0.2", None, None, false);
    let out = r.register(zebra(1), plain(k.clone()));
    r.count_replies(&out.events);
    let change = |from, to| Notification::StateChanged {
        key: k.clone(),
        local_discr: 1,
        from,
        to,
        diag: Diag::NONE,
        remote_cbit: false,
    };
    let count = |r: &Registry| r.sessions().next().unwrap().notifications;
    assert_eq!(count(&r), 1, "the registration reply");
    r.notification(&change(State::Down, State::Init));
    assert_eq!(count(&r), 1, "Down -> Init is not reported");
    r.notification(&change(State::Init, State::Up));
    assert_eq!(count(&r), 2);
    r.notification(&change(State::Up, State::Down));
    r.notification(&change(State::Down, State::AdminDown));
    r.notification(&change(State::AdminDown, State::Down));
    assert_eq!(count(&r), 5);
}

#[test]
fn configured_shutdown_session_replies_admin_down() {
    let mut r = Registry::new();
    r.apply(&cfg("bfd\n peer 10.0.0.2\n  shutdown\n exit\nexit\n"));
    let out = r.register(zebra(1), plain(key("10.0.0.2", None, None, false)));
    assert_eq!(out.events[0].status, Status::AdminDown);
}

#[test]
fn zapi_values_are_sanitised() {
    let k = key("10.0.0.2", None, None, false);
    let q = Request::from_zapi(k, 0, 4_000_000_000, 0, 1, false, "");
    assert_eq!(q.settings.receive_interval_ms, 300);
    assert_eq!(q.settings.transmit_interval_ms, 60_000);
    assert_eq!(q.settings.detect_multiplier, 3);
    assert_eq!(q.profile, None);
}

#[test]
fn update_existing_replaces_dynamic_settings() {
    let mut r = Registry::new();
    let k = key("10.0.0.2", None, None, false);
    r.register(direct(1, 1), plain(k.clone()));
    let mut q = zreq(k.clone(), 300, 700, 3, 1, false, "");
    q.update_existing = true;
    let out = r.register(direct(1, 1), q);
    assert_eq!(upserts(&r, &out.commands)[0].params.desired_min_tx, 700_000);
}
