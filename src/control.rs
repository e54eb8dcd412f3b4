//! bfdd.sock control protocol (FRR 8.4 `bfdd/control.c` wire format). Not yet
//! implemented: see issue 3.
