//! Connection-level messages: HELLO (who we are: the BFD route type makes
//! zebra relay registrations to us), CAPABILITIES (zebra's answer), ROUTER_ID
//! requests and ZEBRA_ERROR. HELLO and CAPABILITIES change shape by release.

use nom::bytes::complete::take;
use nom::number::complete::{be_u16, be_u32, be_u8};

use crate::error::ZapiError;
use crate::version::FrrVersion;
use crate::wire::{put_u16, put_u32, put_u8, PResult};

/// HELLO payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hello {
    /// Route type (ZEBRA_ROUTE_*), BFD for us.
    pub proto: u8,
    pub instance: u16,
    pub session_id: u32,
    /// 8.4 / 9.x only (not on the wire from 10.0).
    pub receive_notify: bool,
    pub synchronous: bool,
}

impl Hello {
    /// bfdd's HELLO: BFD route type, instance 0, asynchronous.
    pub fn bfdd(version: FrrVersion) -> Hello {
        Hello {
            proto: version.route_type_bfd(),
            instance: 0,
            session_id: 0,
            receive_notify: false,
            synchronous: false,
        }
    }

    pub fn parse(version: FrrVersion) -> impl Fn(&[u8]) -> PResult<'_, Hello> {
        move |i| {
            let (i, proto) = be_u8(i)?;
            let (i, instance) = be_u16(i)?;
            let (i, session_id) = be_u32(i)?;
            let (i, receive_notify) = if version.hello_has_receive_notify() {
                be_u8(i)?
            } else {
                (i, 0)
            };
            let (i, synchronous) = be_u8(i)?;
            Ok((
                i,
                Hello {
                    proto,
                    instance,
                    session_id,
                    receive_notify: receive_notify != 0,
                    synchronous: synchronous != 0,
                },
            ))
        }
    }

    pub fn encode(&self, version: FrrVersion, buf: &mut Vec<u8>) {
        put_u8(buf, self.proto);
        put_u16(buf, self.instance);
        put_u32(buf, self.session_id);
        if version.hello_has_receive_notify() {
            put_u8(buf, u8::from(self.receive_notify));
        }
        put_u8(buf, u8::from(self.synchronous));
    }
}

/// CAPABILITIES payload (zebra → client after HELLO).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Capabilities {
    /// 0 = VRF-lite, 1 = netns.
    pub vrf_backend: u32,
    pub mpls_enabled: bool,
    /// ECMP width.
    pub multipath: u32,
    pub mlag_role: u8,
    /// 9.1+ only.
    pub v6_with_v4_nexthop: bool,
    /// 10.2+ only.
    pub graceful_restart: bool,
}

impl Capabilities {
    pub fn parse(version: FrrVersion) -> impl Fn(&[u8]) -> PResult<'_, Capabilities> {
        move |i| {
            let (i, vrf_backend) = if version.capabilities_vrf_backend_is_u8() {
                let (i, b) = be_u8(i)?;
                (i, u32::from(b))
            } else {
                be_u32(i)?
            };
            let (i, mpls) = be_u8(i)?;
            let (i, multipath) = be_u32(i)?;
            let (i, mlag_role) = be_u8(i)?;
            let (i, v6v4) = if version.capabilities_has_v6_with_v4_nexthop() {
                be_u8(i)?
            } else {
                (i, 0)
            };
            let (i, gr) = if version.capabilities_has_graceful_restart() {
                be_u8(i)?
            } else {
                (i, 0)
            };
            Ok((
                i,
                Capabilities {
                    vrf_backend,
                    mpls_enabled: mpls != 0,
                    multipath,
                    mlag_role,
                    v6_with_v4_nexthop: v6v4 != 0,
                    graceful_restart: gr != 0,
                },
            ))
        }
    }

    pub fn encode(&self, version: FrrVersion, buf: &mut Vec<u8>) -> Result<(), ZapiError> {
        if version.capabilities_vrf_backend_is_u8() {
            let b = u8::try_from(self.vrf_backend).map_err(|_| ZapiError::FieldTooLong {
                field: "vrf_backend",
                len: 4,
                max: 1,
            })?;
            put_u8(buf, b);
        } else {
            put_u32(buf, self.vrf_backend);
        }
        put_u8(buf, u8::from(self.mpls_enabled));
        put_u32(buf, self.multipath);
        put_u8(buf, self.mlag_role);
        if version.capabilities_has_v6_with_v4_nexthop() {
            put_u8(buf, u8::from(self.v6_with_v4_nexthop));
        }
        if version.capabilities_has_graceful_restart() {
            put_u8(buf, u8::from(self.graceful_restart));
        }
        Ok(())
    }
}

/// ROUTER_ID_ADD / DELETE payload: u16 AFI (1 = IPv4).
pub fn parse_afi(i: &[u8]) -> PResult<'_, u16> {
    be_u16(i)
}

/// ZEBRA_ERROR payload: the C enum copied raw, i.e. in zebra's host order.
pub fn parse_error_code(i: &[u8]) -> PResult<'_, u32> {
    let (i, b) = take(4usize)(i)?;
    Ok((i, u32::from_ne_bytes([b[0], b[1], b[2], b[3]])))
}
