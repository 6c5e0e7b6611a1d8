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

pub use error::{AgentError, Partial};
pub use exec::ExecOutput;
pub use ip::IpFilter;

use crate::Client;
use crate::api::nodes::{
    GetNodesQemuAgentGetFsinfo, GetNodesQemuAgentGetFsinfoResponseResultItem,
    GetNodesQemuAgentGetOsinfo, GetNodesQemuAgentGetOsinfoResponseResult,
    GetNodesQemuAgentNetworkGetInterfaces, GetNodesQemuAgentNetworkGetInterfacesResponseResultItem,
    GetNodesQemuConfig, PostNodesQemuAgentPing,
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
    /// [`AgentError::NotConfigured`] (also for a VM whose configuration says `agent: 0`, read
    /// once after the first "not running"), [`AgentError::CommandDisabled`] and other refusals
    /// at once, since waiting cannot change them. A ping still in flight at the deadline is
    /// abandoned: the call returns at `within`.
    pub async fn wait_agent(&self, within: Duration) -> Result<(), AgentError> {
        let ping = PostNodesQemuAgentPing::new(&self.node, self.vmid);
        let backoff = Backoff::new(Duration::from_millis(500), Duration::from_secs(5));
        let config_checked = std::sync::atomic::AtomicBool::new(false);
        poll_until(Deadline::after(within), backoff, || async {
            match self.client.send(&ping).await {
                Ok(_) => Step::Done(()),
                Err(e) => match AgentError::from(e) {
                    AgentError::NotRunning(source)
                        if !config_checked.swap(true, std::sync::atomic::Ordering::Relaxed)
                            && self.agent_disabled().await =>
                    {
                        Step::Fail(AgentError::NotConfigured(source))
                    }
                    error => Step::retry_transient(error),
                },
            }
        })
        .await
    }

    /// Whether the VM's configuration turns the agent off (`agent: 0`). PVE answers a ping of
    /// such a VM with "not running" (it refuses only a VM with no `agent` key at all), which
    /// waiting would never change. `false` when the configuration cannot be read.
    async fn agent_disabled(&self) -> bool {
        let config = GetNodesQemuConfig::new(&self.node, self.vmid);
        match self.client.send(&config).await {
            Ok(config) => config.agent.is_some_and(|agent| !agent.enabled),
            Err(_) => false,
        }
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

/// When a wait started and when it must end.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Deadline {
    started: tokio::time::Instant,
    at: tokio::time::Instant,
}

impl Deadline {
    /// `within` from now.
    pub(crate) fn after(within: Duration) -> Self {
        let started = tokio::time::Instant::now();
        Self {
            started,
            at: started + within,
        }
    }

    fn timed_out(&self, last: Option<Box<AgentError>>) -> AgentError {
        AgentError::TimedOut {
            waited: tokio::time::Instant::now() - self.started,
            last,
        }
    }

    /// `call`, abandoned at the deadline: a request in flight does not hold a wait past it.
    pub(crate) async fn bound<T>(
        &self,
        call: impl std::future::Future<Output = Result<T, AgentError>>,
    ) -> Result<T, AgentError> {
        match tokio::time::timeout_at(self.at, call).await {
            Ok(result) => result,
            Err(_) => Err(self.timed_out(None)),
        }
    }
}

/// Runs `attempt` until it is done, pausing with `backoff` between tries, until `deadline`
/// (an attempt still in flight then is abandoned).
pub(crate) async fn poll_until<T, F, Fut>(
    deadline: Deadline,
    mut backoff: Backoff,
    mut attempt: F,
) -> Result<T, AgentError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Step<T>>,
{
    let mut last = None;
    loop {
        match tokio::time::timeout_at(deadline.at, attempt()).await {
            Err(_) => return Err(deadline.timed_out(last)),
            Ok(Step::Done(value)) => return Ok(value),
            Ok(Step::Fail(error)) => return Err(error),
            Ok(Step::Again(error)) => last = error.map(Box::new).or(last),
        }
        let now = tokio::time::Instant::now();
        if now >= deadline.at {
            return Err(deadline.timed_out(last));
        }
        tokio::time::sleep(backoff.step().min(deadline.at - now)).await;
    }
}

#[cfg(test)]
mod tests;
