//! Interface messages zebra sends: INTERFACE_ADD/DELETE/UP/DOWN (one layout),
//! INTERFACE_ADDRESS_ADD/DELETE and 8.4/9.0's INTERFACE_VRF_UPDATE. bfdd
//! needs names, indexes and addresses; the tail of the interface layout
//! (link type, hardware address, link parameters) is read when present and
//! otherwise left at defaults, so a newer zebra's extra fields never break us.

use std::net::IpAddr;

use nom::bytes::complete::take;
use nom::number::complete::{be_u32, be_u64, be_u8};

use crate::error::ZapiError;
use crate::version::FrrVersion;
use crate::wire::{
    addr, family8_addr, family_of, fixed_name, put_addr, put_fixed_name, put_u32, put_u64, put_u8,
    PResult,
};

/// INTERFACE_NAMSIZ on Linux (IFNAMSIZ), NUL included.
pub const IFNAMSIZ: usize = 16;
/// INTERFACE_HWADDR_MAX: longest hardware address FRR keeps.
pub const HWADDR_MAX: usize = 20;
/// IFF_UP.
pub const IFF_UP: u64 = 0x1;
/// IFF_RUNNING.
pub const IFF_RUNNING: u64 = 0x40;

/// INTERFACE_ADD / DELETE / UP / DOWN payload.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Interface {
    pub name: String,
    pub ifindex: u32,
    /// zebra's ZEBRA_INTERFACE_* status bits.
    pub status: u8,
    /// Kernel IFF_* flags.
    pub flags: u64,
    pub ptm_enable: u8,
    pub ptm_status: u8,
    pub metric: u32,
    pub speed: u32,
    /// 9.1+ only (0 otherwise).
    pub txqlen: u32,
    pub mtu: u32,
    pub mtu6: u32,
    pub bandwidth: u32,
    pub link_ifindex: u32,
    /// 10.6+ only (0 otherwise).
    pub zif_type: u32,
    pub ll_type: u32,
    pub hw_addr: Vec<u8>,
}

impl Interface {
    pub fn is_up(&self) -> bool {
        self.flags & IFF_UP != 0
    }

    pub fn is_running(&self) -> bool {
        self.flags & IFF_RUNNING != 0
    }

    pub fn parse(version: FrrVersion) -> impl Fn(&[u8]) -> PResult<'_, Interface> {
        move |i| {
            let (i, name) = fixed_name("interface name", IFNAMSIZ)(i)?;
            let (i, ifindex) = be_u32(i)?;
            let (i, status) = be_u8(i)?;
            let (i, flags) = be_u64(i)?;
            let (i, ptm_enable) = be_u8(i)?;
            let (i, ptm_status) = be_u8(i)?;
            let (i, metric) = be_u32(i)?;
            let (i, speed) = be_u32(i)?;
            let (i, txqlen) = if version.interface_has_txqlen() {
                be_u32(i)?
            } else {
                (i, 0)
            };
            let (i, mtu) = be_u32(i)?;
            let (i, mtu6) = be_u32(i)?;
            let (i, bandwidth) = be_u32(i)?;
            let (i, link_ifindex) = be_u32(i)?;
            let (i, zif_type) = if version.interface_has_zif_type() {
                be_u32(i)?
            } else {
                (i, 0)
            };
            let mut ifp = Interface {
                name,
                ifindex,
                status,
                flags,
                ptm_enable,
                ptm_status,
                metric,
                speed,
                txqlen,
                mtu,
                mtu6,
                bandwidth,
                link_ifindex,
                zif_type,
                ll_type: 0,
                hw_addr: Vec::new(),
            };
            // Optional tail: nothing bfdd needs, so a short tail is tolerated.
            let i = match Self::tail(i) {
                Ok((rest, (ll_type, hw))) => {
                    ifp.ll_type = ll_type;
                    ifp.hw_addr = hw;
                    rest
                }
                Err(_) => i,
            };
            Ok((i, ifp))
        }
    }

    fn tail(i: &[u8]) -> PResult<'_, (u32, Vec<u8>)> {
        let (i, ll_type) = be_u32(i)?;
        let (i, hw_len) = be_u32(i)?;
        // FRR copies at most HWADDR_MAX bytes, whatever the length says.
        let n = usize::try_from(hw_len)
            .unwrap_or(usize::MAX)
            .min(HWADDR_MAX);
        let (i, hw) = take(n)(i)?;
        Ok((i, (ll_type, hw.to_vec())))
    }

    /// Append the payload as zebra writes it, with no link parameters.
    pub fn encode(&self, version: FrrVersion, buf: &mut Vec<u8>) -> Result<(), ZapiError> {
        if self.hw_addr.len() > HWADDR_MAX {
            return Err(ZapiError::FieldTooLong {
                field: "hw_addr",
                len: self.hw_addr.len(),
                max: HWADDR_MAX,
            });
        }
        put_fixed_name(buf, "interface name", &self.name, IFNAMSIZ)?;
        put_u32(buf, self.ifindex);
        put_u8(buf, self.status);
        put_u64(buf, self.flags);
        put_u8(buf, self.ptm_enable);
        put_u8(buf, self.ptm_status);
        put_u32(buf, self.metric);
        put_u32(buf, self.speed);
        if version.interface_has_txqlen() {
            put_u32(buf, self.txqlen);
        }
        put_u32(buf, self.mtu);
        put_u32(buf, self.mtu6);
        put_u32(buf, self.bandwidth);
        put_u32(buf, self.link_ifindex);
        if version.interface_has_zif_type() {
            put_u32(buf, self.zif_type);
        }
        put_u32(buf, self.ll_type);
        put_u32(buf, self.hw_addr.len() as u32);
        buf.extend_from_slice(&self.hw_addr);
        put_u8(buf, 0); // no link parameters
        Ok(())
    }
}

/// ZEBRA_IFA_SECONDARY.
pub const IFA_SECONDARY: u8 = 0x1;
/// ZEBRA_IFA_PEER: `dest` is a point-to-point peer.
pub const IFA_PEER: u8 = 0x2;
/// ZEBRA_IFA_UNNUMBERED.
pub const IFA_UNNUMBERED: u8 = 0x4;

/// INTERFACE_ADDRESS_ADD / DELETE payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterfaceAddress {
    pub ifindex: u32,
    /// ZEBRA_IFA_* flags.
    pub flags: u8,
    pub addr: IpAddr,
    pub prefixlen: u8,
    /// Destination / peer address; zebra writes zeros for none.
    pub dest: Option<IpAddr>,
}

impl InterfaceAddress {
    pub fn parse(i: &[u8]) -> PResult<'_, InterfaceAddress> {
        let (i, ifindex) = be_u32(i)?;
        let (i, flags) = be_u8(i)?;
        let (i, a) = family8_addr(i)?;
        let (i, prefixlen) = be_u8(i)?;
        let (i, d) = addr(family_of(&a))(i)?;
        Ok((
            i,
            InterfaceAddress {
                ifindex,
                flags,
                addr: a,
                prefixlen,
                dest: (!d.is_unspecified()).then_some(d),
            },
        ))
    }

    pub fn encode(&self, buf: &mut Vec<u8>) -> Result<(), ZapiError> {
        let fam = family_of(&self.addr);
        put_u32(buf, self.ifindex);
        put_u8(buf, self.flags);
        put_u8(buf, fam as u8);
        put_addr(buf, &self.addr);
        put_u8(buf, self.prefixlen);
        match &self.dest {
            Some(d) if family_of(d) != fam => return Err(ZapiError::FamilyMismatch),
            Some(d) => put_addr(buf, d),
            None => put_addr(buf, &crate::wire::unspecified(fam)?),
        }
        Ok(())
    }
}

/// INTERFACE_VRF_UPDATE (8.4/9.0): header VRF = old VRF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterfaceVrfUpdate {
    pub name: String,
    pub new_vrf_id: u32,
}

impl InterfaceVrfUpdate {
    pub fn parse(i: &[u8]) -> PResult<'_, InterfaceVrfUpdate> {
        let (i, name) = fixed_name("interface name", IFNAMSIZ)(i)?;
        let (i, new_vrf_id) = be_u32(i)?;
        Ok((i, InterfaceVrfUpdate { name, new_vrf_id }))
    }

    pub fn encode(&self, buf: &mut Vec<u8>) -> Result<(), ZapiError> {
        put_fixed_name(buf, "interface name", &self.name, IFNAMSIZ)?;
        put_u32(buf, self.new_vrf_id);
        Ok(())
    }
}
