//! One telnet session: FRR 8.4's login rules (refusal, banner, three
//! password tries, the enable password), its prompts, the VTY node (`line
//! vty`) and the CONFIG-node login settings, and every other line through
//! the same CLI `Session` and `Backend` as the unix socket.

use std::sync::Arc;
use std::time::Duration;

use super::auth::{exec_timeout, snapshot, update, SharedAuth, DEFAULT_EXEC_TIMEOUT};
use super::editor::{crlf, LineEditor};
use super::options::TELNET_OPTIONS;
use crate::cli::{self, render_show, ret, Command, Node, Reply, Session, Step};
use crate::grammar::{split_words, MatchError};
use crate::server::Backend;

/// What FRR sends, and then closes, when no login is possible.
pub const NO_PASSWORD: &[u8] = b"Vty password is not set.\r\n";
/// FRR's default motd for 8.4.4 (a release build: the git line is empty).
pub const BANNER: &str = "\nHello, this is FRRouting (version 8.4.4).\n\
                          Copyright 1996-2005 Kunihiro Ishiguro, et al.\n\n";
/// Printed after the banner when a password will be asked.
pub const ACCESS: &str = "\nUser Access Verification\n\n";
pub const PASSWORD_PROMPT: &str = "Password: ";
pub const TOO_MANY: &str = "% Bad passwords, too many failures!\n";
pub const TOO_MANY_ENABLE: &str = "% Bad enable passwords, too many failures!\n";

/// Where a telnet session is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Asking the login password.
    Auth,
    /// Asking the enable password.
    AuthEnable,
    Cli,
    /// FRR's VTY node (`line vty`), on top of CONFIG.
    LineVty,
}

/// One telnet session's state, the CLI session included.
pub struct Terminal {
    mode: Mode,
    fails: u8,
    cli: Session,
    auth: SharedAuth,
    pub editor: LineEditor,
    /// Set once the session must close after its output is sent.
    pub closing: bool,
}

impl Terminal {
    /// The session and the bytes sent on connect; `Err` with the refusal
    /// when no login is possible.
    pub fn open(auth: SharedAuth) -> Result<(Terminal, Vec<u8>), &'static [u8]> {
        let a = snapshot(&auth);
        if !a.no_login && a.password.is_none() {
            return Err(NO_PASSWORD);
        }
        let t = Terminal {
            mode: if a.no_login { Mode::Cli } else { Mode::Auth },
            fails: 0,
            cli: Session::new(),
            auth,
            editor: LineEditor::new(),
            closing: false,
        };
        let mut out = crlf(BANNER.as_bytes());
        if !a.no_login {
            out.extend(crlf(ACCESS.as_bytes()));
        }
        out.extend_from_slice(TELNET_OPTIONS);
        out.extend(t.prompt());
        Ok((t, out))
    }

    /// Whether typed characters are echoed (never a password).
    pub fn echo(&self) -> bool {
        !matches!(self.mode, Mode::Auth | Mode::AuthEnable)
    }

    pub fn node(&self) -> Node {
        self.cli.node()
    }

    pub fn exec_timeout(&self) -> Duration {
        snapshot(&self.auth).exec_timeout
    }

    /// FRR's prompt for the current node.
    pub fn prompt(&self) -> Vec<u8> {
        let host = snapshot(&self.auth).prompt_host();
        let p = match self.mode {
            Mode::Auth | Mode::AuthEnable => PASSWORD_PROMPT.to_string(),
            Mode::LineVty => format!("{host}(config-line)# "),
            Mode::Cli => match self.cli.node() {
                Node::View => format!("{host}> "),
                Node::Enable => format!("{host}# "),
                Node::Config => format!("{host}(config)# "),
                Node::Bfd => format!("{host}(config-bfd)# "),
                Node::BfdPeer => format!("{host}(config-bfd-peer)# "),
                Node::BfdProfile => format!("{host}(config-bfd-profile)# "),
            },
        };
        p.into_bytes()
    }

    /// Runs one entered line: the CRLF FRR prints on Enter, the output,
    /// then the next prompt unless the session closes.
    pub async fn enter(&mut self, line: &[u8], backend: &Arc<dyn Backend>) -> Vec<u8> {
        let mut out = b"\r\n".to_vec();
        let text = match self.mode {
            Mode::Auth | Mode::AuthEnable => self.login(line),
            Mode::LineVty => self.line_vty(line, backend).await,
            Mode::Cli => self.command(line, backend).await.0,
        };
        out.extend(crlf(&text));
        if !self.closing {
            out.extend(self.prompt());
        }
        out
    }

    fn login(&mut self, line: &[u8]) -> Vec<u8> {
        let a = snapshot(&self.auth);
        let want = if self.mode == Mode::Auth {
            a.password
        } else {
            a.enable_password
        };
        if want.is_some_and(|w| w.as_bytes() == line) {
            self.fails = 0;
            if self.mode == Mode::AuthEnable {
                self.enter_node(Node::Enable);
            }
            self.mode = Mode::Cli;
            return Vec::new();
        }
        self.fails += 1;
        if self.fails < 3 {
            return Vec::new();
        }
        self.closing = true;
        let msg = if self.mode == Mode::Auth {
            TOO_MANY
        } else {
            TOO_MANY_ENABLE
        };
        msg.as_bytes().to_vec()
    }

    /// Moves the CLI session to VIEW or ENABLE.
    fn enter_node(&mut self, node: Node) {
        // `end` goes to ENABLE from every configuration node; bounded all
        // the same.
        for _ in 0..4 {
            if matches!(self.cli.node(), Node::View | Node::Enable) {
                break;
            }
            let _ = self.cli.execute(b"end");
        }
        let _ = self.cli.execute(if node == Node::Enable {
            b"enable"
        } else {
            b"disable"
        });
    }

    /// A line in the CLI: output and return code.
    async fn command(&mut self, line: &[u8], backend: &Arc<dyn Backend>) -> (Vec<u8>, u8) {
        let node = self.cli.node();
        if matches!(node, Node::View | Node::Enable)
            && cli::parse(node, line) == Ok(Some(Command::Enable))
            && snapshot(&self.auth).enable_password.is_some()
        {
            backend.command_seen(line);
            self.mode = Mode::AuthEnable;
            return (Vec::new(), ret::SUCCESS);
        }
        if node == Node::Config {
            // Keywords written out in full by the grammar.
            let full = match cli::parse(node, line) {
                Ok(Some(Command::Nothing)) => Some(String::from_utf8_lossy(line).into_owned()),
                Ok(Some(Command::Request(crate::cli::Request::Daemon { line }))) => Some(line),
                _ => None,
            };
            if let Some(out) = full.and_then(|f| self.vty_setting(&f)) {
                backend.command_seen(line);
                return (out, ret::SUCCESS);
            }
        }
        let reply = run(&mut self.cli, line, backend).await;
        if reply.close {
            self.closing = true;
        }
        (reply.output, reply.ret)
    }

    /// The CONFIG-node lines that set login things: `password`, `enable
    /// password`, `hostname` (and their `no`) and `line vty`, keywords in
    /// full (as the grammar expands them).
    fn vty_setting(&mut self, line: &str) -> Option<Vec<u8>> {
        let words: Vec<&str> = line.split_whitespace().collect();
        let owned = |w: &str| Some(w.to_string());
        match words.as_slice() {
            ["password", pw] => update(&self.auth, |a| a.password = owned(pw)),
            ["enable", "password", pw] => update(&self.auth, |a| a.enable_password = owned(pw)),
            ["hostname", name] => update(&self.auth, |a| a.hostname = owned(name)),
            ["no", "password"] => update(&self.auth, |a| a.password = None),
            ["no", "enable", "password"] => update(&self.auth, |a| a.enable_password = None),
            ["no", "hostname", ..] => update(&self.auth, |a| a.hostname = Some(String::new())),
            [l, v] if "line".starts_with(l) && "vty".starts_with(v) => self.mode = Mode::LineVty,
            _ => return None,
        }
        Some(Vec::new())
    }

    /// FRR's VTY node: `login`, `no login`, `exec-timeout`, `exit`, `end`;
    /// anything else is tried in CONFIG, as FRR tries parent nodes.
    async fn line_vty(&mut self, line: &[u8], backend: &Arc<dyn Backend>) -> Vec<u8> {
        let Some(words) = split_words(line) else {
            return Vec::new();
        };
        let words: Vec<String> = words
            .iter()
            .map(|w| String::from_utf8_lossy(w).into_owned())
            .collect();
        let pick = |w: &str, from: &[&'static str]| -> Result<&'static str, u8> {
            let hits: Vec<&'static str> =
                from.iter().copied().filter(|k| k.starts_with(w)).collect();
            match hits.as_slice() {
                [one] => Ok(*one),
                [] => Err(ret::ERR_NO_MATCH),
                many => many
                    .iter()
                    .copied()
                    .find(|k| *k == w)
                    .ok_or(ret::ERR_AMBIGUOUS),
            }
        };
        let first = pick(
            &words[0],
            &["login", "no", "exec-timeout", "exit", "quit", "end"],
        );
        let second = words.get(1).map(|w| pick(w, &["login", "exec-timeout"]));
        let local = |r: &Result<&str, u8>| !matches!(r, Err(ret::ERR_NO_MATCH));
        if local(&first) {
            backend.command_seen(line);
        }
        match (first, second, words.len()) {
            (Ok("login"), None, 1) => update(&self.auth, |a| a.no_login = false),
            (Ok("no"), Some(Ok("login")), 2) => update(&self.auth, |a| a.no_login = true),
            (Ok("no"), Some(Ok("exec-timeout")), 2) => {
                update(&self.auth, |a| a.exec_timeout = DEFAULT_EXEC_TIMEOUT)
            }
            (Ok("exec-timeout"), _, 2 | 3) => {
                match exec_timeout(&words[1], words.get(2).map(String::as_str)) {
                    Some(t) => update(&self.auth, |a| a.exec_timeout = t),
                    None => return cli::error_reply(MatchError::NoMatch, line).output,
                }
            }
            (Ok("exit" | "quit"), None, 1) => self.mode = Mode::Cli,
            (Ok("end"), None, 1) => {
                self.mode = Mode::Cli;
                self.enter_node(Node::Enable);
            }
            (Err(ret::ERR_AMBIGUOUS), ..) => {
                return cli::error_reply(MatchError::Ambiguous, line).output
            }
            (Ok("exec-timeout"), _, 1) | (Ok("no"), None, 1) => {
                return cli::error_reply(MatchError::Incomplete, line).output
            }
            _ => {
                // Not a VTY-node line: CONFIG's, as in FRR's parent walk.
                self.mode = Mode::Cli;
                let (out, code) = self.command(line, backend).await;
                if code == ret::ERR_NO_MATCH {
                    self.mode = Mode::LineVty;
                }
                return out;
            }
        }
        Vec::new()
    }
}

/// A line through the CLI session and the backend, as on the unix socket.
async fn run(session: &mut Session, line: &[u8], backend: &Arc<dyn Backend>) -> Reply {
    backend.command_seen(line);
    match session.execute(line) {
        Step::Reply(r) => r,
        Step::Show(cmd) => render_show(&cmd, &backend.peers().await),
        Step::Request(req) => session.answer(backend.request(req).await),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::PeerStatus;
    use std::future::Future;
    use std::pin::Pin;
    use std::sync::Mutex;

    use crate::telnet::auth::VtyAuth;

    struct NoPeers;
    impl Backend for NoPeers {
        fn peers(&self) -> Pin<Box<dyn Future<Output = Vec<PeerStatus>> + Send>> {
            Box::pin(async { Vec::new() })
        }
    }

    fn shared(text: &str) -> SharedAuth {
        Arc::new(Mutex::new(VtyAuth::from_config_text(text)))
    }

    #[test]
    fn refused_without_password() {
        assert_eq!(Terminal::open(shared("")).err(), Some(NO_PASSWORD));
        assert!(Terminal::open(shared("line vty\n no login\n")).is_ok());
    }

    #[tokio::test]
    async fn login_enable_and_config_prompts() {
        let backend: Arc<dyn Backend> = Arc::new(NoPeers);
        let auth = shared("hostname r1\npassword zebra\n");
        let (mut t, hello) = Terminal::open(auth.clone()).expect("open");
        assert!(hello.ends_with(b"\xff\xfd\x1fPassword: "));
        assert!(!t.echo());
        assert_eq!(t.enter(b"zebra", &backend).await, b"\r\nr1> ");
        assert_eq!(t.enter(b"en", &backend).await, b"\r\nr1# ");
        assert_eq!(t.enter(b"conf t", &backend).await, b"\r\nr1(config)# ");
        assert_eq!(
            t.enter(b"line vty", &backend).await,
            b"\r\nr1(config-line)# "
        );
        assert_eq!(
            t.enter(b"e", &backend).await,
            b"\r\n% Ambiguous command.\r\nr1(config-line)# "
        );
        assert_eq!(
            t.enter(b"exec-timeout 0 7", &backend).await,
            b"\r\nr1(config-line)# "
        );
        assert_eq!(snapshot(&auth).exec_timeout, Duration::from_secs(7));
        // A CONFIG line leaves the VTY node, as FRR's parent walk does.
        assert_eq!(t.enter(b"hostname r2", &backend).await, b"\r\nr2(config)# ");
        assert_eq!(
            t.enter(b"foo", &backend).await,
            b"\r\n% [BFD] Unknown command: foo\r\nr2(config)# "
        );
        assert_eq!(
            t.enter(b"enable password s", &backend).await,
            b"\r\nr2(config)# "
        );
        assert_eq!(t.enter(b"end", &backend).await, b"\r\nr2# ");
        assert_eq!(t.enter(b"disable", &backend).await, b"\r\nr2> ");
        assert_eq!(t.enter(b"enable", &backend).await, b"\r\nPassword: ");
        assert_eq!(t.enter(b"s", &backend).await, b"\r\nr2# ");
        assert_eq!(t.enter(b"exit", &backend).await, b"\r\n");
        assert!(t.closing);
    }

    #[tokio::test]
    async fn three_bad_passwords_close() {
        let backend: Arc<dyn Backend> = Arc::new(NoPeers);
        let (mut t, _) = Terminal::open(shared("password zebra\n")).expect("open");
        assert_eq!(t.enter(b"x", &backend).await, b"\r\nPassword: ");
        assert_eq!(t.enter(b"y", &backend).await, b"\r\nPassword: ");
        assert!(!t.closing);
        assert_eq!(
            t.enter(b"zebra!", &backend).await,
            b"\r\n% Bad passwords, too many failures!\r\n"
        );
        assert!(t.closing);
    }
}
