//! Consoles: a node shell, a container console, a QEMU serial terminal or VNC display, as an
//! `AsyncRead + AsyncWrite` stream. Needs the cargo feature `console` (off by default):
//!
//! ```toml
//! proxmox-sdk = { version = "0.1", features = ["console"] }
//! ```
//!
//! PVE's flow, done by [`Client::console`]:
//!
//! 1. `POST …/termproxy` (or `…/vncproxy` with `websocket=1` for VNC) answers a port and a
//!    one-time `PVEVNC:` ticket (valid about 40 s);
//! 2. `GET …/vncwebsocket?port=…&vncticket=…` upgraded to a websocket with the `binary`
//!    subprotocol, through the client's transport: the same connection pool, TLS trust and
//!    fingerprint pin as every call, the same ticket cookie;
//! 3. a terminal is then greeted with `user:ticket\n` and answers `OK`; from there on
//!    [`Console`] frames writes as PVE's terminal messages and sends keepalives.
//!
//! PVE refuses websockets to API tokens, so a token client gets
//! [`ConsoleError::TokenNotAccepted`] before any request; use a ticket login.
//!
//! ```no_run
//! # async fn demo(client: proxmox_sdk::Client) -> Result<(), Box<dyn std::error::Error>> {
//! use proxmox_sdk::console::ConsoleTarget;
//! use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
//!
//! let mut console = client.console(ConsoleTarget::node_shell("pve1")).await?;
//! console.resize(120, 40).await?;
//! console.write_all(b"uptime\n").await?;
//! console.flush().await?;
//! let mut output = [0u8; 4096];
//! let n = console.read(&mut output).await?;
//! print!("{}", String::from_utf8_lossy(&output[..n]));
//! # Ok(()) }
//! ```

mod error;
mod frame;
mod handshake;
mod stream;
mod ticket;

pub use error::ConsoleError;
pub use stream::Console;

use crate::Client;
use crate::api::types::QemuTermproxySerial;
use stream::Protocol;
use ticket::WebsocketCall;

/// What to open a console to.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConsoleTarget {
    /// A login shell on the node (`/nodes/{node}/termproxy`).
    NodeShell {
        /// The node.
        node: String,
    },
    /// A container's console (`/nodes/{node}/lxc/{vmid}/termproxy`).
    Lxc {
        /// The node the container runs on.
        node: String,
        /// The container.
        vmid: u32,
    },
    /// A VM's serial terminal (`/nodes/{node}/qemu/{vmid}/termproxy`); the VM needs a
    /// `serialN: socket` device.
    QemuSerial {
        /// The node the VM runs on.
        node: String,
        /// The VM.
        vmid: u32,
        /// Which serial port (PVE's default: the first one configured).
        serial: Option<QemuTermproxySerial>,
    },
    /// A VM's display as raw RFB for a VNC client (`/nodes/{node}/qemu/{vmid}/vncproxy`
    /// with `websocket=1`).
    QemuVnc {
        /// The node the VM runs on.
        node: String,
        /// The VM.
        vmid: u32,
    },
}

impl ConsoleTarget {
    /// A login shell on `node`.
    pub fn node_shell(node: impl Into<String>) -> Self {
        Self::NodeShell { node: node.into() }
    }

    /// The console of container `vmid`.
    pub fn lxc(node: impl Into<String>, vmid: u32) -> Self {
        Self::Lxc {
            node: node.into(),
            vmid,
        }
    }

    /// The (first) serial terminal of VM `vmid`.
    pub fn qemu_serial(node: impl Into<String>, vmid: u32) -> Self {
        Self::QemuSerial {
            node: node.into(),
            vmid,
            serial: None,
        }
    }

    /// The VNC display of VM `vmid`.
    pub fn qemu_vnc(node: impl Into<String>, vmid: u32) -> Self {
        Self::QemuVnc {
            node: node.into(),
            vmid,
        }
    }
}

impl Client {
    /// Opens a console: the ticket call, the websocket upgrade and, for a terminal, the
    /// ticket greeting (see [`console`](crate::console)).
    ///
    /// # Errors
    /// [`ConsoleError::TokenNotAccepted`] for an API-token client (nothing is sent);
    /// [`ConsoleError::Api`] when a call fails (403 without `VM.Console`/`Sys.Console`, a
    /// stopped guest, TLS and connection errors); [`ConsoleError::Handshake`] and
    /// [`ConsoleError::TicketRefused`] when the websocket does not open as PVE's does.
    ///
    /// Needs the cargo feature `console` (off by default).
    #[cfg_attr(docsrs, doc(cfg(feature = "console")))]
    pub async fn console(&self, target: ConsoleTarget) -> Result<Console, ConsoleError> {
        if self.uses_token() {
            return Err(ConsoleError::TokenNotAccepted);
        }
        let ticket = ticket::request(self, &target).await?;
        let (headers, key) = handshake::request_headers();
        let (head, io) = match ticket::websocket_path(&target, &ticket) {
            WebsocketCall::Node(call) => self.upgrade(&call, headers).await?,
            WebsocketCall::Lxc(call) => self.upgrade(&call, headers).await?,
            WebsocketCall::Qemu(call) => self.upgrade(&call, headers).await?,
        };
        handshake::check_answer(&head.headers, &key)?;
        let (protocol, vnc_password) = match target {
            ConsoleTarget::QemuVnc { .. } => (
                Protocol::Vnc,
                Some(
                    ticket
                        .password
                        .clone()
                        .unwrap_or_else(|| ticket.ticket.clone()),
                ),
            ),
            _ => (Protocol::Terminal, None),
        };
        Console::start(io, protocol, &ticket.user, &ticket.ticket, vnc_password).await
    }
}
