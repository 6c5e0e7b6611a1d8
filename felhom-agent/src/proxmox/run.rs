//! Tasks: wait for one, read its status or log once, and [`Host::run`] — start, wait, and
//! succeed only on `OK`.

use std::future::Future;

use proxmox_sdk::permission_denied::PermissionDenied;
use proxmox_sdk::task::{TaskError, TaskLog, TaskOutcome, TaskStatus, WaitOptions, WarningsPolicy};
use proxmox_sdk::{Error, Privilege, TaskStarted, Upid};

use super::Host;

/// What a starting call returns: a [`Upid`], or [`TaskStarted`] for the calls that may start
/// no task (`vzdump` of a guest on another node).
pub trait StartsTask {
    /// The answer as [`TaskStarted`].
    fn into_started(self) -> TaskStarted;
}

impl StartsTask for Upid {
    fn into_started(self) -> TaskStarted {
        TaskStarted::Task(self)
    }
}

impl StartsTask for TaskStarted {
    fn into_started(self) -> TaskStarted {
        self
    }
}

/// Why [`Host::run`] did not succeed. The SDK's errors are kept unchanged, so a caller matches
/// on [`Error`] or [`TaskError`] as it would without this layer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RunError {
    /// The call that starts the task failed (a 403 at the `POST`, a refused parameter, …).
    #[error("the call that starts the task failed")]
    Start(#[source] Error),
    /// The call succeeded but started no task (PVE answered `OK`: nothing to do on this node).
    #[error(
        "the call started no task (the server answered {answer:?}: nothing to do on this node)"
    )]
    NoTask {
        /// What the server answered instead of a UPID.
        answer: Option<String>,
    },
    /// The task ran and did not end `OK`: an error exit status, `WARNINGS: N`, a timeout, or
    /// its status could not be read.
    #[error("task {} did not end OK", .0.upid())]
    Task(#[source] TaskError),
}

impl RunError {
    /// The permission failure, at the call or inside the task.
    pub fn permission_denied(&self) -> Option<&PermissionDenied> {
        match self {
            RunError::Start(error) => error.permission_denied(),
            RunError::Task(error) => error.permission_denied(),
            RunError::NoTask { .. } => None,
        }
    }

    /// The privileges named missing, at the call or inside the task; empty when none were.
    pub fn missing_privileges(&self) -> &[Privilege] {
        match self {
            RunError::Start(error) => error.missing_privileges(),
            RunError::Task(error) => error.missing_privileges(),
            RunError::NoTask { .. } => &[],
        }
    }

    /// The task, when one was started.
    pub fn upid(&self) -> Option<&Upid> {
        match self {
            RunError::Task(error) => Some(error.upid()),
            _ => None,
        }
    }
}

impl Host {
    /// Waits for a task until it stops (`GET /nodes/{node}/tasks/{upid}/status`, polled on the
    /// UPID's node), returning `OK` — or `WARNINGS: N` when `options` count warnings as
    /// success, as the SDK's default does. Any authenticated user may read its own tasks.
    ///
    /// # Errors
    /// [`TaskError`]: the task failed (exit status, log tail, missing privilege), timed out,
    /// or its status could not be read.
    pub async fn wait_task(
        &self,
        upid: &Upid,
        options: WaitOptions,
    ) -> Result<TaskOutcome, TaskError> {
        self.client.wait_task(upid, options).await
    }

    /// One `GET /nodes/{node}/tasks/{upid}/status`: running, or stopped with its exit status.
    ///
    /// # Errors
    /// The call's [`Error`].
    pub async fn task_status_once(&self, upid: &Upid) -> Result<TaskStatus, Error> {
        self.client.task_status(upid).await
    }

    /// The last `lines` lines of a task's log (`GET /nodes/{node}/tasks/{upid}/log`).
    ///
    /// # Errors
    /// The call's [`Error`].
    pub async fn task_log_tail(&self, upid: &Upid, lines: u64) -> Result<TaskLog, Error> {
        self.client.task_log_tail(upid, lines).await
    }

    /// Starts an operation, waits for its task, and succeeds only when the task ended `OK`.
    ///
    /// `WARNINGS: N` counts as failure here, whatever `options` say: the agent acts unattended
    /// and a warning means part of the work may not have happened (a backup that skipped a
    /// volume, a restore that could not apply a setting). The failure carries the warning
    /// lines ([`TaskFailure::warnings`](proxmox_sdk::task::TaskFailure::warnings)); a caller
    /// that accepts warnings uses [`Host::wait_task`] with its own policy.
    ///
    /// ```no_run
    /// # async fn demo(host: felhom_agent::proxmox::Host) -> Result<(), felhom_agent::proxmox::RunError> {
    /// use proxmox_sdk::task::WaitOptions;
    ///
    /// let outcome = host.run(host.snapshot(201, "before_upgrade"), WaitOptions::default()).await?;
    /// println!("{} took {:?}", outcome.upid, outcome.waited);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`RunError::Start`] with the starting call's [`Error`], [`RunError::NoTask`] when no
    /// task was started, [`RunError::Task`] with the [`TaskError`].
    pub async fn run<T: StartsTask>(
        &self,
        start: impl Future<Output = Result<T, Error>>,
        options: WaitOptions,
    ) -> Result<TaskOutcome, RunError> {
        let upid = match start.await.map_err(RunError::Start)?.into_started() {
            TaskStarted::Task(upid) => upid,
            TaskStarted::Done(answer) => return Err(RunError::NoTask { answer }),
        };
        self.wait_task(&upid, options.warnings(WarningsPolicy::Failure))
            .await
            .map_err(RunError::Task)
    }
}
