//! Telnet option negotiation as FRR's vty does it: the four options it
//! sends on connect, and the telnet commands (IAC ..., subnegotiations such
//! as the window size) that a client sends back, which are not input.

/// IAC WILL ECHO, IAC WILL SGA, IAC DONT LINEMODE, IAC DO NAWS.
pub const TELNET_OPTIONS: &[u8] = &[
    0xff, 0xfb, 0x01, 0xff, 0xfb, 0x03, 0xff, 0xfe, 0x22, 0xff, 0xfd, 0x1f,
];

/// Where the input is in telnet's command syntax.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) enum Telnet {
    /// Plain input.
    #[default]
    Data,
    /// After IAC.
    Command,
    /// After IAC WILL/WONT/DO/DONT: the option byte.
    Option,
    /// Inside IAC SB ... IAC SE (window size and the like).
    Sub,
    /// IAC inside a subnegotiation: SE ends it.
    SubEnd,
}

impl Telnet {
    /// Takes `b` when inside a telnet command and says so; in plain input
    /// (`Data`) the byte is the caller's, who starts a command on IAC.
    pub(super) fn consume(&mut self, b: u8) -> bool {
        match *self {
            Telnet::Data => return false,
            Telnet::Command => {
                *self = match b {
                    0xfb..=0xfe => Telnet::Option,
                    0xfa => Telnet::Sub,
                    // IAC IAC is a literal 0xff: not a character we edit.
                    _ => Telnet::Data,
                };
            }
            Telnet::Option => *self = Telnet::Data,
            Telnet::Sub => {
                if b == 0xff {
                    *self = Telnet::SubEnd;
                }
            }
            Telnet::SubEnd => *self = if b == 0xf0 { Telnet::Data } else { Telnet::Sub },
        }
        true
    }
}
