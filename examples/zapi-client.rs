//! A minimal client of bfdd-rs's direct ZAPI control socket: registers one
//! BFD peer the way a routing daemon would through zebra, prints every
//! status change bfdd-rs reports, and deregisters on Ctrl-C.
//!
//! ```text
//! cargo run --example zapi-client -- /var/run/frr/bfdd-zapi.sock 192.0.2.2 \
//!     [--local 192.0.2.1] [--interface eth0] [--multihop] [--hops N] \
//!     [--profile NAME] [--frr-version 8.4]
//! ```
//! Output: one line per status message, `<peer> <local> <Up|Down|AdminDown>`.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::process::ExitCode;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::UnixStream;
use zapi::{BfdDest, BfdStatus, Frame, Framer, FrrVersion, Message, VRF_DEFAULT};

struct Args {
    socket: String,
    peer: IpAddr,
    local: Option<IpAddr>,
    interface: String,
    multihop: bool,
    hops: u8,
    profile: String,
    version: FrrVersion,
}

fn usage() -> String {
    "usage: zapi-client SOCKET PEER [--local ADDR] [--interface IF] [--multihop] \
     [--hops N] [--profile NAME] [--frr-version X.Y]"
        .to_string()
}

fn parse_args() -> Result<Args, String> {
    let mut it = std::env::args().skip(1);
    let socket = it.next().ok_or_else(usage)?;
    let peer = it
        .next()
        .ok_or_else(usage)?
        .parse()
        .map_err(|e| format!("peer: {e}"))?;
    let mut a = Args {
        socket,
        peer,
        local: None,
        interface: String::new(),
        multihop: false,
        hops: 1,
        profile: String::new(),
        version: FrrVersion::default(),
    };
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--local" => a.local = Some(value()?.parse().map_err(|e| format!("local: {e}"))?),
            "--interface" => a.interface = value()?,
            "--multihop" => a.multihop = true,
            "--hops" => a.hops = value()?.parse().map_err(|e| format!("hops: {e}"))?,
            "--profile" => a.profile = value()?,
            "--frr-version" => a.version = value()?.parse().map_err(|e| format!("{e:?}"))?,
            _ => return Err(usage()),
        }
    }
    if a.multihop {
        if a.local.is_none() {
            return Err("--multihop needs --local".into());
        }
        if a.hops < 2 {
            a.hops = 2;
        }
    }
    Ok(a)
}

fn dest(a: &Args) -> BfdDest {
    let zero = match a.peer {
        IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
    };
    BfdDest {
        pid: std::process::id(),
        dst: a.peer,
        min_rx: 300,
        min_tx: 300,
        detect_mult: 3,
        multihop: a.multihop,
        src: a.local.unwrap_or(zero),
        hops: a.hops,
        ifname: if a.multihop {
            String::new()
        } else {
            a.interface.clone()
        },
        cbit: false,
        profile: a.profile.clone(),
    }
}

fn encode(v: FrrVersion, m: Message) -> Result<Vec<u8>, String> {
    Frame::new(VRF_DEFAULT, m)
        .encode(v)
        .map_err(|e| e.to_string())
}

fn status_name(s: BfdStatus) -> String {
    match s {
        BfdStatus::Up => "Up".into(),
        BfdStatus::Down => "Down".into(),
        BfdStatus::AdminDown => "AdminDown".into(),
        BfdStatus::Unknown => "Unknown".into(),
        BfdStatus::Other(n) => format!("status-{n}"),
    }
}

async fn run(a: Args) -> Result<(), String> {
    let mut conn = UnixStream::connect(&a.socket)
        .await
        .map_err(|e| format!("{}: {e}", a.socket))?;
    let d = dest(&a);
    let mut hello = encode(
        a.version,
        Message::BfdClientRegister {
            pid: std::process::id(),
        },
    )?;
    hello.extend(encode(a.version, Message::BfdDestRegister(d.clone()))?);
    conn.write_all(&hello).await.map_err(|e| e.to_string())?;
    eprintln!("registered {} with {}", a.peer, a.socket);

    let mut framer = Framer::new();
    let mut buf = vec![0u8; 4096];
    let mut last = None;
    let mut interrupt = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())
        .map_err(|e| e.to_string())?;
    loop {
        tokio::select! {
            n = conn.read(&mut buf) => {
                let n = n.map_err(|e| e.to_string())?;
                if n == 0 {
                    return Err("bfdd-rs closed the connection".into());
                }
                framer.push(&buf[..n]);
                while let Some(r) = framer.next_message(a.version) {
                    match r {
                        Ok(Frame { message: Message::InterfaceBfdDestUpdate(u), .. }) => {
                            // Like lib/bfd.c: only changes are news.
                            if last != Some(u.status) {
                                last = Some(u.status);
                                println!("{} {} {}", u.peer, u.local, status_name(u.status));
                            }
                        }
                        Ok(_) => {}
                        Err(e) => eprintln!("skipped a message: {e}"),
                    }
                }
            }
            _ = interrupt.recv() => {
                let bye = encode(a.version, Message::BfdDestDeregister(d))?;
                conn.write_all(&bye).await.map_err(|e| e.to_string())?;
                eprintln!("deregistered {}", a.peer);
                return Ok(());
            }
        }
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("zapi-client: {e}");
            ExitCode::FAILURE
        }
    }
}
