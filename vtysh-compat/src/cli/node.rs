//! The CLI nodes of bfdd (VIEW, ENABLE, CONFIG and the three `bfd` nodes),
//! how they nest, and where in the configuration a session is.

/// CLI node of a session. Every vty-socket session starts in `View`.
/// `Bfd`, `BfdPeer` and `BfdProfile` are FRR's `(config-bfd)#`,
/// `(config-bfd-peer)#` and `(config-bfd-profile)#`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Node {
    View,
    Enable,
    Config,
    Bfd,
    BfdPeer,
    BfdProfile,
}

impl Node {
    /// FRR's `node_parent` for the configuration nodes.
    pub(super) fn parent(self) -> Option<Node> {
        match self {
            Node::BfdPeer | Node::BfdProfile => Some(Node::Bfd),
            Node::Bfd => Some(Node::Config),
            _ => None,
        }
    }
}

/// Where in the configuration a session is: the node, and for a peer or
/// profile node the daemon's name for the entry (the command that entered
/// it, e.g. `peer 192.0.2.1 interface eth0`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodePath {
    pub node: Node,
    pub label: Option<String>,
}

impl NodePath {
    pub fn new(node: Node) -> NodePath {
        NodePath { node, label: None }
    }
}
