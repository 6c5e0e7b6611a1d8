//! The guest agent's failures, told apart.

use std::time::Duration;

use crate::error::Error;

/// Why a guest agent call failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AgentError {
    /// The VM has no guest agent enabled in its configuration (`agent: 1`); waiting does not
    /// help.
    #[error("the VM has no QEMU guest agent configured")]
    NotConfigured(#[source] Error),
    /// The VM or its guest agent is not running (yet): PVE's `QEMU guest agent is not running`
    /// or `VM … not running`.
    #[error("the QEMU guest agent is not running")]
    NotRunning(#[source] Error),
    /// The agent is there but did not answer in time (`… failed - got timeout`): the guest is
    /// busy or still booting.
    #[error("the QEMU guest agent did not answer")]
    NoAnswer(#[source] Error),
    /// The guest's agent refuses this command (its configuration disables it, e.g.
    /// `--block-rpcs=guest-exec`).
    #[error("the guest agent has the command {command:?} disabled")]
    CommandDisabled {
        /// The agent command, e.g. `guest-exec`.
        command: String,
        /// PVE's answer (an [`Error::Api`]).
        #[source]
        source: Error,
    },
    /// The time allowed ran out; `last` is the most recent failure, if there was one.
    #[error("gave up after {waited:?}{}", last.as_ref().map(|e| format!(" (last: {e})")).unwrap_or_default())]
    TimedOut {
        /// How long was waited.
        waited: Duration,
        /// What the last attempt answered.
        #[source]
        last: Option<Box<AgentError>>,
    },
    /// A command this toolkit ran in the guest to finish its work (joining the chunks of a
    /// large [`file_write`](super::Agent::file_write)) failed.
    #[error("the helper command in the guest exited with {exit_code:?}: {stderr}")]
    HelperFailed {
        /// Its exit code, if it exited.
        exit_code: Option<i64>,
        /// Its standard error (lossy UTF-8, at most 1 KiB).
        stderr: String,
    },
    /// `file-read` claimed more data but returned none: the read cannot progress.
    #[error("file-read reported more data at offset {offset} but returned none")]
    ReadStalled {
        /// Where the read stood.
        offset: u64,
    },
    /// The file is larger than one `file-read` returns (16 MiB) and the server cannot read
    /// further: `offset` arrived in PVE 9, older servers refuse it. `data` holds the bytes that
    /// arrived: the whole file when it is exactly 16 MiB (those servers flag a file of exactly
    /// the cap as truncated too).
    #[error("the server returned the first {} bytes of the file and cannot read past them (file-read takes no offset before PVE 9)", data.0.len())]
    ReadCapped {
        /// The start of the file.
        data: Partial,
        /// PVE's refusal of `offset`.
        #[source]
        source: Error,
    },
    /// Any other failure of the call (permissions, connection, TLS, a stopped node, …).
    #[error("the guest agent call failed")]
    Api(#[source] Error),
}

/// Bytes that arrived before a call failed. `Debug` shows their count, not the bytes.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Partial(pub Vec<u8>);

impl std::fmt::Debug for Partial {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Partial({} bytes)", self.0.len())
    }
}

impl AgentError {
    /// Whether waiting and asking again may succeed (the agent is starting or busy, or the
    /// connection failed in a way a retry can fix).
    pub fn is_transient(&self) -> bool {
        match self {
            AgentError::NotRunning(_) | AgentError::NoAnswer(_) => true,
            AgentError::Api(e) => e.is_retryable(),
            _ => false,
        }
    }
}

impl From<Error> for AgentError {
    /// Sorts PVE's agent errors (500s whose message names the condition) into their variants.
    fn from(error: Error) -> Self {
        let Error::Api(api) = error else {
            return AgentError::Api(error);
        };
        let message = api.message().unwrap_or_default().to_owned();
        let lower = message.to_ascii_lowercase();
        let error = Error::Api(api);
        if lower.contains("no qemu guest agent configured") {
            AgentError::NotConfigured(error)
        } else if lower.contains("guest agent is not running") || lower.contains(" not running") {
            AgentError::NotRunning(error)
        } else if lower.contains("has been disabled") {
            let command = disabled_command(&message).unwrap_or("unknown").to_owned();
            AgentError::CommandDisabled {
                command,
                source: error,
            }
        } else if lower.trim_end().ends_with("got timeout") {
            AgentError::NoAnswer(error)
        } else {
            AgentError::Api(error)
        }
    }
}

/// The `guest-…` command a "has been disabled" message names.
fn disabled_command(message: &str) -> Option<&str> {
    message
        .split(|c: char| c.is_whitespace() || c == '\'' || c == '"')
        .find(|w| w.starts_with("guest-"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::nodes::PostNodesQemuAgentPing;
    use crate::testing::{Expect, ScriptedTransport, respond};

    async fn classify(status: u16, message: &str) -> AgentError {
        let script = ScriptedTransport::new().expect(
            Expect::post("/nodes/pve1/qemu/100/agent/ping")
                .respond(respond::error(status, message)),
        );
        let error = script
            .client()
            .send(&PostNodesQemuAgentPing::new("pve1", 100))
            .await
            .unwrap_err();
        AgentError::from(error)
    }

    #[tokio::test]
    async fn pves_agent_messages_become_their_variants() {
        assert!(matches!(
            classify(500, "QEMU guest agent is not running").await,
            AgentError::NotRunning(_)
        ));
        assert!(matches!(
            classify(500, "VM 100 not running").await,
            AgentError::NotRunning(_)
        ));
        assert!(matches!(
            classify(500, "No QEMU guest agent configured").await,
            AgentError::NotConfigured(_)
        ));
        assert!(matches!(
            classify(500, "VM 100 qmp command 'guest-ping' failed - got timeout").await,
            AgentError::NoAnswer(_)
        ));
        let disabled = classify(
            500,
            "VM 100 qmp command 'guest-exec' failed - The command guest-exec has been disabled for this instance",
        )
        .await;
        assert!(
            matches!(&disabled, AgentError::CommandDisabled { command, .. } if command == "guest-exec"),
            "{disabled:?}"
        );
        assert!(matches!(
            classify(
                403,
                "Permission check failed (/vms/100, VM.GuestAgent.Unrestricted)"
            )
            .await,
            AgentError::Api(Error::Forbidden(_))
        ));
    }
}
