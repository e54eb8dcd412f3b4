//! One decoded ZAPI message: the typed `Message` for each command bfdd sends
//! or receives, decoded from a header + payload under a chosen FRR version
//! and encoded back to complete wire bytes. Commands we do not model arrive as
//! `Message::Unknown` and are never an error.

use crate::bfd::{parse_pid, BfdDest, BfdStatusUpdate, Replay};
use crate::error::ZapiError;
use crate::header::{Header, HEADER_LEN, MAX_PACKET_SIZE};
use crate::iface::{Interface, InterfaceAddress, InterfaceVrfUpdate};
use crate::session::{parse_afi, parse_error_code, Capabilities, Hello};
use crate::version::{Command, FrrVersion};
use crate::vrf::Vrf;
use crate::wire::{parse_exact, parse_prefix, put_u16};

/// A typed ZAPI message (the header's VRF id travels beside it in `Frame`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    Hello(Hello),
    Capabilities(Capabilities),
    VrfAdd(Vrf),
    VrfDelete(Vrf),
    /// Header-only INTERFACE_ADD: "send me your interfaces" (client → zebra).
    InterfaceAddRequest,
    /// Header-only INTERFACE_DELETE: stop interface updates for the VRF.
    InterfaceDeleteRequest,
    InterfaceAdd(Interface),
    InterfaceDelete(Interface),
    InterfaceUp(Interface),
    InterfaceDown(Interface),
    InterfaceAddressAdd(InterfaceAddress),
    InterfaceAddressDelete(InterfaceAddress),
    InterfaceVrfUpdate(InterfaceVrfUpdate),
    BfdDestRegister(BfdDest),
    BfdDestDeregister(BfdDest),
    BfdDestUpdate(BfdDest),
    BfdClientRegister {
        pid: u32,
    },
    BfdClientDeregister {
        pid: u32,
    },
    /// `None`: header-only replay zebra sends clients ("re-register all").
    BfdDestReplay(Option<Replay>),
    InterfaceBfdDestUpdate(BfdStatusUpdate),
    RouterIdAdd {
        afi: u16,
    },
    RouterIdDelete {
        afi: u16,
    },
    Error {
        code: u32,
    },
    /// Any command we do not model; skipped by length.
    Unknown {
        command: u16,
        vrf_id: u32,
        payload: Vec<u8>,
    },
}

/// A message with its header VRF id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    pub vrf_id: u32,
    pub message: Message,
}

impl Frame {
    pub fn new(vrf_id: u32, message: Message) -> Frame {
        Frame { vrf_id, message }
    }

    /// Decode a whole message (`bytes` = header + payload, exactly).
    pub fn decode(version: FrrVersion, bytes: &[u8]) -> Result<Frame, ZapiError> {
        let header = Header::parse(bytes)?;
        let payload = bytes
            .get(HEADER_LEN..usize::from(header.length))
            .ok_or(ZapiError::Truncated)?;
        if bytes.len() > usize::from(header.length) {
            return Err(ZapiError::TrailingBytes(
                bytes.len() - usize::from(header.length),
            ));
        }
        Ok(Frame {
            vrf_id: header.vrf_id,
            message: Message::decode(version, &header, payload)?,
        })
    }

    /// Complete wire bytes.
    pub fn encode(&self, version: FrrVersion) -> Result<Vec<u8>, ZapiError> {
        self.message.encode(version, self.vrf_id)
    }
}

impl Message {
    /// The logical command, `None` for `Unknown`.
    pub fn command(&self) -> Option<Command> {
        use Message::*;
        Some(match self {
            Hello(_) => Command::Hello,
            Capabilities(_) => Command::Capabilities,
            VrfAdd(_) => Command::VrfAdd,
            VrfDelete(_) => Command::VrfDelete,
            InterfaceAddRequest | InterfaceAdd(_) => Command::InterfaceAdd,
            InterfaceDeleteRequest | InterfaceDelete(_) => Command::InterfaceDelete,
            InterfaceUp(_) => Command::InterfaceUp,
            InterfaceDown(_) => Command::InterfaceDown,
            InterfaceAddressAdd(_) => Command::InterfaceAddressAdd,
            InterfaceAddressDelete(_) => Command::InterfaceAddressDelete,
            InterfaceVrfUpdate(_) => Command::InterfaceVrfUpdate,
            BfdDestRegister(_) => Command::BfdDestRegister,
            BfdDestDeregister(_) => Command::BfdDestDeregister,
            BfdDestUpdate(_) => Command::BfdDestUpdate,
            BfdClientRegister { .. } => Command::BfdClientRegister,
            BfdClientDeregister { .. } => Command::BfdClientDeregister,
            BfdDestReplay(_) => Command::BfdDestReplay,
            InterfaceBfdDestUpdate(_) => Command::InterfaceBfdDestUpdate,
            RouterIdAdd { .. } => Command::RouterIdAdd,
            RouterIdDelete { .. } => Command::RouterIdDelete,
            Error { .. } => Command::Error,
            Unknown { .. } => return None,
        })
    }

    /// Decode `payload` of the message whose header is `header`.
    ///
    /// Layouts that newer zebras extend at the end (HELLO, CAPABILITIES, VRF,
    /// interface, address, error) ignore extra bytes; the BFD layouts are
    /// fixed from 8.4 to 10.6, so extra bytes there are `TrailingBytes`.
    pub fn decode(
        version: FrrVersion,
        header: &Header,
        payload: &[u8],
    ) -> Result<Message, ZapiError> {
        let Some(cmd) = version.command(header.command) else {
            return Ok(Self::unknown(header, payload));
        };
        Ok(match cmd {
            Command::Hello => Message::Hello(parse_prefix(payload, Hello::parse(version))?),
            Command::Capabilities => {
                Message::Capabilities(parse_prefix(payload, Capabilities::parse(version))?)
            }
            Command::VrfAdd => Message::VrfAdd(parse_prefix(payload, Vrf::parse)?),
            Command::VrfDelete => Message::VrfDelete(parse_prefix(payload, Vrf::parse)?),
            Command::InterfaceAdd if payload.is_empty() => Message::InterfaceAddRequest,
            Command::InterfaceDelete if payload.is_empty() => Message::InterfaceDeleteRequest,
            Command::InterfaceAdd => {
                Message::InterfaceAdd(parse_prefix(payload, Interface::parse(version))?)
            }
            Command::InterfaceDelete => {
                Message::InterfaceDelete(parse_prefix(payload, Interface::parse(version))?)
            }
            Command::InterfaceUp => {
                Message::InterfaceUp(parse_prefix(payload, Interface::parse(version))?)
            }
            Command::InterfaceDown => {
                Message::InterfaceDown(parse_prefix(payload, Interface::parse(version))?)
            }
            Command::InterfaceAddressAdd => {
                Message::InterfaceAddressAdd(parse_prefix(payload, InterfaceAddress::parse)?)
            }
            Command::InterfaceAddressDelete => {
                Message::InterfaceAddressDelete(parse_prefix(payload, InterfaceAddress::parse)?)
            }
            Command::InterfaceVrfUpdate => {
                Message::InterfaceVrfUpdate(parse_prefix(payload, InterfaceVrfUpdate::parse)?)
            }
            Command::BfdDestRegister => {
                Message::BfdDestRegister(parse_exact(payload, BfdDest::parse)?)
            }
            Command::BfdDestDeregister => {
                Message::BfdDestDeregister(parse_exact(payload, BfdDest::parse)?)
            }
            Command::BfdDestUpdate => Message::BfdDestUpdate(parse_exact(payload, BfdDest::parse)?),
            Command::BfdClientRegister => Message::BfdClientRegister {
                pid: parse_pid(payload)?,
            },
            Command::BfdClientDeregister => Message::BfdClientDeregister {
                pid: parse_pid(payload)?,
            },
            Command::BfdDestReplay if payload.is_empty() => Message::BfdDestReplay(None),
            Command::BfdDestReplay => {
                Message::BfdDestReplay(Some(Replay::parse(version, payload)?))
            }
            Command::InterfaceBfdDestUpdate => Message::InterfaceBfdDestUpdate(parse_exact(
                payload,
                BfdStatusUpdate::parse(version),
            )?),
            Command::RouterIdAdd => Message::RouterIdAdd {
                afi: parse_exact(payload, parse_afi)?,
            },
            Command::RouterIdDelete => Message::RouterIdDelete {
                afi: parse_exact(payload, parse_afi)?,
            },
            Command::Error => Message::Error {
                code: parse_prefix(payload, parse_error_code)?,
            },
            _ => Self::unknown(header, payload),
        })
    }

    fn unknown(header: &Header, payload: &[u8]) -> Message {
        Message::Unknown {
            command: header.command,
            vrf_id: header.vrf_id,
            payload: payload.to_vec(),
        }
    }

    /// Append just the payload bytes.
    pub fn encode_payload(&self, version: FrrVersion, buf: &mut Vec<u8>) -> Result<(), ZapiError> {
        use Message::*;
        match self {
            Hello(h) => h.encode(version, buf),
            Capabilities(c) => c.encode(version, buf)?,
            VrfAdd(v) | VrfDelete(v) => v.encode(buf)?,
            InterfaceAddRequest | InterfaceDeleteRequest => {}
            InterfaceAdd(i) | InterfaceDelete(i) | InterfaceUp(i) | InterfaceDown(i) => {
                i.encode(version, buf)?
            }
            InterfaceAddressAdd(a) | InterfaceAddressDelete(a) => a.encode(buf)?,
            InterfaceVrfUpdate(u) => u.encode(buf)?,
            BfdDestRegister(d) | BfdDestDeregister(d) | BfdDestUpdate(d) => d.encode(buf)?,
            BfdClientRegister { pid } | BfdClientDeregister { pid } => {
                buf.extend_from_slice(&pid.to_be_bytes())
            }
            BfdDestReplay(None) => {}
            BfdDestReplay(Some(r)) => r.encode(version, buf)?,
            InterfaceBfdDestUpdate(s) => s.encode(version, buf)?,
            RouterIdAdd { afi } | RouterIdDelete { afi } => put_u16(buf, *afi),
            Error { code } => buf.extend_from_slice(&code.to_ne_bytes()),
            Unknown { payload, .. } => buf.extend_from_slice(payload),
        }
        Ok(())
    }

    /// Complete wire bytes (header + payload) with header VRF `vrf_id`.
    /// `Unknown` keeps its own command number and VRF id.
    pub fn encode(&self, version: FrrVersion, vrf_id: u32) -> Result<Vec<u8>, ZapiError> {
        let (command, vrf_id) = match (self, self.command()) {
            (
                Message::Unknown {
                    command, vrf_id, ..
                },
                _,
            ) => (*command, *vrf_id),
            (_, Some(c)) => (
                version
                    .number(c)
                    .ok_or(ZapiError::NoSuchCommand(c.frr_name()))?,
                vrf_id,
            ),
            (_, None) => return Err(ZapiError::NoSuchCommand("unknown")),
        };
        let mut buf = vec![0u8; HEADER_LEN];
        self.encode_payload(version, &mut buf)?;
        if buf.len() > MAX_PACKET_SIZE {
            return Err(ZapiError::TooLong(buf.len()));
        }
        let header = Header {
            // Bounded by MAX_PACKET_SIZE above, so it fits a u16.
            length: buf.len() as u16,
            vrf_id,
            command,
        };
        buf[..HEADER_LEN].copy_from_slice(&header.encode());
        Ok(buf)
    }
}
