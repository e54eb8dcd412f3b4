//! VRF_ADD / VRF_DELETE: zebra's raw `struct vrf_data` (u32 table id in the
//! sender's HOST byte order, then the 36-byte netns name) followed by the
//! 36-byte NUL-padded VRF name; the VRF id itself is in the header.

use nom::bytes::complete::take;

use crate::error::ZapiError;
use crate::wire::{fixed_name, put_fixed_name, PResult};

/// VRF_NAMSIZ, NUL included.
pub const VRF_NAMSIZ: usize = 36;
/// NS_NAMSIZ, NUL included.
pub const NS_NAMSIZ: usize = 36;
/// Payload length of VRF_ADD / VRF_DELETE.
pub const VRF_PAYLOAD_LEN: usize = 4 + NS_NAMSIZ + VRF_NAMSIZ;

/// VRF_ADD / VRF_DELETE payload. FRR's library ignores a VRF with an empty
/// name; that decision is left to the caller.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Vrf {
    /// Kernel table id (host byte order on the wire: zebra copies the struct).
    pub table_id: u32,
    /// Network namespace name (netns VRF backend), usually empty.
    pub netns: String,
    pub name: String,
}

impl Vrf {
    pub fn parse(i: &[u8]) -> PResult<'_, Vrf> {
        let (i, t) = take(4usize)(i)?;
        let table_id = u32::from_ne_bytes([t[0], t[1], t[2], t[3]]);
        let (i, netns) = fixed_name("netns name", NS_NAMSIZ)(i)?;
        let (i, name) = fixed_name("vrf name", VRF_NAMSIZ)(i)?;
        Ok((
            i,
            Vrf {
                table_id,
                netns,
                name,
            },
        ))
    }

    pub fn encode(&self, buf: &mut Vec<u8>) -> Result<(), ZapiError> {
        buf.extend_from_slice(&self.table_id.to_ne_bytes());
        put_fixed_name(buf, "netns name", &self.netns, NS_NAMSIZ)?;
        put_fixed_name(buf, "vrf name", &self.name, VRF_NAMSIZ)
    }
}
