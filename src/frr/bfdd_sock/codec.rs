//! The bfdd.sock frame: an 8-byte header (payload length u32 big-endian, id u16
//! echoed raw, type u8, version u8 = 1) followed by the payload. This file only
//! splits a byte stream into frames and builds outgoing ones; what the payload
//! means lives in `json.rs` and `server.rs`. The decoder buffers across reads,
//! so a header or payload split over several `read()`s is reassembled (FRR
//! reads its header with one `read()` and misparses a short one).

use std::fmt;

/// Header length in bytes.
pub const HEADER_LEN: usize = 8;
/// The only protocol version.
pub const VERSION_1: u8 = 1;
/// Payloads above this are refused (FRR has no limit and would try to allocate
/// up to 4 GiB; one request carries a few hundred bytes per peer).
pub const MAX_PAYLOAD: usize = 1 << 20;

/// Message types (FRR `enum bc_msg_type`).
pub const MSG_RESPONSE: u8 = 1;
pub const MSG_REQUEST_ADD: u8 = 2;
pub const MSG_REQUEST_DEL: u8 = 3;
pub const MSG_NOTIFY: u8 = 4;
pub const MSG_NOTIFY_ADD: u8 = 5;
pub const MSG_NOTIFY_DEL: u8 = 6;

/// Id carried by notifications.
pub const NOTIFY_ID: u16 = 0;

/// One decoded message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// The request id; kept as the two wire bytes read big-endian so that
    /// writing it back big-endian echoes the raw bytes.
    pub id: u16,
    pub msg_type: u8,
    pub payload: Vec<u8>,
}

/// Why the stream was closed; FRR closes the connection in every case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrameError {
    /// Payload length below 2.
    ShortPayload(u32),
    /// Version other than 1.
    BadVersion(u8),
    /// Payload above `MAX_PAYLOAD`.
    TooLong(u32),
}

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FrameError::ShortPayload(n) => write!(f, "payload length {n} below 2"),
            FrameError::BadVersion(v) => write!(f, "bad version {v}"),
            FrameError::TooLong(n) => write!(f, "payload length {n} above {MAX_PAYLOAD}"),
        }
    }
}

impl std::error::Error for FrameError {}

/// Header fields, validated as FRR does: length first, then version.
fn parse_header(h: &[u8; HEADER_LEN]) -> Result<(usize, u16, u8), FrameError> {
    let len = u32::from_be_bytes([h[0], h[1], h[2], h[3]]);
    let id = u16::from_be_bytes([h[4], h[5]]);
    let msg_type = h[6];
    let version = h[7];
    if len < 2 {
        return Err(FrameError::ShortPayload(len));
    }
    if version != VERSION_1 {
        return Err(FrameError::BadVersion(version));
    }
    let plen = usize::try_from(len).map_err(|_| FrameError::TooLong(len))?;
    if plen > MAX_PAYLOAD {
        return Err(FrameError::TooLong(len));
    }
    Ok((plen, id, msg_type))
}

/// Stream reassembly: feed bytes as they arrive, take frames out.
#[derive(Debug, Default)]
pub struct FrameDecoder {
    buf: Vec<u8>,
}

impl FrameDecoder {
    pub fn new() -> FrameDecoder {
        FrameDecoder::default()
    }

    /// Append bytes read from the socket.
    pub fn extend(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// Bytes buffered but not yet part of a returned frame.
    pub fn pending(&self) -> usize {
        self.buf.len()
    }

    /// The next complete frame, `Ok(None)` if more bytes are needed, or the
    /// error that must close the connection. The header is checked as soon
    /// as its 8 bytes are in, before the payload arrives.
    pub fn next_frame(&mut self) -> Result<Option<Frame>, FrameError> {
        let Some(head) = self.buf.get(..HEADER_LEN) else {
            return Ok(None);
        };
        let mut h = [0u8; HEADER_LEN];
        h.copy_from_slice(head);
        let (plen, id, msg_type) = parse_header(&h)?;
        let total = HEADER_LEN + plen;
        if self.buf.len() < total {
            return Ok(None);
        }
        let payload = self.buf[HEADER_LEN..total].to_vec();
        self.buf.drain(..total);
        Ok(Some(Frame {
            id,
            msg_type,
            payload,
        }))
    }
}

/// A complete message: header and payload.
pub fn encode(id: u16, msg_type: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_LEN + payload.len());
    // Payloads we build are small JSON texts; saturate rather than wrap.
    let len = u32::try_from(payload.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(&id.to_be_bytes());
    out.push(msg_type);
    out.push(VERSION_1);
    out.extend_from_slice(payload);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encode_is_byte_exact() {
        let m = encode(0xabcd, MSG_RESPONSE, br#"{"status":"ok"}"#);
        assert_eq!(&m[..8], &[0, 0, 0, 15, 0xab, 0xcd, 1, 1]);
        assert_eq!(&m[8..], br#"{"status":"ok"}"#);
        let n = encode(NOTIFY_ID, MSG_NOTIFY, b"{}");
        assert_eq!(n, [0, 0, 0, 2, 0, 0, 4, 1, b'{', b'}']);
    }

    #[test]
    fn id_bytes_are_echoed_raw() {
        let mut d = FrameDecoder::new();
        d.extend(&[0, 0, 0, 2, 0x12, 0x34, MSG_REQUEST_ADD, 1, b'{', b'}']);
        let f = d.next_frame().expect("valid").expect("complete");
        assert_eq!(f.id, 0x1234);
        let back = encode(f.id, MSG_RESPONSE, b"xx");
        assert_eq!(&back[4..6], &[0x12, 0x34]);
    }

    #[test]
    fn split_reads_reassemble() {
        let whole = [
            encode(7, MSG_REQUEST_ADD, br#"{"ipv4":[]}"#),
            encode(8, MSG_NOTIFY, &[1, 0, 0, 0, 0, 0, 0, 0]),
        ]
        .concat();
        // Byte by byte: nothing until each frame's last byte.
        let mut d = FrameDecoder::new();
        let mut frames = Vec::new();
        for (i, b) in whole.iter().enumerate() {
            d.extend(&[*b]);
            if let Some(f) = d.next_frame().expect("valid") {
                frames.push((i, f));
            }
        }
        assert_eq!(frames.len(), 2);
        assert_eq!(frames[0].0, 8 + 11 - 1);
        assert_eq!(frames[0].1.payload, br#"{"ipv4":[]}"#);
        assert_eq!(frames[1].1.id, 8);
        assert_eq!(frames[1].1.msg_type, MSG_NOTIFY);
        assert_eq!(d.pending(), 0);
    }

    #[test]
    fn two_frames_in_one_read() {
        let mut d = FrameDecoder::new();
        d.extend(&[encode(1, 2, b"ab"), encode(2, 3, b"cd")].concat());
        assert_eq!(d.next_frame().expect("ok").map(|f| f.id), Some(1));
        assert_eq!(d.next_frame().expect("ok").map(|f| f.id), Some(2));
        assert_eq!(d.next_frame().expect("ok"), None);
    }

    #[test]
    fn short_payload_closes() {
        for len in [0u8, 1] {
            let mut d = FrameDecoder::new();
            d.extend(&[0, 0, 0, len, 0, 1, MSG_REQUEST_ADD, 1]);
            assert_eq!(d.next_frame(), Err(FrameError::ShortPayload(len.into())));
        }
    }

    #[test]
    fn bad_version_closes_before_payload() {
        let mut d = FrameDecoder::new();
        d.extend(&[0, 0, 0, 10, 0, 1, MSG_REQUEST_ADD, 2]);
        assert_eq!(d.next_frame(), Err(FrameError::BadVersion(2)));
        let mut d = FrameDecoder::new();
        d.extend(&[0, 0, 0, 10, 0, 1, MSG_REQUEST_ADD, 0]);
        assert_eq!(d.next_frame(), Err(FrameError::BadVersion(0)));
    }

    #[test]
    fn length_checked_before_version() {
        let mut d = FrameDecoder::new();
        d.extend(&[0, 0, 0, 1, 0, 1, MSG_REQUEST_ADD, 9]);
        assert_eq!(d.next_frame(), Err(FrameError::ShortPayload(1)));
    }

    #[test]
    fn oversized_payload_refused() {
        let mut d = FrameDecoder::new();
        d.extend(&[0xff, 0xff, 0xff, 0xff, 0, 1, MSG_REQUEST_ADD, 1]);
        assert_eq!(d.next_frame(), Err(FrameError::TooLong(u32::MAX)));
    }

    #[test]
    fn unknown_type_is_still_a_frame() {
        // The type is judged by the server ("invalid message type"), not here.
        let mut d = FrameDecoder::new();
        d.extend(&encode(3, 99, b"{}"));
        assert_eq!(d.next_frame().expect("ok").map(|f| f.msg_type), Some(99));
    }
}
