//! Consoles: the websocket handshake and PVE's terminal framing on the wire (a local HTTPS
//! server that checks every byte), and against fakepve's `termproxy`/`vncwebsocket`.

pub(crate) mod fakepve;
mod server;
mod substituted;
mod wire;
