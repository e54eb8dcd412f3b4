//! Serving one TCP vty connection: the refusal when no login is possible
//! (bounded in time), then bytes in through the terminal's line editor and
//! its output back, until the session closes or idles past `exec-timeout`.

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use super::auth::SharedAuth;
use super::editor::crlf;
use super::terminal::Terminal;
use crate::server::Backend;

pub const TIMED_OUT: &str = "\nVty connection is timed out.\n";
/// How long the refusal may wait for a client that does not read.
const REFUSAL_WRITE_TIMEOUT: Duration = Duration::from_secs(5);

/// Serves one telnet connection until it closes, fails three logins, says
/// `exit` in VIEW/ENABLE or idles past `exec-timeout`.
pub async fn handle_connection<S>(
    mut stream: S,
    backend: Arc<dyn Backend>,
    auth: SharedAuth,
) -> std::io::Result<()>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let (mut term, hello) = match Terminal::open(auth) {
        Ok(t) => t,
        Err(refusal) => {
            // A client that never reads must not hold the task.
            let refuse = async {
                stream.write_all(refusal).await?;
                stream.shutdown().await
            };
            return tokio::time::timeout(REFUSAL_WRITE_TIMEOUT, refuse)
                .await
                .unwrap_or(Ok(()));
        }
    };
    stream.write_all(&hello).await?;
    let mut buf = [0u8; 1024];
    loop {
        let limit = term.exec_timeout();
        let n = if limit.is_zero() {
            stream.read(&mut buf).await?
        } else {
            match tokio::time::timeout(limit, stream.read(&mut buf)).await {
                Ok(r) => r?,
                Err(_) => {
                    stream.write_all(&crlf(TIMED_OUT.as_bytes())).await?;
                    return stream.shutdown().await;
                }
            }
        };
        if n == 0 {
            return Ok(());
        }
        let mut out = Vec::new();
        for &b in &buf[..n] {
            let echo = term.echo();
            if let Some(line) = term.editor.push(b, echo, &mut out) {
                out.extend(term.enter(&line, &backend).await);
                if term.closing {
                    stream.write_all(&out).await?;
                    return stream.shutdown().await;
                }
            }
        }
        if !out.is_empty() {
            stream.write_all(&out).await?;
        }
    }
}
