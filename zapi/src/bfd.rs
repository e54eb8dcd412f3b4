//! The BFD messages: a client's registration (REGISTER / DEREGISTER / UPDATE,
//! one layout for all three), the status bfdd reports
//! (INTERFACE_BFD_DEST_UPDATE), and the REPLAY envelope zebra and bfdd wrap
//! them in, which carries the wrapped command as a u32 before its payload.

use std::net::IpAddr;

use nom::number::complete::{be_u32, be_u8};

use crate::error::ZapiError;
use crate::version::{Command, FrrVersion};
use crate::wire::{
    fail, family16_addr, family8_addr, family_of, host_prefixlen, len8_name, parse_exact, put_addr,
    put_len8_name, put_u16, put_u32, put_u8, PResult,
};

/// Longest interface name bfdd accepts in a registration (its buffer is 33
/// bytes with the NUL).
pub const IFNAME_MAX: usize = 32;
/// Longest profile name (bfdd's buffer is 64 bytes with the NUL).
pub const PROFILE_MAX: usize = 63;
/// Client default receive interval, ms (lib/bfd.h BFD_DEF_MIN_RX).
pub const DEFAULT_MIN_RX: u32 = 300;
/// Client default transmit interval, ms.
pub const DEFAULT_MIN_TX: u32 = 300;
/// Client default detection multiplier.
pub const DEFAULT_DETECT_MULT: u8 = 3;

/// Longest session name in a 10.3+ status update (u8 length).
pub const STATUS_NAME_MAX: usize = 255;

/// BFD_DEST_REGISTER / DEREGISTER / UPDATE payload (lib/bfd.c layout).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BfdDest {
    /// The client daemon's pid: bfdd keys its client records by it.
    pub pid: u32,
    pub dst: IpAddr,
    /// Milliseconds (FRR default 300).
    pub min_rx: u32,
    /// Milliseconds (FRR default 300).
    pub min_tx: u32,
    /// FRR default 3.
    pub detect_mult: u8,
    pub multihop: bool,
    /// Same family as `dst`; all-zero when the client has no source.
    pub src: IpAddr,
    /// 0 = unset; bfdd's minimum TTL becomes 256 − hops.
    pub hops: u8,
    /// Empty = none (always empty for multihop).
    pub ifname: String,
    /// check-control-plane-failure: bfdd sends the C bit.
    pub cbit: bool,
    /// Empty = none.
    pub profile: String,
}

impl BfdDest {
    /// Parse one registration payload.
    pub fn parse(i: &[u8]) -> PResult<'_, BfdDest> {
        let (i, pid) = be_u32(i)?;
        let (i, dst) = family16_addr(i)?;
        let (i, min_rx) = be_u32(i)?;
        let (i, min_tx) = be_u32(i)?;
        let (i, detect_mult) = be_u8(i)?;
        let (i, multihop) = be_u8(i)?;
        let (i, src) = family16_addr(i)?;
        if family_of(&src) != family_of(&dst) {
            return fail(ZapiError::FamilyMismatch);
        }
        let (i, hops) = be_u8(i)?;
        let (i, ifname) = len8_name("ifname", IFNAME_MAX)(i)?;
        let (i, cbit) = be_u8(i)?;
        let (i, profile) = len8_name("profile", PROFILE_MAX)(i)?;
        Ok((
            i,
            BfdDest {
                pid,
                dst,
                min_rx,
                min_tx,
                detect_mult,
                multihop: multihop != 0,
                src,
                hops,
                ifname,
                cbit: cbit != 0,
                profile,
            },
        ))
    }

    /// Append the payload bytes.
    pub fn encode(&self, buf: &mut Vec<u8>) -> Result<(), ZapiError> {
        let fam = family_of(&self.dst);
        if family_of(&self.src) != fam {
            return Err(ZapiError::FamilyMismatch);
        }
        put_u32(buf, self.pid);
        put_u16(buf, fam);
        put_addr(buf, &self.dst);
        put_u32(buf, self.min_rx);
        put_u32(buf, self.min_tx);
        put_u8(buf, self.detect_mult);
        put_u8(buf, u8::from(self.multihop));
        put_u16(buf, fam);
        put_addr(buf, &self.src);
        put_u8(buf, self.hops);
        put_len8_name(buf, "ifname", &self.ifname, IFNAME_MAX)?;
        put_u8(buf, u8::from(self.cbit));
        put_len8_name(buf, "profile", &self.profile, PROFILE_MAX)
    }

    /// The source address, if the client gave one.
    pub fn source(&self) -> Option<IpAddr> {
        (!self.src.is_unspecified()).then_some(self.src)
    }

    /// The interface name, if the client gave one.
    pub fn interface(&self) -> Option<&str> {
        (!self.ifname.is_empty()).then_some(self.ifname.as_str())
    }

    /// The profile name, if the client gave one.
    pub fn profile_name(&self) -> Option<&str> {
        (!self.profile.is_empty()).then_some(self.profile.as_str())
    }

    /// Receive interval, only when it differs from the client default (bfdd
    /// applies registration timers only then).
    pub fn explicit_min_rx(&self) -> Option<u32> {
        (self.min_rx != DEFAULT_MIN_RX).then_some(self.min_rx)
    }

    /// Transmit interval, only when it differs from the client default.
    pub fn explicit_min_tx(&self) -> Option<u32> {
        (self.min_tx != DEFAULT_MIN_TX).then_some(self.min_tx)
    }

    /// Detection multiplier, only when it differs from the client default.
    pub fn explicit_detect_mult(&self) -> Option<u8> {
        (self.detect_mult != DEFAULT_DETECT_MULT).then_some(self.detect_mult)
    }

    /// bfdd's minimum TTL for the session: `None` when hops is 0 (unset),
    /// else 256 − hops (hops 1 → 255, iBGP's 255 → 1).
    pub fn min_ttl(&self) -> Option<u8> {
        (self.hops != 0).then(|| (256 - u16::from(self.hops)) as u8)
    }
}

/// Session status as reported to clients (lib/bfd.h BFD_STATUS_*).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BfdStatus {
    Unknown,
    Down,
    Up,
    AdminDown,
    /// A value FRR does not define; kept so parsing is lossless.
    Other(u32),
}

impl BfdStatus {
    pub fn from_u32(v: u32) -> BfdStatus {
        match v {
            1 => BfdStatus::Unknown,
            2 => BfdStatus::Down,
            4 => BfdStatus::Up,
            8 => BfdStatus::AdminDown,
            o => BfdStatus::Other(o),
        }
    }

    pub fn to_u32(self) -> u32 {
        match self {
            BfdStatus::Unknown => 1,
            BfdStatus::Down => 2,
            BfdStatus::Up => 4,
            BfdStatus::AdminDown => 8,
            BfdStatus::Other(o) => o,
        }
    }
}

/// INTERFACE_BFD_DEST_UPDATE payload: bfdd's status report on one session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BfdStatusUpdate {
    /// Single-hop session's interface, else 0.
    pub ifindex: u32,
    pub peer: IpAddr,
    pub peer_prefixlen: u8,
    pub status: BfdStatus,
    /// Session key's local address (all-zero if none).
    pub local: IpAddr,
    pub local_prefixlen: u8,
    /// Remote system's C bit.
    pub remote_cbit: bool,
    /// Session name; only on the wire for 10.3+ (empty otherwise).
    pub name: String,
}

impl BfdStatusUpdate {
    /// A report with host prefix lengths, as bfdd builds it.
    pub fn new(
        ifindex: u32,
        peer: IpAddr,
        local: IpAddr,
        status: BfdStatus,
        remote_cbit: bool,
    ) -> BfdStatusUpdate {
        BfdStatusUpdate {
            ifindex,
            peer,
            peer_prefixlen: host_prefixlen(&peer),
            status,
            local,
            local_prefixlen: host_prefixlen(&local),
            remote_cbit,
            name: String::new(),
        }
    }

    pub fn parse(version: FrrVersion) -> impl Fn(&[u8]) -> PResult<'_, BfdStatusUpdate> {
        move |i| {
            let (i, ifindex) = be_u32(i)?;
            let (i, peer) = family8_addr(i)?;
            let (i, peer_prefixlen) = be_u8(i)?;
            let (i, status) = be_u32(i)?;
            let (i, local) = family8_addr(i)?;
            let (i, local_prefixlen) = be_u8(i)?;
            let (i, cbit) = be_u8(i)?;
            let (i, name) = if version.bfd_status_has_name() {
                len8_name("name", STATUS_NAME_MAX)(i)?
            } else {
                (i, String::new())
            };
            Ok((
                i,
                BfdStatusUpdate {
                    ifindex,
                    peer,
                    peer_prefixlen,
                    status: BfdStatus::from_u32(status),
                    local,
                    local_prefixlen,
                    remote_cbit: cbit != 0,
                    name,
                },
            ))
        }
    }

    /// Append the payload bytes; the name is written only for 10.3+.
    pub fn encode(&self, version: FrrVersion, buf: &mut Vec<u8>) -> Result<(), ZapiError> {
        put_u32(buf, self.ifindex);
        // Families are a single byte here, unlike in registrations.
        put_u8(buf, family_of(&self.peer) as u8);
        put_addr(buf, &self.peer);
        put_u8(buf, self.peer_prefixlen);
        put_u32(buf, self.status.to_u32());
        put_u8(buf, family_of(&self.local) as u8);
        put_addr(buf, &self.local);
        put_u8(buf, self.local_prefixlen);
        put_u8(buf, u8::from(self.remote_cbit));
        if version.bfd_status_has_name() {
            put_len8_name(buf, "name", &self.name, STATUS_NAME_MAX)?;
        }
        Ok(())
    }
}

/// What a BFD_DEST_REPLAY carries after its u32 inner command.
///
/// zebra → bfdd: relayed Register/Update/Deregister/ClientRegister and the
/// ClientDeregister zebra makes up when a client goes away.
/// bfdd → zebra: `Request` (ask every client to re-register) and `Status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Replay {
    Register(BfdDest),
    Update(BfdDest),
    Deregister(BfdDest),
    ClientRegister {
        pid: u32,
    },
    ClientDeregister {
        pid: u32,
    },
    /// Inner command = BFD_DEST_REPLAY itself, no payload.
    Request,
    /// Inner command = INTERFACE_BFD_DEST_UPDATE.
    Status(BfdStatusUpdate),
    /// Any other inner command (bfdd ignores them); kept for logging.
    Unknown {
        command: u32,
        payload: Vec<u8>,
    },
}

fn pid(i: &[u8]) -> PResult<'_, u32> {
    be_u32(i)
}

impl Replay {
    /// The logical inner command, `None` for `Unknown`.
    pub fn command(&self) -> Option<Command> {
        Some(match self {
            Replay::Register(_) => Command::BfdDestRegister,
            Replay::Update(_) => Command::BfdDestUpdate,
            Replay::Deregister(_) => Command::BfdDestDeregister,
            Replay::ClientRegister { .. } => Command::BfdClientRegister,
            Replay::ClientDeregister { .. } => Command::BfdClientDeregister,
            Replay::Request => Command::BfdDestReplay,
            Replay::Status(_) => Command::InterfaceBfdDestUpdate,
            Replay::Unknown { .. } => return None,
        })
    }

    /// Parse a REPLAY payload (inner command + inner payload). The inner
    /// layouts are fixed, so leftover bytes are an error.
    pub fn parse(version: FrrVersion, payload: &[u8]) -> Result<Replay, ZapiError> {
        let (rest, inner) = crate::wire::finish(be_u32(payload))?;
        let cmd = u16::try_from(inner).ok().and_then(|n| version.command(n));
        Ok(match cmd {
            Some(Command::BfdDestRegister) => Replay::Register(parse_exact(rest, BfdDest::parse)?),
            Some(Command::BfdDestUpdate) => Replay::Update(parse_exact(rest, BfdDest::parse)?),
            Some(Command::BfdDestDeregister) => {
                Replay::Deregister(parse_exact(rest, BfdDest::parse)?)
            }
            Some(Command::BfdClientRegister) => Replay::ClientRegister {
                pid: parse_exact(rest, pid)?,
            },
            Some(Command::BfdClientDeregister) => Replay::ClientDeregister {
                pid: parse_exact(rest, pid)?,
            },
            Some(Command::BfdDestReplay) => {
                if !rest.is_empty() {
                    return Err(ZapiError::TrailingBytes(rest.len()));
                }
                Replay::Request
            }
            Some(Command::InterfaceBfdDestUpdate) => {
                Replay::Status(parse_exact(rest, BfdStatusUpdate::parse(version))?)
            }
            _ => Replay::Unknown {
                command: inner,
                payload: rest.to_vec(),
            },
        })
    }

    /// Append inner command and inner payload.
    pub fn encode(&self, version: FrrVersion, buf: &mut Vec<u8>) -> Result<(), ZapiError> {
        let inner = match (self, self.command()) {
            (Replay::Unknown { command, .. }, _) => *command,
            (_, Some(c)) => u32::from(
                version
                    .number(c)
                    .ok_or(ZapiError::NoSuchCommand(c.frr_name()))?,
            ),
            (_, None) => return Err(ZapiError::NoSuchCommand("unknown")),
        };
        put_u32(buf, inner);
        match self {
            Replay::Register(d) | Replay::Update(d) | Replay::Deregister(d) => d.encode(buf),
            Replay::ClientRegister { pid } | Replay::ClientDeregister { pid } => {
                put_u32(buf, *pid);
                Ok(())
            }
            Replay::Request => Ok(()),
            Replay::Status(s) => s.encode(version, buf),
            Replay::Unknown { payload, .. } => {
                buf.extend_from_slice(payload);
                Ok(())
            }
        }
    }
}

/// Parse a bare pid payload (CLIENT_REGISTER / CLIENT_DEREGISTER).
pub fn parse_pid(payload: &[u8]) -> Result<u32, ZapiError> {
    parse_exact(payload, pid)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d() -> BfdDest {
        BfdDest {
            pid: 1,
            dst: "10.0.0.2".parse().unwrap(),
            min_rx: DEFAULT_MIN_RX,
            min_tx: DEFAULT_MIN_TX,
            detect_mult: DEFAULT_DETECT_MULT,
            multihop: false,
            src: "0.0.0.0".parse().unwrap(),
            hops: 0,
            ifname: String::new(),
            cbit: false,
            profile: String::new(),
        }
    }

    #[test]
    fn optional_fields_follow_bfdd() {
        let mut x = d();
        assert_eq!(x.source(), None);
        assert_eq!(x.interface(), None);
        assert_eq!(x.profile_name(), None);
        assert_eq!(x.explicit_min_rx(), None);
        assert_eq!(x.explicit_min_tx(), None);
        assert_eq!(x.explicit_detect_mult(), None);
        assert_eq!(x.min_ttl(), None);
        x.src = "10.0.0.1".parse().unwrap();
        x.ifname = "eth0".into();
        x.profile = "p".into();
        x.min_rx = 50;
        x.min_tx = 60;
        x.detect_mult = 4;
        x.hops = 1;
        assert_eq!(x.source(), Some("10.0.0.1".parse().unwrap()));
        assert_eq!(x.interface(), Some("eth0"));
        assert_eq!(x.profile_name(), Some("p"));
        assert_eq!(
            (
                x.explicit_min_rx(),
                x.explicit_min_tx(),
                x.explicit_detect_mult()
            ),
            (Some(50), Some(60), Some(4))
        );
        assert_eq!(x.min_ttl(), Some(255));
        x.hops = 255;
        assert_eq!(x.min_ttl(), Some(1));
        x.hops = 5;
        assert_eq!(x.min_ttl(), Some(251));
    }

    #[test]
    fn status_values() {
        for (s, n) in [
            (BfdStatus::Unknown, 1),
            (BfdStatus::Down, 2),
            (BfdStatus::Up, 4),
            (BfdStatus::AdminDown, 8),
            (BfdStatus::Other(16), 16),
        ] {
            assert_eq!(s.to_u32(), n);
            assert_eq!(BfdStatus::from_u32(n), s);
        }
    }
}
