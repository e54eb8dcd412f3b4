//! FRR's TCP vty (`-A ADDR`, `-P PORT`, bfdd's port 2617; `-P 0` turns it
//! off). Without `-A` FRR listens on every address, IPv4 and IPv6. Each
//! connection is a telnet session (vtysh_compat::telnet) over the same CLI
//! and backend as the unix socket, with FRR's login rules: refused unless a
//! `password` is set or `line vty` / `no login`. Those settings come from
//! the startup config text (again on SIGHUP) and from the CONFIG node of a
//! telnet session. A
//! listener that cannot be bound is logged and skipped, as FRR does; the
//! daemon runs on.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use socket2::{Domain, Protocol, Socket, Type};
use tokio::net::TcpListener;
use vtysh_compat::telnet;
pub use vtysh_compat::telnet::{SharedAuth, VtyAuth};
use vtysh_compat::Backend;

/// bfdd's vty port (lib/command.h BFDD_VTY_PORT).
pub const BFDD_VTY_PORT: u16 = 2617;

/// The bytes FRR 8.4.4 bfdd sends on a TCP vty connection when no
/// password is configured (observed on the wire).
pub const NO_PASSWORD: &[u8] = telnet::NO_PASSWORD;

/// FRR's listen backlog for the vty.
const BACKLOG: i32 = 3;

/// The login settings of the startup config at `path` (defaults when it
/// cannot be read: the config loader has already said why).
pub fn auth_from_file(path: &Path) -> VtyAuth {
    std::fs::read_to_string(path)
        .map(|t| VtyAuth::from_config_text(&t))
        .unwrap_or_default()
}

/// SIGHUP: the settings become the file's, as the rest of the running
/// config does; an unreadable file keeps them.
pub fn reload(auth: &SharedAuth, path: &Path) {
    match std::fs::read_to_string(path) {
        Ok(t) => {
            let new = VtyAuth::from_config_text(&t);
            match auth.lock() {
                Ok(mut a) => *a = new,
                Err(p) => *p.into_inner() = new,
            }
        }
        Err(e) => tracing::warn!("vty: {} not re-read: {e}", path.display()),
    }
}

/// Settings shared by every TCP vty session.
pub fn shared(auth: VtyAuth) -> SharedAuth {
    Arc::new(Mutex::new(auth))
}

/// Where to listen: `-A` resolved, or every address; none for port 0.
pub fn addresses(addr: Option<&str>, port: u16) -> io::Result<Vec<SocketAddr>> {
    if port == 0 {
        return Ok(Vec::new());
    }
    match addr {
        None => {
            let mut v = vec![SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), port)];
            // A kernel booted with ipv6.disable=1 has no if_inet6 and no
            // IPv6 sockets: nothing to report there.
            if std::path::Path::new("/proc/net/if_inet6").exists() {
                v.push(SocketAddr::new(IpAddr::V6(Ipv6Addr::UNSPECIFIED), port));
            }
            Ok(v)
        }
        Some(a) => match a.parse::<IpAddr>() {
            Ok(ip) => Ok(vec![SocketAddr::new(ip, port)]),
            // A host name, as getaddrinfo would take it.
            Err(_) => Ok((a, port).to_socket_addrs()?.collect()),
        },
    }
}

/// Bind one listener (SO_REUSEADDR; IPv6 sockets IPv6-only so the IPv4
/// wildcard can be bound beside it).
pub fn bind(sa: SocketAddr) -> io::Result<std::net::TcpListener> {
    let sock = Socket::new(Domain::for_address(sa), Type::STREAM, Some(Protocol::TCP))?;
    sock.set_reuse_address(true)?;
    if sa.is_ipv6() {
        sock.set_only_v6(true)?;
    }
    sock.bind(&sa.into())?;
    sock.listen(BACKLOG)?;
    sock.set_nonblocking(true)?;
    Ok(sock.into())
}

/// Bind every listener and serve them on the current tokio runtime.
/// Returns the addresses actually listened on.
pub fn start(
    addr: Option<&str>,
    port: u16,
    backend: Arc<dyn Backend>,
    auth: SharedAuth,
) -> Vec<SocketAddr> {
    let addrs = match addresses(addr, port) {
        Ok(a) => a,
        Err(e) => {
            tracing::error!("vty: cannot resolve {}: {e}", addr.unwrap_or("(any)"));
            return Vec::new();
        }
    };
    let mut bound = Vec::new();
    for sa in addrs {
        let listener = match bind(sa).and_then(TcpListener::from_std) {
            Ok(l) => l,
            Err(e) => {
                tracing::error!("vty: cannot listen on {sa}: {e}");
                continue;
            }
        };
        bound.push(listener.local_addr().unwrap_or(sa));
        tokio::spawn(serve(listener, backend.clone(), auth.clone()));
    }
    bound
}

/// Accept forever, one telnet session task per connection.
pub async fn serve(listener: TcpListener, backend: Arc<dyn Backend>, auth: SharedAuth) {
    loop {
        match listener.accept().await {
            Ok((stream, peer)) => {
                tracing::info!("Vty connection from {}", peer.ip());
                let (backend, auth) = (backend.clone(), auth.clone());
                tokio::spawn(async move {
                    let _ = telnet::handle_connection(stream, backend, auth).await;
                });
            }
            Err(e) => {
                // Out of descriptors or similar: back off instead of spinning.
                tracing::warn!("vty: accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::future::Future;
    use std::pin::Pin;
    use tokio::io::AsyncReadExt;
    use tokio::net::TcpStream;
    use vtysh_compat::PeerStatus;

    struct NoPeers;
    impl Backend for NoPeers {
        fn peers(&self) -> Pin<Box<dyn Future<Output = Vec<PeerStatus>> + Send>> {
            Box::pin(async { Vec::new() })
        }
    }

    #[test]
    fn login_settings_from_the_config_file() {
        let dir = std::env::temp_dir().join(format!("bfrs-tv-auth-{}", std::process::id()));
        std::fs::write(&dir, "password zebra\nline vty\n no login\n").expect("write");
        let a = auth_from_file(&dir);
        let _ = std::fs::remove_file(&dir);
        assert_eq!(a.password.as_deref(), Some("zebra"));
        assert!(a.no_login);
        assert_eq!(
            auth_from_file(Path::new("/nonexistent/bfdd.conf")),
            VtyAuth::default()
        );
    }

    #[test]
    fn where_to_listen() {
        assert!(addresses(Some("127.0.0.1"), 0).expect("ok").is_empty());
        assert_eq!(
            addresses(Some("127.0.0.1"), 2617).expect("ok"),
            ["127.0.0.1:2617".parse::<SocketAddr>().expect("addr")]
        );
        assert_eq!(
            addresses(Some("::1"), 2617).expect("ok"),
            ["[::1]:2617".parse::<SocketAddr>().expect("addr")]
        );
        let any = addresses(None, BFDD_VTY_PORT).expect("ok");
        let v6 = std::path::Path::new("/proc/net/if_inet6").exists();
        assert_eq!(any.len(), if v6 { 2 } else { 1 });
        assert!(any
            .iter()
            .all(|a| a.ip().is_unspecified() && a.port() == 2617));
        assert!(addresses(Some("no-such-host.invalid"), 2617).is_err());
    }

    #[tokio::test]
    async fn connection_gets_frr_refusal_and_is_closed() {
        let std_l = bind("127.0.0.1:0".parse().expect("addr")).expect("bind");
        let listener = TcpListener::from_std(std_l).expect("tokio");
        let at = listener.local_addr().expect("addr");
        tokio::spawn(serve(
            listener,
            Arc::new(NoPeers),
            shared(VtyAuth::default()),
        ));
        let mut c = TcpStream::connect(at).await.expect("connect");
        let mut got = Vec::new();
        tokio::time::timeout(Duration::from_secs(5), c.read_to_end(&mut got))
            .await
            .expect("closed in time")
            .expect("read");
        assert_eq!(got, b"Vty password is not set.\r\n");
    }
}
