//! Byte helpers shared by every message: nom parsers for ZAPI's big-endian
//! integers, addresses with their family, NUL-padded and length-prefixed
//! names, and the matching writers. Parsers never panic: running out of bytes
//! is `Truncated`, a semantic problem is a `nom::Err::Failure` with its variant.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use nom::bytes::complete::take;
use nom::number::complete::{be_u16, be_u8};
use nom::IResult;

use crate::error::ZapiError;

/// Result of a parser in this crate.
pub type PResult<'a, T> = IResult<&'a [u8], T, ZapiError>;

/// Linux AF_INET, as written on the wire.
pub const AF_INET: u16 = 2;
/// Linux AF_INET6, as written on the wire.
pub const AF_INET6: u16 = 10;

/// Abort the parse with a precise error (no backtracking in this crate).
pub fn fail<T>(e: ZapiError) -> Result<T, nom::Err<ZapiError>> {
    Err(nom::Err::Failure(e))
}

/// Turn a nom result into the crate's error type.
pub fn finish<T>(r: PResult<'_, T>) -> Result<(&[u8], T), ZapiError> {
    match r {
        Ok(v) => Ok(v),
        Err(nom::Err::Error(e)) | Err(nom::Err::Failure(e)) => Err(e),
        Err(nom::Err::Incomplete(_)) => Err(ZapiError::Truncated),
    }
}

/// Run `parse` over all of `input`, refusing leftover bytes.
pub fn parse_exact<'a, T>(
    input: &'a [u8],
    parse: impl FnOnce(&'a [u8]) -> PResult<'a, T>,
) -> Result<T, ZapiError> {
    let (rest, v) = finish(parse(input))?;
    if rest.is_empty() {
        Ok(v)
    } else {
        Err(ZapiError::TrailingBytes(rest.len()))
    }
}

/// Run `parse` over `input`, ignoring leftover bytes (layouts that newer
/// zebras extend at the end).
pub fn parse_prefix<'a, T>(
    input: &'a [u8],
    parse: impl FnOnce(&'a [u8]) -> PResult<'a, T>,
) -> Result<T, ZapiError> {
    finish(parse(input)).map(|(_, v)| v)
}

/// The wire family of an address.
pub fn family_of(a: &IpAddr) -> u16 {
    match a {
        IpAddr::V4(_) => AF_INET,
        IpAddr::V6(_) => AF_INET6,
    }
}

/// Full-length prefix of an address (32 or 128).
pub fn host_prefixlen(a: &IpAddr) -> u8 {
    match a {
        IpAddr::V4(_) => 32,
        IpAddr::V6(_) => 128,
    }
}

/// The all-zero address of `family`.
pub fn unspecified(family: u16) -> Result<IpAddr, ZapiError> {
    match family {
        AF_INET => Ok(IpAddr::V4(Ipv4Addr::UNSPECIFIED)),
        AF_INET6 => Ok(IpAddr::V6(Ipv6Addr::UNSPECIFIED)),
        f => Err(ZapiError::BadFamily(f)),
    }
}

/// Raw address bytes of the given family (4 or 16).
pub fn addr(family: u16) -> impl Fn(&[u8]) -> PResult<'_, IpAddr> {
    move |i| match family {
        AF_INET => {
            let (i, b) = take(4usize)(i)?;
            Ok((i, IpAddr::V4(Ipv4Addr::new(b[0], b[1], b[2], b[3]))))
        }
        AF_INET6 => {
            let (i, b) = take(16usize)(i)?;
            let mut o = [0u8; 16];
            o.copy_from_slice(b);
            Ok((i, IpAddr::V6(Ipv6Addr::from(o))))
        }
        f => fail(ZapiError::BadFamily(f)),
    }
}

/// u8 family followed by the address.
pub fn family8_addr(i: &[u8]) -> PResult<'_, IpAddr> {
    let (i, fam) = be_u8(i)?;
    addr(u16::from(fam))(i)
}

/// u16 family followed by the address.
pub fn family16_addr(i: &[u8]) -> PResult<'_, IpAddr> {
    let (i, fam) = be_u16(i)?;
    addr(fam)(i)
}

/// Append the raw address bytes.
pub fn put_addr(buf: &mut Vec<u8>, a: &IpAddr) {
    match a {
        IpAddr::V4(v4) => buf.extend_from_slice(&v4.octets()),
        IpAddr::V6(v6) => buf.extend_from_slice(&v6.octets()),
    }
}

pub fn put_u8(buf: &mut Vec<u8>, v: u8) {
    buf.push(v);
}

pub fn put_u16(buf: &mut Vec<u8>, v: u16) {
    buf.extend_from_slice(&v.to_be_bytes());
}

pub fn put_u32(buf: &mut Vec<u8>, v: u32) {
    buf.extend_from_slice(&v.to_be_bytes());
}

pub fn put_u64(buf: &mut Vec<u8>, v: u64) {
    buf.extend_from_slice(&v.to_be_bytes());
}

fn utf8(field: &'static str, b: &[u8]) -> Result<String, nom::Err<ZapiError>> {
    match std::str::from_utf8(b) {
        Ok(s) => Ok(s.to_string()),
        Err(_) => fail(ZapiError::BadUtf8(field)),
    }
}

/// A fixed-size, NUL-padded C string field (`size` bytes on the wire).
pub fn fixed_name(field: &'static str, size: usize) -> impl Fn(&[u8]) -> PResult<'_, String> {
    move |i| {
        let (i, b) = take(size)(i)?;
        let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
        Ok((i, utf8(field, &b[..end])?))
    }
}

/// Write `name` NUL-padded into `size` bytes; at least one NUL must fit, as
/// the C readers expect a terminated string.
pub fn put_fixed_name(
    buf: &mut Vec<u8>,
    field: &'static str,
    name: &str,
    size: usize,
) -> Result<(), ZapiError> {
    let b = name.as_bytes();
    if b.len() >= size {
        return Err(ZapiError::FieldTooLong {
            field,
            len: b.len(),
            max: size - 1,
        });
    }
    buf.extend_from_slice(b);
    buf.resize(buf.len() + (size - b.len()), 0);
    Ok(())
}

/// A u8 length followed by that many bytes (no NUL), at most `max` long.
pub fn len8_name(field: &'static str, max: usize) -> impl Fn(&[u8]) -> PResult<'_, String> {
    move |i| {
        let (i, n) = be_u8(i)?;
        if usize::from(n) > max {
            return fail(ZapiError::FieldTooLong {
                field,
                len: usize::from(n),
                max,
            });
        }
        let (i, b) = take(n)(i)?;
        Ok((i, utf8(field, b)?))
    }
}

/// Write a u8 length and the bytes of `name`, refusing more than `max`.
pub fn put_len8_name(
    buf: &mut Vec<u8>,
    field: &'static str,
    name: &str,
    max: usize,
) -> Result<(), ZapiError> {
    let b = name.as_bytes();
    let max = max.min(usize::from(u8::MAX));
    if b.len() > max {
        return Err(ZapiError::FieldTooLong {
            field,
            len: b.len(),
            max,
        });
    }
    buf.push(b.len() as u8);
    buf.extend_from_slice(b);
    Ok(())
}
