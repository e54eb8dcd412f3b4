//! A real FRR 8.4 router in a namespace: zebra and bfdd started by hand with
//! their own instance directory (config, pid files, vty sockets, ZAPI socket,
//! logs), as user frr (FRR refuses `-u root`) and with no TCP vty (`-P 0`).

use crate::cmd;
use crate::daemon::{chown_frr, frr_common_args, run_daemonizing, wait_path};
use crate::lab::Lab;
use crate::netns::Netns;
use crate::vtysh::Vtysh;
use std::path::{Path, PathBuf};
use std::time::Duration;

const FRR_BIN: &str = "/usr/lib/frr";

pub struct FrrRouter {
    name: String,
    ns: String,
    dir: PathBuf,
    vty: Vtysh,
}

impl FrrRouter {
    /// Starts zebra and bfdd in `ns`; `bfd_block` is the `bfd ...` config.
    pub fn start(lab: &Lab, ns: &Netns, name: &str, bfd_block: &str) -> FrrRouter {
        let dir = lab.instance_dir(name);
        let d = dir.to_string_lossy().into_owned();
        std::fs::write(
            dir.join("zebra.conf"),
            format!("hostname {name}\nlog file {d}/zebra.log informational\nlog timestamp precision 6\n"),
        )
        .expect("write zebra.conf");
        std::fs::write(
            dir.join("bfdd.conf"),
            format!(
                "hostname {name}\nlog file {d}/bfdd.log debugging\nlog timestamp precision 6\n\
                 debug bfd peer\ndebug bfd network\ndebug bfd zebra\n!\n{bfd_block}"
            ),
        )
        .expect("write bfdd.conf");
        chown_frr(&dir);
        lab.add_log(&format!("{name} bfdd.conf"), &dir.join("bfdd.conf"));
        lab.add_log(&format!("{name} zebra.stderr"), &dir.join("zebra.stderr"));
        lab.add_log(&format!("{name} bfdd.stderr"), &dir.join("bfdd.stderr"));
        lab.add_log(&format!("{name} bfdd.log"), &dir.join("bfdd.log"));
        let router = FrrRouter {
            name: name.to_string(),
            ns: ns.name().to_string(),
            vty: Vtysh::new(&dir),
            dir,
        };
        router.start_daemon("zebra", &["-s", "90000000"]);
        wait_path(&router.dir.join("zserv.api"), Duration::from_secs(15))
            .unwrap_or_else(|e| panic!("{name}: zebra has no ZAPI socket: {e}"));
        router.start_bfdd();
        router
    }

    /// Starts bfdd (again) from its config file; returns once it answers vtysh.
    pub fn start_bfdd(&self) {
        let ctl = format!("{}/bfdd.sock", self.dir.to_string_lossy());
        self.start_daemon("bfdd", &["--bfdctl", &ctl]);
        crate::poll::wait_for(
            &format!("{}: bfdd answering vtysh", self.name),
            Duration::from_secs(15),
            Duration::from_millis(100),
            || self.vty.peers().map(|_| ()),
        );
    }

    /// Stops bfdd with `sig` (TERM: as an operator would; KILL: a crash)
    /// and waits until it is gone and its pid file lock is free.
    pub fn stop_bfdd(&self, sig: &str) {
        let pid_file = self.dir.join("bfdd.pid");
        let pid = cmd::read_pid(&pid_file)
            .unwrap_or_else(|| panic!("{}: bfdd has no pid file", self.name));
        cmd::signal(pid, sig).unwrap_or_else(|e| panic!("{}: {e}", self.name));
        crate::poll::wait_for(
            &format!("{}: bfdd gone after SIG{sig}", self.name),
            Duration::from_secs(10),
            Duration::from_millis(50),
            || {
                if cmd::any_thread_alive(pid) {
                    Err("still running".into())
                } else {
                    Ok(())
                }
            },
        );
        let _ = std::fs::remove_file(&pid_file);
        let _ = std::fs::remove_file(self.dir.join("bfdd.vty"));
    }

    fn start_daemon(&self, daemon: &str, extra: &[&str]) {
        let d = self.dir.to_string_lossy().into_owned();
        let bin = format!("{FRR_BIN}/{daemon}");
        let common = frr_common_args(&d, daemon);
        let mut argv = vec![bin.as_str()];
        argv.extend(common.iter().map(String::as_str));
        argv.extend_from_slice(extra);
        run_daemonizing(&self.ns, &argv, &self.dir.join(format!("{daemon}.stderr")))
            .unwrap_or_else(|e| panic!("{}: {e}", self.name));
        wait_path(
            &self.dir.join(format!("{daemon}.vty")),
            Duration::from_secs(15),
        )
        .unwrap_or_else(|e| panic!("{}: {daemon} has no vty socket: {e}", self.name));
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// vtysh against this router's daemons.
    pub fn vty(&self) -> &Vtysh {
        &self.vty
    }

    /// Changes a configured peer: `conf t`, `bfd`, `peer ...` (`peer_header`
    /// as [`crate::conf::PeerConf::header`] gives it), then `lines`.
    pub fn configure_peer(&self, peer_header: &str, lines: &[&str]) {
        let mut cmds = vec!["bfd", peer_header];
        cmds.extend_from_slice(lines);
        self.vty
            .configure(&cmds)
            .unwrap_or_else(|e| panic!("{}: {e}", self.name));
    }

    /// Stops bfdd, then zebra (by their pid files).
    pub fn stop(&mut self) {
        for daemon in ["bfdd", "zebra"] {
            if let Some(pid) = cmd::read_pid(&self.dir.join(format!("{daemon}.pid"))) {
                cmd::stop_pid(pid, Duration::from_secs(5));
            }
            let _ = std::fs::remove_file(self.dir.join(format!("{daemon}.pid")));
        }
    }
}

impl Drop for FrrRouter {
    fn drop(&mut self) {
        self.stop();
    }
}
