//! The `bfd` block of an FRR 8.4 frr.conf (peers, profiles) plus our
//! authentication lines; everything else in the file is skipped. Errors carry
//! file:line. Resolution applies FRR's profile override rule and yields the
//! engine's `SessionSpec`s.
//!
//! SKELETON: being written.
