//! What clients ask for: where a request comes from (zebra, a direct ZAPI
//! connection, a bfdd.sock connection), which client it is, and the
//! request itself, with FRR's reading of ZAPI's registration fields.

use crate::config::Settings;
use crate::engine::SessionKey;

/// Where a client's requests arrive from. A connection id is chosen by the
/// server that accepted the connection and is unique for the daemon's life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Source {
    /// Relayed by zebra (FRR mode); one zebra connection at a time.
    Zebra,
    /// A client on the direct ZAPI control socket.
    Direct(u64),
    /// A client on bfdd.sock.
    Control(u64),
}

/// One client: FRR keys clients by pid; we add where they came from so two
/// connections can never share references.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClientId {
    pub source: Source,
    pub pid: u32,
}

/// A client's wish for one session (a ZAPI DEST_REGISTER after parsing, or
/// a bfdd.sock add request).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// FRR's key: `local` None when the client gave no source (all-zero),
    /// `ifname` None when it gave none; always None for multihop.
    pub key: SessionKey,
    /// The client's own settings, in the CLI's units (ms). A field equal to
    /// FRR's default counts as "not set" (profiles may then override it), as
    /// bfdd does with ZAPI's 300/300/3.
    pub settings: Settings,
    /// bgpd's check-control-plane-failure: we send the C bit.
    pub cbit: bool,
    /// Profile to apply; may name no existing profile (then ignored until one
    /// with that name is configured).
    pub profile: Option<String>,
    /// false (ZAPI): an existing session keeps its settings and only the
    /// profile is applied. true (bfdd.sock-style updates): a dynamic
    /// session takes this request's settings.
    pub update_existing: bool,
}

impl Request {
    /// A request with default settings for `key`.
    pub fn new(key: SessionKey) -> Request {
        Request {
            key,
            settings: Settings::default(),
            cbit: false,
            profile: None,
            update_existing: false,
        }
    }

    /// FRR's ZAPI registration fields: timers in ms (each "set" only when not
    /// the default 300/300/3), hops → minimum TTL 256 − hops for multihop
    /// (0 = unset, keep 254), cbit, profile name (empty = none). Values the
    /// engine cannot take are clamped: a zero timer or multiplier means the
    /// default, timers above 60 s are 60 s.
    pub fn from_zapi(
        key: SessionKey,
        min_rx_ms: u32,
        min_tx_ms: u32,
        detect_mult: u8,
        hops: u8,
        cbit: bool,
        profile: &str,
    ) -> Request {
        let d = Settings::default();
        let clamp = |v: u32, def: u32| if v == 0 { def } else { v.min(MAX_INTERVAL_MS) };
        let mut settings = Settings {
            receive_interval_ms: clamp(min_rx_ms, d.receive_interval_ms),
            transmit_interval_ms: clamp(min_tx_ms, d.transmit_interval_ms),
            detect_multiplier: if detect_mult == 0 {
                d.detect_multiplier
            } else {
                detect_mult
            },
            ..d
        };
        if key.multihop && hops != 0 {
            settings.minimum_ttl = (256 - u16::from(hops)) as u8;
        }
        Request {
            key,
            settings,
            cbit,
            profile: (!profile.is_empty()).then(|| profile.to_string()),
            update_existing: false,
        }
    }
}

/// Largest interval a client may ask for (FRR's CLI limit, 60 s).
pub const MAX_INTERVAL_MS: u32 = 60_000;
