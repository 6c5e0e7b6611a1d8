//! [`Client::run`]: send a call that starts a task, and wait for the task, in one step.
//!
//! Which calls `run` accepts is decided by their response type at compile time, not by a
//! check at run time: [`TaskResponse`] is implemented only for [`Upid`] (the call always
//! starts a task) and [`TaskStarted`] (it usually does). Any other endpoint does not compile:
//!
//! ```compile_fail,E0277
//! # async fn demo(client: proxmox_sdk::Client) -> Result<(), proxmox_sdk::Error> {
//! use proxmox_sdk::api::nodes::GetNodesLxc;
//! use proxmox_sdk::task::WaitOptions;
//!
//! // A list of containers is no task: `Vec<GetNodesLxcItem>` is not a `TaskResponse`.
//! client.run(&GetNodesLxc::new("pve1"), WaitOptions::default()).await?;
//! # Ok(()) }
//! ```

use crate::client::Client;
use crate::endpoint::Endpoint;
use crate::error::Error;
use crate::upid::Upid;
use crate::wire::FromWire;

use super::options::WaitOptions;
use super::outcome::TaskOutcome;
use super::started::TaskStarted;

mod sealed {
    /// Only the SDK's own task answers are [`TaskResponse`](super::TaskResponse)s.
    pub trait Sealed {}
    impl Sealed for crate::upid::Upid {}
    impl Sealed for crate::task::TaskStarted {}
}

/// The response of a call that starts a task: what [`Client::run`] can wait for.
///
/// Implemented for [`Upid`] (`run` returns the [`TaskOutcome`]) and [`TaskStarted`] (`run`
/// returns `Option<TaskOutcome>`, `None` when the server started no task because there was
/// nothing to do or it finished within the call). Sealed: no other type can be one.
pub trait TaskResponse: FromWire + sealed::Sealed {
    /// What [`Client::run`] returns once the task ended successfully.
    type Outcome;

    /// The task to wait for, or the outcome right away when no task was started.
    #[doc(hidden)]
    fn into_task(self) -> Result<Upid, Self::Outcome>;

    /// The outcome of a waited task.
    #[doc(hidden)]
    fn waited(outcome: TaskOutcome) -> Self::Outcome;
}

impl TaskResponse for Upid {
    type Outcome = TaskOutcome;

    fn into_task(self) -> Result<Upid, TaskOutcome> {
        Ok(self)
    }

    fn waited(outcome: TaskOutcome) -> TaskOutcome {
        outcome
    }
}

impl TaskResponse for TaskStarted {
    type Outcome = Option<TaskOutcome>;

    fn into_task(self) -> Result<Upid, Option<TaskOutcome>> {
        match self {
            TaskStarted::Task(upid) => Ok(upid),
            TaskStarted::Done(_) => Err(None),
        }
    }

    fn waited(outcome: TaskOutcome) -> Option<TaskOutcome> {
        Some(outcome)
    }
}

/// What [`Client::run`] returns for endpoint `E`.
pub type RunOutcome<E> = <<E as Endpoint>::Response as TaskResponse>::Outcome;

impl Client {
    /// Sends a call that starts a task and waits until the task ends: [`Client::send`]
    /// followed by [`Client::wait_task`] on the UPID it returned.
    ///
    /// ```no_run
    /// # async fn demo(client: proxmox_sdk::Client) -> Result<(), proxmox_sdk::Error> {
    /// use proxmox_sdk::api::nodes::{PostNodesLxcSnapshot, PostNodesLxcStatusStart};
    /// use proxmox_sdk::task::WaitOptions;
    ///
    /// client.run(&PostNodesLxcSnapshot::new("pve1", 100, "before-upgrade"), WaitOptions::default()).await?;
    /// let outcome = client.run(&PostNodesLxcStatusStart::new("pve1", 100), WaitOptions::default()).await?;
    /// println!("started after {} polls", outcome.polls);
    /// # Ok(()) }
    /// ```
    ///
    /// A failed task is an [`Error::Task`] holding the [`TaskError`](super::TaskError) with
    /// everything [`Client::wait_task`] reports:
    ///
    /// ```no_run
    /// # async fn demo(client: proxmox_sdk::Client) -> Result<(), proxmox_sdk::Error> {
    /// use proxmox_sdk::Error;
    /// use proxmox_sdk::api::nodes::PostNodesLxcStatusStart;
    /// use proxmox_sdk::task::{TaskError, WaitOptions};
    ///
    /// match client.run(&PostNodesLxcStatusStart::new("pve1", 100), WaitOptions::default()).await {
    ///     Ok(_) => println!("running"),
    ///     Err(Error::Task(TaskError::Failed(failure))) => eprintln!("{}", failure.exit_status),
    ///     Err(other) => return Err(other),
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// Those of [`Client::send`] for the call itself, and [`Error::Task`] when the task
    /// failed, outlived [`WaitOptions::timeout`] or its status could not be read.
    pub async fn run<E>(&self, request: &E, options: WaitOptions) -> Result<RunOutcome<E>, Error>
    where
        E: Endpoint,
        E::Response: TaskResponse,
    {
        match self.send(request).await?.into_task() {
            Ok(upid) => Ok(E::Response::waited(self.wait_task(&upid, options).await?)),
            Err(done) => Ok(done),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::Error;
    use crate::api::nodes::{GetNodesLxcConfig, PostNodesLxcSnapshot, PostNodesLxcStatusStart};
    use crate::task::{ExitStatus, TaskError, WaitOptions};
    use crate::testing::{Expect, ScriptedTask, ScriptedTransport, respond, upid};

    /// `?` on `send`, `run` and `wait_task` in one function returning [`Error`].
    async fn start_then_snapshot(client: &crate::Client) -> Result<ExitStatus, Error> {
        let config = client.send(&GetNodesLxcConfig::new("pve1", 100)).await?;
        assert_eq!(config.hostname.as_deref(), Some("web"));
        client
            .run(
                &PostNodesLxcStatusStart::new("pve1", 100),
                WaitOptions::default(),
            )
            .await?;
        let snapshot = PostNodesLxcSnapshot::new("pve1", 100, "before");
        let upid = client.send(&snapshot).await?;
        Ok(client
            .wait_task(&upid, WaitOptions::default())
            .await?
            .exit_status)
    }

    fn script(snapshot_exit: &str) -> ScriptedTransport {
        let start = upid("pve1", "vzstart", "100");
        let snapshot = upid("pve1", "vzsnapshot", "100");
        ScriptedTransport::new()
            .expect(
                Expect::get("/nodes/pve1/lxc/100/config").respond(respond::data(
                    serde_json::json!({"hostname": "web", "digest": "0f1e"}),
                )),
            )
            .expect(Expect::post("/nodes/pve1/lxc/100/status/start").respond(respond::upid(&start)))
            .task(ScriptedTask::new(start).running(1).exit("OK"))
            .expect(Expect::post("/nodes/pve1/lxc/100/snapshot").respond(respond::upid(&snapshot)))
            .task(
                ScriptedTask::new(snapshot)
                    .log(["TASK ERROR: snapshot feature is not available"])
                    .exit(snapshot_exit),
            )
    }

    #[tokio::test(start_paused = true)]
    async fn send_run_and_wait_task_all_answer_with_one_error_type() {
        let ok = script("OK");
        assert_eq!(
            start_then_snapshot(&ok.client()).await.unwrap(),
            ExitStatus::Ok
        );
        ok.finish();

        let failing = script("snapshot feature is not available");
        let err = start_then_snapshot(&failing.client()).await.unwrap_err();
        let Error::Task(TaskError::Failed(failure)) = &err else {
            panic!("{err:?}")
        };
        assert_eq!(
            failure.exit_status,
            ExitStatus::Failed("snapshot feature is not available".into())
        );
        assert_eq!(failure.log_tail.len(), 1);
        assert!(err.may_have_been_processed() && !err.is_retryable());
        assert_eq!(
            err.task_error().map(|t| t.upid().worker_type()),
            Some("vzsnapshot")
        );
        failing.finish();
    }

    /// What `run` of a container start returns when the start task ends with `exit`.
    async fn failed_start(exit: &str) -> Error {
        let start = upid("pve1", "vzstart", "100");
        let script = ScriptedTransport::new()
            .expect(Expect::post("/nodes/pve1/lxc/100/status/start").respond(respond::upid(&start)))
            .task(ScriptedTask::new(start).exit(exit));
        let request = PostNodesLxcStatusStart::new("pve1", 100);
        let err = script
            .client()
            .run(&request, WaitOptions::default())
            .await
            .unwrap_err();
        script.finish();
        err
    }

    #[tokio::test(start_paused = true)]
    async fn a_task_that_lacks_a_privilege_names_it_through_the_umbrella() {
        let err = failed_start(
            "startup for container '100' failed - 403 Permission check failed (/sdn/zones/localnetwork/vmbr0, SDN.Use)",
        )
        .await;
        assert_eq!(
            err.missing_privileges(),
            [crate::Privilege::SdnUse],
            "{err}"
        );
        assert!(err.to_string().contains("vzstart:100"), "{err}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_task_that_timed_out_on_the_lock_is_retryable_through_the_umbrella() {
        let err =
            failed_start("can't lock file '/run/lock/lxc/pve-config-100.lock' - got timeout").await;
        assert_eq!(
            err.failure_kind(),
            Some(crate::error::FailureKind::LockTimeout)
        );
        assert!(err.is_retryable() && err.may_have_been_processed(), "{err}");
    }
}
