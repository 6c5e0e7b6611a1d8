//! Upgraded connections: what [`Transport::upgrade`](super::Transport::upgrade) returns.
//!
//! A request that asks for an HTTP/1.1 upgrade (a websocket console) is answered with
//! `101 Switching Protocols`, after which the same connection — the same TCP stream, the same
//! TLS session that was verified against the client's trust settings — carries the new
//! protocol. Any other answer is an ordinary [`HttpResponse`] that the client classifies like
//! every other response.

use std::fmt;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use super::HttpResponse;

/// Both halves of a byte stream, as one object-safe trait.
pub trait UpgradedIo: AsyncRead + AsyncWrite + Send + Unpin {}

impl<T: AsyncRead + AsyncWrite + Send + Unpin> UpgradedIo for T {}

/// A connection after `101 Switching Protocols`: raw bytes both ways.
pub struct Upgraded(Box<dyn UpgradedIo>);

impl Upgraded {
    /// Wraps any byte stream (a transport's upgraded connection, or a test double's pipe).
    pub fn new(io: impl UpgradedIo + 'static) -> Self {
        Self(Box::new(io))
    }
}

impl fmt::Debug for Upgraded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Upgraded")
    }
}

impl AsyncRead for Upgraded {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut *self.0).poll_read(cx, buf)
    }
}

impl AsyncWrite for Upgraded {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut *self.0).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut *self.0).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut *self.0).poll_shutdown(cx)
    }
}

/// The answer to an upgrade request.
#[derive(Debug)]
pub struct UpgradeResponse {
    /// The status line and headers; for any status but 101 also the complete body (PVE's
    /// error), which the client turns into the same [`Error`](crate::Error) as for any call.
    pub response: HttpResponse,
    /// The connection, when the server switched protocols (status 101).
    pub connection: Option<Upgraded>,
}

/// What the default [`Transport::upgrade`](super::Transport::upgrade) reports, inside
/// [`TransportError::Connect`](super::TransportError::Connect): this transport cannot carry
/// an upgraded connection. Nothing was sent.
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("this transport cannot upgrade a connection (websocket consoles need one)")]
pub struct UpgradeUnsupported;

/// `url` with the value of a `vncticket` query parameter (the one-time console ticket of a
/// websocket request) replaced by `***`, for `Debug` output.
pub(super) fn redact_ticket(url: &str) -> std::borrow::Cow<'_, str> {
    const KEY: &str = "vncticket=";
    let Some((_, query)) = url.split_once('?') else {
        return url.into();
    };
    let start = url.len() - query.len();
    let Some(at) = query
        .split('&')
        .scan(start, |offset, pair| {
            let here = *offset;
            *offset += pair.len() + 1;
            Some((here, pair))
        })
        .find(|(_, pair)| pair.starts_with(KEY))
        .map(|(here, _)| here + KEY.len())
    else {
        return url.into();
    };
    let end = url[at..].find('&').map_or(url.len(), |n| at + n);
    format!("{}***{}", &url[..at], &url[end..]).into()
}

#[cfg(test)]
mod tests {
    use super::redact_ticket;

    #[test]
    fn the_console_ticket_is_blanked_and_nothing_else() {
        assert_eq!(
            redact_ticket(
                "https://h/api2/json/nodes/n/vncwebsocket?port=5900&vncticket=PVEVNC%3AX"
            ),
            "https://h/api2/json/nodes/n/vncwebsocket?port=5900&vncticket=***"
        );
        assert_eq!(
            redact_ticket("https://h/x?vncticket=T&port=1"),
            "https://h/x?vncticket=***&port=1"
        );
        assert_eq!(
            redact_ticket("https://h/x?myvncticket=T"),
            "https://h/x?myvncticket=T"
        );
        assert_eq!(redact_ticket("https://h/x"), "https://h/x");
    }
}
