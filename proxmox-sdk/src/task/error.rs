//! [`TaskError`]: why waiting for a task did not end in success.
//!
//! It is a type of its own rather than more [`Error`] variants: an [`Error`] describes one
//! HTTP call (was it sent, may it be retried), while a failed *task* was started, accepted
//! and run by the server — every call succeeded and the work itself failed. Keeping the two
//! apart keeps [`Error::may_have_been_processed`] and [`Error::is_retryable`] meaningful.
//! Where a call did fail while polling, the [`Error`] is kept as the source
//! ([`TaskError::Status`]), so nothing is lost.

use std::error::Error as StdError;
use std::fmt;

use crate::Privilege;
use crate::error::{Error, FailureKind};
use crate::permission::PermissionDenied;
use crate::upid::Upid;

use super::log::TaskLogLine;
use super::outcome::{StopAttempt, TaskFailure, TaskTimeout};
use super::status::{ExitStatus, TaskStatus};

/// Why [`Client::wait_task`](crate::Client::wait_task) did not return a success.
#[derive(Debug)]
#[non_exhaustive]
pub enum TaskError {
    /// The task ended and failed: its exit status, the log tail and any missing privilege are
    /// in the [`TaskFailure`].
    Failed(Box<TaskFailure>),
    /// The timeout expired while the task was still running.
    Timeout(Box<TaskTimeout>),
    /// Reading the task's status failed, and the failure was not transient or happened too
    /// often in a row. The failed call is the [`source`](std::error::Error::source).
    Status(Box<StatusFailure>),
}

/// The payload of [`TaskError::Status`].
#[derive(Debug)]
#[non_exhaustive]
pub struct StatusFailure {
    /// The task.
    pub upid: Upid,
    /// Failed polls in a row, the last one included.
    pub failures: u32,
    /// The last status read before, if any.
    pub last_status: Option<TaskStatus>,
    /// The last failure.
    pub error: Error,
}

impl fmt::Display for TaskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TaskError::Failed(failure) => match &failure.exit_status {
                ExitStatus::Warnings(n) => write!(
                    f,
                    "task {} ended with {n} warning(s), which this wait treats as failure",
                    failure.upid
                ),
                exit => write!(f, "task {} failed: {exit}", failure.upid),
            },
            TaskError::Timeout(timeout) => {
                write!(
                    f,
                    "task {} still running after {:.1} s",
                    timeout.upid,
                    timeout.waited.as_secs_f64()
                )?;
                match timeout.stop {
                    StopAttempt::NotRequested => Ok(()),
                    StopAttempt::Requested => f.write_str("; it was asked to stop"),
                    StopAttempt::Failed(_) => f.write_str("; asking it to stop failed"),
                }
            }
            TaskError::Status(status) => write!(
                f,
                "cannot read the status of task {} ({} failed poll(s) in a row)",
                status.upid, status.failures
            ),
        }
    }
}

impl StdError for TaskError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            TaskError::Status(status) => Some(&status.error),
            _ => None,
        }
    }
}

impl TaskError {
    /// The task this is about.
    pub fn upid(&self) -> &Upid {
        match self {
            TaskError::Failed(failure) => &failure.upid,
            TaskError::Timeout(timeout) => &timeout.upid,
            TaskError::Status(status) => &status.upid,
        }
    }

    /// The exit status of a task that ended.
    pub fn exit_status(&self) -> Option<&ExitStatus> {
        match self {
            TaskError::Failed(failure) => Some(&failure.exit_status),
            _ => None,
        }
    }

    /// The permission failure: inside the task (its exit status), or of the status request
    /// itself (a 403 reading the task).
    pub fn permission_denied(&self) -> Option<&PermissionDenied> {
        match self {
            TaskError::Failed(failure) => failure.permission_denied.as_ref(),
            TaskError::Status(status) => status.error.permission_denied(),
            TaskError::Timeout(_) => None,
        }
    }

    /// The privileges named missing; empty when none were.
    pub fn missing_privileges(&self) -> &[Privilege] {
        self.permission_denied()
            .map(PermissionDenied::privileges)
            .unwrap_or(&[])
    }

    /// The last lines of the log of a failed task; empty otherwise.
    pub fn log_tail(&self) -> &[TaskLogLine] {
        match self {
            TaskError::Failed(failure) => &failure.log_tail,
            _ => &[],
        }
    }

    /// The last status read.
    pub fn last_status(&self) -> Option<&TaskStatus> {
        match self {
            TaskError::Failed(failure) => Some(&failure.status),
            TaskError::Timeout(timeout) => timeout.last_status.as_ref(),
            TaskError::Status(status) => status.last_status.as_ref(),
        }
    }

    /// The failed call, for [`TaskError::Status`].
    pub fn call_error(&self) -> Option<&Error> {
        match self {
            TaskError::Status(status) => Some(&status.error),
            _ => None,
        }
    }

    /// What went wrong, read by the same table as [`Error::failure_kind`]: from the exit
    /// status of a failed task, or from the failed status call. `None` after a timeout, for a
    /// warnings failure and for texts the table does not know.
    pub fn failure_kind(&self) -> Option<FailureKind> {
        match self {
            TaskError::Failed(failure) => failure.exit_status.failure_kind(),
            TaskError::Status(status) => status.error.failure_kind(),
            TaskError::Timeout(_) => None,
        }
    }

    /// Whether starting the same task again is safe and likely to succeed: `true` when the
    /// task failed on a lock timeout ([`FailureKind::LockTimeout`]). PVE takes the guest's
    /// config lock before the worker does any work, so such a task changed nothing — exactly
    /// as a lock timeout answered to the POST itself, where [`Error::is_retryable`] says so.
    pub fn is_retryable(&self) -> bool {
        matches!(self, TaskError::Failed(_))
            && self.failure_kind().is_some_and(|k| k.is_retryable())
    }

    /// `true` for [`TaskError::Timeout`].
    pub fn is_timeout(&self) -> bool {
        matches!(self, TaskError::Timeout(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::task::status::TaskStatus;

    fn status(exit: &str) -> TaskStatus {
        let response = crate::wire::de::from_value(serde_json::json!({
            "upid": "UPID:pve1:000934AF:0D015579:68BF3A41:vzrestore:100:root@pam:",
            "node": "pve1", "pid": 603311, "pstart": 218191225, "starttime": 1757362753,
            "type": "vzrestore", "id": "100", "user": "root@pam",
            "status": "stopped", "exitstatus": exit,
        }))
        .unwrap();
        TaskStatus::from_response(response)
    }

    #[test]
    fn a_failure_names_the_task_and_its_text_and_the_privilege() {
        let text = "unable to restore CT 100 - 403 Permission check failed (/sdn/zones/localnetwork/vmbr0, SDN.Use)";
        let st = status(text);
        let exit = st.exit_status().unwrap().clone();
        let err = TaskError::Failed(Box::new(TaskFailure::new(st, exit, 3)));
        let shown = err.to_string();
        assert!(
            shown.contains("vzrestore:100") && shown.ends_with(text),
            "{shown}"
        );
        assert_eq!(err.missing_privileges(), [Privilege::SdnUse]);
        assert!(err.last_status().is_some());
        assert!(err.call_error().is_none());
    }

    #[test]
    fn a_warnings_failure_says_why_it_is_one() {
        let st = status("WARNINGS: 2");
        let err = TaskError::Failed(Box::new(TaskFailure::new(st, ExitStatus::Warnings(2), 1)));
        assert!(err.to_string().contains("2 warning(s)"), "{err}");
        assert!(err.missing_privileges().is_empty());
    }
}
