//! What a wait ends with: the successful outcome, or the details of a failed task.

use std::fmt;
use std::time::Duration;

use crate::error::{Error, Report};
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
///
/// Its `Debug` is one short line per fact, also without `{:#?}` (an `unwrap` or a `main` that
/// returns the error prints it as it is): the UPID, the exit status, the missing privilege,
/// the poll count, and the log tail one line per log line. The full [`TaskStatus`] is left
/// out of it; it is in [`TaskFailure::status`].
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

impl fmt::Debug for TaskFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "TaskFailure {{")?;
        writeln!(f, "    upid: {},", self.upid)?;
        writeln!(f, "    exit_status: {:?},", self.exit_status.to_string())?;
        if let Some(denied) = &self.permission_denied {
            writeln!(f, "    permission_denied: {denied},")?;
        }
        writeln!(f, "    polls: {},", self.polls)?;
        for (name, lines) in [("log_tail", &self.log_tail), ("warnings", &self.warnings)] {
            if lines.is_empty() {
                continue;
            }
            writeln!(f, "    {name}: [")?;
            for line in lines {
                writeln!(f, "        {:>4} {:?},", line.n, line.text)?;
            }
            writeln!(f, "    ],")?;
        }
        if let Some(error) = &self.log_error {
            writeln!(f, "    log_error: {},", Report(error))?;
        }
        f.write_str("}")
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_prints_one_short_line_per_fact() {
        let status = TaskStatus::from_response(
            crate::wire::de::from_value(serde_json::json!({
                "upid": "UPID:pve1:000934AF:0D015579:68BF3A41:vzrestore:100:root@pam:",
                "node": "pve1", "pid": 603311, "pstart": 218191225, "starttime": 1757362753,
                "type": "vzrestore", "id": "100", "user": "root@pam", "status": "stopped",
                "exitstatus": "unable to restore CT 100 - 403 Permission check failed (/sdn/zones/localnetwork/vmbr0, SDN.Use)",
            }))
            .unwrap(),
        );
        let exit = status.exit_status().unwrap().clone();
        let mut failure = TaskFailure::new(status, exit, 3);
        failure.log_tail = vec![
            TaskLogLine {
                n: 9,
                text: "extracting archive".into(),
            },
            TaskLogLine {
                n: 10,
                text: "TASK ERROR: unable to restore CT 100".into(),
            },
        ];
        assert_eq!(
            format!("{failure:?}"),
            r#"TaskFailure {
    upid: UPID:pve1:000934AF:0D015579:68BF3A41:vzrestore:100:root@pam:,
    exit_status: "unable to restore CT 100 - 403 Permission check failed (/sdn/zones/localnetwork/vmbr0, SDN.Use)",
    permission_denied: missing SDN.Use on /sdn/zones/localnetwork/vmbr0,
    polls: 3,
    log_tail: [
           9 "extracting archive",
          10 "TASK ERROR: unable to restore CT 100",
    ],
}"#
        );
    }
}
