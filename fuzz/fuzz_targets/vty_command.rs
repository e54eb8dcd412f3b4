//! Fuzzes the vty command path: arbitrary bytes go through the socket
//! framing and the CLI session (every node, the `do` shortcut, show commands
//! rendered against a sample peer). Nothing may panic, and every reply must
//! be output without NUL bytes followed by one 4-byte trailer.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vtysh_compat::cli::{render_show, Answer, Session, Step};
use vtysh_compat::server::{FrameEvent, Framer};
use vtysh_compat::{PeerState, PeerStatus};

fn sample_peer() -> PeerStatus {
    PeerStatus {
        peer: "192.0.2.2".parse().expect("literal"),
        local: Some("192.0.2.1".parse().expect("literal")),
        vrf: "default".into(),
        interface: Some("eth0".into()),
        multihop: false,
        label: Some("lbl".into()),
        local_discr: 1,
        remote_discr: 2,
        passive: false,
        minimum_ttl: 254,
        state: PeerState::Up,
        since_change_secs: 10,
        local_diag: 0,
        remote_diag: 0,
        configured: true,
        detect_mult: 3,
        receive_interval: 300_000,
        transmit_interval: 300_000,
        echo_receive_interval: 50_000,
        echo_transmit_interval: 50_000,
        echo_mode: false,
        remote_detect_mult: 3,
        remote_receive_interval: 300_000,
        remote_transmit_interval: 300_000,
        remote_echo_receive_interval: 50_000,
        control_packet_input: 0,
        control_packet_output: 0,
        echo_packet_input: 0,
        echo_packet_output: 0,
        session_up: 0,
        session_down: 0,
        zebra_notifications: 0,
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
