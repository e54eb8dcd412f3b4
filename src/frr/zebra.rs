//! FRR mode: the zclient to zebra that relays the protocol daemons' BFD
//! registrations (frr-bfdd-interfaces.md §2–3). On each connect: HELLO with
//! the BFD route type of the selected FRR version, an INTERFACE_ADD request,
//! then (bfdd's "zebra connected") the replay request and a second
//! INTERFACE_ADD request in one write, which makes every client re-register.
//! Relayed REGISTER / UPDATE / DEREGISTER / CLIENT_REGISTER /
//! CLIENT_DEREGISTER go to the registry; status goes back wrapped in
//! BFD_DEST_REPLAY. VRF names come from zebra's VRF_ADD.
//!
//! Where we differ from bfdd on purpose: bfdd drops every client record on
//! (re)connect, forcing each session Down on the wire; we mark zebra's
//! references stale instead, let the replayed registrations re-attach them,
//! and release only those not re-registered within a grace period, so a
//! zebra restart does not flap any session. The replay request is repeated
//! during that period for clients that reach the new zebra after us, but
//! only while some reference is still stale: on the first connect (nothing
//! held yet) or once every client is back, it is sent once, as bfdd does
//! (each repeat makes every client re-register, and each registration is
//! a status message counted in `zebra-notifications`). Reconnects follow
//! lib/zclient.c: 10 s while fewer than 3 consecutive failures, then 60 s.

use std::io;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::UnixStream;
use tokio::sync::mpsc::UnboundedReceiver;
use zapi::{Frame, Framer, FrrVersion, Hello, Message, Replay, VRF_DEFAULT};

use crate::frr::zapi_glue::{dispatch, status_update, BfdRequest, VrfTable, ZapiCounters};
use crate::hub::RegistryHandle;
use crate::registry::{Source, StatusEvent};

/// How the client connects and retries.
#[derive(Debug, Clone)]
pub struct ZebraOptions {
    /// zserv.api path.
    pub path: PathBuf,
    pub version: FrrVersion,
    /// Retry delay while fewer than 3 consecutive failures (FRR: 10 s).
    pub retry_short: Duration,
    /// Retry delay after that (FRR: 60 s).
    pub retry_long: Duration,
    /// After a (re)connect, how long clients have to re-register before
    /// their old references are released.
    pub grace: Duration,
    /// During the grace period, the replay request is repeated this often:
    /// a protocol daemon that reconnects to a restarted zebra after us
    /// would otherwise never hear it and never re-register.
    pub replay_every: Duration,
}

impl ZebraOptions {
    /// FRR's timings for `path`.
    pub fn new(path: PathBuf, version: FrrVersion) -> ZebraOptions {
        ZebraOptions {
            path,
            version,
            retry_short: Duration::from_secs(10),
            retry_long: Duration::from_secs(60),
            // Longer than FRR's 60 s zclient back-off, so a client that
            // needs three tries to reach a restarted zebra still makes it.
            grace: Duration::from_secs(90),
            replay_every: Duration::from_secs(15),
        }
    }
}

/// Connect, serve, reconnect; forever.
pub async fn run(opts: ZebraOptions, hub: RegistryHandle, counters: Arc<ZapiCounters>) {
    let mut events = hub.subscribe(Source::Zebra);
    let mut failures: u32 = 0;
    loop {
        match UnixStream::connect(&opts.path).await {
            Ok(stream) => {
                tracing::info!("connected to zebra at {}", opts.path.display());
                failures = 0;
                match serve(stream, &opts, &hub, &mut events, &counters).await {
                    Ok(()) => tracing::warn!("zebra closed the connection"),
                    Err(e) => tracing::warn!("zebra connection lost: {e}"),
                }
                failures += 1;
            }
            Err(e) => {
                failures += 1;
                tracing::debug!("cannot connect to zebra at {}: {e}", opts.path.display());
            }
        }
        let delay = if failures < 3 {
            opts.retry_short
        } else {
            opts.retry_long
        };
        // Status for zebra while it is away has nowhere to go; the replay
        // after reconnect brings every client up to date.
        let sleep = tokio::time::sleep(delay);
        tokio::pin!(sleep);
        loop {
            tokio::select! {
                _ = &mut sleep => break,
                ev = events.recv() => if ev.is_none() { return },
            }
        }
    }
}

/// One connection's life; returns when zebra goes away.
async fn serve(
    stream: UnixStream,
    opts: &ZebraOptions,
    hub: &RegistryHandle,
    events: &mut UnboundedReceiver<StatusEvent>,
    counters: &ZapiCounters,
) -> io::Result<()> {
    let v = opts.version;
    let (mut rd, mut wr) = stream.into_split();
    // Events queued while disconnected are old news.
    while events.try_recv().is_ok() {}

    let (hello, connected, replay) = connect_bytes(v)?;
    wr.write_all(&hello).await?;
    // bfdd's zebra_connected: client records are rebuilt by the replay.
    let held = hub.mark_stale(Source::Zebra).await;
    wr.write_all(&connected).await?;

    let mut vrfs = VrfTable::default();
    let mut framer = Framer::new();
    let mut buf = vec![0u8; 16384];
    let grace = tokio::time::sleep(opts.grace);
    tokio::pin!(grace);
    // Nothing held through zebra (the first connect, or no client uses
    // us): nothing to wait for, no repeats, no sweep.
    let mut swept = held == 0;
    let mut again = tokio::time::interval_at(
        tokio::time::Instant::now() + opts.replay_every,
        opts.replay_every,
    );
    loop {
        tokio::select! {
            n = rd.read(&mut buf) => {
                let n = n?;
                if n == 0 {
                    return Ok(());
                }
                framer.push(&buf[..n]);
                while let Some(r) = framer.next_message(v) {
                    match r {
                        Ok(frame) => handle(frame, &mut vrfs, hub, counters),
                        Err(e) => {
                            ZapiCounters::bump(&counters.garbled);
                            tracing::debug!("zebra message skipped: {e}");
                        }
                    }
                }
                if framer.is_dead() {
                    return Err(io::Error::new(io::ErrorKind::InvalidData, "bad ZAPI header"));
                }
            }
            ev = events.recv() => {
                let Some(ev) = ev else { return Ok(()) };
                let msg = Message::BfdDestReplay(Some(Replay::Status(status_update(&ev))));
                match encode(v, vrfs.id(&ev.key.vrf), msg) {
                    Ok(bytes) => wr.write_all(&bytes).await?,
                    Err(e) => tracing::warn!("cannot encode status for {:?}: {e}", ev.key),
                }
            }
            _ = again.tick(), if !swept => {
                if hub.stale_count(Source::Zebra).await == 0 {
                    // Every client is back: the request has done its job.
                    swept = true;
                } else {
                    wr.write_all(&replay).await?;
                }
            }
            _ = &mut grace, if !swept => {
                swept = true;
                hub.sweep_stale(Source::Zebra);
            }
        }
    }
}

/// What bfdd writes on connect: HELLO + INTERFACE_ADD request; then, as
/// "zebra connected", replay request + INTERFACE_ADD request in one write.
/// Also returns the replay request alone.
pub fn connect_bytes(v: FrrVersion) -> io::Result<(Vec<u8>, Vec<u8>, Vec<u8>)> {
    let mut hello = encode(v, VRF_DEFAULT, Message::Hello(Hello::bfdd(v)))?;
    hello.extend(encode(v, VRF_DEFAULT, Message::InterfaceAddRequest)?);
    let replay = encode(
        v,
        VRF_DEFAULT,
        Message::BfdDestReplay(Some(Replay::Request)),
    )?;
    let mut connected = replay.clone();
    connected.extend(encode(v, VRF_DEFAULT, Message::InterfaceAddRequest)?);
    Ok((hello, connected, replay))
}

fn encode(v: FrrVersion, vrf_id: u32, m: Message) -> io::Result<Vec<u8>> {
    Frame::new(vrf_id, m)
        .encode(v)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e.to_string()))
}

fn handle(frame: Frame, vrfs: &mut VrfTable, hub: &RegistryHandle, counters: &ZapiCounters) {
    let vrf_id = frame.vrf_id;
    match frame.message {
        Message::VrfAdd(vrf) => {
            tracing::debug!("zebra: vrf {} id {vrf_id}", vrf.name);
            vrfs.add(vrf_id, vrf.name);
        }
        Message::VrfDelete(_) => vrfs.remove(vrf_id),
        Message::BfdDestReplay(Some(r)) => relayed(r, vrf_id, vrfs, hub, counters),
        Message::Error { code } => tracing::warn!("zebra reports error {code}"),
        Message::Unknown { command, .. } => {
            ZapiCounters::bump(&counters.unknown);
            tracing::trace!("zebra: unknown command {command} skipped");
        }
        // Interfaces and addresses come from rtnetlink; capabilities,
        // router ids and the rest are of no use to bfdd.
        _ => {}
    }
}

/// A client's message as zebra relays it (bfdd `bfdd_replay`).
fn relayed(r: Replay, vrf_id: u32, vrfs: &VrfTable, hub: &RegistryHandle, c: &ZapiCounters) {
    let req = match &r {
        Replay::Register(d) | Replay::Update(d) => BfdRequest::Register(d),
        Replay::Deregister(d) => BfdRequest::Deregister(d),
        Replay::ClientRegister { pid } => {
            tracing::debug!("zebra: BFD client pid {pid}");
            BfdRequest::ClientRegister { pid: *pid }
        }
        Replay::ClientDeregister { pid } => BfdRequest::ClientDeregister { pid: *pid },
        other => {
            ZapiCounters::bump(&c.unknown);
            tracing::debug!("zebra relayed {:?}; ignored", other.command());
            return;
        }
    };
    if dispatch(req, Source::Zebra, vrf_id, vrfs, hub, c).is_err() {
        tracing::warn!("zebra relayed a registration for unknown vrf id {vrf_id}; dropped");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const IF_ADD_REQ: [u8; 10] = [0x00, 0x0A, 0xFE, 0x06, 0, 0, 0, 0, 0x00, 0x00];

    #[test]
    fn connect_sequence_8_4() {
        let (hello, connected, replay) = connect_bytes(FrrVersion::V8_4).expect("encode");
        let mut want = vec![
            0x00, 0x13, 0xFE, 0x06, 0, 0, 0, 0, 0x00, 0x12, 0x19, 0, 0, 0, 0, 0, 0, 0, 0,
        ];
        want.extend(IF_ADD_REQ);
        assert_eq!(hello, want);
        let req = [
            0x00, 0x0E, 0xFE, 0x06, 0, 0, 0, 0, 0x00, 0x1D, 0, 0, 0, 0x1D,
        ];
        assert_eq!(replay, req);
        assert_eq!(connected, [&req[..], &IF_ADD_REQ[..]].concat());
    }

    #[test]
    fn connect_sequence_10_x() {
        // 10.0+: HELLO is command 19 without receive_notify, proto 26;
        // BFD_DEST_REPLAY is 30 in 10.0 and 10.2 alike.
        for v in [FrrVersion::V10_0, FrrVersion::V10_2, FrrVersion::V10_6] {
            let (hello, _, replay) = connect_bytes(v).expect("encode");
            assert_eq!(
                hello[..18],
                [0x00, 0x12, 0xFE, 0x06, 0, 0, 0, 0, 0x00, 0x13, 0x1A, 0, 0, 0, 0, 0, 0, 0],
                "{v:?}"
            );
            assert_eq!(hello[18..], IF_ADD_REQ, "{v:?}");
            assert_eq!(
                replay,
                [0x00, 0x0E, 0xFE, 0x06, 0, 0, 0, 0, 0x00, 0x1E, 0, 0, 0, 0x1E],
                "{v:?}"
            );
        }
    }
}
