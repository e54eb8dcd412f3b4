//! The running configuration as the vty edits it: configuration lines
//! through the one `ConfigEditor`, the node a line moves the session to,
//! FRR's words and return codes for a refused line, and what changed since
//! the registry was last given the configuration.

use std::fmt::Write as _;

use vtysh_compat::cli::ret;
use vtysh_compat::{Answer, Node, NodePath};

use crate::config::{Config, ConfigEditor, DebugFlags, EditNode};

/// The configuration being edited and the one last applied.
pub struct Running {
    editor: ConfigEditor,
    /// What the registry was last given.
    applied: Config,
}

/// An edited configuration that differs from the one last applied.
pub struct Change {
    pub config: Config,
    /// The `debug bfd ...` flags differ.
    pub debug_changed: bool,
    /// Peers or profiles differ: the registry needs the new configuration.
    pub sessions_changed: bool,
}

impl Running {
    /// `config` is what the daemon applied.
    pub fn new(config: Config) -> Running {
        Running {
            editor: ConfigEditor::from_config(&config),
            applied: config,
        }
    }

    /// The edited configuration; the applied one while an edit is
    /// incomplete (authentication set over several lines).
    pub fn current(&self) -> Config {
        self.editor
            .config()
            .unwrap_or_else(|_| self.applied.clone())
    }

    /// The debug flags of `current`.
    pub fn debug(&self) -> DebugFlags {
        self.editor.config().map_or(self.applied.debug, |c| c.debug)
    }

    /// One configuration line in `node`, through the editor: the answer
    /// (warnings, the node to move to) when the editor took it, the
    /// refusal otherwise (then nothing is to be applied).
    pub fn configure(&mut self, node: NodePath, line: &str) -> Result<Answer, Answer> {
        // ENABLE runs `debug bfd ...` at top level and stays in ENABLE.
        let stays = matches!(node.node, Node::View | Node::Enable);
        let start = match node.node {
            Node::Bfd => Some(EditNode::Bfd),
            Node::BfdPeer | Node::BfdProfile => {
                let label = node.label.as_deref().unwrap_or("");
                if !self.editor.enter_label(label) {
                    // Removed from another session meanwhile.
                    return Err(Answer::error(
                        "% The node being edited no longer exists.\n",
                        ret::WARNING_CONFIG_FAILED,
                    ));
                }
                None
            }
            _ => Some(EditNode::Top),
        };
        if let Some(n) = start {
            self.editor.set_node(n);
        }
        let change = match self.editor.apply_line(line) {
            Ok(c) => c,
            Err(msg) => return Err(config_error(&msg, line)),
        };
        let mut output = String::new();
        for w in &change.warnings {
            let _ = writeln!(output, "{w}");
        }
        let next = match change.node {
            EditNode::Top => NodePath::new(Node::Config),
            EditNode::Bfd => NodePath::new(Node::Bfd),
            n @ EditNode::Peer(_) => NodePath {
                node: Node::BfdPeer,
                label: self.editor.node_label(n),
            },
            n @ EditNode::Profile(_) => NodePath {
                node: Node::BfdProfile,
                label: self.editor.node_label(n),
            },
        };
        Ok(Answer {
            output,
            ret: ret::SUCCESS,
            node: (!stays).then_some(next),
        })
    }

    /// The edited configuration when it is complete and differs from what
    /// was last applied; it counts as applied from now on.
    pub fn take_change(&mut self) -> Option<Change> {
        let cfg = self.editor.config().ok()?;
        if cfg == self.applied {
            return None;
        }
        let change = Change {
            debug_changed: cfg.debug != self.applied.debug,
            sessions_changed: cfg.peers != self.applied.peers
                || cfg.profiles != self.applied.profiles,
            config: cfg.clone(),
        };
        self.applied = cfg;
        Some(change)
    }
}

/// The editor's refusal of `line` as FRR words it, with FRR's return code.
fn config_error(msg: &str, line: &str) -> Answer {
    if msg.starts_with("% profile name is longer") {
        // FRR 8.4: a YANG length error, printed, yet the command succeeds.
        let name = line.rsplit(' ').next().unwrap_or("");
        return Answer::ok(format!(
            "% Failed to edit configuration.\n\nYANG error(s):\n Unsatisfied length - string \"{name}\" length is not allowed.\n YANG path: Schema location \"/frr-bfdd:bfdd/bfd/profile/name\".\n"
        ));
    }
    if msg == "% Command incomplete." {
        return Answer::error(format!("{msg}\n"), ret::ERR_INCOMPLETE);
    }
    if let Some(rest) = msg.strip_prefix("% [bfdd] Unknown command: ") {
        return Answer::error(
            format!("% [BFD] Unknown command: {rest}\n"),
            ret::ERR_NO_MATCH,
        );
    }
    if let Some(why) = msg.strip_prefix("% Configuration failed: ") {
        return Answer::error(
            format!(
                "% Configuration failed.\n\nError type: validation\nError description: {why}\n"
            ),
            ret::WARNING_CONFIG_FAILED,
        );
    }
    Answer::error(format!("{msg}\n"), ret::WARNING_CONFIG_FAILED)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_get_frr_text_and_codes() {
        let a = config_error("% Command incomplete.", "detect-multiplier");
        assert_eq!((a.output.as_str(), a.ret), ("% Command incomplete.\n", 4));
        let a = config_error(
            "% Configuration failed: When using link-local you must specify an interface",
            "peer fe80::1",
        );
        assert_eq!(
            a.output,
            "% Configuration failed.\n\nError type: validation\nError description: When using link-local you must specify an interface\n"
        );
        assert_eq!(a.ret, 13);
        let a = config_error("% local-address is required when using multihop", "peer x");
        assert_eq!(a.ret, 13);
        assert!(a.node.is_none());
        let long = "p".repeat(65);
        let a = config_error(
            "% profile name is longer than 64 characters",
            &format!("profile {long}"),
        );
        assert_eq!(a.ret, 0);
        assert!(a
            .output
            .contains(&format!("string \"{long}\" length is not allowed")));
    }
}
