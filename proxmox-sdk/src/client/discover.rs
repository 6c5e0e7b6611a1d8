//! Learning a cluster's endpoints, and their certificate pins, from one verified contact.

use std::net::IpAddr;

use super::Client;
use super::endpoints::NodeEndpoint;
use crate::api::cluster::GetClusterStatus;
use crate::api::nodes::GetNodes;
use crate::api::types::ClusterStatusType;
use crate::error::Error;
use crate::tls::{Fingerprint, TlsTrust};

impl Client {
    /// The nodes of the cluster as endpoints for [`ClientBuilder::endpoints`](super::ClientBuilder::endpoints),
    /// read over this client (so over a TLS connection it already verified): each node's
    /// address from `GET /cluster/status` with `port`, its name, and — the opt-in part — a pin
    /// of the certificate fingerprint `GET /nodes` reports for it (`ssl_fingerprint`). The
    /// node this client talks to comes first. A node without an address is left out; one
    /// whose fingerprint is missing or unreadable gets no pin of its own (it is then trusted
    /// like the builder's own URL).
    ///
    /// Build a new client from the result to refresh its endpoint list, e.g. after nodes
    /// joined. Trust is only as good as the first contact: pin or verify that one.
    ///
    /// ```no_run
    /// # async fn demo(client: proxmox_sdk::Client) -> Result<(), proxmox_sdk::Error> {
    /// let nodes = client.discover_endpoints(8006).await?;
    /// let cluster = proxmox_sdk::Client::builder(client.endpoint())?
    ///     .endpoints(nodes)
    ///     .token("felhom-agent@pve!agent", "…")
    ///     .build()?;
    /// # let _ = cluster; Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`Client::send`], for either call.
    pub async fn discover_endpoints(&self, port: u16) -> Result<Vec<NodeEndpoint>, Error> {
        let status = self.send(&GetClusterStatus::new()).await?;
        let nodes = self.send(&GetNodes::new()).await?;
        let mut found: Vec<(bool, NodeEndpoint)> = Vec::new();
        for entry in status {
            if entry.r#type != ClusterStatusType::Node {
                continue;
            }
            let Some(ip) = entry.ip.as_deref().and_then(|ip| ip.parse::<IpAddr>().ok()) else {
                continue;
            };
            let url = match ip {
                IpAddr::V4(v4) => format!("https://{v4}:{port}"),
                IpAddr::V6(v6) => format!("https://[{v6}]:{port}"),
            };
            let mut endpoint = NodeEndpoint::new(url).node_name(entry.name.as_str());
            let pin = nodes
                .iter()
                .find(|n| n.node == entry.name)
                .and_then(|n| n.ssl_fingerprint.as_deref())
                .and_then(|fp| fp.parse::<Fingerprint>().ok());
            if let Some(pin) = pin {
                endpoint = endpoint.trust(TlsTrust::Fingerprints(vec![pin]));
            }
            found.push((entry.local == Some(true), endpoint));
        }
        // The local node first, the rest in the order PVE listed them.
        found.sort_by_key(|(local, _)| !local);
        Ok(found.into_iter().map(|(_, endpoint)| endpoint).collect())
    }
}
