//! Bridge from engine snapshots to the `vtysh-compat` crate's plain status
//! records, so that crate never learns about the engine.
//!
//! SKELETON: being written.
