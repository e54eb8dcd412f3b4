//! Reading a config file: its lines fed one by one, at top level, to the
//! editor (the one semantic reader, shared with the vty), warnings logged
//! and the first error labelled with file:line and the offending text.

use std::path::Path;

use super::editor::ConfigEditor;
use super::grammar::shown_line;
use super::model::{Config, ConfigError};

/// Read and parse a file. A missing or unreadable file is an error; an
/// empty file is an empty config.
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| ConfigError {
        file: name.clone(),
        line: 0,
        message: format!("cannot read config file: {e}"),
        text: String::new(),
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        // Report the line of the first bad byte so the operator can find it.
        let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
        ConfigError {
            file: name.clone(),
            line,
            message: "config file is not valid UTF-8".to_string(),
            text: String::new(),
        }
    })?;
    parse_str(&text, &name)
}

/// Parse config text; `file` only labels errors.
pub fn parse_str(text: &str, file: &str) -> Result<Config, ConfigError> {
    let lines: Vec<&str> = text.lines().collect();
    let mut p = ConfigEditor::new();
    for (i, raw) in lines.iter().enumerate() {
        p.lineno = i;
        match p.apply_line(raw) {
            Ok(change) => {
                for w in change.warnings {
                    tracing::warn!("{file}:{}: {w}", i + 1);
                }
            }
            Err(message) => return Err(file_error(file, &lines, i + 1, message)),
        }
    }
    p.config()
        .map_err(|(line, message)| file_error(file, &lines, line, message))
}

fn file_error(file: &str, lines: &[&str], line: usize, message: String) -> ConfigError {
    let text = line
        .checked_sub(1)
        .and_then(|i| lines.get(i))
        .map(|l| shown_line(l))
        .unwrap_or_default();
    ConfigError {
        file: file.to_string(),
        line,
        message,
        text,
    }
}
