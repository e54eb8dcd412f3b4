//! Fuzz target for bfdd.sock input: the byte stream is cut into reads at a
//! position taken from the first input byte and fed to the frame decoder;
//! every frame's payload goes through request parsing and peer validation
//! (as an ipv4, ipv6 and label-based entry), and every accepted peer key is
//! rendered as status and config notifications. Nothing may panic; the
//! decoder must never hold more than one frame's worth of bytes after an
//! error-free pass; rendered JSON must parse back.
#![no_main]

use bfdd_rs::frr::bfdd_sock::codec::{FrameDecoder, HEADER_LEN, MAX_PAYLOAD};
use bfdd_rs::frr::bfdd_sock::json;
use bfdd_rs::frr::bfdd_sock::notify;
use bfdd_rs::frr::bfdd_sock::request::{self, ListKind, PeerBase};
use bfdd_rs::frr::bfdd_sock::{ConfigOp, ControlSessionInfo};
use bfd::packet::{Diag, State};
use libfuzzer_sys::fuzz_target;

fn render(key: bfdd_rs::engine::SessionKey, label: Option<String>) {
    let s = ControlSessionInfo {
        key,
        label,
        local_discr: 1,
        state: State::Up,
        local_diag: Diag::NONE,
        remote_diag: Diag::NONE,
        since_change: std::time::Duration::from_secs(1),
        detect_mult: 3,
        receive_interval_ms: 300,
        transmit_interval_ms: 300,
        echo_receive_interval_ms: 50,
        echo_transmit_interval_ms: 50,
        remote_detect_mult: 3,
        remote_receive_interval_ms: 300,
        remote_transmit_interval_ms: 300,
        remote_echo_receive_interval_ms: 50,
        echo_mode: false,
        shutdown: false,
    };
    for text in [notify::status(&s), notify::config(ConfigOp::Update, &s)] {
        assert!(json::parse(text.as_bytes()).is_ok(), "{text}");
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&cut, rest)) = data.split_first() else {
        return;
    };
    let cut = usize::from(cut).min(rest.len());
    let mut dec = FrameDecoder::new();
    for chunk in [&rest[..cut], &rest[cut..]] {
        dec.extend(chunk);
        loop {
            match dec.next_frame() {
                Ok(Some(f)) => {
                    let Ok(doc) = request::parse_request(&f.payload) else {
                        continue;
                    };
                    for (kind, entries) in &doc.lists {
                        for e in entries {
                            let ipv4 = match kind {
                                ListKind::Ipv4 => true,
                                ListKind::Ipv6 => false,
                                ListKind::Label => {
                                    let _ = request::entry_label(e);
                                    true
                                }
                            };
                            let (req, errs) = request::read_peer(e, PeerBase::Family { ipv4 });
                            if errs.is_empty() {
                                render(req.key, req.label);
                            }
                        }
                    }
                }
                Ok(None) => break,
                Err(_) => return,
            }
        }
    }
    assert!(dec.pending() < HEADER_LEN + MAX_PAYLOAD);
});
