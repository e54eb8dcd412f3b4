//! End to end with FRR's own client: our socket as `bfdd.vty` in a temp
//! directory, a fake backend with two sessions, and the real
//! `/usr/bin/vtysh --vty_socket DIR -c ...` (FRR 8.4) printing exactly what
//! bfdd would. Plus watchfrr's liveness probe on a raw connection.
//! Skipped (with a note on stderr) where FRR's vtysh is not installed.

mod common;

use std::future::Future;
use std::net::IpAddr;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::UnixStream;
use vtysh_compat::show::{show_peers_brief, show_peers_json, show_peers_text};
use vtysh_compat::{bind, serve, Backend, PeerState, PeerStatus};

const VTYSH: &str = "/usr/bin/vtysh";

struct Fixed(Vec<PeerStatus>);

impl Backend for Fixed {
    fn peers(&self) -> Pin<Box<dyn Future<Output = Vec<PeerStatus>> + Send>> {
        let peers = self.0.clone();
        Box::pin(async move { peers })
    }
}

fn two_peers() -> Vec<PeerStatus> {
    let mut peers = common::fixture_peers();
    // An IPv4 single-hop session with echo, and the multihop one.
    let mut a = peers.remove(1);
    let b = peers.remove(2);
    assert!(b.multihop);
    a.state = PeerState::Up;
    a.since_change_secs = 3 * 3600 + 61;
    a.label = Some("uplink".into());
    a.local = Some("10.98.0.1".parse::<IpAddr>().expect("addr"));
    vec![a, b]
}

/// A fresh directory for one test's socket, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "bfrs-vt-{}-{}-{}",
            tag,
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn start(dir: &Path, peers: Vec<PeerStatus>) -> tokio::task::JoinHandle<()> {
    let listener = bind(&dir.join("bfdd.vty")).expect("bind");
    tokio::spawn(serve(listener, Arc::new(Fixed(peers))))
}

/// Runs vtysh -c CMD against DIR; returns (exit status, stdout, stderr).
async fn vtysh(dir: &Path, cmd: &str) -> (i32, String, String) {
    let dir = dir.to_path_buf();
    let cmd = cmd.to_string();
    let out = tokio::task::spawn_blocking(move || {
        Command::new(VTYSH)
            .arg("--vty_socket")
            .arg(&dir)
            .arg("-c")
            .arg(&cmd)
            .output()
            .expect("run vtysh")
    })
    .await
    .expect("join");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The real vtysh is required: scripts/test.sh installs FRR, and a missing
/// vtysh must fail the test rather than skip it.
fn have_vtysh() -> bool {
    assert!(
        Path::new(VTYSH).exists(),
        "{VTYSH} (FRR 8.4) is not installed: run scripts/test.sh, which installs it"
    );
    true
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_vtysh_show_bfd_peers() {
    if !have_vtysh() {
        return;
    }
    let dir = TempDir::new("vtysh");
    let peers = two_peers();
    let server = start(&dir.0, peers.clone()).await;

    let (code, out, err) = vtysh(&dir.0, "show bfd peers json").await;
    assert_eq!(code, 0, "stderr: {err}");
    assert_eq!(out, show_peers_json(&peers));
    // Spelled out once, so the test does not only agree with itself.
    assert!(out.starts_with("[\n  {\n    \"multihop\":false,\n    \"peer\":\"10.98.0.2\",\n    \"local\":\"10.98.0.1\",\n    \"vrf\":\"default\",\n    \"interface\":\"bfrsvt-a\",\n    \"label\":\"uplink\",\n"), "{out}");
    assert!(out.ends_with("    \"rtt-max\":0\n  }\n]\n"), "{out}");

    let (code, out, err) = vtysh(&dir.0, "show bfd peers").await;
    assert_eq!(code, 0, "stderr: {err}");
    assert_eq!(out, show_peers_text(&peers));
    assert!(
        out.contains("\t\tlabel: uplink\n\t\tID: 1983567201\n"),
        "{out}"
    );
    assert!(
        out.contains("\t\tUptime: 3 hour(s), 1 minute(s), 1 second(s)\n"),
        "{out}"
    );

    let (code, out, err) = vtysh(&dir.0, "show bfd peers brief").await;
    assert_eq!(code, 0, "stderr: {err}");
    assert_eq!(out, show_peers_brief(2, &peers));
    assert!(out.starts_with("Session count: 2\n"), "{out}");

    // Abbreviations and a VRF filter that selects nothing.
    let (code, out, _) = vtysh(&dir.0, "sh bfd vrf blue pe j").await;
    assert_eq!(code, 0);
    assert_eq!(out, "[\n]\n");

    server.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_vtysh_errors() {
    if !have_vtysh() {
        return;
    }
    let dir = TempDir::new("vtysh-err");
    let server = start(&dir.0, two_peers()).await;
    // vtysh itself knows bfdd's command set; a peer we do not have reaches
    // our lookup and its error code comes back as vtysh's exit status.
    let (code, out, err) = vtysh(&dir.0, "show bfd peer 192.0.2.77").await;
    // (vtysh exits 1 for any failing daemon reply; ours carries code 13.)
    assert_eq!(code, 1, "err: {err}");
    assert_eq!(out, "% Unable to find 'peer 192.0.2.77'\n");
    // A single peer by address and interface, as JSON.
    let (code, out, err) = vtysh(
        &dir.0,
        "show bfd peer 10.98.255.2 multihop local-address 10.98.255.1 json",
    )
    .await;
    assert_eq!(code, 0, "err: {err}");
    assert!(
        out.starts_with("{\n  \"multihop\":true,\n  \"peer\":\"10.98.255.2\","),
        "{out}"
    );
    server.abort();
}

#[tokio::test]
async fn watchfrr_echo_ping_gets_nine_bytes_in_one_read() {
    let dir = TempDir::new("ping");
    let server = start(&dir.0, two_peers()).await;
    let path = dir.0.join("bfdd.vty");
    let mode = std::fs::metadata(&path)
        .expect("socket")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o770);
    if let Ok(Some(group)) = nix::unistd::Group::from_name("frrvty") {
        use std::os::unix::fs::MetadataExt;
        let gid = std::fs::metadata(&path).expect("socket").gid();
        assert_eq!(gid, group.gid.as_raw(), "socket group should be frrvty");
    }

    let mut s = UnixStream::connect(&path).await.expect("connect");
    for _ in 0..3 {
        s.write_all(b"echo PING\0").await.expect("send");
        let mut buf = [0u8; 64];
        let n = tokio::time::timeout(Duration::from_secs(5), s.read(&mut buf))
            .await
            .expect("reply in time")
            .expect("read");
        assert_eq!(&buf[..n], b"PING\n\0\0\0\0");
    }
    // Nothing unsolicited arrives afterwards.
    let mut buf = [0u8; 16];
    let idle = tokio::time::timeout(Duration::from_millis(300), s.read(&mut buf)).await;
    assert!(idle.is_err(), "unexpected bytes: {idle:?}");
    server.abort();
}

#[tokio::test]
async fn many_concurrent_sessions_each_start_in_view() {
    let dir = TempDir::new("many");
    let server = start(&dir.0, two_peers()).await;
    let path = dir.0.join("bfdd.vty");
    let mut tasks = Vec::new();
    for i in 0..20 {
        let path = path.clone();
        tasks.push(tokio::spawn(async move {
            let mut s = UnixStream::connect(&path).await.expect("connect");
            let mut got = Vec::new();
            // VIEW first: show bfd is unknown there.
            s.write_all(b"show bfd peers brief\0enable\0show bfd peers brief\0")
                .await
                .expect("send");
            let mut buf = [0u8; 4096];
            while got.iter().filter(|b| **b == 0).count() < 9 {
                let n = s.read(&mut buf).await.expect("read");
                assert!(n > 0, "closed");
                got.extend_from_slice(&buf[..n]);
            }
            let text = String::from_utf8_lossy(&got).into_owned();
            assert!(
                text.starts_with("% [BFD] Unknown command: show bfd peers brief\n\0\0\0\u{2}\0\0\0\0Session count: 2\n"),
                "session {i}: {text}"
            );
            assert!(text.ends_with("\0\0\0\0"));
        }));
    }
    for t in tasks {
        t.await.expect("session task");
    }
    server.abort();
}
