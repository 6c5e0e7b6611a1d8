//! Why a console could not be opened.

use crate::error::Error;

/// Why [`Client::console`](crate::Client::console) failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConsoleError {
    /// The client authenticates with an API token, and PVE refuses websocket consoles to
    /// tokens: only a ticket login (user and password) can open one. Nothing was sent.
    #[error("PVE opens consoles only for a ticket login, not for an API token; nothing was sent")]
    TokenNotAccepted,
    /// A call of the ticket flow failed (the `termproxy`/`vncproxy` call or the websocket
    /// request): permissions, a stopped guest, connection and TLS errors, …
    #[error("the console request failed")]
    Api(#[from] Error),
    /// The server answered the ticket call with something that is not a console ticket.
    #[error("the answer of {endpoint} has no usable `{field}`")]
    BadTicket {
        /// The call, e.g. `POST /nodes/{node}/termproxy`.
        endpoint: &'static str,
        /// The missing or malformed field.
        field: &'static str,
    },
    /// The server switched protocols but not to the websocket PVE's consoles speak (wrong
    /// `Sec-WebSocket-Accept` or subprotocol).
    #[error("the websocket handshake failed: {0}")]
    Handshake(String),
    /// The terminal refused the `user:ticket` greeting (expired or foreign ticket) or closed
    /// before answering `OK`.
    #[error("the terminal refused the console ticket")]
    TicketRefused,
    /// The websocket failed while opening the terminal.
    #[error("the websocket failed")]
    WebSocket(#[source] tungstenite::Error),
}
