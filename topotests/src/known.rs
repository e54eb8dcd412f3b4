//! The verdict of a differential run: two runs of the same steps (FRR's
//! bfdd as the subject, then bfdd-rs) are compared view by view, and every
//! view that differs is either explained by an entry of a test's list of
//! known differences or counts against bfdd-rs. The list must stay true: a
//! known difference that no run shows any more fails the test as well.

use crate::views::{self, Record};

/// A difference a test found and does not fix: a deliberate choice (RFC on
/// the wire) or one outside the subject's control. Tolerated and printed.
pub struct Known {
    pub why: &'static str,
    /// The steps (their names) it shows in; empty: any step.
    pub steps: &'static [&'static str],
    /// The views it shows in, by the start of their name; empty: any view.
    pub views: &'static [&'static str],
    /// Every differing line of the view contains one of these; empty: any.
    pub keys: &'static [&'static str],
}

/// The entry of `known` that explains the whole of `diff` in `view` after
/// step `what`, if any.
pub fn explain(known: &[Known], what: &str, view: &str, diff: &str) -> Option<usize> {
    known.iter().position(|k| {
        (k.steps.is_empty() || k.steps.contains(&what))
            && (k.views.is_empty() || k.views.iter().any(|v| view.starts_with(v)))
            && (k.keys.is_empty()
                || diff
                    .lines()
                    .filter(|l| l.starts_with('-') || l.starts_with('+'))
                    .all(|l| k.keys.iter().any(|key| l.contains(key))))
    })
}

/// Every (step, view) where the two runs differ, as a printable diff, with
/// the entry of `known` explaining it if one does. `what(i)` names record
/// i's step as [`Known::steps`] does.
pub fn differences<'a>(
    frr: &[Record],
    rs: &[Record],
    what: impl Fn(usize) -> &'a str,
    known: &[Known],
) -> Vec<(Option<usize>, String)> {
    assert_eq!(frr.len(), rs.len(), "both runs went through every step");
    let mut out = Vec::new();
    for (i, (f, r)) in frr.iter().zip(rs).enumerate() {
        assert_eq!(f.views.len(), r.views.len(), "{}: views", f.step);
        for ((name, fv), (_, rv)) in f.views.iter().zip(&r.views) {
            if !views::views_match(fv, rv) {
                let d = views::diff(fv, rv);
                let text = format!(
                    "=== step {}, view `{name}` (- FRR bfdd, + bfdd-rs)\n{d}",
                    f.step
                );
                out.push((explain(known, what(i), name, &d), text));
            }
        }
    }
    out
}

/// Prints every difference and fails when one is not known, or when a
/// known one was not seen.
pub fn verdict<'a>(
    frr: &[Record],
    rs: &[Record],
    what: impl Fn(usize) -> &'a str,
    known: &[Known],
) {
    let diffs = differences(frr, rs, what, known);
    for (k, d) in &diffs {
        match k {
            Some(k) => eprintln!("(known: {})\n{d}", known[*k].why),
            None => eprintln!("{d}"),
        }
    }
    let unknown = diffs.iter().filter(|(k, _)| k.is_none()).count();
    eprintln!(
        "{} steps, {} differing views ({unknown} not known)",
        frr.len(),
        diffs.len()
    );
    assert_eq!(
        unknown, 0,
        "bfdd-rs differs from FRR's bfdd in {unknown} views (diffs above)"
    );
    for (n, k) in known.iter().enumerate() {
        assert!(
            diffs.iter().any(|(seen, _)| *seen == Some(n)),
            "known difference no longer seen, remove it from the list: {}",
            k.why
        );
    }
}

/// FRR's run of a table, cached for working on bfdd-rs: when the variable
/// `env` names a file, FRR's run is read from it when it exists (skipping
/// the run; delete the file whenever the table changes) and saved to it
/// otherwise.
pub fn cached_frr_run(env: &str, run: impl FnOnce() -> Vec<Record>) -> Vec<Record> {
    let cache = std::env::var_os(env).map(std::path::PathBuf::from);
    if let Some(text) = cache.as_ref().and_then(|p| std::fs::read_to_string(p).ok()) {
        eprintln!("FRR's run read from {cache:?}");
        return views::load(&text);
    }
    let records = run();
    if let Some(p) = &cache {
        std::fs::write(p, views::save(&records)).expect("save FRR's run");
    }
    records
}

#[cfg(test)]
mod tests {
    use super::*;

    const K: &[Known] = &[Known {
        why: "intervals",
        steps: &["shutdown"],
        views: &["remote's view"],
        keys: &["interval:"],
    }];

    #[test]
    fn a_known_difference_must_cover_every_changed_line() {
        let d = "-rx-interval: 200\n+rx-interval: 1000\n status: down";
        assert_eq!(explain(K, "shutdown", "remote's view, v4", d), Some(0));
        assert_eq!(explain(K, "no shutdown", "remote's view, v4", d), None);
        assert_eq!(explain(K, "shutdown", "show bfd peers", d), None);
        let more = "-rx-interval: 200\n+rx-interval: 1000\n-status: up\n+status: down";
        assert_eq!(explain(K, "shutdown", "remote's view, v4", more), None);
    }
}
