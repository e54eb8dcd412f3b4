//! Reading a config file: its lines fed one by one, at top level, to the
//! editor (the one semantic reader, shared with the vty), warnings logged
//! and the first error labelled with file:line and the offending text.

use std::path::Path;

use super::editor::ConfigEditor;
use super::grammar::shown_line;
use super::model::{Config, ConfigError};

/// Read and parse a file. A missing or unreadable file is an error; an
/// empty file is an empty config. Notes (warnings, lines left to other
/// daemons) are logged.
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let (config, notes) = load_noted(path)?;
    for n in notes {
        tracing::warn!("{n}");
    }
    Ok(config)
}

/// `load`, the notes handed back (at start-up logging is not set up yet).
pub fn load_noted(path: &Path) -> Result<(Config, Vec<String>), ConfigError> {
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
    parse_noted(&text, &name)
}

/// Parse config text; `file` only labels errors. Notes are logged.
pub fn parse_str(text: &str, file: &str) -> Result<Config, ConfigError> {
    let (config, notes) = parse_noted(text, file)?;
    for n in notes {
        tracing::warn!("{n}");
    }
    Ok(config)
}

/// `parse_str`, the notes handed back: each command's warnings, and every
/// top-level line bfdd does not read and the daemon does not apply
/// elsewhere (host and log settings, the vty's login), so that nothing in
/// the file is taken in silence.
pub fn parse_noted(text: &str, file: &str) -> Result<(Config, Vec<String>), ConfigError> {
    let lines: Vec<&str> = text.lines().collect();
    let mut p = ConfigEditor::new();
    let mut notes = Vec::new();
    for (i, raw) in lines.iter().enumerate() {
        p.lineno = i;
        match p.apply_line(raw) {
            Ok(change) => {
                for w in change.warnings {
                    notes.push(format!("{file}:{}: {w}", i + 1));
                }
            }
            Err(message) => return Err(file_error(file, &lines, i + 1, message)),
        }
    }
    for (line, text) in p.take_skipped() {
        if !applied_elsewhere(&text) {
            notes.push(format!(
                "{file}:{line}: not a bfdd command, left to other daemons: {text}"
            ));
        }
    }
    let config = p
        .config()
        .map_err(|(line, message)| file_error(file, &lines, line, message))?;
    Ok((config, notes))
}

/// Top-level lines the daemon reads from the file outside the bfd config:
/// FRR's host settings and `line vty` (the vty login) and logging.
pub fn applied_elsewhere(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    matches!(
        words.as_slice(),
        ["frr", ..]
            | ["hostname", ..]
            | ["password", ..]
            | ["enable", "password", ..]
            | ["service", ..]
            | ["no", "service", ..]
            | ["line", "vty"]
            | ["log", ..]
            | ["no", "log", ..]
    )
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
