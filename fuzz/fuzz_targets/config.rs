//! Fuzz the frr.conf reader: any UTF-8 text must parse to a config or a
//! typed error, never panic; a parsed config must survive render and
//! re-parse, and resolve to session specs.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(cfg) = bfdd_rs::config::parse_str(text, "fuzz.conf") {
        let _ = cfg.session_specs();
        let rendered = cfg.render();
        if bfdd_rs::config::parse_str(&rendered, "render").is_err() {
            panic!("rendered config does not parse:\n{rendered}");
        }
    }
});
