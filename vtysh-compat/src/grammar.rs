//! FRR-style command matching: a command is written in FRR's syntax
//! (`show bfd [vrf NAME] peers [brief] [json]`), expanded into its plain token
//! sequences, and an input line is matched the way lib/command_match.c does:
//! keywords may be abbreviated to any prefix, variables must match exactly,
//! and among several complete matches the first token that tells them apart
//! decides (address/range beats keyword beats free word); when nothing tells
//! them apart the line is ambiguous.

use std::net::{Ipv4Addr, Ipv6Addr};

/// One token of an expanded command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tok {
    /// A keyword, matched by any non-empty prefix.
    Kw(String),
    /// A free word (`WORD`, `NAME`, ...): anything.
    Var,
    /// `A.B.C.D`
    Ipv4,
    /// `X:X::X:X`
    Ipv6,
    /// `(min-max)`
    Range(i64, i64),
    /// `.LINE`: one or more words to the end of the line.
    Line,
}

/// How well an input word matches a token (ordered as FRR orders them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum MatchType {
    No,
    Partly,
    Exact,
}

impl Tok {
    fn match_word(&self, word: &[u8]) -> MatchType {
        match self {
            Tok::Kw(text) => {
                let text = text.as_bytes();
                if word == text {
                    MatchType::Exact
                } else if !word.is_empty() && text.starts_with(word) {
                    MatchType::Partly
                } else {
                    MatchType::No
                }
            }
            Tok::Var | Tok::Line => MatchType::Exact,
            Tok::Ipv4 => exact_if(parse_str::<Ipv4Addr>(word).is_some()),
            Tok::Ipv6 => exact_if(parse_str::<Ipv6Addr>(word).is_some()),
            Tok::Range(min, max) => {
                exact_if(parse_str::<i64>(word).is_some_and(|v| (*min..=*max).contains(&v)))
            }
        }
    }

    /// Only keywords may be abbreviated.
    fn min_match(&self) -> MatchType {
        match self {
            Tok::Kw(_) => MatchType::Partly,
            _ => MatchType::Exact,
        }
    }

    /// FRR's precedence: lower wins when two commands disagree on a token.
    fn precedence(&self) -> u8 {
        match self {
            Tok::Ipv4 | Tok::Ipv6 | Tok::Range(..) => 2,
            Tok::Kw(_) => 3,
            Tok::Var | Tok::Line => 4,
        }
    }

    fn same_kind(&self, other: &Tok) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other)
    }
}

fn exact_if(ok: bool) -> MatchType {
    if ok {
        MatchType::Exact
    } else {
        MatchType::No
    }
}

fn parse_str<T: std::str::FromStr>(word: &[u8]) -> Option<T> {
    std::str::from_utf8(word).ok()?.parse().ok()
}

/// Why a line did not run, with FRR's return codes in mind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchError {
    NoMatch,
    Ambiguous,
    Incomplete,
}

/// Expands FRR command syntax into every plain token sequence it allows.
/// Supported: keywords, UPPERCASE variables, `A.B.C.D`, `X:X::X:X`,
/// `(min-max)`, `.LINE`, `[optional ...]`, `<a|b c>` choices and
/// `{a|b c}` keyword sets (each element at most once, any order).
pub fn expand(syntax: &str) -> Vec<Vec<Tok>> {
    let chars: Vec<char> = syntax.chars().collect();
    let mut pos = 0;
    let alts = parse_seq(&chars, &mut pos);
    alts.into_iter().collect()
}

/// Parses a sequence until a closing bracket or `|`; returns alternatives.
fn parse_seq(c: &[char], pos: &mut usize) -> Vec<Vec<Tok>> {
    let mut acc: Vec<Vec<Tok>> = vec![Vec::new()];
    loop {
        while *pos < c.len() && c[*pos] == ' ' {
            *pos += 1;
        }
        if *pos >= c.len() || matches!(c[*pos], ']' | '>' | '}' | '|') {
            return acc;
        }
        let part: Vec<Vec<Tok>> = match c[*pos] {
            '[' => {
                *pos += 1;
                let mut inner: Vec<Vec<Tok>> = parse_choices(c, pos).concat();
                *pos += 1; // ']'
                inner.push(Vec::new());
                inner
            }
            '<' => {
                *pos += 1;
                let inner = parse_choices(c, pos).concat();
                *pos += 1; // '>'
                inner
            }
            '{' => {
                *pos += 1;
                let items = parse_choices(c, pos);
                *pos += 1; // '}'
                keyword_set(&items)
            }
            _ => {
                let start = *pos;
                while *pos < c.len() && !matches!(c[*pos], ' ' | ']' | '>' | '}' | '|') {
                    *pos += 1;
                }
                let word: String = c[start..*pos].iter().collect();
                vec![vec![word_tok(&word)]]
            }
        };
        let mut next = Vec::with_capacity(acc.len() * part.len());
        for a in &acc {
            for p in &part {
                let mut v = a.clone();
                v.extend(p.iter().cloned());
                next.push(v);
            }
        }
        acc = next;
    }
}

/// The `|`-separated choices of a bracket, each with its own alternatives.
fn parse_choices(c: &[char], pos: &mut usize) -> Vec<Vec<Vec<Tok>>> {
    let mut out = vec![parse_seq(c, pos)];
    while *pos < c.len() && c[*pos] == '|' {
        *pos += 1;
        out.push(parse_seq(c, pos));
    }
    out
}

/// Non-empty subsets of the choices in every order (FRR's `{a|b|c}`), one
/// alternative of each chosen element.
fn keyword_set(items: &[Vec<Vec<Tok>>]) -> Vec<Vec<Tok>> {
    fn rec(items: &[Vec<Vec<Tok>>], used: &mut Vec<bool>, cur: Vec<Tok>, out: &mut Vec<Vec<Tok>>) {
        for i in 0..items.len() {
            if used[i] {
                continue;
            }
            used[i] = true;
            for alt in &items[i] {
                let mut next = cur.clone();
                next.extend(alt.iter().cloned());
                out.push(next.clone());
                rec(items, used, next, out);
            }
            used[i] = false;
        }
    }
    let mut out = Vec::new();
    rec(items, &mut vec![false; items.len()], Vec::new(), &mut out);
    out
}

fn word_tok(word: &str) -> Tok {
    if word == "A.B.C.D" {
        Tok::Ipv4
    } else if word == "X:X::X:X" {
        Tok::Ipv6
    } else if let Some(line) = word.strip_prefix('.') {
        debug_assert!(!line.is_empty());
        Tok::Line
    } else if let Some(range) = word.strip_prefix('(').and_then(|w| w.strip_suffix(')')) {
        let (a, b) = range.split_once('-').unwrap_or((range, range));
        Tok::Range(a.parse().unwrap_or(0), b.parse().unwrap_or(0))
    } else if word.chars().any(|ch| ch.is_ascii_uppercase()) && !word.contains('_') {
        Tok::Var
    } else {
        Tok::Kw(word.to_string())
    }
}

/// Splits a command line into words as FRR does: leading blanks skipped,
/// a line starting with `!` or `#` is a comment, words split on blanks.
/// `None` means nothing to run.
pub fn split_words(line: &[u8]) -> Option<Vec<&[u8]>> {
    let start = line
        .iter()
        .position(|b| !b.is_ascii_whitespace() && *b != 0x0b)?;
    let rest = &line[start..];
    if rest[0] == b'!' || rest[0] == b'#' {
        return None;
    }
    let words: Vec<&[u8]> = rest
        .split(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() {
        None
    } else {
        Some(words)
    }
}

/// A complete match of one expanded command.
struct Candidate<'a, T> {
    tokens: &'a [Tok],
    id: &'a T,
}

/// Picks the command among `commands` (each an expanded token sequence with
/// an id) that `words` runs, with FRR's abbreviation and tie-breaking.
pub fn match_words<'a, T>(
    commands: &'a [(Vec<Tok>, T)],
    words: &[&[u8]],
) -> Result<&'a T, MatchError> {
    match_words_tokens(commands, words).map(|(id, _)| id)
}

/// `match_words`, also giving the matched token sequence (to expand
/// abbreviations with [`expand_words`]).
pub fn match_words_tokens<'a, T>(
    commands: &'a [(Vec<Tok>, T)],
    words: &[&[u8]],
) -> Result<(&'a T, &'a [Tok]), MatchError> {
    let mut best: Option<Candidate<'a, T>> = None;
    let mut ambiguous = false;
    let mut incomplete = false;
    for (tokens, id) in commands {
        match match_one(tokens, words) {
            Fit::Full => {}
            Fit::Incomplete => {
                incomplete = true;
                continue;
            }
            Fit::No => continue,
        }
        let cand = Candidate { tokens, id };
        match &best {
            None => best = Some(cand),
            Some(cur) => match better(cur.tokens, cand.tokens, words) {
                None => ambiguous = true,
                Some(false) => {}
                Some(true) => {
                    best = Some(cand);
                    ambiguous = false;
                }
            },
        }
    }
    match best {
        Some(_) if ambiguous => Err(MatchError::Ambiguous),
        Some(c) => Ok((c.id, c.tokens)),
        None if incomplete => Err(MatchError::Incomplete),
        None => Err(MatchError::NoMatch),
    }
}

/// The line with every abbreviated keyword written out in full, words
/// joined by one space: what a matched command means, independent of how it
/// was typed.
pub fn expand_words(tokens: &[Tok], words: &[&[u8]]) -> String {
    words
        .iter()
        .enumerate()
        .map(|(i, w)| match tokens.get(i) {
            Some(Tok::Kw(k)) => k.clone(),
            _ => String::from_utf8_lossy(w).into_owned(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

enum Fit {
    Full,
    Incomplete,
    No,
}

fn match_one(tokens: &[Tok], words: &[&[u8]]) -> Fit {
    for (i, tok) in tokens.iter().enumerate() {
        if *tok == Tok::Line {
            return if words.len() > i {
                Fit::Full
            } else {
                Fit::Incomplete
            };
        }
        let Some(word) = words.get(i) else {
            return Fit::Incomplete;
        };
        if tok.match_word(word) < tok.min_match() {
            return Fit::No;
        }
    }
    if words.len() == tokens.len() {
        Fit::Full
    } else {
        Fit::No
    }
}

/// `Some(true)` if `b` beats `a`, `Some(false)` if `a` beats `b`, `None` if
/// no word tells them apart.
fn better(a: &[Tok], b: &[Tok], words: &[&[u8]]) -> Option<bool> {
    for (i, word) in words.iter().enumerate() {
        let ta = a.get(i).or(a.last())?;
        let tb = b.get(i).or(b.last())?;
        if !ta.same_kind(tb) {
            let (pa, pb) = (ta.precedence(), tb.precedence());
            if pa != pb {
                return Some(pb < pa);
            }
            return None;
        }
        let (ma, mb) = (ta.match_word(word), tb.match_word(word));
        if ma != mb {
            return Some(mb > ma);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kw(s: &str) -> Tok {
        Tok::Kw(s.into())
    }

    #[test]
    fn expands_optionals_choices_and_sets() {
        let v = expand("show bfd [vrf NAME] peers [json]");
        assert_eq!(v.len(), 4);
        assert!(v.contains(&vec![kw("show"), kw("bfd"), kw("peers")]));
        assert!(v.contains(&vec![
            kw("show"),
            kw("bfd"),
            kw("vrf"),
            Tok::Var,
            kw("peers"),
            kw("json")
        ]));
        let v = expand("peer <WORD|A.B.C.D|X:X::X:X>");
        assert_eq!(v.len(), 3);
        assert_eq!(v[1], vec![kw("peer"), Tok::Ipv4]);
        // {a|b|c}: 3 + 6 + 6 ordered non-empty subsets
        assert_eq!(expand("{a|b|c}").len(), 15);
        assert_eq!(expand("echo .MESSAGE"), vec![vec![kw("echo"), Tok::Line]]);
        assert_eq!(expand("terminal length (0-512)")[0][2], Tok::Range(0, 512));
        assert_eq!(
            expand("XFRR_start_configuration"),
            vec![vec![kw("XFRR_start_configuration")]]
        );
    }

    #[test]
    fn splits_like_frr() {
        assert_eq!(split_words(b"  \t "), None);
        assert_eq!(split_words(b""), None);
        assert_eq!(split_words(b"! comment"), None);
        assert_eq!(split_words(b"  # comment"), None);
        assert_eq!(
            split_words(b"\tshow\tbfd  peers "),
            Some(vec![&b"show"[..], b"bfd", b"peers"])
        );
    }

    fn table(syntaxes: &[(&str, u32)]) -> Vec<(Vec<Tok>, u32)> {
        let mut out = Vec::new();
        for (s, id) in syntaxes {
            for t in expand(s) {
                out.push((t, *id));
            }
        }
        out
    }

    fn run(t: &[(Vec<Tok>, u32)], line: &str) -> Result<u32, MatchError> {
        let words = split_words(line.as_bytes()).unwrap_or_default();
        match_words(t, &words).copied()
    }

    #[test]
    fn abbreviation_precedence_and_errors() {
        let t = table(&[
            ("show bfd [vrf NAME] peers [brief] [json]", 1),
            ("show bfd [vrf NAME] peer <WORD|A.B.C.D|X:X::X:X> [json]", 2),
            ("enable", 3),
            ("exit", 4),
            ("echo .MESSAGE", 5),
        ]);
        assert_eq!(run(&t, "sh bfd pe"), Ok(1));
        // "peer" is a prefix of "peers"; "peer WORD" lacks its word
        assert_eq!(run(&t, "show bfd peer"), Ok(1));
        // keyword "brief" beats the free label word
        assert_eq!(run(&t, "sh bfd pe br"), Ok(1));
        assert_eq!(run(&t, "show bfd peer foo"), Ok(2));
        assert_eq!(run(&t, "show bfd peer 192.0.2.1 json"), Ok(2));
        assert_eq!(run(&t, "show bfd"), Err(MatchError::Incomplete));
        assert_eq!(run(&t, "s"), Err(MatchError::Incomplete));
        assert_eq!(run(&t, "echo"), Err(MatchError::Incomplete));
        assert_eq!(run(&t, "echo a b"), Ok(5));
        assert_eq!(run(&t, "e"), Err(MatchError::Ambiguous));
        assert_eq!(run(&t, "en"), Ok(3));
        assert_eq!(
            run(&t, "show bfd peers json brief"),
            Err(MatchError::NoMatch)
        );
        assert_eq!(run(&t, "ShOw bfd peers"), Err(MatchError::NoMatch));
        assert_eq!(run(&t, "foo"), Err(MatchError::NoMatch));
    }

    #[test]
    fn address_tokens_need_exact_values() {
        let t = table(&[("x A.B.C.D", 1), ("x X:X::X:X", 2), ("y (1-10)", 3)]);
        assert_eq!(run(&t, "x 10.0.0.1"), Ok(1));
        assert_eq!(run(&t, "x fe80::1"), Ok(2));
        assert_eq!(run(&t, "x 10.0.0"), Err(MatchError::NoMatch));
        assert_eq!(run(&t, "y 10"), Ok(3));
        assert_eq!(run(&t, "y 11"), Err(MatchError::NoMatch));
    }
}
