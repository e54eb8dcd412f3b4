//! The words of bfdd's config commands, as FRR's CLI takes them: numbers
//! in range, the `peer` command's arguments and checks, profile names, the
//! settings commands shared by peer and profile nodes, and the auth lines,
//! kept as a node's draft until the whole node is read. FRR's messages for
//! bad input come from here.

use std::net::IpAddr;

use super::model::{AuthConfig, Settings, DEFAULT_AUTH_KEY_ID, DEFAULT_MINIMUM_TTL, DEFAULT_VRF};
use bfd::auth::AuthType;

pub(super) const INCOMPLETE: &str = "% Command incomplete.";
const ECHO_ONLY_SINGLE_HOP: &str = "% Echo mode is only available for single hop sessions.";
const TTL_ONLY_MULTI_HOP: &str = "% Minimum TTL is only available for multi hop sessions.";
const NO_TTL_ON_SINGLE_HOP: &str =
    "% Failed to edit configuration.\n\nYANG error(s):\n Not found node \"minimum-ttl\" in path.";
const ECHO_WARNING: &str =
    "% Echo mode works correctly for IPv4, but only works when the peer is also FRR for IPv6.";
/// Linux IFNAMSIZ - 1.
const MAX_IFNAME_LEN: usize = 15;
/// FRR's VRF_NAMSIZ - 1.
const MAX_VRF_LEN: usize = 35;
/// yang/frr-bfdd.yang profile-name.
const MAX_PROFILE_NAME_LEN: usize = 64;

/// Auth lines seen in one node, with their line numbers, checked once the
/// whole file is read (a node may be re-entered, so its lines can be apart).
#[derive(Debug, Clone, Default)]
pub(super) struct AuthDraft {
    pub(super) auth_type: Option<(AuthType, usize)>,
    pub(super) key_id: Option<(u8, usize)>,
    pub(super) secret: Option<(Vec<u8>, usize)>,
}

/// The line as shown in errors: trimmed, with a secret replaced.
pub(super) fn shown_line(raw: &str) -> String {
    let trimmed = raw.trim();
    let toks: Vec<&str> = trimmed.split_whitespace().collect();
    let secret_from = match toks.as_slice() {
        ["authentication-key", ..] => 1,
        ["no", "authentication-key", ..] => 2,
        _ => return trimmed.to_string(),
    };
    let mut out: Vec<&str> = toks.iter().take(secret_from).copied().collect();
    if toks.len() > secret_from {
        out.push("<secret>");
    }
    out.join(" ")
}

pub(super) fn unknown(shown: &str) -> String {
    format!("% [bfdd] Unknown command: {shown}")
}

/// A decimal number in [min, max], as FRR's range tokens accept.
fn number(tok: &str, min: u64, max: u64) -> Option<u64> {
    if tok.is_empty() || tok.len() > 19 || !tok.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let v: u64 = tok.parse().ok()?;
    (min..=max).contains(&v).then_some(v)
}

/// The single numeric argument of a command.
fn one_number(rest: &[&str], min: u64, max: u64, shown: &str) -> Result<u64, String> {
    match rest {
        [] => Err(INCOMPLETE.to_string()),
        [t] => number(t, min, max).ok_or_else(|| unknown(shown)),
        _ => Err(unknown(shown)),
    }
}

pub(super) fn is_link_local(a: &IpAddr) -> bool {
    match a {
        IpAddr::V6(v6) => (v6.segments()[0] & 0xffc0) == 0xfe80,
        IpAddr::V4(_) => false,
    }
}

/// Keywords of the peer/profile nodes: a line starting with one of them
/// belongs to the node even if its arguments are wrong (then it is an error,
/// never a silent exit from the block).
const SETTING_WORDS: [&str; 14] = [
    "detect-multiplier",
    "receive-interval",
    "transmit-interval",
    "shutdown",
    "passive-mode",
    "echo-mode",
    "echo-interval",
    "echo",
    "minimum-ttl",
    "authentication-type",
    "authentication-key-id",
    "authentication-key",
    "profile",
    "exit",
];

/// Where a settings command runs: echo needs single-hop or a profile,
/// minimum-ttl needs multihop or a profile.
#[derive(Clone, Copy)]
pub(super) struct Place {
    pub(super) profile: bool,
    pub(super) multihop: bool,
}

/// The `peer` command's arguments.
pub(super) struct PeerArgs {
    pub(super) peer: IpAddr,
    pub(super) multihop: bool,
    pub(super) local: Option<IpAddr>,
    pub(super) ifname: Option<String>,
    pub(super) vrf: String,
}

pub(super) fn check_profile_name(name: &str) -> Result<(), String> {
    if name.len() > MAX_PROFILE_NAME_LEN {
        return Err(format!(
            "% profile name is longer than {MAX_PROFILE_NAME_LEN} characters"
        ));
    }
    Ok(())
}

/// `<A.B.C.D|X:X::X:X> [{multihop|local-address ADDR|interface IFNAME|vrf NAME}]`
pub(super) fn parse_peer_args(rest: &[&str], shown: &str) -> Result<PeerArgs, String> {
    let Some(first) = rest.first() else {
        return Err(INCOMPLETE.to_string());
    };
    let peer: IpAddr = first.parse().map_err(|_| unknown(shown))?;
    let mut multihop = false;
    let mut local: Option<IpAddr> = None;
    let mut ifname: Option<String> = None;
    let mut vrf: Option<String> = None;
    let mut it = rest.iter().skip(1);
    while let Some(tok) = it.next() {
        match *tok {
            "multihop" if !multihop => multihop = true,
            "local-address" if local.is_none() => {
                let a = it.next().ok_or_else(|| INCOMPLETE.to_string())?;
                local = Some(a.parse().map_err(|_| unknown(shown))?);
            }
            "interface" if ifname.is_none() => {
                let n = it.next().ok_or_else(|| INCOMPLETE.to_string())?;
                ifname = Some((*n).to_string());
            }
            "vrf" if vrf.is_none() => {
                let n = it.next().ok_or_else(|| INCOMPLETE.to_string())?;
                vrf = Some((*n).to_string());
            }
            // Unknown word, or an option given twice.
            _ => return Err(unknown(shown)),
        }
    }
    Ok(PeerArgs {
        peer,
        multihop,
        local,
        ifname,
        vrf: vrf.unwrap_or_else(|| DEFAULT_VRF.to_string()),
    })
}

/// The checks FRR's `peer`/`no peer` commands make before touching anything.
pub(super) fn check_peer_args(a: &PeerArgs) -> Result<(), String> {
    if a.multihop {
        if a.local.is_none() {
            return Err("% local-address is required when using multihop".to_string());
        }
        if a.ifname.is_some() {
            return Err("% interface is prohibited when using multihop".to_string());
        }
    }
    if let Some(l) = a.local {
        if l.is_ipv4() != a.peer.is_ipv4() {
            return Err("% local-address and peer must be of the same address family".to_string());
        }
    }
    if a.ifname.as_ref().is_some_and(|n| n.len() > MAX_IFNAME_LEN) {
        return Err("% interface name too long".to_string());
    }
    if a.vrf.len() > MAX_VRF_LEN {
        return Err("% vrf name too long".to_string());
    }
    Ok(())
}

/// Commands shared by peer and profile nodes. Ok(false): not one of ours.
pub(super) fn settings_command(
    place: Place,
    s: &mut Settings,
    auth: &mut Option<Box<AuthDraft>>,
    toks: &[&str],
    shown: &str,
    warnings: &mut Vec<String>,
    line: usize,
) -> Result<bool, String> {
    let echo_ok = || {
        if place.profile || !place.multihop {
            Ok(())
        } else {
            Err(ECHO_ONLY_SINGLE_HOP.to_string())
        }
    };
    let ttl_ok = || {
        if place.profile || place.multihop {
            Ok(())
        } else {
            Err(TTL_ONLY_MULTI_HOP.to_string())
        }
    };
    // Numbers narrower than u64 are range-checked first, so `as` is exact.
    match toks {
        ["detect-multiplier", rest @ ..] => {
            s.detect_multiplier = one_number(rest, 2, 255, shown)? as u8;
        }
        ["receive-interval", rest @ ..] => {
            s.receive_interval_ms = one_number(rest, 10, 60000, shown)? as u32;
        }
        ["transmit-interval", rest @ ..] => {
            s.transmit_interval_ms = one_number(rest, 10, 60000, shown)? as u32;
        }
        ["shutdown"] => s.shutdown = true,
        ["no", "shutdown"] => s.shutdown = false,
        ["passive-mode"] => s.passive_mode = true,
        ["no", "passive-mode"] => s.passive_mode = false,
        ["echo-mode"] => {
            echo_ok()?;
            warnings.push(ECHO_WARNING.to_string());
            s.echo_mode = true;
        }
        ["no", "echo-mode"] => {
            echo_ok()?;
            s.echo_mode = false;
        }
        ["echo-interval", rest @ ..] => {
            let v = one_number(rest, 10, 60000, shown)? as u32;
            echo_ok()?;
            s.echo_transmit_interval_ms = v;
            s.echo_receive_interval_ms = v;
        }
        ["echo", "transmit-interval", rest @ ..] => {
            let v = one_number(rest, 10, 60000, shown)? as u32;
            echo_ok()?;
            s.echo_transmit_interval_ms = v;
        }
        ["echo", "receive-interval", "disabled"] => {
            echo_ok()?;
            s.echo_receive_interval_ms = 0;
        }
        ["echo", "receive-interval", rest @ ..] => {
            let v = one_number(rest, 10, 60000, shown)? as u32;
            echo_ok()?;
            s.echo_receive_interval_ms = v;
        }
        ["echo"] => return Err(INCOMPLETE.to_string()),
        ["minimum-ttl", rest @ ..] => {
            let v = one_number(rest, 1, 254, shown)? as u8;
            ttl_ok()?;
            s.minimum_ttl = v;
        }
        // `no minimum-ttl` alone is a separate FRR command without the
        // single-hop check; with a value it is `[no] minimum-ttl (1-254)`.
        ["no", "minimum-ttl"] => {
            if !place.profile && !place.multihop {
                // FRR 8.4 reports the missing YANG leaf but succeeds.
                warnings.push(NO_TTL_ON_SINGLE_HOP.to_string());
            }
            s.minimum_ttl = DEFAULT_MINIMUM_TTL;
        }
        ["no", "minimum-ttl", rest @ ..] => {
            one_number(rest, 1, 254, shown)?;
            ttl_ok()?;
            s.minimum_ttl = DEFAULT_MINIMUM_TTL;
        }
        ["authentication-type", rest @ ..] => match rest {
            [] => return Err(INCOMPLETE.to_string()),
            [name] => {
                let t = AuthType::from_config_name(name).ok_or_else(|| {
                    format!(
                        "% unknown authentication-type '{name}' (expected {})",
                        AuthType::ALL
                            .iter()
                            .map(|t| t.config_name())
                            .collect::<Vec<_>>()
                            .join("|")
                    )
                })?;
                draft(auth).auth_type = Some((t, line));
            }
            _ => return Err(unknown(shown)),
        },
        ["no", "authentication-type"] | ["no", "authentication-type", _] => {
            draft(auth).auth_type = None
        }
        ["authentication-key-id", rest @ ..] => match rest {
            [] => return Err(INCOMPLETE.to_string()),
            [t] => {
                let id = number(t, 0, 255)
                    .ok_or_else(|| format!("% authentication-key-id must be 0-255, not '{t}'"))?;
                draft(auth).key_id = Some((id as u8, line));
            }
            _ => return Err(unknown(shown)),
        },
        ["no", "authentication-key-id"] | ["no", "authentication-key-id", _] => {
            draft(auth).key_id = None
        }
        ["authentication-key", rest @ ..] => match rest {
            [] => return Err(INCOMPLETE.to_string()),
            [secret] => draft(auth).secret = Some((secret.as_bytes().to_vec(), line)),
            _ => {
                return Err(format!(
                    "{} (the key is one word without spaces)",
                    unknown(shown)
                ))
            }
        },
        ["no", "authentication-key"] | ["no", "authentication-key", _] => draft(auth).secret = None,
        [w, ..] if SETTING_WORDS.contains(w) => return Err(unknown(shown)),
        ["no", w, ..] if SETTING_WORDS.contains(w) => return Err(unknown(shown)),
        _ => return Ok(false),
    }
    Ok(true)
}

/// A node's auth lines make a complete, legal setting or none at all.
/// The node's auth draft, created by its first auth line.
fn draft(a: &mut Option<Box<AuthDraft>>) -> &mut AuthDraft {
    a.get_or_insert_with(Default::default)
}

pub(super) fn finish_auth(
    a: &Option<Box<AuthDraft>>,
) -> Result<Option<AuthConfig>, (usize, String)> {
    let Some(a) = a else {
        return Ok(None);
    };
    match (&a.auth_type, &a.secret) {
        (None, None) => match a.key_id {
            Some((_, l)) => Err((
                l,
                "% authentication-key-id without authentication-type and authentication-key"
                    .to_string(),
            )),
            None => Ok(None),
        },
        (Some((_, l)), None) => Err((
            *l,
            "% authentication-type without authentication-key".to_string(),
        )),
        (None, Some((_, l))) => Err((
            *l,
            "% authentication-key without authentication-type".to_string(),
        )),
        (Some((t, _)), Some((secret, l))) => {
            let max = t.max_secret_len();
            if secret.is_empty() || secret.len() > max {
                return Err((
                    *l,
                    format!(
                        "% authentication-key for {} must be 1 to {max} bytes, not {}",
                        t.config_name(),
                        secret.len()
                    ),
                ));
            }
            Ok(Some(AuthConfig {
                auth_type: *t,
                key_id: a.key_id.map(|(k, _)| k).unwrap_or(DEFAULT_AUTH_KEY_ID),
                secret: secret.clone(),
            }))
        }
    }
}
