//! Reading bfdd-rs's log file: the session state changes it logs at info
//! (`session PEER (...) FROM -> TO, diag TEXT`) with their wall-clock time,
//! so a test can time a detection from the daemon's own clock instead of
//! from the coarse polling of `show bfd peers json`.

use std::net::IpAddr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// One logged session state change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateChange {
    pub at: SystemTime,
    pub peer: IpAddr,
    pub multihop: bool,
    /// "AdminDown", "Down", "Init" or "Up".
    pub from: String,
    pub to: String,
    pub diag: String,
}

/// Every state change in `log` (the text of bfdd-rs's log file), in order.
/// Lines that are not state changes, or do not parse, are skipped.
pub fn state_changes(log: &str) -> Vec<StateChange> {
    log.lines().filter_map(parse_line).collect()
}

fn parse_line(line: &str) -> Option<StateChange> {
    let (stamp, rest) = line.split_once(char::is_whitespace)?;
    let at = parse_rfc3339_utc(stamp)?;
    let rest = &rest[rest.find("session ")? + "session ".len()..];
    let (peer, rest) = rest.split_once(' ')?;
    let peer: IpAddr = peer.parse().ok()?;
    let close = rest.find(") ")?;
    let multihop = rest[..close].contains("multihop");
    let (states, diag) = rest[close + 2..].split_once(", diag ")?;
    let (from, to) = states.split_once(" -> ")?;
    Some(StateChange {
        at,
        peer,
        multihop,
        from: from.trim().to_string(),
        to: to.trim().to_string(),
        diag: diag.trim().to_string(),
    })
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction]Z` (tracing's default timer) as a time.
pub fn parse_rfc3339_utc(s: &str) -> Option<SystemTime> {
    let s = s.strip_suffix('Z')?;
    let (date, time) = s.split_once('T')?;
    let mut d = date.split('-');
    let year: i64 = d.next()?.parse().ok()?;
    let month: u32 = d.next()?.parse().ok()?;
    let day: u32 = d.next()?.parse().ok()?;
    let (hms, frac) = match time.split_once('.') {
        Some((hms, frac)) => (hms, frac),
        None => (time, ""),
    };
    let mut t = hms.split(':');
    let h: u64 = t.next()?.parse().ok()?;
    let m: u64 = t.next()?.parse().ok()?;
    let sec: u64 = t.next()?.parse().ok()?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || h > 23 || m > 59 || sec > 60 {
        return None;
    }
    let nanos: u32 = if frac.is_empty() {
        0
    } else {
        if frac.len() > 9 || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        format!("{frac:0<9}").parse().ok()?
    };
    let days = days_from_civil(year, month, day);
    let secs = u64::try_from(days).ok()? * 86_400 + h * 3600 + m * 60 + sec;
    Some(UNIX_EPOCH + Duration::new(secs, nanos))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// well-known civil-calendar arithmetic).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_timestamps() {
        assert_eq!(parse_rfc3339_utc("1970-01-01T00:00:00Z"), Some(UNIX_EPOCH));
        assert_eq!(
            parse_rfc3339_utc("2026-11-24T20:40:01.123456Z"),
            Some(UNIX_EPOCH + Duration::new(1_795_552_801, 123_456_000))
        );
        assert_eq!(
            parse_rfc3339_utc("2000-03-01T00:00:00.5Z"),
            Some(UNIX_EPOCH + Duration::new(951_868_800, 500_000_000))
        );
        assert_eq!(parse_rfc3339_utc("2026-11-24T20:40:01"), None);
        assert_eq!(parse_rfc3339_utc("2026-13-24T20:40:01Z"), None);
    }

    #[test]
    fn parses_state_change_lines() {
        let log = "2026-11-24T20:40:01.000100Z  INFO bfdd-rs ready\n\
            2026-11-24T20:40:02.250000Z  INFO session 10.200.30.2 (local any, bfrs-30a0, vrf default) Up -> Down, diag path down\n\
            2026-11-24T20:40:03.000000Z  INFO session fd00:201:30::2 (local fd00:201:30::1, vrf default, multihop) Down -> Up, diag none\n\
            garbage session x\n";
        let all = state_changes(log);
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].peer, "10.200.30.2".parse::<IpAddr>().unwrap());
        assert!(!all[0].multihop);
        assert_eq!((all[0].from.as_str(), all[0].to.as_str()), ("Up", "Down"));
        assert_eq!(all[0].diag, "path down");
        assert_eq!(
            all[0].at,
            UNIX_EPOCH + Duration::new(1_795_552_802, 250_000_000)
        );
        assert!(all[1].multihop);
        assert_eq!(all[1].to, "Up");
        assert_eq!(all[1].diag, "none");
    }
}
