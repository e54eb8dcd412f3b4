//! A command line to a `Command`: match it against the node's table, then
//! pick out the arguments (VRF, peer selector, show variant) and write
//! configuration and daemon lines out in full.

use std::net::IpAddr;

use super::command::{Command, PeerSelector, PeersView, Request};
use super::node::{Node, NodePath};
use super::table::{table, Id};
use crate::grammar::{expand_words, match_words_tokens, split_words, MatchError};

/// Parses one command line (without its NUL) in `node`. `Ok(None)` for an
/// empty line or a comment. The `do` prefix is the caller's business
/// (`Session` handles it).
pub fn parse(node: Node, line: &[u8]) -> Result<Option<Command>, MatchError> {
    let Some(words) = split_words(line) else {
        return Ok(None);
    };
    parse_words(node, &words).map(Some)
}

fn text(word: &[u8]) -> String {
    String::from_utf8_lossy(word).into_owned()
}

pub(super) fn parse_words(node: Node, words: &[&[u8]]) -> Result<Command, MatchError> {
    let (id, tokens) = match_words_tokens(table(node), words)?;
    let line = || expand_words(tokens, words);
    Ok(match *id {
        Id::Empty => Command::Empty,
        Id::TerminalMonitor => Command::TerminalMonitor,
        Id::ConfigureTerminal => Command::ConfigureTerminal,
        Id::ConfigLine => Command::Request(Request::Configure {
            node: NodePath::new(node),
            line: line(),
            defer: false,
        }),
        Id::XfrrStart => Command::XfrrStart,
        Id::XfrrEnd => Command::Request(Request::Commit),
        Id::ShowStartupConfig => Command::Request(Request::ShowStartupConfig),
        Id::ShowDistributed => Command::ShowDistributed,
        Id::WriteTerminal => Command::Request(Request::WriteTerminal),
        Id::WriteMemory => Command::Request(Request::WriteMemory),
        Id::ShowDebugging => Command::Request(Request::ShowDebugging),
        Id::Daemon => Command::Request(Request::Daemon { line: line() }),
        Id::ClearCounters => match show_peer_args(words) {
            Command::ShowPeer { vrf, selector, .. } => {
                Command::Request(Request::ClearCounters { vrf, selector })
            }
            _ => Command::Nothing,
        },
        Id::Enable => Command::Enable,
        Id::Disable => Command::Disable,
        Id::End => Command::End,
        Id::Exit => Command::Exit,
        Id::Nothing => Command::Nothing,
        Id::ShowVersion => Command::ShowVersion,
        Id::Echo => Command::Echo(
            words[1..]
                .iter()
                .map(|w| text(w))
                .collect::<Vec<_>>()
                .join(" "),
        ),
        Id::ShowPeers => show_peers_args(words),
        Id::ShowPeer => show_peer_args(words),
    })
}

/// Words after `show bfd`, with an optional `vrf NAME` taken off the front.
fn vrf_and_rest<'a>(words: &'a [&'a [u8]]) -> (Option<String>, &'a [&'a [u8]]) {
    let rest = &words[2..];
    // The matcher accepted the line, so a word matching "vrf" here is the
    // keyword (a peer is never named before "peer"/"peers").
    if rest.len() >= 2 && b"vrf".starts_with(rest[0]) && !b"peers".starts_with(rest[0]) {
        (Some(text(rest[1])), &rest[2..])
    } else {
        (None, rest)
    }
}

fn is_kw(word: &[u8], kw: &str) -> bool {
    !word.is_empty() && kw.as_bytes().starts_with(word)
}

fn show_peers_args(words: &[&[u8]]) -> Command {
    let (vrf, rest) = vrf_and_rest(words);
    // rest[0] is "peers"; what follows is brief|counters and/or json.
    let mut view = PeersView::Detail;
    let mut json = false;
    for w in &rest[1..] {
        if is_kw(w, "json") {
            json = true;
        } else if is_kw(w, "brief") {
            view = PeersView::Brief;
        } else if is_kw(w, "counters") {
            view = PeersView::Counters;
        }
    }
    Command::ShowPeers { vrf, view, json }
}

fn show_peer_args(words: &[&[u8]]) -> Command {
    let (vrf, rest) = vrf_and_rest(words);
    // rest[0] is "peer", rest[1] the peer; options follow.
    let name = rest.get(1).map(|w| text(w)).unwrap_or_default();
    let peer: Option<IpAddr> = name.parse().ok();
    let mut selector = PeerSelector {
        label: if peer.is_none() { Some(name) } else { None },
        peer,
        multihop: false,
        local: None,
        interface: None,
    };
    let mut counters = false;
    let mut json = false;
    let mut i = 2;
    while i < rest.len() {
        let w = rest[i];
        if is_kw(w, "multihop") {
            selector.multihop = true;
        } else if is_kw(w, "local-address") && i + 1 < rest.len() {
            selector.local = text(rest[i + 1]).parse().ok();
            i += 1;
        } else if is_kw(w, "interface") && i + 1 < rest.len() {
            selector.interface = Some(text(rest[i + 1]));
            i += 1;
        } else if is_kw(w, "counters") {
            counters = true;
        } else if is_kw(w, "json") {
            json = true;
        }
        i += 1;
    }
    Command::ShowPeer {
        vrf,
        selector,
        counters,
        json,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thread_cpu_commands_reach_the_daemon_in_full() {
        let daemon = |node: Node, l: &str| match parse(node, l.as_bytes()) {
            Ok(Some(Command::Request(Request::Daemon { line }))) => line,
            other => panic!("{l}: {other:?}"),
        };
        assert_eq!(daemon(Node::Enable, "cl th c"), "clear thread cpu");
        assert_eq!(
            daemon(Node::Enable, "clear thread cpu tw"),
            "clear thread cpu tw"
        );
        assert_eq!(daemon(Node::View, "sh thr cpu R"), "show thread cpu R");
        // `clear thread cpu` is an ENABLE command, as in FRR.
        assert!(parse(Node::View, b"clear thread cpu").is_err());
    }

    #[test]
    fn parses_show_variants() {
        let p = |l: &str| parse(Node::Enable, l.as_bytes());
        assert_eq!(
            p("show bfd vrf red peers counters json"),
            Ok(Some(Command::ShowPeers {
                vrf: Some("red".into()),
                view: PeersView::Counters,
                json: true
            }))
        );
        assert_eq!(
            p("sh b pe br"),
            Ok(Some(Command::ShowPeers {
                vrf: None,
                view: PeersView::Brief,
                json: false
            }))
        );
        assert_eq!(
            p("show bfd peer 10.0.0.1 interface eth1 local-address 10.0.0.2 json"),
            Ok(Some(Command::ShowPeer {
                vrf: None,
                selector: PeerSelector {
                    label: None,
                    peer: Some("10.0.0.1".parse().unwrap()),
                    multihop: false,
                    local: Some("10.0.0.2".parse().unwrap()),
                    interface: Some("eth1".into()),
                },
                counters: false,
                json: true
            }))
        );
        assert_eq!(
            p("show bfd peer mylabel counters"),
            Ok(Some(Command::ShowPeer {
                vrf: None,
                selector: PeerSelector {
                    label: Some("mylabel".into()),
                    peer: None,
                    multihop: false,
                    local: None,
                    interface: None,
                },
                counters: true,
                json: false
            }))
        );
        assert_eq!(p("show bfd peers json brief"), Err(MatchError::NoMatch));
        assert_eq!(p("show bfd vrf"), Err(MatchError::Incomplete));
        assert_eq!(p("   "), Ok(None));
    }
}
