//! nftables inside a namespace: a silent cut of BFD control traffic (UDP 3784
//! single-hop and 4784 multihop dropped on input and output, so neither side
//! hears the other while links stay up), and a packet counter on BFD output
//! (to prove a passive session sends nothing).

use crate::netns::Netns;

const CUT_TABLE: &str = "bfrs_cut";
const COUNT_TABLE: &str = "bfrs_count";
const FLAG_TABLE: &str = "bfrs_flags";
const ECHO_CUT_TABLE: &str = "bfrs_echo_cut";

/// An active cut; [`NftCut::restore`] (or drop) lifts it.
pub struct NftCut {
    ns: String,
    table: &'static str,
    active: bool,
}

impl NftCut {
    /// Drops BFD control packets in and out of `ns` from now on.
    pub fn cut(ns: &Netns) -> NftCut {
        NftCut::load(ns, CUT_TABLE, &["input", "output"], "3784, 4784")
    }

    /// Drops BFD echo (UDP 3785) into, through and out of `ns`, Control
    /// packets still pass: IPv4 echo that `ns` would loop back in its
    /// forwarding plane and IPv6 echo its daemon would reflect both die here.
    pub fn cut_echo(ns: &Netns) -> NftCut {
        NftCut::load(ns, ECHO_CUT_TABLE, &["input", "forward", "output"], "3785")
    }

    /// Drops BFD control packets sent from `ns` only: the other side still
    /// hears this one, this one never hears back (a one-way cut).
    pub fn cut_output(ns: &Netns) -> NftCut {
        NftCut::load(ns, CUT_TABLE, &["output"], "3784, 4784")
    }

    /// Table `table` with one chain per netfilter hook in `hooks`, each
    /// dropping UDP to `ports`.
    fn load(ns: &Netns, table: &'static str, hooks: &[&str], ports: &str) -> NftCut {
        let chains: String = hooks
            .iter()
            .map(|h| {
                format!(
                    "chain {h} {{ type filter hook {h} priority -10; \
                     udp dport {{ {ports} }} drop; }}\n"
                )
            })
            .collect();
        nft_load(ns, &format!("table inet {table} {{\n{chains}}}\n"));
        NftCut {
            ns: ns.name().to_string(),
            table,
            active: true,
        }
    }

    /// Lets BFD traffic through again.
    pub fn restore(&mut self) {
        if self.active {
            self.active = false;
            crate::cmd::must(&[
                "ip", "netns", "exec", &self.ns, "nft", "delete", "table", "inet", self.table,
            ]);
        }
    }
}

impl Drop for NftCut {
    fn drop(&mut self) {
        if self.active {
            self.active = false;
            let _ = crate::cmd::run(&[
                "ip", "netns", "exec", &self.ns, "nft", "delete", "table", "inet", self.table,
            ]);
        }
    }
}

/// Counts BFD control packets sent from a namespace.
pub struct NftCounter {
    ns: String,
}

impl NftCounter {
    pub fn install(ns: &Netns) -> NftCounter {
        let rules = format!(
            "table inet {COUNT_TABLE} {{\n\
             chain out {{ type filter hook output priority -20; udp dport {{ 3784, 4784 }} counter; }}\n\
             }}\n"
        );
        nft_load(ns, &rules);
        NftCounter {
            ns: ns.name().to_string(),
        }
    }

    /// BFD control packets sent so far.
    pub fn packets(&self) -> u64 {
        let out = crate::cmd::must(&[
            "ip",
            "netns",
            "exec",
            &self.ns,
            "nft",
            "list",
            "table",
            "inet",
            COUNT_TABLE,
        ]);
        parse_counter(&out).unwrap_or_else(|| panic!("no counter in nft output:\n{out}"))
    }
}

/// Counts BFD control packets carrying the Poll (P) bit sent from a
/// namespace and those carrying the Final (F) bit received by it, to prove
/// a poll sequence (RFC 5880 section 6.5) took place. The flags are the
/// third and fourth most significant bits of the payload's second byte,
/// i.e. bits 74 and 75 from the start of the UDP header.
pub struct NftFlagCounter {
    ns: String,
}

impl NftFlagCounter {
    pub fn install(ns: &Netns) -> NftFlagCounter {
        let rules = format!(
            "table inet {FLAG_TABLE} {{\n\
             chain polls_out {{ type filter hook output priority -30; udp dport {{ 3784, 4784 }} @th,74,1 1 counter; }}\n\
             chain finals_in {{ type filter hook input priority -30; udp dport {{ 3784, 4784 }} @th,75,1 1 counter; }}\n\
             }}\n"
        );
        nft_load(ns, &rules);
        NftFlagCounter {
            ns: ns.name().to_string(),
        }
    }

    /// Packets with the P bit sent so far.
    pub fn polls_sent(&self) -> u64 {
        self.chain_count("polls_out")
    }

    /// Packets with the F bit received so far.
    pub fn finals_received(&self) -> u64 {
        self.chain_count("finals_in")
    }

    fn chain_count(&self, chain: &str) -> u64 {
        let out = crate::cmd::must(&[
            "ip", "netns", "exec", &self.ns, "nft", "list", "chain", "inet", FLAG_TABLE, chain,
        ]);
        parse_counter(&out).unwrap_or_else(|| panic!("no counter in nft output:\n{out}"))
    }
}

/// The packet count of the first `counter packets N bytes M` in nft's listing.
pub fn parse_counter(listing: &str) -> Option<u64> {
    let rest = &listing[listing.find("counter packets ")? + "counter packets ".len()..];
    rest.split_whitespace().next()?.parse().ok()
}

fn nft_load(ns: &Netns, rules: &str) {
    let path =
        std::env::temp_dir().join(format!("bfrs-nft-{}-{}.nft", ns.name(), std::process::id()));
    std::fs::write(&path, rules).expect("write nft rules");
    let res = ns.exec(&["nft", "-f", &path.to_string_lossy()]);
    let _ = std::fs::remove_file(&path);
    if let Err(e) = res {
        panic!("{e}\nrules:\n{rules}");
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn parses_counter_listing() {
        let out = "table inet bfrs_count {\n\tchain out {\n\t\ttype filter hook output priority -20; policy accept;\n\t\tudp dport { 3784, 4784 } counter packets 17 bytes 1156\n\t}\n}\n";
        assert_eq!(super::parse_counter(out), Some(17));
        assert_eq!(super::parse_counter("table inet x {}"), None);
    }
}
