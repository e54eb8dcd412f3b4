//! The request payloads of REQUEST_ADD / REQUEST_DEL / NOTIFY_ADD /
//! NOTIFY_DEL: a JSON object of lists (`ipv4`, `ipv6`, `label`) of peer
//! objects, each validated with FRR's rules (bfdd/config.c) into the
//! backend's `PeerRequest`. Pure: label lookups are the server's job, which
//! hands a session's key in as the base for `label` entries. FRR applies
//! every valid entry even when others fail and answers with an error if any
//! failed, so errors are per entry here.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::backend::PeerRequest;
use super::json::{self, Json, JsonError};
use crate::engine::SessionKey;

/// The VRF of a peer object without `vrf-name` (or with an empty one).
const DEFAULT_VRF: &str = "default";

/// FRR `MAXNAMELEN`: labels live in 32 bytes, names in 33.
const LABEL_BUF: usize = 32;
const NAME_BUF: usize = 33;
/// IFNAMSIZ - 1: the longest interface name a session key holds.
const IFNAME_MAX: usize = 15;

/// Which list a peer object came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKind {
    Ipv4,
    Ipv6,
    Label,
}

/// The lists of one request, in the order the client wrote them.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestDoc {
    pub lists: Vec<(ListKind, Vec<Json>)>,
    /// Top-level members that are not a known list (each one an error).
    pub errors: Vec<RequestError>,
}

/// Why a payload or a top-level member is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestError {
    Json(JsonError),
    /// The payload is not a JSON object (json-c would abort on it).
    NotAnObject,
    /// A top-level key other than ipv4/ipv6/label.
    UnknownList(String),
    /// A list that is not an array (json-c would abort on it).
    ListNotArray(String),
}

impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RequestError::Json(e) => write!(f, "{e}"),
            RequestError::NotAnObject => write!(f, "payload is not a JSON object"),
            RequestError::UnknownList(k) => write!(f, "invalid configuration: {k}"),
            RequestError::ListNotArray(k) => write!(f, "list {k} is not an array"),
        }
    }
}

/// Why one peer object is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeerError {
    NotAnObject,
    UnknownKey(String),
    BadPeerAddress(String),
    BadLocalAddress(String),
    /// A string member that is null.
    Null(&'static str),
    TooLong(&'static str),
    NoPeerAddress,
    /// A `label` entry without a `label` member, or naming no session.
    UnknownLabel(String),
}

impl fmt::Display for PeerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PeerError::NotAnObject => write!(f, "peer is not a JSON object"),
            PeerError::UnknownKey(k) => write!(f, "invalid configuration: '{k}'"),
            PeerError::BadPeerAddress(a) => write!(f, "failed to parse peer-address '{a}'"),
            PeerError::BadLocalAddress(a) => write!(f, "failed to parse local-address '{a}'"),
            PeerError::Null(k) => write!(f, "{k} is null"),
            PeerError::TooLong(k) => write!(f, "{k} too long"),
            PeerError::NoPeerAddress => write!(f, "no peer address provided"),
            PeerError::UnknownLabel(l) => write!(f, "no session with label '{l}'"),
        }
    }
}

/// Split a payload into its lists.
pub fn parse_request(payload: &[u8]) -> Result<RequestDoc, RequestError> {
    let v = json::parse(payload).map_err(RequestError::Json)?;
    let Json::Object(members) = v else {
        return Err(RequestError::NotAnObject);
    };
    let mut doc = RequestDoc {
        lists: Vec::new(),
        errors: Vec::new(),
    };
    for (key, value) in members {
        let kind = match key.as_str() {
            "ipv4" => ListKind::Ipv4,
            "ipv6" => ListKind::Ipv6,
            "label" => ListKind::Label,
            _ => {
                doc.errors.push(RequestError::UnknownList(key));
                continue;
            }
        };
        match value {
            Json::Array(entries) => doc.lists.push((kind, entries)),
            _ => doc.errors.push(RequestError::ListNotArray(key)),
        }
    }
    Ok(doc)
}

/// Where a peer object starts (FRR `struct bfd_peer_cfg` before the
/// object's members are read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeerBase {
    /// An entry of the `ipv4` (true) or `ipv6` (false) list: no peer yet,
    /// the object must name one.
    Family { ipv4: bool },
    /// A `label` entry: the labelled session's key.
    Session(SessionKey),
}

/// A request with FRR's defaults for `key`: nothing else asked for.
pub(crate) fn blank(key: SessionKey) -> PeerRequest {
    PeerRequest {
        key,
        label: None,
        detect_mult: None,
        receive_interval_ms: None,
        transmit_interval_ms: None,
        echo_receive_interval_ms: None,
        echo_transmit_interval_ms: None,
        echo_mode: false,
        shutdown: false,
        create_only: false,
    }
}

/// The `label` member of a `label` entry (FRR reads it before anything
/// else to find the session).
pub fn entry_label(entry: &Json) -> Result<String, PeerError> {
    if entry.as_object().is_none() {
        return Err(PeerError::NotAnObject);
    }
    entry
        .get("label")
        .and_then(Json::as_string)
        .ok_or_else(|| PeerError::UnknownLabel(String::new()))
}

/// Read a peer object's members over `base` (FRR `parse_peer_config`):
/// every problem is collected, and the request is valid only with none.
/// The key takes its final form as members are read: no local address for
/// an unspecified one, no interface for an empty name and at most
/// IFNAMSIZ - 1 bytes of it, the default VRF for an empty name.
pub fn read_peer(entry: &Json, base: PeerBase) -> (PeerRequest, Vec<PeerError>) {
    let (mut req, mut has_peer) = match base {
        // The family's unspecified address holds the list's family until
        // `peer-address` replaces it; without one the entry is refused.
        PeerBase::Family { ipv4 } => {
            let none = if ipv4 {
                IpAddr::V4(Ipv4Addr::UNSPECIFIED)
            } else {
                IpAddr::V6(Ipv6Addr::UNSPECIFIED)
            };
            let key = SessionKey {
                peer: none,
                local: None,
                ifname: None,
                vrf: DEFAULT_VRF.to_string(),
                multihop: false,
            };
            (blank(key), false)
        }
        PeerBase::Session(key) => (blank(key), true),
    };
    let Some(members) = entry.as_object() else {
        return (req, vec![PeerError::NotAnObject]);
    };
    let ipv4 = req.key.peer.is_ipv4();
    let mut errors = Vec::new();
    for (key, v) in members {
        match key.as_str() {
            "multihop" => req.key.multihop = v.as_bool(),
            "peer-address" => match parse_addr(v, ipv4) {
                Ok(a) => {
                    req.key.peer = a;
                    has_peer = true;
                }
                Err(text) => errors.push(PeerError::BadPeerAddress(text)),
            },
            "local-address" => match parse_addr(v, ipv4) {
                Ok(a) => req.key.local = Some(a).filter(|a| !a.is_unspecified()),
                Err(text) => errors.push(PeerError::BadLocalAddress(text)),
            },
            "local-interface" => match bounded_string(v, "local-interface", NAME_BUF) {
                Ok(s) => req.key.ifname = (!s.is_empty()).then(|| truncate(&s, IFNAME_MAX)),
                Err(e) => errors.push(e),
            },
            "vrf-name" => match bounded_string(v, "vrf-name", NAME_BUF) {
                Ok(s) if s.is_empty() => req.key.vrf = DEFAULT_VRF.to_string(),
                Ok(s) => req.key.vrf = s,
                Err(e) => errors.push(e),
            },
            "label" => match bounded_string(v, "label", LABEL_BUF) {
                Ok(s) => req.label = Some(s),
                Err(e) => errors.push(e),
            },
            // A u8 in FRR: the low byte of the int64 is kept.
            "detect-multiplier" => req.detect_mult = Some(v.as_i64() as u8),
            // u64 in FRR: a negative int64 wraps.
            "receive-interval" => req.receive_interval_ms = Some(v.as_i64() as u64),
            "transmit-interval" => req.transmit_interval_ms = Some(v.as_i64() as u64),
            "echo-receive-interval" => req.echo_receive_interval_ms = Some(v.as_i64() as u64),
            "echo-transmit-interval" => req.echo_transmit_interval_ms = Some(v.as_i64() as u64),
            "create-only" => req.create_only = v.as_bool(),
            "shutdown" => req.shutdown = v.as_bool(),
            "echo-mode" => req.echo_mode = v.as_bool(),
            other => errors.push(PeerError::UnknownKey(other.to_string())),
        }
    }
    if !has_peer {
        errors.push(PeerError::NoPeerAddress);
    }
    (req, errors)
}

/// An address of the list's family (FRR `strtosa` then a family check).
fn parse_addr(v: &Json, ipv4: bool) -> Result<IpAddr, String> {
    let text = v.as_string().ok_or_else(|| "null".to_string())?;
    match text.parse::<IpAddr>() {
        Ok(a) if a.is_ipv4() == ipv4 => Ok(a),
        _ => Err(text),
    }
}

/// FRR copies names into fixed buffers with strlcpy and refuses only what
/// is longer than the buffer; a name of exactly the buffer's size is cut
/// by one byte without an error.
fn bounded_string(v: &Json, key: &'static str, buf: usize) -> Result<String, PeerError> {
    let s = v.as_string().ok_or(PeerError::Null(key))?;
    if s.len() > buf {
        return Err(PeerError::TooLong(key));
    }
    Ok(truncate(&s, buf - 1))
}

/// At most `max` bytes, cut on a character boundary.
fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn peer(text: &str, ipv4: bool) -> (PeerRequest, Vec<PeerError>) {
        let v = json::parse(text.as_bytes()).expect("test JSON");
        read_peer(&v, PeerBase::Family { ipv4 })
    }

    #[test]
    fn lists_in_order_and_unknown_top_keys() {
        let d = parse_request(br#"{"ipv6":[],"bogus":1,"ipv4":[{}],"label":{}}"#).expect("ok");
        let kinds: Vec<_> = d.lists.iter().map(|(k, l)| (*k, l.len())).collect();
        assert_eq!(kinds, [(ListKind::Ipv6, 0), (ListKind::Ipv4, 1)]);
        assert_eq!(
            d.errors,
            [
                RequestError::UnknownList("bogus".into()),
                RequestError::ListNotArray("label".into())
            ]
        );
    }

    #[test]
    fn payload_must_be_an_object() {
        assert_eq!(parse_request(b"[]"), Err(RequestError::NotAnObject));
        assert!(matches!(parse_request(b"{"), Err(RequestError::Json(_))));
    }

    #[test]
    fn every_key_is_read() {
        let (c, e) = peer(
            r#"{"multihop":true,"peer-address":"192.0.2.2","local-address":"192.0.2.1",
               "local-interface":"eth0","vrf-name":"red","label":"l1",
               "detect-multiplier":5,"receive-interval":100,"transmit-interval":200,
               "echo-receive-interval":60,"echo-transmit-interval":70,
               "create-only":true,"shutdown":true,"echo-mode":true}"#,
            true,
        );
        assert!(e.is_empty(), "{e:?}");
        assert!(c.key.multihop && c.create_only && c.shutdown && c.echo_mode);
        assert_eq!(c.key.ifname.as_deref(), Some("eth0"));
        assert_eq!(c.key.vrf, "red");
        assert_eq!(c.label.as_deref(), Some("l1"));
        assert_eq!(c.detect_mult, Some(5));
        assert_eq!(
            (
                c.receive_interval_ms,
                c.transmit_interval_ms,
                c.echo_receive_interval_ms,
                c.echo_transmit_interval_ms
            ),
            (Some(100), Some(200), Some(60), Some(70))
        );
        let k = c.key;
        assert_eq!(k.peer, "192.0.2.2".parse::<IpAddr>().expect("addr"));
        assert_eq!(k.local, Some("192.0.2.1".parse().expect("addr")));
        assert_eq!(k.vrf, "red");
        assert!(k.multihop);
    }

    #[test]
    fn unknown_key_and_missing_peer_are_errors() {
        let (_, e) = peer(r#"{"peer-address":"192.0.2.2","bogus":1}"#, true);
        assert_eq!(e, [PeerError::UnknownKey("bogus".into())]);
        let (_, e) = peer(r#"{"multihop":false}"#, true);
        assert_eq!(e, [PeerError::NoPeerAddress]);
        let (_, e) = peer(r#"["peer-address"]"#, true);
        assert_eq!(e, [PeerError::NotAnObject]);
    }

    #[test]
    fn family_must_match_the_list() {
        let (_, e) = peer(r#"{"peer-address":"2001:db8::2"}"#, true);
        assert_eq!(
            e,
            [
                PeerError::BadPeerAddress("2001:db8::2".into()),
                PeerError::NoPeerAddress
            ]
        );
        let (c, e) = peer(
            r#"{"peer-address":"2001:db8::2","local-address":"192.0.2.1"}"#,
            false,
        );
        assert_eq!(e, [PeerError::BadLocalAddress("192.0.2.1".into())]);
        assert_eq!(c.key.peer, "2001:db8::2".parse::<IpAddr>().expect("addr"));
        let (_, e) = peer(r#"{"peer-address":5}"#, true);
        assert_eq!(e[0], PeerError::BadPeerAddress("5".into()));
        let (_, e) = peer(r#"{"peer-address":null}"#, true);
        assert_eq!(e[0], PeerError::BadPeerAddress("null".into()));
    }

    #[test]
    fn name_lengths_follow_strlcpy() {
        let l32 = "a".repeat(32);
        let (c, e) = peer(
            &format!(r#"{{"peer-address":"192.0.2.2","label":"{l32}"}}"#),
            true,
        );
        assert!(e.is_empty());
        assert_eq!(c.label.map(|l| l.len()), Some(31));
        let (_, e) = peer(
            &format!(r#"{{"peer-address":"192.0.2.2","label":"{l32}x"}}"#),
            true,
        );
        assert_eq!(e, [PeerError::TooLong("label")]);
        let long_if = "i".repeat(34);
        let (_, e) = peer(
            &format!(r#"{{"peer-address":"192.0.2.2","local-interface":"{long_if}"}}"#),
            true,
        );
        assert_eq!(e, [PeerError::TooLong("local-interface")]);
        // A 20-byte name is accepted but the key holds IFNAMSIZ - 1 bytes.
        let (c, e) = peer(
            r#"{"peer-address":"192.0.2.2","local-interface":"abcdefghijklmnopqrst"}"#,
            true,
        );
        assert!(e.is_empty());
        assert_eq!(c.key.ifname.as_deref(), Some("abcdefghijklmno"));
    }

    #[test]
    fn numbers_are_coerced_like_json_c() {
        let (c, e) = peer(
            r#"{"peer-address":"192.0.2.2","detect-multiplier":258,"receive-interval":"150","transmit-interval":-1,"shutdown":1}"#,
            true,
        );
        assert!(e.is_empty());
        assert_eq!(c.detect_mult, Some(2));
        assert_eq!(c.receive_interval_ms, Some(150));
        assert_eq!(c.transmit_interval_ms, Some(u64::MAX));
        assert!(c.shutdown);
    }

    #[test]
    fn key_defaults() {
        let (c, _) = peer(
            r#"{"peer-address":"192.0.2.2","local-address":"0.0.0.0","vrf-name":"","local-interface":""}"#,
            true,
        );
        let k = c.key;
        assert_eq!((k.local, k.ifname, k.vrf.as_str()), (None, None, "default"));
    }

    #[test]
    fn label_entries() {
        let v = json::parse(br#"{"label":"l1","transmit-interval":500}"#).expect("json");
        assert_eq!(entry_label(&v), Ok("l1".to_string()));
        let key = SessionKey {
            peer: "2001:db8::2".parse().expect("addr"),
            local: None,
            ifname: Some("eth1".into()),
            vrf: "default".into(),
            multihop: false,
        };
        let (c, e) = read_peer(&v, PeerBase::Session(key.clone()));
        assert!(e.is_empty());
        assert_eq!(c.key, key);
        assert_eq!(c.transmit_interval_ms, Some(500));
        let none = json::parse(br#"{"transmit-interval":500}"#).expect("json");
        assert!(entry_label(&none).is_err());
    }

    /// Random damage to valid payloads (a stand-in for the fuzz target where
    /// cargo-fuzz is not installed): parsing and validation never panic.
    #[test]
    fn damaged_payloads_never_panic() {
        use rand::{Rng, SeedableRng};
        let seeds: [&[u8]; 3] = [
            br#"{"ipv4":[{"peer-address":"192.0.2.2","local-interface":"eth0","label":"x","detect-multiplier":3}]}"#,
            br#"{"ipv6":[{"peer-address":"2001:db8::2","multihop":true,"local-address":"2001:db8::1","vrf-name":"red"}]}"#,
            br#"{"label":[{"label":"x","transmit-interval":"100","shutdown":1e3}]}"#,
        ];
        let mut rng = rand::rngs::SmallRng::seed_from_u64(5880);
        let mut accepted = 0;
        for i in 0..20_000 {
            let mut p = seeds[i % seeds.len()].to_vec();
            for _ in 0..rng.gen_range(1..4) {
                let at = rng.gen_range(0..p.len());
                match rng.gen_range(0..3) {
                    0 => p[at] = rng.gen(),
                    1 => {
                        p.remove(at);
                    }
                    _ => {
                        let alphabet = b"{}[],:\"0-e.\\u";
                        p.insert(at, alphabet[rng.gen_range(0..alphabet.len())]);
                    }
                }
            }
            let Ok(doc) = parse_request(&p) else { continue };
            for (kind, entries) in &doc.lists {
                for e in entries {
                    let ipv4 = *kind != ListKind::Ipv6;
                    let _ = entry_label(e);
                    if read_peer(e, PeerBase::Family { ipv4 }).1.is_empty() {
                        accepted += 1;
                    }
                }
            }
        }
        assert!(accepted > 0, "some damaged payloads stay valid");
    }
}
