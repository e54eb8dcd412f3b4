//! Fuzzes the vty command path: arbitrary bytes go through the socket
//! framing and the CLI session (every node, the `do` shortcut, show commands
//! rendered against a sample peer). Nothing may panic, and every reply must
//! be output without NUL bytes followed by one 4-byte trailer.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vtysh_compat::cli::{render_show, Answer, Session, Step};
use vtysh_compat::server::{FrameEvent, Framer};
use vtysh_compat::PeerStatus;

fn sample_peer() -> PeerStatus {
    PeerStatus {
        label: Some("lbl".into()),
        since_change_secs: 10,
        ..PeerStatus::example()
    }
}

fuzz_target!(|data: &[u8]| {
    let peers = [sample_peer()];
    let mut session = Session::new();
    let mut framer = Framer::new();
    let mut events = Vec::new();
    // Feed in 512-byte reads, as the server does.
    for chunk in data.chunks(512) {
        framer.push(chunk, &mut events);
    }
    for event in events {
        let FrameEvent::Line(line) = event else {
            continue;
        };
        let reply = match session.execute(&line) {
            Step::Reply(r) => r,
            Step::Show(cmd) => render_show(&cmd, &peers),
            // The daemon's side is not fuzzed here: it accepts everything.
            Step::Request(_) => session.answer(Answer::ok("")),
        };
        let wire = reply.to_wire();
        assert!(wire.len() >= 4);
        assert!(!wire[..wire.len() - 4].contains(&0));
        if reply.close {
            break;
        }
    }
});
