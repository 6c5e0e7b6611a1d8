//! [`Host`]: one SDK client bound to this host's node.

use std::time::Duration;

use proxmox_sdk::{Client, Error};

use crate::config::AgentConfig;

/// The default time limit of one API call.
const CALL_TIMEOUT: Duration = Duration::from_secs(30);

/// This host's PVE API, as the agent uses it. Cheap to clone.
///
/// Every node-scoped call goes to the configured node; task waits follow the node named in the
/// UPID. See the [module docs](super) for what runs through the API and what does not.
#[derive(Debug, Clone)]
pub struct Host {
    pub(super) client: Client,
    pub(super) node: String,
}

impl Host {
    /// Builds the client from the agent's configuration: endpoint, API token, TLS trust.
    ///
    /// # Errors
    /// [`Error::Config`] when the SDK refuses the endpoint or the TLS trust (an unreadable CA
    /// file, say).
    pub fn connect(config: &AgentConfig) -> Result<Self, Error> {
        let client = Client::builder(config.endpoint.as_str())?
            .token(config.token.id(), config.token.secret().clone())
            .trust(config.trust.to_sdk())
            .timeout(CALL_TIMEOUT)
            .user_agent(concat!("felhom-agent/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self::with_client(client, config.node.clone()))
    }

    /// A host over an already built client (tests, or a client with other settings).
    pub fn with_client(client: Client, node: impl Into<String>) -> Self {
        Self {
            client,
            node: node.into(),
        }
    }

    /// The node this host is bound to.
    pub fn node(&self) -> &str {
        &self.node
    }

    /// The SDK client, for calls this layer does not wrap.
    pub fn client(&self) -> &Client {
        &self.client
    }
}
