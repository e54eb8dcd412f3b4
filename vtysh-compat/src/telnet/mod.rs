//! FRR's TCP vty: a telnet terminal in front of the same CLI `Session` and
//! `Backend` as the unix socket, with FRR 8.4's login rules. A connection
//! is refused ("Vty password is not set.") unless a `password` is set or
//! `line vty` has `no login`; otherwise it gets FRR's banner, its four
//! telnet options (WILL ECHO, WILL SGA, DONT LINEMODE, DO NAWS) and either
//! "Password: " (three tries) or the prompt. Input is edited in character
//! mode (echo, backspace); output has CRLF line ends; `exec-timeout` closes
//! an idle session. The login settings live in a shared [`VtyAuth`], set
//! from the startup config and from the CONFIG-node commands typed here.
//!
//! Files: `auth` (the login settings and where they come from), `options`
//! (the telnet options sent and skipped on input), `editor` (character-mode
//! line editing, CRLF output), `terminal` (one session: login, prompts, the
//! VTY node, the CLI), `connection` (the socket loop and its timeouts).

mod auth;
mod connection;
mod editor;
mod options;
mod terminal;

pub use auth::{SharedAuth, VtyAuth, DEFAULT_EXEC_TIMEOUT};
pub use connection::{handle_connection, TIMED_OUT};
pub use editor::{crlf, LineEditor};
pub use options::TELNET_OPTIONS;
pub use terminal::{
    Terminal, ACCESS, BANNER, NO_PASSWORD, PASSWORD_PROMPT, TOO_MANY, TOO_MANY_ENABLE,
};
