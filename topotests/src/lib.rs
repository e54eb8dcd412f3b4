//! Harness for the topotests: Linux network namespaces joined by veth pairs,
//! nftables cuts, and real FRR (zebra + bfdd) and BIRD 2 routers as BFD peers
//! of bfdd-rs, plus whole FRR routers whose bgpd/ospfd/ospf6d use FRR's bfdd
//! or bfdd-rs through zebra ([`router`]), with tshark captures of the wire
//! ([`capture`]). Every object cleans up after itself on drop (processes,
//! namespaces, temporary directories), and a failing test prints the daemons'
//! logs. Names start with `bfrs-`; test N owns the addresses of
//! `10.200.N.0/24`, `10.201.N.0/24`, `fd00:200:N::/48` and `fd00:201:N::/48`.

pub mod bfdd_rs;
pub mod bird;
pub mod capture;
pub mod clients;
pub mod cmd;
pub mod conf;
pub mod daemon;
pub mod frr;
pub mod json;
pub mod known;
pub mod lab;
pub mod netns;
pub mod nft;
pub mod poll;
pub mod router;
pub mod routing_json;
pub mod rslog;
pub mod topo;
pub mod views;
pub mod vtysh;

pub use bfdd_rs::BfddRs;
pub use bird::{BirdBfd, BirdNeighbor, BirdOpts, BirdRouter, BirdSession};
pub use clients::{ClientProcess, CtlConn, CtlMsg};
pub use conf::{bfd_block, Auth, AuthKind, PeerConf};
pub use frr::FrrRouter;
pub use lab::Lab;
pub use netns::Netns;
pub use nft::{NftCounter, NftCut, NftFlagCounter};
pub use poll::{hold_for, try_wait_for, wait_for};
pub use router::{BfdKind, Daemon, Router, RouterConf};
pub use routing_json::{BgpNeighbor, BgpSummaryPeer, OspfNeighbor};
pub use rslog::StateChange;
pub use topo::{Link, Topo};
pub use vtysh::{BfdCounters, BfdPeer, Vtysh};
