//! Log lines for session state changes, one per engine notification:
//! the session's key and the RFC 5880 diagnostic in words.

use tokio::sync::mpsc::UnboundedReceiver;

use crate::engine::{Notification, SessionKey};
use bfd::packet::Diag;

/// Log every state change the engine reports, until the channel closes.
pub async fn log_notifications(mut rx: UnboundedReceiver<Notification>) {
    while let Some(n) = rx.recv().await {
        match n {
            Notification::StateChanged {
                key,
                from,
                to,
                diag,
                ..
            } => tracing::info!(
                "session {} {:?} -> {:?}, diag {}",
                describe_key(&key),
                from,
                to,
                diag_text(diag)
            ),
        }
    }
}

/// `10.0.0.2 (local 10.0.0.1, lo, vrf default)`, with `multihop` when set.
fn describe_key(k: &SessionKey) -> String {
    let local = k.local.map_or_else(|| "any".to_string(), |a| a.to_string());
    let mut s = format!("{} (local {local}", k.peer);
    if let Some(ifname) = &k.ifname {
        s.push_str(", ");
        s.push_str(ifname);
    }
    s.push_str(", vrf ");
    s.push_str(&k.vrf);
    if k.multihop {
        s.push_str(", multihop");
    }
    s.push(')');
    s
}

/// RFC 5880 §4.1 diagnostic names, lower case for log lines.
fn diag_text(d: Diag) -> String {
    let name = match d {
        Diag::NONE => "none",
        Diag::CONTROL_DETECTION_TIME_EXPIRED => "control detection time expired",
        Diag::ECHO_FUNCTION_FAILED => "echo function failed",
        Diag::NEIGHBOR_SIGNALED_SESSION_DOWN => "neighbor signaled session down",
        Diag::FORWARDING_PLANE_RESET => "forwarding plane reset",
        Diag::PATH_DOWN => "path down",
        Diag::CONCATENATED_PATH_DOWN => "concatenated path down",
        Diag::ADMINISTRATIVELY_DOWN => "administratively down",
        Diag::REVERSE_CONCATENATED_PATH_DOWN => "reverse concatenated path down",
        Diag(n) => return format!("{n}"),
    };
    name.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_change_text() {
        let k = SessionKey {
            peer: "10.0.0.2".parse().expect("addr"),
            local: Some("10.0.0.1".parse().expect("addr")),
            ifname: Some("lo".into()),
            vrf: "default".into(),
            multihop: false,
        };
        assert_eq!(
            describe_key(&k),
            "10.0.0.2 (local 10.0.0.1, lo, vrf default)"
        );
        let mh = SessionKey {
            ifname: None,
            local: None,
            multihop: true,
            ..k
        };
        assert_eq!(
            describe_key(&mh),
            "10.0.0.2 (local any, vrf default, multihop)"
        );
        assert_eq!(
            diag_text(Diag::CONTROL_DETECTION_TIME_EXPIRED),
            "control detection time expired"
        );
        assert_eq!(diag_text(Diag(31)), "31");
    }
}
