//! Everything that speaks an FRR protocol, over the registry hub
//! (`crate::hub`) and never past it: the zclient to zebra (`zebra`), the
//! direct ZAPI socket for clients without zebra (`zapi_server`), what those
//! two share, the dispatch of ZAPI BFD messages included (`zapi_glue`), the
//! vty bridge that vtysh and watchfrr talk to (`vty`), and FRR 8.4's control
//! socket (`bfdd_sock`). FRR's meaning (wire formats, texts, what is
//! reported to whom) lives here; the engine and the registry know nothing of
//! it.

pub mod bfdd_sock;
pub mod vty;
pub mod zapi_glue;
pub mod zapi_server;
pub mod zebra;
