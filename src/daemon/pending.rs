//! TEMPORARY stand-ins for pieces being written in parallel (config.rs and
//! vtysh-compat's server), with their agreed signatures, so the daemon builds
//! and runs until they land on main. This file is deleted on that merge.

pub mod config {
    use std::fmt;
    use std::path::{Path, PathBuf};

    use bfdd_rs::engine::SessionSpec;

    #[derive(Debug)]
    pub struct ConfigError {
        file: PathBuf,
        msg: String,
    }

    impl fmt::Display for ConfigError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "{}:0: {}", self.file.display(), self.msg)
        }
    }

    #[derive(Debug, Default)]
    pub struct DebugFlags {
        pub peer: bool,
        pub zebra: bool,
        pub network: bool,
        pub distributed: bool,
    }

    #[derive(Debug, Default)]
    pub struct Config {
        pub debug: DebugFlags,
    }

    impl Config {
        pub fn session_specs(&self) -> Vec<SessionSpec> {
            Vec::new()
        }
    }

    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        std::fs::read_to_string(path)
            .map(|_| Config::default())
            .map_err(|e| ConfigError {
                file: path.to_path_buf(),
                msg: e.to_string(),
            })
    }
}

pub mod vty {
    use std::io;
    use std::path::Path;
    use std::sync::Arc;

    use bfdd_rs::vty::EngineBackend;
    use tokio::net::UnixListener;

    pub fn bind(path: &Path) -> io::Result<UnixListener> {
        let _ = std::fs::remove_file(path);
        UnixListener::bind(path)
    }

    pub async fn serve(listener: UnixListener, _backend: Arc<EngineBackend>) {
        while let Ok((conn, _)) = listener.accept().await {
            drop(conn);
        }
    }
}
