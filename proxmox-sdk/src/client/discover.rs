//! Learning a cluster's endpoints, and their certificate pins, from one verified contact;
//! refreshing a running client's endpoint list from them.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use super::Client;
use super::endpoints::{Member, NodeEndpoint};
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
    /// Build a new client from the result, or let [`Client::refresh_endpoints`] apply it to
    /// this one in place. Trust is only as good as the first contact: pin or verify that one.
    ///
    /// ```no_run
    /// # async fn demo(client: proxmox_sdk::Client) -> Result<(), proxmox_sdk::Error> {
    /// let nodes = client.discover_endpoints(8006).await?;
    /// let cluster = proxmox_sdk::Client::builder(&client.endpoint())?
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

/// What one [`Client::refresh_endpoints`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct EndpointRefresh {
    /// How many endpoints the client has now.
    pub endpoints: usize,
    /// Origins (`https://host:port`) that joined the list.
    pub added: Vec<String>,
    /// Origins that left it.
    pub removed: Vec<String>,
    /// Whether the pins `/nodes` reported were used. Only when every endpoint's connection
    /// verifies the server: an answer read over `http://` or
    /// [`TlsTrust::InsecureSkipVerify`] could come from anyone, so its pins are not taken.
    /// With a caller's [`ClientBuilder::transport`](super::ClientBuilder::transport) every
    /// endpoint shares that transport, so pins have no effect either way.
    pub pins_learned: bool,
}

impl Client {
    /// Reads the cluster's nodes ([`Client::discover_endpoints`], with the port of the
    /// builder's URL) and replaces this client's endpoint list with them, in place:
    ///
    /// * calls in flight keep the endpoint they picked;
    /// * an endpoint that stays (same origin, or same node name — so a builder URL given
    ///   with [`ClientBuilder::node_name`](super::ClientBuilder::node_name) is kept as
    ///   written) keeps its connection, trust, back-off and in-flight slots;
    /// * the endpoint the client sticks to stays preferred while it is listed;
    /// * a new endpoint gets the `ssl_fingerprint` pin `/nodes` reports for it — the answer
    ///   came through this client's own TLS trust, so it is as trustworthy as that first
    ///   contact — or the builder's trust when there is no pin or the answer was not read
    ///   over a verified connection (see [`EndpointRefresh::pins_learned`]); it gets its own
    ///   lanes of the [`ClientBuilder::limit_in_flight`](super::ClientBuilder::limit_in_flight) limit.
    ///
    /// A refresh that finds no node with an address keeps the list (and says so in the
    /// log). Each refresh is logged: how many endpoints, which were added and removed.
    ///
    /// ```no_run
    /// # async fn demo(client: proxmox_sdk::Client) -> Result<(), proxmox_sdk::Error> {
    /// let refresh = client.refresh_endpoints().await?;
    /// println!("{} endpoints, new: {:?}", refresh.endpoints, refresh.added);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`Client::send`] for either read; the endpoint list is then unchanged.
    pub async fn refresh_endpoints(&self) -> Result<EndpointRefresh, Error> {
        let found = match self.discover_endpoints(self.inner.refresh_port).await {
            Ok(found) => found,
            Err(error) => {
                tracing::warn!(error = %error, "endpoint refresh failed; keeping the current endpoints");
                return Err(error);
            }
        };
        let set = &self.inner.endpoints;
        let pins_learned = set.all_verify();
        let mut members: Vec<Arc<Member>> = Vec::new();
        for mut endpoint in found {
            if !pins_learned {
                endpoint.trust = None;
            }
            let member = match self.inner.factory.origin(&endpoint.url) {
                Ok(origin) => match set.find_like(&origin, endpoint.node()) {
                    Some(existing) => Ok(existing),
                    None => self.inner.factory.member(&endpoint).map(Arc::new),
                },
                Err(error) => Err(error),
            };
            match member {
                Ok(member) if !members.iter().any(|m| Arc::ptr_eq(m, &member)) => {
                    members.push(member);
                }
                Ok(_) => {}
                Err(error) => {
                    tracing::warn!(url = endpoint.url(), error = %error, "a learned endpoint cannot be used; leaving it out");
                }
            }
        }
        if members.is_empty() {
            tracing::warn!(
                "endpoint refresh found no node with an address; keeping the current endpoints"
            );
            return Ok(EndpointRefresh {
                endpoints: set.len(),
                added: Vec::new(),
                removed: Vec::new(),
                pins_learned,
            });
        }
        let change = set.replace(members);
        let endpoints = set.len();
        tracing::info!(endpoints, added = ?change.added, removed = ?change.removed, pins_learned, "endpoint list refreshed");
        Ok(EndpointRefresh {
            endpoints,
            added: change.added,
            removed: change.removed,
            pins_learned,
        })
    }
}

/// Starts the background refresh of [`ClientBuilder::refresh_endpoints`](super::ClientBuilder::refresh_endpoints):
/// every `every`, while some clone of `client` lives.
///
/// # Errors
/// [`Error::Config`] for a zero period or when no tokio runtime is running.
pub(super) fn refresh_periodically(client: &Client, every: Duration) -> Result<(), Error> {
    if every.is_zero() {
        return Err(Error::config(
            "the endpoint refresh period must not be zero",
        ));
    }
    let runtime = tokio::runtime::Handle::try_current().map_err(|_| {
        Error::config("refresh_endpoints(every) needs a tokio runtime when build() is called")
    })?;
    let weak = Arc::downgrade(&client.inner);
    runtime.spawn(async move {
        let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            let Some(inner) = weak.upgrade() else { break };
            // Failures are logged inside; the next tick tries again.
            let _ = Client { inner }.refresh_endpoints().await;
        }
    });
    Ok(())
}
