//! rtnetlink: the kernel's links and addresses, sent to the engine as full
//! `LinkInfo` snapshots whenever they change.
//!
//! SKELETON: being written.
