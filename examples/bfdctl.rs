//! A tiny bfdd.sock client: send one request and print every message that
//! comes back (responses and notifications), one per line as
//! `<type> <id> <json>`. Works against FRR 8.4's bfdd and bfdd-rs alike.
//!
//! ```text
//! bfdctl [-s SOCKET] [-w SECONDS] add|del|notify-add|notify-del 'JSON'
//! bfdctl [-s SOCKET] [-w SECONDS] notify MASK      (1 state, 2 config, all)
//! ```
//! Example: `bfdctl add '{"ipv4":[{"peer-address":"192.0.2.2"}]}'`, then
//! `bfdctl -w 60 notify all` to watch. After the response it keeps reading
//! for SECONDS (default 0 for add/del, forever for the notify commands).

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use bfdd_rs::frr::bfdd_sock::codec::{
    self, FrameDecoder, MSG_NOTIFY, MSG_NOTIFY_ADD, MSG_NOTIFY_DEL, MSG_REQUEST_ADD,
    MSG_REQUEST_DEL, MSG_RESPONSE,
};

const DEFAULT_SOCKET: &str = "/var/run/frr/bfdd.sock";
const USAGE: &str =
    "usage: bfdctl [-s SOCKET] [-w SECONDS] add|del|notify-add|notify-del JSON | notify MASK";

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("bfdctl: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<ExitCode, String> {
    let mut args = std::env::args().skip(1);
    let mut socket = DEFAULT_SOCKET.to_string();
    let mut wait: Option<u64> = None;
    let mut rest = Vec::new();
    while let Some(a) = args.next() {
        match a.as_str() {
            "-s" => socket = args.next().ok_or(USAGE)?,
            "-w" => {
                let v = args.next().ok_or(USAGE)?;
                wait = Some(v.parse().map_err(|_| format!("bad seconds '{v}'"))?);
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(ExitCode::SUCCESS);
            }
            _ => rest.push(a),
        }
    }
    let [cmd, arg] = rest.as_slice() else {
        return Err(USAGE.into());
    };
    let (ty, payload, follow) = match cmd.as_str() {
        "add" => (MSG_REQUEST_ADD, arg.clone().into_bytes(), false),
        "del" => (MSG_REQUEST_DEL, arg.clone().into_bytes(), false),
        "notify-add" => (MSG_NOTIFY_ADD, arg.clone().into_bytes(), true),
        "notify-del" => (MSG_NOTIFY_DEL, arg.clone().into_bytes(), false),
        "notify" => {
            let mask: u64 = match arg.as_str() {
                "all" => u64::MAX,
                n => n.parse().map_err(|_| format!("bad mask '{n}'"))?,
            };
            // FRR reads the mask in host byte order.
            (MSG_NOTIFY, mask.to_ne_bytes().to_vec(), true)
        }
        other => return Err(format!("unknown command '{other}'\n{USAGE}")),
    };
    let deadline = match (wait, follow) {
        (Some(s), _) => Some(Duration::from_secs(s)),
        (None, true) => None,
        (None, false) => Some(Duration::ZERO),
    };

    let mut s = UnixStream::connect(&socket).map_err(|e| format!("{socket}: {e}"))?;
    let id = u16::try_from(std::process::id() & 0xffff).unwrap_or(1);
    s.write_all(&codec::encode(id, ty, &payload))
        .map_err(|e| format!("write: {e}"))?;

    let mut dec = FrameDecoder::new();
    let mut buf = [0u8; 4096];
    let mut answered = false;
    let mut failed = false;
    let mut stop_at: Option<Instant> = None;
    loop {
        while let Some(f) = dec.next_frame().map_err(|e| format!("bad message: {e}"))? {
            let text = String::from_utf8_lossy(&f.payload);
            let kind = match f.msg_type {
                MSG_RESPONSE => "response",
                MSG_NOTIFY => "notify",
                _ => "unknown",
            };
            println!("{kind} {} {text}", f.id);
            if f.msg_type == MSG_RESPONSE && f.id == id && !answered {
                answered = true;
                failed = text.contains(r#""status":"error""#);
                stop_at = deadline.map(|d| Instant::now() + d);
            }
        }
        if answered {
            match stop_at {
                Some(t) if Instant::now() >= t => break,
                Some(t) => {
                    let left = t.saturating_duration_since(Instant::now());
                    s.set_read_timeout(Some(left.max(Duration::from_millis(1))))
                        .map_err(|e| e.to_string())?;
                }
                None => s.set_read_timeout(None).map_err(|e| e.to_string())?,
            }
        }
        match s.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => dec.extend(&buf[..n]),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                break
            }
            Err(e) => return Err(format!("read: {e}")),
        }
    }
    if !answered {
        return Err("connection closed before a response".into());
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
