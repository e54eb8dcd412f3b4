//! Normalised views of a daemon's vty output for differential tests, and
//! their comparison. A view is a list of lines; normalising blanks out only
//! what cannot match between two runs (discriminators, uptime/downtime
//! seconds, the order FRR's hash tables list sessions in) and marks packet
//! counts as approximate (`~N`), which [`lines_match`] then compares within
//! [`PACKET_TOLERANCE`]. [`diff`] renders a unified-style diff of two views;
//! [`save`] and [`load`] keep a run's views in a file.

/// Keys whose values are random per run: discriminators (0 stays 0, as
/// "no remote discriminator yet" is meaningful).
const DISCRIMINATOR_KEYS: [&str; 2] = ["id", "remote-id"];
/// Keys whose values are wall-clock seconds.
const SECONDS_KEYS: [&str; 2] = ["uptime", "downtime"];
/// Keys holding control packet counts, which depend on when a view is taken.
const PACKET_KEYS: [&str; 2] = ["control-packet-input", "control-packet-output"];

/// Packet counts match when both are 0, or both are non-zero and differ by
/// at most 10 plus half of the larger one: the two runs read their views at
/// different moments after different waits, so the counts cannot be equal,
/// but a count that was not cleared, or a rate off by a factor, still shows.
pub const PACKET_TOLERANCE: &str = "both 0, or both > 0 and within 10 + 50% of the larger";

/// Normalises one line of FRR's pretty-printed JSON (`    "key":value,`).
fn normalise_json_line(line: &str) -> String {
    let trimmed = line.trim_start();
    let indent = &line[..line.len() - trimmed.len()];
    let Some(rest) = trimmed.strip_prefix('"') else {
        return line.to_string();
    };
    let Some((key, value)) = rest.split_once("\":") else {
        return line.to_string();
    };
    let (value, comma) = match value.strip_suffix(',') {
        Some(v) => (v, ","),
        None => (value, ""),
    };
    let new = if DISCRIMINATOR_KEYS.contains(&key) && value != "0" {
        "<discriminator>".to_string()
    } else if SECONDS_KEYS.contains(&key) {
        "<seconds>".to_string()
    } else if PACKET_KEYS.contains(&key) {
        format!("~{value}")
    } else {
        return line.to_string();
    };
    format!("{indent}\"{key}\":{new}{comma}")
}

/// Normalises the output of a `show bfd ... json` command: values as
/// [`normalise_json_line`] does, and when the document is an array of
/// objects (one per session), the objects sorted by their text with the
/// commas between them dropped, since FRR lists sessions in the order of a
/// hash of their random discriminators.
pub fn normalise_json(text: &str) -> Vec<String> {
    let lines: Vec<String> = text.lines().map(normalise_json_line).collect();
    if lines.first().map(String::as_str) != Some("[")
        || lines.last().map(String::as_str) != Some("]")
    {
        return lines;
    }
    let mut objects: Vec<Vec<String>> = Vec::new();
    let mut current: Option<Vec<String>> = None;
    for l in &lines[1..lines.len() - 1] {
        match (l.as_str(), current.as_mut()) {
            ("  {", None) => current = Some(vec![l.clone()]),
            ("  }" | "  },", Some(obj)) => {
                obj.push("  }".to_string());
                objects.extend(current.take());
            }
            (_, Some(obj)) => obj.push(l.clone()),
            // Not the layout expected: leave the document as it was.
            (_, None) => return lines,
        }
    }
    if current.is_some() {
        return lines;
    }
    objects.sort();
    let mut out = vec!["[".to_string()];
    out.extend(objects.into_iter().flatten());
    out.push("]".to_string());
    out
}

/// Normalises `show bfd peers brief`: a data row's session id (the local
/// discriminator, first column, 10 wide) becomes `<id>`, and the rows are
/// sorted (hash order, as for the JSON).
pub fn normalise_brief(text: &str) -> Vec<String> {
    let mut head = Vec::new();
    let mut rows = Vec::new();
    for l in text.lines() {
        let digits = l.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && digits <= 10 && l.len() > 10 && l[digits..10].bytes().all(|b| b == b' ') {
            rows.push(format!("{:<10}{}", "<id>", &l[10..]));
        } else if rows.is_empty() {
            head.push(l.to_string());
        } else {
            rows.push(l.to_string());
        }
    }
    rows.sort();
    head.into_iter().chain(rows).collect()
}

/// Normalises the text of `show bfd peer ...`: the `ID:` and `Remote ID:`
/// values (unless 0) and the `Uptime:`/`Downtime:` durations are blanked,
/// control packet counts marked approximate.
pub fn normalise_peer_text(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| {
            let trimmed = l.trim_start();
            let indent = &l[..l.len() - trimmed.len()];
            for label in ["ID: ", "Remote ID: "] {
                if let Some(v) = trimmed.strip_prefix(label) {
                    if v != "0" {
                        return format!("{indent}{label}<discriminator>");
                    }
                }
            }
            for label in ["Control packet input: ", "Control packet output: "] {
                if let Some(v) = trimmed.strip_prefix(label) {
                    return format!("{indent}{label}~{v}");
                }
            }
            for label in ["Uptime: ", "Downtime: "] {
                if trimmed.starts_with(label) {
                    return format!("{indent}{label}<time>");
                }
            }
            l.to_string()
        })
        .collect()
}

/// The `bfd` block of a `show running-config`: from the `bfd` line to the
/// first `exit` at the start of a line after it, both included.
pub fn bfd_section(running: &str) -> Vec<String> {
    let mut out = Vec::new();
    for l in running.lines() {
        if out.is_empty() && l != "bfd" {
            continue;
        }
        out.push(l.to_string());
        if l == "exit" {
            break;
        }
    }
    if out.is_empty() {
        out.push("(no bfd section)".to_string());
    }
    out
}

/// The approximate numbers (`~N`) of a line and the line with them blanked.
fn split_approx(line: &str) -> (String, Vec<u64>) {
    let mut text = String::new();
    let mut nums = Vec::new();
    let mut rest = line;
    while let Some(i) = rest.find('~') {
        text.push_str(&rest[..=i]);
        let after = &rest[i + 1..];
        let n = after.bytes().take_while(u8::is_ascii_digit).count();
        if n > 0 {
            nums.push(after[..n].parse().unwrap_or(u64::MAX));
        }
        rest = &after[n..];
    }
    text.push_str(rest);
    (text, nums)
}

fn close_enough(a: u64, b: u64) -> bool {
    if a == 0 || b == 0 {
        return a == b;
    }
    a.abs_diff(b) <= 10 + a.max(b) / 2
}

/// Two view lines match when equal, or equal but for approximate numbers
/// that are close enough (see [`PACKET_TOLERANCE`]).
pub fn lines_match(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let (ta, na) = split_approx(a);
    let (tb, nb) = split_approx(b);
    ta == tb && na.len() == nb.len() && na.iter().zip(&nb).all(|(x, y)| close_enough(*x, *y))
}

/// Two views match line by line.
pub fn views_match(a: &[String], b: &[String]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| lines_match(x, y))
}

/// A unified-style diff of `a` (`-`) and `b` (`+`), with two lines of
/// context around each change; lines that match per [`lines_match`] count
/// as equal.
pub fn diff(a: &[String], b: &[String]) -> String {
    // Longest common subsequence table, from the ends.
    let (n, m) = (a.len(), b.len());
    let mut lcs = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if lines_match(&a[i], &b[j]) {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut ops: Vec<(char, &str)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && lines_match(&a[i], &b[j]) {
            ops.push((' ', &a[i]));
            i += 1;
            j += 1;
        } else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) {
            ops.push(('-', &a[i]));
            i += 1;
        } else {
            ops.push(('+', &b[j]));
            j += 1;
        }
    }
    let near_change = |k: usize| {
        let lo = k.saturating_sub(2);
        let hi = (k + 2).min(ops.len() - 1);
        ops[lo..=hi].iter().any(|(c, _)| *c != ' ')
    };
    let mut out = String::new();
    let mut skipped = false;
    for (k, (c, l)) in ops.iter().enumerate() {
        if near_change(k) {
            if skipped {
                out.push_str("@@\n");
                skipped = false;
            }
            out.push_str(&format!("{c}{l}\n"));
        } else {
            skipped = true;
        }
    }
    out
}

/// Named views, in the order they were read.
pub type Views = Vec<(String, Vec<String>)>;

/// One step of a scenario: its name, and the views read after it.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub step: String,
    pub views: Views,
}

/// [`Record`]s as text: `### step`, then `## view` and its lines.
pub fn save(records: &[Record]) -> String {
    let mut s = String::new();
    for r in records {
        s.push_str(&format!("### {}\n", r.step));
        for (name, lines) in &r.views {
            s.push_str(&format!("## {name}\n"));
            for l in lines {
                s.push_str(l);
                s.push('\n');
            }
        }
    }
    s
}

pub fn load(text: &str) -> Vec<Record> {
    let mut records: Vec<Record> = Vec::new();
    for l in text.lines() {
        if let Some(step) = l.strip_prefix("### ") {
            records.push(Record {
                step: step.to_string(),
                views: Vec::new(),
            });
        } else if let Some(view) = l.strip_prefix("## ") {
            let r = records.last_mut().expect("a step first");
            r.views.push((view.to_string(), Vec::new()));
        } else {
            let r = records.last_mut().expect("a step first");
            r.views
                .last_mut()
                .expect("a view first")
                .1
                .push(l.to_string());
        }
    }
    records
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(lines: &[&str]) -> Vec<String> {
        lines.iter().map(|s| s.to_string()).collect()
    }

    const TWO: &str = "[\n  {\n    \"multihop\":false,\n    \"peer\":\"10.0.0.9\",\n    \"id\":123,\n    \"remote-id\":0,\n    \"uptime\":7,\n    \"control-packet-output\":40\n  },\n  {\n    \"multihop\":false,\n    \"peer\":\"10.0.0.2\",\n    \"id\":77,\n    \"remote-id\":99\n  }\n]\n";

    #[test]
    fn json_blanks_what_cannot_match_and_sorts_sessions() {
        let n = normalise_json(TWO);
        assert_eq!(
            n,
            v(&[
                "[",
                "  {",
                "    \"multihop\":false,",
                "    \"peer\":\"10.0.0.2\",",
                "    \"id\":<discriminator>,",
                "    \"remote-id\":<discriminator>",
                "  }",
                "  {",
                "    \"multihop\":false,",
                "    \"peer\":\"10.0.0.9\",",
                "    \"id\":<discriminator>,",
                "    \"remote-id\":0,",
                "    \"uptime\":<seconds>,",
                "    \"control-packet-output\":~40",
                "  }",
                "]",
            ])
        );
    }

    #[test]
    fn brief_blanks_ids_and_sorts_rows() {
        let text = "Session count: 2\nSessionId  LocalAddress  PeerAddress  Status\n=========  ============  ===========  ======\n4000000000 10.0.0.1 10.0.0.9 up\n12         10.0.0.1 10.0.0.2 down\n";
        let n = normalise_brief(text);
        assert_eq!(n[3], "<id>       10.0.0.1 10.0.0.2 down");
        assert_eq!(n[4], "<id>       10.0.0.1 10.0.0.9 up");
        assert_eq!(n[0], "Session count: 2");
    }

    #[test]
    fn peer_text_blanks_ids_and_times() {
        let text = "BFD Peer:\n\tpeer 10.0.0.2 interface e0\n\t\tID: 1234\n\t\tRemote ID: 0\n\t\tStatus: up\n\t\tUptime: 5 second(s)\n\t\tDiagnostics: ok\n";
        assert_eq!(
            normalise_peer_text(text),
            v(&[
                "BFD Peer:",
                "\tpeer 10.0.0.2 interface e0",
                "\t\tID: <discriminator>",
                "\t\tRemote ID: 0",
                "\t\tStatus: up",
                "\t\tUptime: <time>",
                "\t\tDiagnostics: ok",
            ])
        );
        let counters = "\t\tControl packet input: 362 packets\n\t\tEcho packet input: 0 packets\n";
        let n = normalise_peer_text(counters);
        assert_eq!(n[0], "\t\tControl packet input: ~362 packets");
        assert_eq!(n[1], "\t\tEcho packet input: 0 packets");
    }

    #[test]
    fn bfd_section_is_cut_out() {
        let run = "Current configuration:\n!\nhostname x\n!\nbfd\n peer 10.0.0.2\n exit\n !\nexit\n!\nend\n";
        assert_eq!(
            bfd_section(run),
            v(&["bfd", " peer 10.0.0.2", " exit", " !", "exit"])
        );
        assert_eq!(bfd_section("hostname x\n"), v(&["(no bfd section)"]));
    }

    #[test]
    fn packet_counts_match_within_tolerance_only() {
        assert!(lines_match("\"o\":~100,", "\"o\":~140,"));
        assert!(lines_match("\"o\":~3", "\"o\":~12"));
        assert!(!lines_match("\"o\":~0", "\"o\":~5"));
        assert!(!lines_match("\"o\":~100", "\"o\":~400"));
        assert!(!lines_match("\"i\":~100", "\"o\":~100"));
        assert!(!lines_match("\"o\":7", "\"o\":8"));
    }

    #[test]
    fn records_survive_save_and_load() {
        let records = vec![
            Record {
                step: "0: a".into(),
                views: vec![("v1".into(), v(&["x", "", "  y"])), ("v2".into(), v(&[]))],
            },
            Record {
                step: "1: b".into(),
                views: vec![("v1".into(), v(&["z"]))],
            },
        ];
        assert_eq!(load(&save(&records)), records);
    }

    #[test]
    fn diff_shows_changed_lines_with_context() {
        let a = v(&["1", "2", "3", "4", "5", "6", "7", "8"]);
        let b = v(&["1", "2", "3", "4", "X", "6", "7", "8"]);
        assert!(!views_match(&a, &b));
        assert_eq!(diff(&a, &b), "@@\n 3\n 4\n-5\n+X\n 6\n 7\n");
        assert!(views_match(&a, &a.clone()));
        assert_eq!(diff(&a, &a), "");
    }
}
