//! The direct ZAPI control socket: clients that do not run zebra connect to
//! bfdd-rs itself (default /var/run/frr/bfdd-zapi.sock) and speak the ZAPI
//! BFD messages unwrapped, as they would send them to zebra: optional HELLO,
//! BFD_CLIENT_REGISTER, BFD_DEST_REGISTER / DEST_UPDATE / DEST_DEREGISTER;
//! they receive INTERFACE_BFD_DEST_UPDATE. Each connection is one registry
//! source; when it closes, every reference it held goes, as zebra's
//! synthesized CLIENT_DEREGISTER does for a daemon that went away.
//! Unusable messages are counted and skipped; only a broken header (bad
//! marker or version, as zebra treats it) closes the connection.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{UnixListener, UnixStream};
use zapi::{Frame, Framer, FrrVersion, Message};

use crate::frr::zapi_glue::{dispatch, status_update, BfdRequest, VrfTable, ZapiCounters};
use crate::hub::RegistryHandle;
use crate::registry::Source;

/// Default path of the socket.
pub const DEFAULT_PATH: &str = "/var/run/frr/bfdd-zapi.sock";

/// Remove a stale socket file and bind.
pub fn bind(path: &Path) -> io::Result<UnixListener> {
    match std::fs::remove_file(path) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    UnixListener::bind(path)
}

/// Accept clients until the task is dropped.
pub async fn serve(
    listener: UnixListener,
    version: FrrVersion,
    hub: RegistryHandle,
    counters: Arc<ZapiCounters>,
) {
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                let conn = hub.next_connection_id();
                tokio::spawn(connection(
                    stream,
                    conn,
                    version,
                    hub.clone(),
                    counters.clone(),
                ));
            }
            Err(e) => {
                tracing::warn!("ZAPI socket accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

async fn connection(
    stream: UnixStream,
    conn: u64,
    version: FrrVersion,
    hub: RegistryHandle,
    counters: Arc<ZapiCounters>,
) {
    let source = Source::Direct(conn);
    let mut events = hub.subscribe(source);
    tracing::debug!("ZAPI client connection {conn} opened");
    let (mut rd, mut wr) = stream.into_split();
    let mut framer = Framer::new();
    let mut buf = vec![0u8; 8192];
    let vrfs = VrfTable::default();
    loop {
        tokio::select! {
            n = rd.read(&mut buf) => {
                let n = match n {
                    Ok(0) | Err(_) => break,
                    Ok(n) => n,
                };
                framer.push(&buf[..n]);
                if !drain(&mut framer, version, &vrfs, &hub, source, &counters) {
                    break;
                }
            }
            ev = events.recv() => {
                let Some(ev) = ev else { break };
                let frame = Frame::new(
                    vrfs.id(&ev.key.vrf),
                    Message::InterfaceBfdDestUpdate(status_update(&ev)),
                );
                match frame.encode(version) {
                    Ok(bytes) => {
                        if wr.write_all(&bytes).await.is_err() {
                            break;
                        }
                    }
                    Err(e) => tracing::warn!("cannot encode status for {:?}: {e}", ev.key),
                }
            }
        }
    }
    tracing::debug!("ZAPI client connection {conn} closed");
    hub.closed(source);
}

/// Handle every complete message; false when the stream is unusable.
fn drain(
    framer: &mut Framer,
    version: FrrVersion,
    vrfs: &VrfTable,
    hub: &RegistryHandle,
    source: Source,
    counters: &ZapiCounters,
) -> bool {
    while let Some(r) = framer.next_message(version) {
        match r {
            Ok(frame) => handle(frame, vrfs, hub, source, counters),
            Err(e) => {
                ZapiCounters::bump(&counters.garbled);
                tracing::debug!("ZAPI client message skipped: {e}");
                if e.is_fatal() || framer.is_dead() {
                    return false;
                }
            }
        }
    }
    !framer.is_dead()
}

fn handle(
    frame: Frame,
    vrfs: &VrfTable,
    hub: &RegistryHandle,
    source: Source,
    counters: &ZapiCounters,
) {
    let req = match &frame.message {
        Message::BfdDestRegister(d) | Message::BfdDestUpdate(d) => BfdRequest::Register(d),
        Message::BfdDestDeregister(d) => BfdRequest::Deregister(d),
        Message::BfdClientRegister { pid } => BfdRequest::ClientRegister { pid: *pid },
        Message::BfdClientDeregister { pid } => BfdRequest::ClientDeregister { pid: *pid },
        Message::Hello(_) => return,
        other => {
            ZapiCounters::bump(&counters.unknown);
            tracing::debug!("ZAPI client sent {:?}; ignored", other.command());
            return;
        }
    };
    if dispatch(req, source, frame.vrf_id, vrfs, hub, counters).is_err() {
        tracing::debug!("ZAPI client names unknown vrf id {}", frame.vrf_id);
    }
}

/// Where to listen: the flag, else the default (with `-N` pathspace).
pub fn default_path(pathspace: Option<&str>) -> PathBuf {
    match pathspace {
        Some(ns) => Path::new("/var/run/frr").join(ns).join("bfdd-zapi.sock"),
        None => PathBuf::from(DEFAULT_PATH),
    }
}
