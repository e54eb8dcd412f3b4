//! The texts bfdd.sock sends: responses, status notifications and config
//! notifications, byte for byte as FRR 8.4 builds them with json-c (key
//! order, which keys appear when, the state words). FRR reports the local
//! discriminator as `remote-id` too; clients may rely on it, so we do.

use super::backend::{ConfigOp, ControlSessionInfo};
use super::json::ObjectWriter;
use bfd::packet::State;

/// FRR's error texts, one per request type.
pub const ERR_ADD: &str = "request add failed";
pub const ERR_DEL: &str = "request del failed";
pub const ERR_NOTIFY: &str = "failed to parse notify data";
pub const ERR_TYPE: &str = "invalid message type";

/// Notify mask bits (FRR `BCM_NOTIFY_*`).
pub const NOTIFY_PEER_STATE: u64 = 1;
pub const NOTIFY_CONFIG: u64 = 1 << 1;
pub const NOTIFY_ALL: u64 = u64::MAX;

/// `{"status":"ok"}` or `{"status":"error","error":"<text>"}`.
pub fn response(error: Option<&str>) -> String {
    let mut w = ObjectWriter::new();
    match error {
        None => {
            w.str("status", "ok");
        }
        Some(text) => {
            w.str("status", "error").str("error", text);
        }
    }
    w.finish()
}

/// The peer keys (FRR `json_object_add_peer`).
fn peer_keys(w: &mut ObjectWriter, s: &ControlSessionInfo) {
    let k = &s.key;
    w.bool("ipv6", k.peer.is_ipv6());
    w.bool("multihop", k.multihop);
    w.str("peer-address", &k.peer.to_string());
    if k.multihop {
        // Always present; the unspecified address when there is none.
        let local = match k.local {
            Some(a) => a.to_string(),
            None if k.peer.is_ipv6() => "::".to_string(),
            None => "0.0.0.0".to_string(),
        };
        w.str("local-address", &local);
        if !k.vrf.is_empty() {
            w.str("vrf-name", &k.vrf);
        }
    } else {
        if let Some(a) = k.local.filter(|a| !a.is_unspecified()) {
            w.str("local-address", &a.to_string());
        }
        if let Some(ifname) = k.ifname.as_deref().filter(|s| !s.is_empty()) {
            w.str("local-interface", ifname);
        }
    }
    if let Some(label) = s.label.as_deref() {
        w.str("label", label);
    }
}

fn state_word(state: State) -> &'static str {
    match state {
        State::Up => "up",
        State::AdminDown => "adm-down",
        State::Down => "down",
        State::Init => "init",
    }
}

/// A status notification (`op` "status").
pub fn status(s: &ControlSessionInfo) -> String {
    let mut w = ObjectWriter::new();
    w.str("op", "status");
    peer_keys(&mut w, s);
    w.int("id", i64::from(s.local_discr));
    // FRR's bug, kept on purpose: the local discriminator again.
    w.int("remote-id", i64::from(s.local_discr));
    w.str("state", state_word(s.state));
    let secs = i64::try_from(s.since_change.as_secs()).unwrap_or(i64::MAX);
    match s.state {
        State::Up => {
            w.int("uptime", secs);
        }
        State::Down => {
            w.int("downtime", secs);
        }
        State::AdminDown | State::Init => {}
    }
    w.int("diagnostics", i64::from(s.local_diag.0));
    w.int("remote-diagnostics", i64::from(s.remote_diag.0));
    w.finish()
}

/// A config notification; `delete` carries only the peer keys.
pub fn config(op: ConfigOp, s: &ControlSessionInfo) -> String {
    let mut w = ObjectWriter::new();
    w.str("op", op.as_str());
    peer_keys(&mut w, s);
    if op != ConfigOp::Delete {
        let ms = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
        w.int("detect-multiplier", i64::from(s.detect_mult))
            .int("receive-interval", ms(s.receive_interval_ms))
            .int("transmit-interval", ms(s.transmit_interval_ms))
            .int("echo-receive-interval", ms(s.echo_receive_interval_ms))
            .int("echo-transmit-interval", ms(s.echo_transmit_interval_ms))
            .int("remote-detect-multiplier", i64::from(s.remote_detect_mult))
            .int("remote-receive-interval", ms(s.remote_receive_interval_ms))
            .int(
                "remote-transmit-interval",
                ms(s.remote_transmit_interval_ms),
            )
            .int(
                "remote-echo-receive-interval",
                ms(s.remote_echo_receive_interval_ms),
            )
            .bool("echo-mode", s.echo_mode)
            .bool("shutdown", s.shutdown);
    }
    w.finish()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::engine::SessionKey;
    use bfd::packet::Diag;
    use std::time::Duration;

    /// A session for tests across the control module.
    pub(crate) fn info(peer: &str) -> ControlSessionInfo {
        ControlSessionInfo {
            key: SessionKey {
                peer: peer.parse().expect("test address"),
                local: None,
                ifname: None,
                vrf: "default".into(),
                multihop: false,
            },
            label: None,
            local_discr: 0x0102_0304,
            state: State::Up,
            local_diag: Diag::NONE,
            remote_diag: Diag(3),
            since_change: Duration::from_millis(12_900),
            detect_mult: 3,
            receive_interval_ms: 300,
            transmit_interval_ms: 300,
            echo_receive_interval_ms: 50,
            echo_transmit_interval_ms: 50,
            remote_detect_mult: 5,
            remote_receive_interval_ms: 100,
            remote_transmit_interval_ms: 200,
            remote_echo_receive_interval_ms: 0,
            echo_mode: false,
            shutdown: false,
        }
    }

    #[test]
    fn responses() {
        assert_eq!(response(None), r#"{"status":"ok"}"#);
        assert_eq!(
            response(Some(ERR_ADD)),
            r#"{"status":"error","error":"request add failed"}"#
        );
        assert_eq!(
            response(Some(ERR_DEL)),
            r#"{"status":"error","error":"request del failed"}"#
        );
        assert_eq!(
            response(Some(ERR_NOTIFY)),
            r#"{"status":"error","error":"failed to parse notify data"}"#
        );
        assert_eq!(
            response(Some(ERR_TYPE)),
            r#"{"status":"error","error":"invalid message type"}"#
        );
    }

    #[test]
    fn status_up_single_hop() {
        let mut s = info("192.0.2.2");
        s.key.ifname = Some("eth0".into());
        s.key.local = Some("192.0.2.1".parse().expect("addr"));
        assert_eq!(
            status(&s),
            concat!(
                r#"{"op":"status","ipv6":false,"multihop":false,"peer-address":"192.0.2.2","#,
                r#""local-address":"192.0.2.1","local-interface":"eth0","id":16909060,"#,
                r#""remote-id":16909060,"state":"up","uptime":12,"diagnostics":0,"#,
                r#""remote-diagnostics":3}"#
            )
        );
    }

    #[test]
    fn status_states_and_times() {
        let mut s = info("2001:db8::2");
        s.key.multihop = true;
        s.label = Some("core/1".into());
        s.state = State::Down;
        s.local_diag = Diag(1);
        assert_eq!(
            status(&s),
            concat!(
                r#"{"op":"status","ipv6":true,"multihop":true,"peer-address":"2001:db8::2","#,
                r#""local-address":"::","vrf-name":"default","label":"core\/1","#,
                r#""id":16909060,"remote-id":16909060,"state":"down","downtime":12,"#,
                r#""diagnostics":1,"remote-diagnostics":3}"#
            )
        );
        s.state = State::AdminDown;
        assert!(status(&s).contains(r#""state":"adm-down","diagnostics""#));
        s.state = State::Init;
        assert!(status(&s).contains(r#""state":"init","diagnostics""#));
    }

    #[test]
    fn config_notifications() {
        let s = info("192.0.2.2");
        assert_eq!(
            config(ConfigOp::Add, &s),
            concat!(
                r#"{"op":"add","ipv6":false,"multihop":false,"peer-address":"192.0.2.2","#,
                r#""detect-multiplier":3,"receive-interval":300,"transmit-interval":300,"#,
                r#""echo-receive-interval":50,"echo-transmit-interval":50,"#,
                r#""remote-detect-multiplier":5,"remote-receive-interval":100,"#,
                r#""remote-transmit-interval":200,"remote-echo-receive-interval":0,"#,
                r#""echo-mode":false,"shutdown":false}"#
            )
        );
        assert!(config(ConfigOp::Update, &s).starts_with(r#"{"op":"update","#));
        assert_eq!(
            config(ConfigOp::Delete, &s),
            r#"{"op":"delete","ipv6":false,"multihop":false,"peer-address":"192.0.2.2"}"#
        );
    }

    /// Texts captured from FRR 8.4.4's bfdd.sock (Debian 12 package) for
    /// the same sessions.
    #[test]
    fn equal_to_frr_8_4_4_captures() {
        let mut s = info("192.0.2.3");
        s.key.multihop = true;
        s.key.local = Some("192.0.2.1".parse().expect("addr"));
        s.local_discr = 3_975_459_525;
        s.state = State::Down;
        s.remote_diag = Diag::NONE;
        s.since_change = Duration::from_secs(4);
        s.remote_detect_mult = 3;
        s.remote_receive_interval_ms = 1000;
        s.remote_transmit_interval_ms = 1000;
        assert_eq!(
            config(ConfigOp::Add, &s),
            concat!(
                r#"{"op":"add","ipv6":false,"multihop":true,"peer-address":"192.0.2.3","#,
                r#""local-address":"192.0.2.1","vrf-name":"default","detect-multiplier":3,"#,
                r#""receive-interval":300,"transmit-interval":300,"echo-receive-interval":50,"#,
                r#""echo-transmit-interval":50,"remote-detect-multiplier":3,"#,
                r#""remote-receive-interval":1000,"remote-transmit-interval":1000,"#,
                r#""remote-echo-receive-interval":0,"echo-mode":false,"shutdown":false}"#
            )
        );
        assert_eq!(
            status(&s),
            concat!(
                r#"{"op":"status","ipv6":false,"multihop":true,"peer-address":"192.0.2.3","#,
                r#""local-address":"192.0.2.1","vrf-name":"default","id":3975459525,"#,
                r#""remote-id":3975459525,"state":"down","downtime":4,"diagnostics":0,"#,
                r#""remote-diagnostics":0}"#
            )
        );
        let mut s = info("192.0.2.2");
        s.key.ifname = Some("v0".into());
        s.label = Some("l/1".into());
        s.local_discr = 3_615_118_948;
        s.state = State::Down;
        s.remote_diag = Diag::NONE;
        s.since_change = Duration::from_secs(617);
        assert_eq!(
            status(&s),
            concat!(
                r#"{"op":"status","ipv6":false,"multihop":false,"peer-address":"192.0.2.2","#,
                r#""local-interface":"v0","label":"l\/1","id":3615118948,"#,
                r#""remote-id":3615118948,"state":"down","downtime":617,"diagnostics":0,"#,
                r#""remote-diagnostics":0}"#
            )
        );
        let mut s = info("2001:db8::2");
        s.key.multihop = true;
        s.key.local = Some("2001:db8::1".parse().expect("addr"));
        s.key.vrf = String::new();
        s.local_discr = 3_564_359_013;
        s.state = State::AdminDown;
        s.remote_diag = Diag::NONE;
        assert_eq!(
            status(&s),
            concat!(
                r#"{"op":"status","ipv6":true,"multihop":true,"peer-address":"2001:db8::2","#,
                r#""local-address":"2001:db8::1","id":3564359013,"remote-id":3564359013,"#,
                r#""state":"adm-down","diagnostics":0,"remote-diagnostics":0}"#
            )
        );
    }
}
