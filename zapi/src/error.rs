//! The one error type of the crate. Every parser and encoder returns it, so a
//! caller can count failures by a stable name and decide from `is_fatal` whether
//! the connection's framing can still be trusted.

use std::fmt;

/// Why a ZAPI message could not be framed, parsed or encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ZapiError {
    /// The bytes ended before the layout did.
    Truncated,
    /// Header marker was not 0xFE (framing lost: fatal for the connection).
    BadMarker(u8),
    /// Header version was not 6 (fatal for the connection).
    BadVersion(u8),
    /// Header length below the 10-byte header itself (fatal: cannot resync).
    LengthTooShort(u16),
    /// Message longer than ZEBRA_MAX_PACKET_SIZ (the framer skips it by length).
    TooLong(usize),
    /// Address family other than AF_INET (2) / AF_INET6 (10).
    BadFamily(u16),
    /// Source and destination families of one message differ.
    FamilyMismatch,
    /// A length-prefixed or fixed-size field is longer than FRR accepts.
    FieldTooLong {
        field: &'static str,
        len: usize,
        max: usize,
    },
    /// A name field is not UTF-8.
    BadUtf8(&'static str),
    /// Bytes left after a message whose layout is fixed.
    TrailingBytes(usize),
    /// The logical command has no number in the selected FRR version.
    NoSuchCommand(&'static str),
}

impl ZapiError {
    /// Stable snake_case name, for counters and logs.
    pub fn name(&self) -> &'static str {
        match self {
            ZapiError::Truncated => "truncated",
            ZapiError::BadMarker(_) => "bad_marker",
            ZapiError::BadVersion(_) => "bad_version",
            ZapiError::LengthTooShort(_) => "length_too_short",
            ZapiError::TooLong(_) => "too_long",
            ZapiError::BadFamily(_) => "bad_family",
            ZapiError::FamilyMismatch => "family_mismatch",
            ZapiError::FieldTooLong { .. } => "field_too_long",
            ZapiError::BadUtf8(_) => "bad_utf8",
            ZapiError::TrailingBytes(_) => "trailing_bytes",
            ZapiError::NoSuchCommand(_) => "no_such_command",
        }
    }

    /// True when the byte stream can no longer be split into messages, so the
    /// connection must be dropped (FRR drops it in the same cases).
    pub fn is_fatal(&self) -> bool {
        matches!(
            self,
            ZapiError::BadMarker(_) | ZapiError::BadVersion(_) | ZapiError::LengthTooShort(_)
        )
    }
}

impl fmt::Display for ZapiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ZapiError::Truncated => write!(f, "message truncated"),
            ZapiError::BadMarker(m) => write!(f, "bad header marker {m:#04x}"),
            ZapiError::BadVersion(v) => write!(f, "bad ZAPI version {v}"),
            ZapiError::LengthTooShort(l) => write!(f, "header length {l} below 10"),
            ZapiError::TooLong(l) => write!(f, "message length {l} above 16384"),
            ZapiError::BadFamily(fam) => write!(f, "bad address family {fam}"),
            ZapiError::FamilyMismatch => write!(f, "source and destination families differ"),
            ZapiError::FieldTooLong { field, len, max } => {
                write!(f, "{field} is {len} bytes, at most {max} allowed")
            }
            ZapiError::BadUtf8(field) => write!(f, "{field} is not UTF-8"),
            ZapiError::TrailingBytes(n) => write!(f, "{n} unexpected bytes after the message"),
            ZapiError::NoSuchCommand(c) => write!(f, "{c} does not exist in this FRR version"),
        }
    }
}

impl std::error::Error for ZapiError {}

/// nom reports only "ran out of input" for the complete-input parsers used
/// here, so every nom-level error becomes `Truncated`; semantic errors are
/// raised as `nom::Err::Failure` carrying the precise variant.
impl<'a> nom::error::ParseError<&'a [u8]> for ZapiError {
    fn from_error_kind(_input: &'a [u8], _kind: nom::error::ErrorKind) -> Self {
        ZapiError::Truncated
    }

    fn append(_input: &'a [u8], _kind: nom::error::ErrorKind, other: Self) -> Self {
        other
    }
}
