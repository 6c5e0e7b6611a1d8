//! What a wait ends with: the successful outcome, or the details of a failed task.

use std::time::Duration;

use crate::error::Error;
use crate::permission::PermissionDenied;
use crate::upid::Upid;

use super::log::TaskLogLine;
use super::status::{ExitStatus, TaskStatus};

/// A task that ended successfully: `OK`, or `WARNINGS: <n>` under
/// [`WarningsPolicy::Success`](super::WarningsPolicy::Success).
#[derive(Debug)]
#[non_exhaustive]
pub struct TaskOutcome {
    /// The task.
    pub upid: Upid,
    /// [`ExitStatus::Ok`] or [`ExitStatus::Warnings`].
    pub exit_status: ExitStatus,
    /// The warning lines (`WARN: …`) of a task that ended with warnings; empty otherwise.
    pub warnings: Vec<TaskLogLine>,
    /// The last status read.
    pub status: TaskStatus,
    /// How many status requests the wait made.
    pub polls: u32,
    /// How long the wait took.
    pub waited: Duration,
    /// Why the warning lines could not be read, if they could not.
    pub log_error: Option<Error>,
}

impl TaskOutcome {
    /// `true` when the task logged warnings.
    pub fn has_warnings(&self) -> bool {
        matches!(self.exit_status, ExitStatus::Warnings(_))
    }
}

/// A task that ended in failure; the payload of [`TaskError::Failed`](super::TaskError::Failed).
#[derive(Debug)]
#[non_exhaustive]
pub struct TaskFailure {
    /// The task.
    pub upid: Upid,
    /// The exit status: [`ExitStatus::Failed`], or [`ExitStatus::Warnings`] under
    /// [`WarningsPolicy::Failure`](super::WarningsPolicy::Failure).
    pub exit_status: ExitStatus,
    /// The missing privilege, when the task failed a permission check — also when the text
    /// is wrapped (`unable to restore CT 100 - 403 Permission check failed (…)`).
    pub permission_denied: Option<PermissionDenied>,
    /// The last lines of the task log (up to
    /// [`WaitOptions::log_tail_lines`](super::WaitOptions::log_tail_lines)).
    pub log_tail: Vec<TaskLogLine>,
    /// The warning lines, when warnings were the failure.
    pub warnings: Vec<TaskLogLine>,
    /// The last status read.
    pub status: TaskStatus,
    /// How many status requests the wait made.
    pub polls: u32,
    /// Why the log could not be read, if it could not.
    pub log_error: Option<Error>,
}

impl TaskFailure {
    pub(crate) fn new(status: TaskStatus, exit_status: ExitStatus, polls: u32) -> Self {
        Self {
            upid: status.upid().clone(),
            permission_denied: exit_status.permission_denied(),
            exit_status,
            log_tail: Vec::new(),
            warnings: Vec::new(),
            status,
            polls,
            log_error: None,
        }
    }
}

/// What happened to the task when the wait gave up; part of
/// [`TaskTimeout`](super::TaskTimeout).
#[derive(Debug)]
#[non_exhaustive]
pub enum StopAttempt {
    /// Stopping was not asked for ([`WaitOptions::stop_on_timeout`](super::WaitOptions::stop_on_timeout) off); the task may
    /// still be running.
    NotRequested,
    /// The node accepted the stop request.
    Requested,
    /// The stop request failed; the task may still be running.
    Failed(Error),
}

/// The payload of [`TaskError::Timeout`](super::TaskError::Timeout).
#[derive(Debug)]
#[non_exhaustive]
pub struct TaskTimeout {
    /// The task.
    pub upid: Upid,
    /// How long the wait lasted.
    pub waited: Duration,
    /// The last status read, if any poll succeeded.
    pub last_status: Option<TaskStatus>,
    /// Whether the task was asked to stop.
    pub stop: StopAttempt,
    /// How many status requests the wait made.
    pub polls: u32,
}
