//! Who wants which session: requests from the config file (and later ZAPI and
//! bfdd.sock clients), kept apart from the sessions on the wire and turned into
//! engine commands.
//!
//! SKELETON: being written.
