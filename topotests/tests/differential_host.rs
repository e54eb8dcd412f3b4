//! FRR's host settings over vtysh, side by side: the same lines (`hostname`,
//! `password`, `enable password`, `service advanced-vty`, `frr defaults`,
//! `frr version`, their `no` forms, and refused values) sent to FRR 8.4's
//! bfdd and to bfdd-rs; after each, vtysh's exit code and output, and the
//! host lines of `show running-config`, must be the same.

mod common;

use common::*;
use topotests::{Lab, Topo, Vtysh};

/// Every line of `show running-config` that FRR's host writer makes.
fn host_lines(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| {
            [
                "frr ",
                "hostname",
                "password",
                "enable password",
                "service",
                "! loaded",
            ]
            .iter()
            .any(|p| l.starts_with(p))
        })
        .map(str::to_string)
        .collect()
}

fn run(kind: SubjectKind, id: u8, name: &str) -> Vec<String> {
    let lab = Lab::new(name);
    let t = Topo::new(id, 1);
    let name = match kind {
        SubjectKind::Frr => "subject-frr",
        SubjectKind::BfddRs => "subject-rs",
    };
    // bfdd-rs gets the hostname line FRR's subject config has.
    let subject = match kind {
        SubjectKind::Frr => Subject::start(kind, &lab, &t, Vec::new()),
        SubjectKind::BfddRs => Subject::start_rs_with(&lab, &t, &format!("hostname {name}\n")),
    };
    let steps: &[&str] = &[
        "hostname r9",
        "password zebra",
        "enable password s3cret",
        "service advanced-vty",
        "frr defaults datacenter",
        "frr version 8.1",
        "hostname -bad",
        "no service advanced-vty",
        "no enable password",
        "no password",
        "no hostname",
        "frr version 8.4.4",
    ];
    // vtysh talks to every daemon whose socket is in the directory (FRR's
    // subject runs zebra too, which would answer the host lines as well):
    // a directory holding only the BFD daemon's socket.
    let only = lab.instance_dir("bfdd-only");
    std::os::unix::fs::symlink(subject.vty().dir().join("bfdd.vty"), only.join("bfdd.vty"))
        .expect("symlink the vty socket");
    let vty = Vtysh::new(&only);
    let mut seen = Vec::new();
    for step in steps {
        let (code, out) = vty.run_status(&["configure terminal", step]);
        let running = vty
            .run(&["show running-config"])
            .expect("running-config")
            .replace(&format!("hostname {name}"), "hostname SUBJECT");
        seen.push(format!(
            "{step}: exit {code} {:?} -> {:?}",
            out.trim(),
            host_lines(&running)
        ));
    }
    seen
}

#[test]
fn host_settings_look_the_same() {
    let frr = run(SubjectKind::Frr, 109, "dh-frr");
    let rs = run(SubjectKind::BfddRs, 110, "dh-rs");
    let diff: Vec<String> = frr
        .iter()
        .zip(&rs)
        .filter(|(a, b)| a != b)
        .map(|(a, b)| format!("FRR:     {a}\nbfdd-rs: {b}"))
        .collect();
    assert!(diff.is_empty(), "differences:\n{}", diff.join("\n"));
    assert_eq!(frr.len(), rs.len());
}
