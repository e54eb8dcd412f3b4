//! Harness for topotests: namespaces, veth, nftables cuts, FRR and BIRD
//! instances. SKELETON: being written.
