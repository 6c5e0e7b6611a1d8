//! The two selftests.
//!
//! * [`read::run`] (`--selftest`): read-only. It sends `GET` requests only and checks version,
//!   nodes, node status, guests, storage, node storage, the content of each active storage of
//!   this node, and the token's effective permissions against the agent's role.
//! * [`task::run`] (`--selftest=task --vmid N`): snapshot → rollback → delete-snapshot on a
//!   stopped LXC guest, each waited for, with cleanup of the snapshot when a later step fails.

pub mod read;
pub mod step;
pub mod task;
pub mod tls;

use serde::Serialize;

use crate::config::AgentConfig;

pub use step::{MissingPrivilege, StepError, StepReport};
pub use tls::TlsHelp;

/// What a report says about the target, without secrets.
#[derive(Debug, Clone, Serialize)]
pub struct Target {
    /// The API origin.
    pub endpoint: String,
    /// The node.
    pub node: String,
    /// The token id (never the secret).
    pub token_id: String,
    /// Where the token came from (an environment variable, the config file, a credential).
    pub token_source: String,
    /// The TLS trust mode.
    pub trust: String,
}

impl Target {
    /// The target of `config`.
    pub fn of(config: &AgentConfig) -> Self {
        Self {
            endpoint: config.endpoint.to_string(),
            node: config.node.clone(),
            token_id: config.token.id().to_owned(),
            token_source: config.token_source.to_string(),
            trust: config.trust.to_string(),
        }
    }
}
