//! The QEMU guest agent toolkit, on top of the generated `/nodes/{node}/qemu/{vmid}/agent/*`
//! calls: wait until the agent answers, run a command and collect its output, read and
//! write files of any size, wait for an IP address, and typed replies for the inventory calls.
//!
//! ```no_run
//! # async fn demo(client: proxmox_sdk::Client) -> Result<(), Box<dyn std::error::Error>> {
//! use std::time::Duration;
//! use proxmox_sdk::agent::IpFilter;
//!
//! let vm = client.agent("pve1", 100);
//! vm.wait_agent(Duration::from_secs(120)).await?;
//! let out = vm.exec(&["uname", "-r"], None).await?;
//! println!("exit {:?}: {}", out.exit_code, String::from_utf8_lossy(&out.stdout));
//! let ip = vm.wait_ip(IpFilter::V4, Duration::from_secs(60)).await?;
//! println!("reachable at {ip}");
//! # Ok(()) }
//! ```
//!
//! Failures are [`AgentError`]s that tell "no agent configured", "agent not running",
//! "agent did not answer", "command disabled in the guest" and "gave up waiting" apart.

mod error;
mod exec;
mod file;
mod ip;
mod text;

use std::time::Duration;

pub use error::AgentError;
pub use exec::ExecOutput;
pub use ip::IpFilter;

use crate::Client;
use crate::api::nodes::{
    GetNodesQemuAgentGetFsinfo, GetNodesQemuAgentGetFsinfoResponseResultItem,
    GetNodesQemuAgentGetOsinfo, GetNodesQemuAgentGetOsinfoResponseResult,
    GetNodesQemuAgentNetworkGetInterfaces, GetNodesQemuAgentNetworkGetInterfacesResponseResultItem,
    PostNodesQemuAgentPing,
};

/// How long [`Agent::exec`] waits for a command by default.
pub const DEFAULT_EXEC_TIMEOUT: Duration = Duration::from_secs(300);

/// The guest agent of one VM. Cheap to create; see [`Client::agent`].
#[derive(Debug, Clone)]
pub struct Agent {
    client: Client,
    node: String,
    vmid: u32,
    exec_timeout: Duration,
}

impl Client {
    /// The guest agent of VM `vmid` on `node`.
    pub fn agent(&self, node: impl Into<String>, vmid: u32) -> Agent {
        Agent {
            client: self.clone(),
            node: node.into(),
            vmid,
            exec_timeout: DEFAULT_EXEC_TIMEOUT,
        }
    }
}

impl Agent {
    /// How long [`Agent::exec`] waits for a command to exit (default
    /// [`DEFAULT_EXEC_TIMEOUT`]).
    #[must_use]
    pub fn exec_timeout(mut self, timeout: Duration) -> Self {
        self.exec_timeout = timeout;
        self
    }

    /// The node.
    pub fn node(&self) -> &str {
        &self.node
    }

    /// The VM.
    pub fn vmid(&self) -> u32 {
        self.vmid
    }

    /// Pings the agent until it answers, for at most `within`.
    ///
    /// # Errors
    /// [`AgentError::TimedOut`] (with the last answer: [`AgentError::NotRunning`] or
    /// [`AgentError::NoAnswer`]) when the agent did not answer in time;
    /// [`AgentError::NotConfigured`], [`AgentError::CommandDisabled`] and other refusals at
    /// once, since waiting cannot change them.
    pub async fn wait_agent(&self, within: Duration) -> Result<(), AgentError> {
        let ping = PostNodesQemuAgentPing::new(&self.node, self.vmid);
        let backoff = Backoff::new(Duration::from_millis(500), Duration::from_secs(5));
        poll_until(within, backoff, || async {
            match self.client.send(&ping).await {
                Ok(_) => Step::Done(()),
                Err(e) => Step::retry_transient(AgentError::from(e)),
            }
        })
        .await
    }

    /// The guest's network interfaces and addresses (`network-get-interfaces`).
    ///
    /// # Errors
    /// As every agent call: [`AgentError`].
    pub async fn network_interfaces(
        &self,
    ) -> Result<Vec<GetNodesQemuAgentNetworkGetInterfacesResponseResultItem>, AgentError> {
        let call = GetNodesQemuAgentNetworkGetInterfaces::new(&self.node, self.vmid);
        Ok(self.client.send(&call).await?.result)
    }

    /// The guest's operating system (`get-osinfo`).
    ///
    /// # Errors
    /// As every agent call: [`AgentError`].
    pub async fn os_info(&self) -> Result<GetNodesQemuAgentGetOsinfoResponseResult, AgentError> {
        let call = GetNodesQemuAgentGetOsinfo::new(&self.node, self.vmid);
        Ok(self.client.send(&call).await?.result)
    }

    /// The guest's mounted file systems (`get-fsinfo`).
    ///
    /// # Errors
    /// As every agent call: [`AgentError`].
    pub async fn fs_info(
        &self,
    ) -> Result<Vec<GetNodesQemuAgentGetFsinfoResponseResultItem>, AgentError> {
        let call = GetNodesQemuAgentGetFsinfo::new(&self.node, self.vmid);
        Ok(self.client.send(&call).await?.result)
    }
}

/// Growing pauses between polls.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Backoff {
    next: Duration,
    max: Duration,
}

impl Backoff {
    pub(crate) fn new(first: Duration, max: Duration) -> Self {
        Self { next: first, max }
    }

    fn step(&mut self) -> Duration {
        let now = self.next;
        self.next = (self.next * 2).min(self.max);
        now
    }
}

/// What one poll found.
pub(crate) enum Step<T> {
    /// The wait is over.
    Done(T),
    /// Not yet; the failure (if any) is kept as the last one.
    Again(Option<AgentError>),
    /// A failure that waiting cannot change.
    Fail(AgentError),
}

impl<T> Step<T> {
    /// Again for a transient failure, Fail otherwise.
    pub(crate) fn retry_transient(error: AgentError) -> Self {
        if error.is_transient() {
            Step::Again(Some(error))
        } else {
            Step::Fail(error)
        }
    }
}

/// Runs `attempt` until it is done, pausing with `backoff` between tries, for at most
/// `within`.
pub(crate) async fn poll_until<T, F, Fut>(
    within: Duration,
    mut backoff: Backoff,
    mut attempt: F,
) -> Result<T, AgentError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Step<T>>,
{
    let started = tokio::time::Instant::now();
    let deadline = started + within;
    let mut last = None;
    loop {
        match attempt().await {
            Step::Done(value) => return Ok(value),
            Step::Fail(error) => return Err(error),
            Step::Again(error) => last = error.map(Box::new).or(last),
        }
        let now = tokio::time::Instant::now();
        if now >= deadline {
            return Err(AgentError::TimedOut {
                waited: now - started,
                last,
            });
        }
        tokio::time::sleep(backoff.step().min(deadline - now)).await;
    }
}

#[cfg(test)]
mod tests;
