//! Following VRF namespaces (FRR's netns backend): once a second, for every
//! VRF that has sessions in the engine, whether /run/netns/NAME exists and
//! is still the same namespace. A VRF that appears gets an rtnetlink
//! watcher inside its namespace, whose link sets go to the engine
//! (`Command::VrfLinks`: the engine opens the VRF's sockets there); a VRF
//! whose namespace is deleted or replaced, or that has no sessions any
//! more, is dropped (`Command::VrfGone`). Sessions follow without a
//! restart, as they do when zebra announces and withdraws a VRF.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::task::JoinHandle;

use crate::engine::{Command, EngineHandle};
use crate::{netlink, netns};

/// How often the namespaces are looked at.
const SCAN: Duration = Duration::from_secs(1);

struct Watch {
    identity: (u64, u64),
    task: JoinHandle<()>,
}

/// Follow the engine's VRFs until the engine is gone.
pub async fn run(engine: EngineHandle) {
    let mut watched: HashMap<String, Watch> = HashMap::new();
    loop {
        let wanted = engine.wanted_vrfs();
        let stale: Vec<String> = watched
            .iter()
            .filter(|(name, w)| {
                !wanted.contains(name)
                    || w.task.is_finished()
                    || netns::identity(name) != Some(w.identity)
            })
            .map(|(name, _)| name.clone())
            .collect();
        for name in stale {
            if let Some(w) = watched.remove(&name) {
                w.task.abort();
            }
            if engine.send(Command::VrfGone(name)).is_err() {
                return;
            }
        }
        for name in wanted {
            if watched.contains_key(&name) {
                continue;
            }
            let Ok((file, identity)) = netns::open(&name) else {
                continue;
            };
            let task = tokio::spawn(watch_vrf(engine.clone(), name.clone(), Arc::new(file)));
            watched.insert(name, Watch { identity, task });
        }
        tokio::time::sleep(SCAN).await;
    }
}

async fn watch_vrf(engine: EngineHandle, vrf: String, ns: Arc<std::fs::File>) {
    let deliver = |links| {
        let cmd = Command::VrfLinks {
            vrf: vrf.clone(),
            ns: ns.clone(),
            links,
        };
        engine.send(cmd).is_ok()
    };
    if let Err(e) = netlink::watch_in(Some(&ns), deliver).await {
        tracing::warn!("VRF {vrf}: rtnetlink watcher stopped: {e}");
    }
}
