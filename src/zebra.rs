//! FRR mode: the zclient to zebra that relays client BFD registrations. Not yet
//! implemented: see issue 3. In standalone mode this module is never used.
