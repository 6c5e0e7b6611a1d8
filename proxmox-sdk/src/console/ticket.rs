//! Step one of PVE's console flow: `termproxy` / `vncproxy` hand out a port and a one-time
//! ticket, which the websocket request then presents.

use serde_json::Value;

use super::ConsoleTarget;
use super::error::ConsoleError;
use crate::Client;
use crate::api::nodes::{
    GetNodesLxcVncwebsocket, GetNodesQemuVncwebsocket, GetNodesVncwebsocket, PostNodesLxcTermproxy,
    PostNodesQemuTermproxy, PostNodesQemuVncproxy, PostNodesTermproxy,
};
use crate::endpoint::Endpoint;
use crate::secret::Secret;

/// What the ticket call answered.
#[derive(Debug)]
pub(crate) struct ConsoleTicket {
    /// The port the proxy listens on for this console (5900–5999).
    pub(crate) port: u32,
    /// The `PVEVNC:…` ticket: sent in the websocket query, and in the terminal greeting.
    pub(crate) ticket: Secret,
    /// The user the ticket was issued to (the terminal greeting names it).
    pub(crate) user: String,
    /// The VNC password of a `vncproxy` with `generate-password`, when PVE sent one.
    pub(crate) password: Option<Secret>,
}

/// Asks for a ticket for `target`. Reads only the fields the flow needs, so a server that
/// leaves out the others (`cert`, or a `upid` of another shape) still opens the console.
pub(crate) async fn request(
    client: &Client,
    target: &ConsoleTarget,
) -> Result<ConsoleTicket, ConsoleError> {
    match target {
        ConsoleTarget::NodeShell { node } => fetch(client, &PostNodesTermproxy::new(node)).await,
        ConsoleTarget::Lxc { node, vmid } => {
            fetch(client, &PostNodesLxcTermproxy::new(node, *vmid)).await
        }
        ConsoleTarget::QemuSerial { node, vmid, serial } => {
            let mut call = PostNodesQemuTermproxy::new(node, *vmid);
            if let Some(serial) = serial {
                call = call.serial(serial.clone());
            }
            fetch(client, &call).await
        }
        ConsoleTarget::QemuVnc { node, vmid } => {
            fetch(
                client,
                &PostNodesQemuVncproxy::new(node, *vmid).websocket(true),
            )
            .await
        }
    }
}

/// The websocket request for `target` with `ticket`, as the generated endpoint renders it.
pub(crate) fn websocket_path(target: &ConsoleTarget, ticket: &ConsoleTicket) -> WebsocketCall {
    let vncticket = ticket.ticket.expose().to_owned();
    match target {
        ConsoleTarget::NodeShell { node } => {
            WebsocketCall::Node(GetNodesVncwebsocket::new(node, ticket.port, vncticket))
        }
        ConsoleTarget::Lxc { node, vmid } => WebsocketCall::Lxc(GetNodesLxcVncwebsocket::new(
            node,
            *vmid,
            ticket.port,
            vncticket,
        )),
        ConsoleTarget::QemuSerial { node, vmid, .. } | ConsoleTarget::QemuVnc { node, vmid } => {
            WebsocketCall::Qemu(GetNodesQemuVncwebsocket::new(
                node,
                *vmid,
                ticket.port,
                vncticket,
            ))
        }
    }
}

/// One of the three generated `vncwebsocket` endpoints.
pub(crate) enum WebsocketCall {
    Node(GetNodesVncwebsocket),
    Lxc(GetNodesLxcVncwebsocket),
    Qemu(GetNodesQemuVncwebsocket),
}

async fn fetch<E: Endpoint>(client: &Client, call: &E) -> Result<ConsoleTicket, ConsoleError> {
    let data = client.send_json(call).await?;
    read_ticket(&data, E::INFO.path)
}

/// The fields of a ticket answer; `port` arrives as a number or a string.
pub(crate) fn read_ticket(
    data: &Value,
    endpoint: &'static str,
) -> Result<ConsoleTicket, ConsoleError> {
    let bad = |field| ConsoleError::BadTicket { endpoint, field };
    let port = match &data["port"] {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
    .and_then(|p| u32::try_from(p).ok())
    .filter(|p| (5900..=5999).contains(p))
    .ok_or_else(|| bad("port"))?;
    let text = |field: &'static str| {
        data[field]
            .as_str()
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .ok_or_else(|| bad(field))
    };
    Ok(ConsoleTicket {
        port,
        ticket: Secret::from(text("ticket")?),
        user: text("user")?,
        password: data["password"]
            .as_str()
            .map(|p| Secret::from(p.to_owned())),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_port_as_text_is_read_and_an_out_of_range_port_is_refused() {
        let t = read_ticket(
            &serde_json::json!({"port": "5901", "ticket": "PVEVNC:1", "user": "root@pam"}),
            "x",
        )
        .unwrap();
        assert_eq!((t.port, t.user.as_str()), (5901, "root@pam"));
        let err = read_ticket(
            &serde_json::json!({"port": 22, "ticket": "PVEVNC:1", "user": "root@pam"}),
            "x",
        )
        .unwrap_err();
        assert!(
            matches!(err, ConsoleError::BadTicket { field: "port", .. }),
            "{err:?}"
        );
    }

    #[test]
    fn a_missing_ticket_is_named_without_printing_values() {
        let err =
            read_ticket(&serde_json::json!({"port": 5900, "user": "u@pam"}), "x").unwrap_err();
        assert_eq!(err.to_string(), "the answer of x has no usable `ticket`");
    }
}
