//! The open console: an `AsyncRead + AsyncWrite` byte stream over the websocket.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use bytes::{Buf as _, Bytes};
use futures_util::{FutureExt as _, SinkExt as _, StreamExt as _};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};
use tokio_tungstenite::WebSocketStream;
use tungstenite::Message;

use super::error::ConsoleError;
use super::frame;
use crate::secret::Secret;
use crate::transport::Upgraded;

/// Which protocol runs inside the websocket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Protocol {
    /// PVE's terminal framing (node shell, container console, QEMU serial console).
    Terminal,
    /// Raw RFB bytes for a VNC client.
    Vnc,
}

/// An open console: read what the terminal (or VNC server) sends, write what it should get.
///
/// For a terminal, writes are framed as PVE's `0:LEN:DATA` messages and reads are the
/// terminal's output bytes; [`Console::resize`] sends the window size, and a keepalive goes
/// out every 30 s while the console is read. For VNC ([`ConsoleTarget::QemuVnc`](super::ConsoleTarget::QemuVnc)) both
/// directions are the raw RFB stream; authenticate with [`Console::vnc_password`].
///
/// Writes are sent when flushed (`AsyncWriteExt::flush`), as with any buffered writer; end
/// the session with `shutdown`, which closes the websocket. The end of the stream (a read of
/// 0 bytes) means the server closed the console.
pub struct Console {
    ws: WebSocketStream<Upgraded>,
    protocol: Protocol,
    unread: Bytes,
    keepalive: Pin<Box<Sleep>>,
    closed: bool,
    vnc_password: Option<Secret>,
}

impl std::fmt::Debug for Console {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Console")
            .field("protocol", &self.protocol)
            .field("closed", &self.closed)
            .finish_non_exhaustive()
    }
}

impl Console {
    /// Runs the websocket over `io` and, for a terminal, presents the ticket and waits for
    /// the server's `OK`.
    pub(crate) async fn start(
        io: Upgraded,
        protocol: Protocol,
        user: &str,
        ticket: &Secret,
        vnc_password: Option<Secret>,
    ) -> Result<Self, ConsoleError> {
        let mut ws =
            WebSocketStream::from_raw_socket(io, tungstenite::protocol::Role::Client, None).await;
        let mut unread = Bytes::new();
        if protocol == Protocol::Terminal {
            ws.send(frame::greeting(user, ticket.expose()))
                .await
                .map_err(ConsoleError::WebSocket)?;
            unread = loop {
                match ws.next().await {
                    Some(Ok(Message::Binary(b))) => break b,
                    Some(Ok(Message::Text(t))) => break Bytes::from(t),
                    Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_))) => {}
                    Some(Ok(Message::Close(_))) | None => return Err(ConsoleError::TicketRefused),
                    Some(Err(e)) => return Err(ConsoleError::WebSocket(e)),
                }
            };
            // The answer may share its frame with the first output.
            if !unread.starts_with(b"OK") {
                return Err(ConsoleError::TicketRefused);
            }
            unread.advance(2);
        }
        Ok(Self {
            ws,
            protocol,
            unread,
            keepalive: Box::pin(tokio::time::sleep(frame::KEEPALIVE)),
            closed: false,
            vnc_password,
        })
    }

    /// Tells the terminal its new size (a no-op for VNC, whose size the server decides).
    ///
    /// # Errors
    /// The websocket failed.
    pub async fn resize(&mut self, cols: u16, rows: u16) -> io::Result<()> {
        if self.protocol == Protocol::Vnc {
            return Ok(());
        }
        self.ws
            .send(frame::resize(cols, rows))
            .await
            .map_err(io_error)
    }

    /// The password the VNC server asks for (PVE's ticket, or the generated password);
    /// `None` for a terminal, which authenticated while opening.
    pub fn vnc_password(&self) -> Option<&Secret> {
        self.vnc_password.as_ref()
    }

    /// Sends a keepalive when one is due; never blocks the caller.
    fn poll_keepalive(&mut self, cx: &mut Context<'_>) -> io::Result<()> {
        if self.protocol != Protocol::Terminal || self.keepalive.poll_unpin(cx).is_pending() {
            return Ok(());
        }
        if self.ws.poll_ready_unpin(cx).is_ready() {
            self.ws
                .start_send_unpin(frame::keepalive())
                .map_err(io_error)?;
            let _ = self.ws.poll_flush_unpin(cx).map_err(io_error)?;
            self.reset_keepalive();
        }
        Ok(())
    }

    fn reset_keepalive(&mut self) {
        self.keepalive
            .as_mut()
            .reset(Instant::now() + frame::KEEPALIVE);
    }
}

impl AsyncRead for Console {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        loop {
            if !this.unread.is_empty() {
                let n = this.unread.len().min(buf.remaining());
                buf.put_slice(&this.unread[..n]);
                this.unread.advance(n);
                return Poll::Ready(Ok(()));
            }
            if this.closed {
                return Poll::Ready(Ok(()));
            }
            this.poll_keepalive(cx)?;
            match ready!(this.ws.poll_next_unpin(cx)) {
                Some(Ok(Message::Binary(b))) => this.unread = b,
                Some(Ok(Message::Text(t))) => this.unread = Bytes::from(t),
                Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_))) => {}
                Some(Ok(Message::Close(_))) | None => this.closed = true,
                Some(Err(
                    tungstenite::Error::ConnectionClosed | tungstenite::Error::AlreadyClosed,
                )) => this.closed = true,
                Some(Err(e)) => return Poll::Ready(Err(io_error(e))),
            }
        }
    }
}

impl AsyncWrite for Console {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        if buf.is_empty() {
            return Poll::Ready(Ok(0));
        }
        ready!(this.ws.poll_ready_unpin(cx)).map_err(io_error)?;
        let (n, message) = match this.protocol {
            Protocol::Terminal => {
                let n = frame::data_len(buf);
                (n, frame::data(&buf[..n]))
            }
            Protocol::Vnc => {
                let n = buf.len().min(frame::MAX_DATA);
                (n, Message::binary(buf[..n].to_vec()))
            }
        };
        this.ws.start_send_unpin(message).map_err(io_error)?;
        this.reset_keepalive();
        Poll::Ready(Ok(n))
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.ws.poll_flush_unpin(cx).map_err(io_error)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match ready!(self.ws.poll_close_unpin(cx)) {
            Ok(())
            | Err(tungstenite::Error::ConnectionClosed | tungstenite::Error::AlreadyClosed) => {
                Poll::Ready(Ok(()))
            }
            Err(e) => Poll::Ready(Err(io_error(e))),
        }
    }
}

fn io_error(e: tungstenite::Error) -> io::Error {
    match e {
        tungstenite::Error::Io(e) => e,
        other => io::Error::other(other),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use tokio::io::AsyncReadExt as _;
    use tungstenite::protocol::Role;

    use super::*;

    #[tokio::test(start_paused = true)]
    async fn an_idle_terminal_that_is_read_sends_keepalives_and_shows_no_greeting_answer() {
        let (ours, theirs) = tokio::io::duplex(4096);
        let server = tokio::spawn(async move {
            let mut ws = WebSocketStream::from_raw_socket(theirs, Role::Server, None).await;
            let greeting = ws.next().await.unwrap().unwrap();
            ws.send(Message::binary(&b"OK"[..])).await.unwrap();
            let first = ws.next().await.unwrap().unwrap();
            let second = ws.next().await.unwrap().unwrap();
            ws.send(Message::binary(&b"$ "[..])).await.unwrap();
            (greeting, first, second)
        });
        let ticket = Secret::from("PVEVNC:T");
        let mut console = Console::start(
            Upgraded::new(ours),
            Protocol::Terminal,
            "u@pam",
            &ticket,
            None,
        )
        .await
        .unwrap();
        let mut buf = [0u8; 8];
        // Nothing arrives for 61 s (paused clock): the read waits and keeps the session alive.
        let n = tokio::time::timeout(Duration::from_secs(61), console.read(&mut buf))
            .await
            .expect("the prompt arrives after two keepalives")
            .unwrap();
        assert_eq!(&buf[..n], b"$ ");
        let (greeting, first, second) = server.await.unwrap();
        assert_eq!(greeting, Message::text("u@pam:PVEVNC:T\n"));
        assert_eq!((first, second), (Message::text("2"), Message::text("2")));
    }
}
