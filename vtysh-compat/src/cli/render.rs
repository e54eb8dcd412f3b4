//! Finishes show commands against the daemon's peers: the VRF filter, FRR's
//! peer lookup for `show bfd peer ...`, its "Unable to find" reply, and the
//! text or JSON view that was asked for.

use super::command::{Command, PeerSelector, PeersView};
use super::reply::{ret, Reply};
use crate::show;
use crate::status::PeerStatus;

fn vrf_filter<'a>(vrf: &'a Option<String>, peers: &'a [PeerStatus]) -> Vec<PeerStatus> {
    peers
        .iter()
        .filter(|p| vrf.as_ref().is_none_or(|v| *v == p.vrf))
        .cloned()
        .collect()
}

/// FRR's peer lookup for `show bfd peer ...`: by label, or by address with
/// multihop, VRF ("default" unless given) and any given local address or
/// interface matching.
pub fn find_peer<'a>(
    vrf: &Option<String>,
    sel: &PeerSelector,
    peers: &'a [PeerStatus],
) -> Option<&'a PeerStatus> {
    if let Some(label) = &sel.label {
        return peers.iter().find(|p| p.label.as_deref() == Some(label));
    }
    let vrf = vrf.as_deref().unwrap_or("default");
    peers.iter().find(|p| {
        Some(p.peer) == sel.peer
            && p.multihop == sel.multihop
            && p.vrf == vrf
            && sel.local.is_none_or(|l| p.local == Some(l))
            && sel
                .interface
                .as_ref()
                .is_none_or(|i| p.interface.as_ref() == Some(i))
    })
}

fn not_found(vrf: &Option<String>, sel: &PeerSelector) -> Reply {
    let mut what = String::from("peer ");
    match (&sel.label, sel.peer) {
        (Some(label), _) => what.push_str(label),
        (None, Some(addr)) => what.push_str(&addr.to_string()),
        (None, None) => {}
    }
    if let Some(ifname) = &sel.interface {
        what.push_str(&format!(" interface {ifname}"));
    }
    if let Some(local) = sel.local {
        what.push_str(&format!(" local-address {local}"));
    }
    if let Some(vrf) = vrf {
        what.push_str(&format!(" vrf {vrf}"));
    }
    Reply {
        output: format!("% Unable to find '{what}'\n").into_bytes(),
        ret: ret::WARNING_CONFIG_FAILED,
        close: false,
    }
}

/// Finishes a `Step::Show` with the daemon's peers (all of them; the VRF
/// filter is applied here).
pub fn render_show(cmd: &Command, peers: &[PeerStatus]) -> Reply {
    match cmd {
        Command::ShowPeers { vrf, view, json } => {
            let selected = vrf_filter(vrf, peers);
            let text = match (view, json) {
                (PeersView::Detail | PeersView::Brief, true) => show::show_peers_json(&selected),
                (PeersView::Detail, false) => show::show_peers_text(&selected),
                (PeersView::Brief, false) => show::show_peers_brief(peers.len(), &selected),
                (PeersView::Counters, true) => show::show_peers_counters_json(&selected),
                (PeersView::Counters, false) => show::show_peers_counters_text(&selected),
            };
            Reply::ok(text)
        }
        Command::ShowPeer {
            vrf,
            selector,
            counters,
            json,
        } => match find_peer(vrf, selector, peers) {
            None => not_found(vrf, selector),
            Some(p) => Reply::ok(match (counters, json) {
                (false, false) => show::show_peer_text(p),
                (false, true) => show::show_peer_json(p),
                (true, false) => show::show_peer_counters_text(p),
                (true, true) => show::show_peer_counters_json(p),
            }),
        },
        _ => Reply::ok(Vec::new()),
    }
}
