//! Serves `DIR/bfdd.vty` with one made-up session, for trying FRR's tools
//! (vtysh, watchfrr) against the vty code without the daemon:
//! `cargo run -p vtysh-compat --example fake_bfdd -- DIR [NAME...]`; each
//! extra NAME serves `DIR/NAME.vty` too (watchfrr insists on `zebra`).

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;

use vtysh_compat::{bind, serve, Backend, PeerStatus};

struct One;

impl Backend for One {
    fn peers(&self) -> Pin<Box<dyn Future<Output = Vec<PeerStatus>> + Send>> {
        Box::pin(async {
            vec![PeerStatus {
                since_change_secs: 42,
                session_up: 1,
                zebra_notifications: 1,
                ..PeerStatus::example()
            }]
        })
    }
}

fn main() -> std::io::Result<()> {
    let Some(dir) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: fake_bfdd DIR");
        std::process::exit(2);
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let mut names = vec!["bfdd".to_string()];
        names.extend(std::env::args().skip(2));
        let mut tasks = Vec::new();
        for name in names {
            let listener = bind(&dir.join(format!("{name}.vty")))?;
            tasks.push(tokio::spawn(serve(listener, Arc::new(One))));
        }
        for t in tasks {
            let _ = t.await;
        }
        Ok(())
    })
}
