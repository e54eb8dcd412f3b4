//! Splits a ZAPI byte stream into messages: a read may hold several messages
//! or part of one. Marker, version and too-short lengths mean the stream can
//! no longer be trusted (the framer stops, the caller drops the connection);
//! an over-long message is reported and skipped by its length, as is any
//! command we do not model.

use crate::error::ZapiError;
use crate::header::{Header, HEADER_LEN};
use crate::message::{Frame, Message};
use crate::version::FrrVersion;

/// One framed message, undecoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawFrame {
    pub header: Header,
    pub payload: Vec<u8>,
}

impl RawFrame {
    /// Decode under `version`; on error the caller still has the header
    /// (command, VRF) for its log line.
    pub fn decode(&self, version: FrrVersion) -> Result<Frame, ZapiError> {
        Ok(Frame {
            vrf_id: self.header.vrf_id,
            message: Message::decode(version, &self.header, &self.payload)?,
        })
    }
}

/// Stream decoder: `push` what the socket gave, then drain `next_frame` /
/// `next_message` until `None`.
#[derive(Debug, Default)]
pub struct Framer {
    buf: Vec<u8>,
    /// Bytes of an over-long message still to discard.
    skip: usize,
    /// Set once a fatal error has been returned; the framer then yields nothing.
    dead: bool,
}

impl Framer {
    pub fn new() -> Framer {
        Framer::default()
    }

    /// Append bytes read from the connection (ignored once dead).
    pub fn push(&mut self, data: &[u8]) {
        if !self.dead {
            self.buf.extend_from_slice(data);
        }
    }

    /// True after a fatal error: the connection must be closed.
    pub fn is_dead(&self) -> bool {
        self.dead
    }

    /// Bytes held waiting for the rest of a message.
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }

    /// The next complete message, an error, or `None` when more bytes are
    /// needed. A fatal error is returned once, then `None` forever.
    pub fn next_frame(&mut self) -> Option<Result<RawFrame, ZapiError>> {
        if self.dead {
            return None;
        }
        self.discard_skipped();
        if self.skip > 0 || self.buf.len() < HEADER_LEN {
            return None;
        }
        let header = match Header::parse(&self.buf) {
            Ok(h) => h,
            Err(e @ ZapiError::TooLong(len)) => {
                self.skip = len;
                self.discard_skipped();
                return Some(Err(e));
            }
            Err(e) => {
                self.dead = true;
                self.buf = Vec::new();
                return Some(Err(e));
            }
        };
        let len = usize::from(header.length);
        if self.buf.len() < len {
            return None;
        }
        let payload = self.buf[HEADER_LEN..len].to_vec();
        self.buf.drain(..len);
        Some(Ok(RawFrame { header, payload }))
    }

    /// Like `next_frame`, decoded under `version`. Decode errors are not
    /// fatal: the message was framed, so the stream stays in step.
    pub fn next_message(&mut self, version: FrrVersion) -> Option<Result<Frame, ZapiError>> {
        Some(self.next_frame()?.and_then(|raw| raw.decode(version)))
    }

    fn discard_skipped(&mut self) {
        let n = self.skip.min(self.buf.len());
        self.buf.drain(..n);
        self.skip -= n;
    }
}
