//! A session's §6.7 side: its authentication state (bfd.AuthType and the
//! sequence variables of §6.8.1), the check of a received packet's A bit and
//! authentication section, and the encoding of what it sends, signed.

use std::time::Instant;

use super::Session;
use crate::auth::AuthState;
use crate::packet::{check_auth_presence, ControlPacket, Diag, PacketError, MIN_LEN};

impl Session {
    /// Replace bfd.AuthType and its sequence state (None: no authentication);
    /// the A bit follows.
    pub fn set_auth(&mut self, auth: Option<AuthState>) {
        self.params.auth = auth.is_some();
        self.auth = auth.map(Box::new);
    }

    /// The authentication state, if the session uses authentication.
    pub fn auth(&self) -> Option<&AuthState> {
        self.auth.as_deref()
    }

    /// §6.8.6: the A bit must match the session's use of authentication, and
    /// an authenticated packet must verify (§6.7). `raw` is the datagram
    /// `pkt` was parsed from.
    pub fn verify(&mut self, raw: &[u8], pkt: &ControlPacket<'_>) -> Result<(), PacketError> {
        check_auth_presence(pkt, self.auth.is_some())?;
        if let Some(a) = self.auth.as_mut() {
            a.verify(raw, pkt)?;
        }
        Ok(())
    }

    /// Build the packet to send now (`build_packet`) and encode it into
    /// `buf`, signed when the session uses authentication. Returns its length
    /// (0 if `buf` is too short for it).
    pub fn transmit(&mut self, now: Instant, buf: &mut [u8]) -> usize {
        let pkt = self.build_packet(now);
        encode_into(&pkt, self.auth.as_deref_mut(), buf)
    }

    /// One AdminDown packet (state AdminDown, diag 7, §6.8.16) from a copy of
    /// the session, leaving the session itself untouched; the copy's signing
    /// advances this session's bfd.XmitAuthSeq as a real send would.
    pub fn admin_down_packet(&mut self, now: Instant, buf: &mut [u8]) -> usize {
        // The copy needs no auth state of its own (this one signs).
        let auth = self.auth.take();
        let mut copy = self.clone();
        self.auth = auth;
        let mut params = copy.params;
        params.admin_down = true;
        let _ = copy.set_params(params, now);
        // The session goes away for an administrative reason: say so.
        copy.local_diag = Diag::ADMINISTRATIVELY_DOWN;
        let pkt = copy.build_packet(now);
        encode_into(&pkt, self.auth.as_deref_mut(), buf)
    }
}

/// Encode `pkt`, signed by `auth` when there is one; 0 if `buf` is too short.
fn encode_into(pkt: &ControlPacket<'_>, auth: Option<&mut AuthState>, buf: &mut [u8]) -> usize {
    match auth {
        Some(a) if buf.len() >= MIN_LEN + a.key().section_len() => a.encode(pkt, buf),
        Some(_) => 0,
        None if buf.len() >= MIN_LEN => pkt.encode(buf),
        None => 0,
    }
}
