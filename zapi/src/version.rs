//! FRR release differences that change bytes on the wire: the numbering of
//! `zebra_message_types_t` (a plain C enum that shifts between releases), the
//! BFD route type announced in HELLO, and the few layouts that grew fields.
//! Everything version-dependent is decided here so the message code only asks.

use std::fmt;
use std::str::FromStr;

/// The FRR release whose ZAPI numbering and layouts we speak.
///
/// 8.5 and 9.0 use 8.4's numbering; 10.1 uses 10.0's; 10.2 has its own; 10.3+
/// keeps 10.2's numbering but appends a name to INTERFACE_BFD_DEST_UPDATE;
/// 10.6 also adds `zif_type` to interface messages and shrinks the vrf backend
/// of CAPABILITIES to one byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum FrrVersion {
    #[default]
    V8_4,
    V9_0,
    V9_1,
    V10_0,
    V10_2,
    V10_3,
    V10_6,
}

/// A logical ZAPI command, independent of its number in a given release.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Command {
    InterfaceAdd,
    InterfaceDelete,
    InterfaceAddressAdd,
    InterfaceAddressDelete,
    InterfaceUp,
    InterfaceDown,
    InterfaceSetMaster,
    InterfaceSetArp,
    InterfaceSetProtodown,
    RouterIdAdd,
    RouterIdDelete,
    RouterIdUpdate,
    Hello,
    Capabilities,
    InterfaceNbrAddressAdd,
    InterfaceNbrAddressDelete,
    InterfaceBfdDestUpdate,
    BfdDestRegister,
    BfdDestDeregister,
    BfdDestUpdate,
    BfdDestReplay,
    VrfUnregister,
    VrfAdd,
    VrfDelete,
    VrfLabel,
    InterfaceVrfUpdate,
    BfdClientRegister,
    BfdClientDeregister,
    InterfaceLinkParams,
    Error,
    ClientCapabilities,
    ClientCloseNotify,
}

/// Numbers per numbering column: [8.4/8.5/9.0, 9.1, 10.0/10.1, 10.2+].
/// `None` = the command does not exist in that release.
const TABLE: &[(Command, [Option<u16>; 4])] = {
    use Command::*;
    const fn all(n: u16) -> [Option<u16>; 4] {
        [Some(n), Some(n), Some(n), Some(n)]
    }
    const fn v(a: u16, b: u16, c: u16, d: u16) -> [Option<u16>; 4] {
        [Some(a), Some(b), Some(c), Some(d)]
    }
    &[
        (InterfaceAdd, all(0)),
        (InterfaceDelete, all(1)),
        (InterfaceAddressAdd, all(2)),
        (InterfaceAddressDelete, all(3)),
        (InterfaceUp, all(4)),
        (InterfaceDown, all(5)),
        (InterfaceSetMaster, all(6)),
        (InterfaceSetArp, [None, None, Some(7), Some(7)]),
        (InterfaceSetProtodown, v(7, 7, 8, 8)),
        (RouterIdAdd, v(15, 15, 16, 16)),
        (RouterIdDelete, v(16, 16, 17, 17)),
        (RouterIdUpdate, v(17, 17, 18, 18)),
        (Hello, v(18, 18, 19, 19)),
        (Capabilities, v(19, 19, 20, 20)),
        (InterfaceNbrAddressAdd, v(23, 23, 24, 24)),
        (InterfaceNbrAddressDelete, v(24, 24, 25, 25)),
        (InterfaceBfdDestUpdate, v(25, 25, 26, 26)),
        (BfdDestRegister, v(26, 26, 27, 27)),
        (BfdDestDeregister, v(27, 27, 28, 28)),
        (BfdDestUpdate, v(28, 28, 29, 29)),
        (BfdDestReplay, v(29, 29, 30, 30)),
        (VrfUnregister, [Some(32), Some(32), Some(33), None]),
        (VrfAdd, v(33, 33, 34, 33)),
        (VrfDelete, v(34, 34, 35, 34)),
        (VrfLabel, v(35, 35, 36, 35)),
        (InterfaceVrfUpdate, [Some(36), None, None, None]),
        (BfdClientRegister, v(37, 36, 37, 36)),
        (BfdClientDeregister, v(38, 37, 38, 37)),
        (InterfaceLinkParams, v(42, 41, 42, 41)),
        (Error, v(118, 117, 118, 120)),
        (ClientCapabilities, v(119, 118, 119, 121)),
        (ClientCloseNotify, v(125, 124, 125, 127)),
    ]
};

impl Command {
    /// FRR's name for the command, for logs.
    pub fn frr_name(self) -> &'static str {
        use Command::*;
        match self {
            InterfaceAdd => "ZEBRA_INTERFACE_ADD",
            InterfaceDelete => "ZEBRA_INTERFACE_DELETE",
            InterfaceAddressAdd => "ZEBRA_INTERFACE_ADDRESS_ADD",
            InterfaceAddressDelete => "ZEBRA_INTERFACE_ADDRESS_DELETE",
            InterfaceUp => "ZEBRA_INTERFACE_UP",
            InterfaceDown => "ZEBRA_INTERFACE_DOWN",
            InterfaceSetMaster => "ZEBRA_INTERFACE_SET_MASTER",
            InterfaceSetArp => "ZEBRA_INTERFACE_SET_ARP",
            InterfaceSetProtodown => "ZEBRA_INTERFACE_SET_PROTODOWN",
            RouterIdAdd => "ZEBRA_ROUTER_ID_ADD",
            RouterIdDelete => "ZEBRA_ROUTER_ID_DELETE",
            RouterIdUpdate => "ZEBRA_ROUTER_ID_UPDATE",
            Hello => "ZEBRA_HELLO",
            Capabilities => "ZEBRA_CAPABILITIES",
            InterfaceNbrAddressAdd => "ZEBRA_INTERFACE_NBR_ADDRESS_ADD",
            InterfaceNbrAddressDelete => "ZEBRA_INTERFACE_NBR_ADDRESS_DELETE",
            InterfaceBfdDestUpdate => "ZEBRA_INTERFACE_BFD_DEST_UPDATE",
            BfdDestRegister => "ZEBRA_BFD_DEST_REGISTER",
            BfdDestDeregister => "ZEBRA_BFD_DEST_DEREGISTER",
            BfdDestUpdate => "ZEBRA_BFD_DEST_UPDATE",
            BfdDestReplay => "ZEBRA_BFD_DEST_REPLAY",
            VrfUnregister => "ZEBRA_VRF_UNREGISTER",
            VrfAdd => "ZEBRA_VRF_ADD",
            VrfDelete => "ZEBRA_VRF_DELETE",
            VrfLabel => "ZEBRA_VRF_LABEL",
            InterfaceVrfUpdate => "ZEBRA_INTERFACE_VRF_UPDATE",
            BfdClientRegister => "ZEBRA_BFD_CLIENT_REGISTER",
            BfdClientDeregister => "ZEBRA_BFD_CLIENT_DEREGISTER",
            InterfaceLinkParams => "ZEBRA_INTERFACE_LINK_PARAMS",
            Error => "ZEBRA_ERROR",
            ClientCapabilities => "ZEBRA_CLIENT_CAPABILITIES",
            ClientCloseNotify => "ZEBRA_CLIENT_CLOSE_NOTIFY",
        }
    }

    /// Every command the table knows.
    pub fn all() -> impl Iterator<Item = Command> {
        TABLE.iter().map(|(c, _)| *c)
    }
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.frr_name())
    }
}

impl FrrVersion {
    /// Every selectable version, oldest first.
    pub const ALL: [FrrVersion; 7] = [
        FrrVersion::V8_4,
        FrrVersion::V9_0,
        FrrVersion::V9_1,
        FrrVersion::V10_0,
        FrrVersion::V10_2,
        FrrVersion::V10_3,
        FrrVersion::V10_6,
    ];

    fn column(self) -> usize {
        match self {
            FrrVersion::V8_4 | FrrVersion::V9_0 => 0,
            FrrVersion::V9_1 => 1,
            FrrVersion::V10_0 => 2,
            FrrVersion::V10_2 | FrrVersion::V10_3 | FrrVersion::V10_6 => 3,
        }
    }

    /// The wire number of `cmd` in this release, if it exists there.
    pub fn number(self, cmd: Command) -> Option<u16> {
        let col = self.column();
        TABLE
            .iter()
            .find(|(c, _)| *c == cmd)
            .and_then(|(_, n)| n[col])
    }

    /// The logical command behind wire number `n`, if we know it.
    pub fn command(self, n: u16) -> Option<Command> {
        let col = self.column();
        TABLE
            .iter()
            .find(|(_, nums)| nums[col] == Some(n))
            .map(|(c, _)| *c)
    }

    /// ZEBRA_ROUTE_BFD: the proto bfdd announces in HELLO (zebra relays BFD
    /// registrations only to the client that announced it).
    pub fn route_type_bfd(self) -> u8 {
        if self >= FrrVersion::V10_0 {
            26
        } else {
            25
        }
    }

    /// HELLO carries a receive_notify byte before synchronous (gone in 10.0).
    pub fn hello_has_receive_notify(self) -> bool {
        self < FrrVersion::V10_0
    }

    /// INTERFACE_ADD & co. carry u32 txqlen after speed (9.1+).
    pub fn interface_has_txqlen(self) -> bool {
        self >= FrrVersion::V9_1
    }

    /// INTERFACE_ADD & co. carry u32 zif_type after link_ifindex (10.6+).
    pub fn interface_has_zif_type(self) -> bool {
        self >= FrrVersion::V10_6
    }

    /// CAPABILITIES starts with a u8 vrf backend instead of a u32 (10.6+).
    pub fn capabilities_vrf_backend_is_u8(self) -> bool {
        self >= FrrVersion::V10_6
    }

    /// CAPABILITIES carries the v6-with-v4-nexthop byte (9.1+).
    pub fn capabilities_has_v6_with_v4_nexthop(self) -> bool {
        self >= FrrVersion::V9_1
    }

    /// CAPABILITIES carries the graceful-restart byte (10.2+).
    pub fn capabilities_has_graceful_restart(self) -> bool {
        self >= FrrVersion::V10_2
    }

    /// INTERFACE_BFD_DEST_UPDATE ends with a length-prefixed name (10.3+).
    pub fn bfd_status_has_name(self) -> bool {
        self >= FrrVersion::V10_3
    }

    /// Short text form, as accepted by `FromStr`.
    pub fn as_str(self) -> &'static str {
        match self {
            FrrVersion::V8_4 => "8.4",
            FrrVersion::V9_0 => "9.0",
            FrrVersion::V9_1 => "9.1",
            FrrVersion::V10_0 => "10.0",
            FrrVersion::V10_2 => "10.2",
            FrrVersion::V10_3 => "10.3",
            FrrVersion::V10_6 => "10.6",
        }
    }
}

impl fmt::Display for FrrVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `--frr-version` value that names no supported release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownFrrVersion(pub String);

impl fmt::Display for UnknownFrrVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unsupported FRR version {:?} (known: 8.4, 8.5, 9.0, 9.1, 10.0 .. 10.6)",
            self.0
        )
    }
}

impl std::error::Error for UnknownFrrVersion {}

impl FromStr for FrrVersion {
    type Err = UnknownFrrVersion;

    /// Accepts "8.4", "8.4.4", "frr-9.1", "10.5" …: major.minor decides,
    /// a patch level is ignored.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let t = t.strip_prefix("frr-").unwrap_or(t);
        let mut parts = t.split('.');
        let major = parts.next().and_then(|p| p.parse::<u32>().ok());
        let minor = parts.next().and_then(|p| p.parse::<u32>().ok());
        let patch_ok = parts.all(|p| p.parse::<u32>().is_ok());
        let v = match (major, minor, patch_ok) {
            (Some(8), Some(4 | 5), true) => FrrVersion::V8_4,
            (Some(9), Some(0), true) => FrrVersion::V9_0,
            (Some(9), Some(1), true) => FrrVersion::V9_1,
            (Some(10), Some(0 | 1), true) => FrrVersion::V10_0,
            (Some(10), Some(2), true) => FrrVersion::V10_2,
            (Some(10), Some(3..=5), true) => FrrVersion::V10_3,
            (Some(10), Some(6), true) => FrrVersion::V10_6,
            _ => return Err(UnknownFrrVersion(s.to_string())),
        };
        Ok(v)
    }
}
