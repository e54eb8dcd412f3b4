//! The process around the engine, as FRR's bfdd runs it: the command line
//! and its paths, the privilege drop to FRR's user, `-d` daemonizing and the
//! pid file, the open file limit, thread priorities, logging to FRR's
//! targets, and the TCP vty. `main.rs` wires these together at start-up.

pub mod cli;
pub mod fdlimit;
pub mod logging;
pub mod priority;
pub mod privs;
pub mod process;
pub mod tcp_vty;
