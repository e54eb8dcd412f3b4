//! Character-mode line editing of what a telnet client types (echo,
//! backspace, Enter as CR LF, CR NUL or LF, arrow keys skipped, telnet
//! commands skipped), and CRLF line ends on what it is sent.

use super::options::Telnet;

/// Longest line kept; further characters are dropped.
const LINE_MAX: usize = 4096;

/// `\n` → `\r\n`, as FRR's `buffer_put_crlf` for a terminal.
pub fn crlf(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() + 16);
    for &b in text {
        if b == b'\n' {
            out.push(b'\r');
        }
        out.push(b);
    }
    out
}

/// Telnet option bytes and character-mode line editing.
#[derive(Debug, Default)]
pub struct LineEditor {
    line: Vec<u8>,
    telnet: Telnet,
    /// The previous byte ended a line with CR: a following LF or NUL is
    /// the rest of that Enter.
    after_cr: bool,
    /// Inside an ESC sequence (arrow keys): bytes left to skip.
    escape: u8,
}

impl LineEditor {
    pub fn new() -> LineEditor {
        LineEditor::default()
    }

    /// Takes one byte; echo (when `echo`) goes to `out`. Returns a
    /// finished line on Enter.
    pub fn push(&mut self, b: u8, echo: bool, out: &mut Vec<u8>) -> Option<Vec<u8>> {
        if self.telnet.consume(b) {
            return None;
        }
        let after_cr = std::mem::take(&mut self.after_cr);
        if self.escape > 0 {
            self.escape -= 1;
            if self.escape == 1 && b != b'[' {
                self.escape = 0;
            }
            return None;
        }
        match b {
            0xff => self.telnet = Telnet::Command,
            b'\n' | 0 if after_cr => {}
            b'\r' | b'\n' => {
                self.after_cr = b == b'\r';
                return Some(std::mem::take(&mut self.line));
            }
            0x08 | 0x7f if !self.line.is_empty() => {
                self.line.pop();
                if echo {
                    out.extend_from_slice(b"\x08 \x08");
                }
            }
            0x1b => self.escape = 2,
            0x20..=0x7e if self.line.len() < LINE_MAX => {
                self.line.push(b);
                if echo {
                    out.push(b);
                }
            }
            _ => {}
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(input: &[u8], echo: bool) -> (Vec<Vec<u8>>, Vec<u8>) {
        let mut e = LineEditor::new();
        let mut out = Vec::new();
        let lines = input
            .iter()
            .filter_map(|&b| e.push(b, echo, &mut out))
            .collect();
        (lines, out)
    }

    #[test]
    fn enter_is_cr_lf_cr_nul_or_lf() {
        let (lines, _) = edit(b"a\r\nb\r\0c\nd\r\re\n", false);
        let want: Vec<&[u8]> = vec![b"a", b"b", b"c", b"d", b"", b"e"];
        assert_eq!(lines, want);
    }

    #[test]
    fn backspace_echo_and_telnet_options() {
        let (lines, out) = edit(b"abc\x7f\x08\x7f\x7fd\r\n", true);
        assert_eq!(lines, vec![b"d".to_vec()]);
        assert_eq!(out, b"abc\x08 \x08\x08 \x08\x08 \x08d");
        // Options and a NAWS subnegotiation are not input; nothing echoed
        // while a password is typed.
        let (lines, out) = edit(
            b"\xff\xfd\x01x\xff\xfa\x1f\x00\x50\x00\x18\xff\xf0y\x1b[Az\r\n",
            false,
        );
        assert_eq!(lines, vec![b"xyz".to_vec()]);
        assert!(out.is_empty());
    }
}
