//! A task's state and its classified exit status.
//!
//! PVE reports a task as `running` until its worker process is gone, then as `stopped` with an
//! `exitstatus` read from the last line of the task log. That text is one of three things:
//! `OK`, `WARNINGS: <n>` (the task did its work and logged `n` warnings), or anything else,
//! which is the error the task died with — including `unexpected status` when the log did not
//! end with a result line, and `job errors` when a backup failed for some of its guests.
//! [`ExitStatus::parse`] makes that split exactly the way PVE's own `status_is_error` does.

use std::convert::Infallible;
use std::fmt;
use std::str::FromStr;

use crate::api::nodes::GetNodesTasksStatusResponse;
use crate::api::types::TasksStatusStatus;
use crate::error::FailureKind;
use crate::permission::PermissionDenied;
use crate::upid::Upid;

/// What PVE writes when the log has no result line (an empty log, or a killed worker).
const UNEXPECTED: &str = "unexpected status";
/// The exit status of a backup in which some guests failed.
const JOB_ERRORS: &str = "job errors";

/// How a stopped task ended.
///
/// ```
/// use proxmox_sdk::task::{ExitKind, ExitStatus};
///
/// assert_eq!(ExitStatus::parse("OK"), ExitStatus::Ok);
/// assert_eq!(ExitStatus::parse("WARNINGS: 2"), ExitStatus::Warnings(2));
/// let failed = ExitStatus::parse("unable to restore CT 100 - 403 Permission check failed (/sdn/zones/localnetwork/vmbr0, SDN.Use)");
/// assert!(!failed.is_success());
/// assert_eq!(failed.kind(), ExitKind::Error);
/// assert_eq!(failed.permission_denied().unwrap().privileges(), [proxmox_sdk::Privilege::SdnUse]);
/// assert_eq!(ExitStatus::parse("unexpected status").kind(), ExitKind::Unknown);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ExitStatus {
    /// `OK`.
    Ok,
    /// `WARNINGS: <n>`: the task succeeded and logged `n` warnings (lines starting `WARN: `).
    Warnings(u64),
    /// Any other text: the task failed. Holds the text as PVE sent it, e.g.
    /// `command 'lxc-start …' failed: exit code 1`, `job errors`, `unexpected status`.
    Failed(String),
}

/// PVE's four-way grouping of exit statuses (the values of the task list's `statusfilter`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExitKind {
    /// `OK`.
    Ok,
    /// `WARNINGS: <n>`.
    Warning,
    /// An error text.
    Error,
    /// No result at all: an empty exit status or `unexpected status`. Counts as a failure.
    Unknown,
}

impl ExitStatus {
    /// Classifies an `exitstatus` text. Total: every text is one of the three variants.
    /// Only a trailing line break is ignored; `ok`, ` OK` or `WARNINGS: x` are failures, as
    /// they are to PVE.
    pub fn parse(text: &str) -> Self {
        let text = text.trim_end_matches(['\r', '\n']);
        if text == "OK" {
            return ExitStatus::Ok;
        }
        let count = text
            .strip_prefix("WARNINGS: ")
            .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
        if let Some(count) = count {
            // More digits than a u64 holds is still a warning count to PVE.
            return ExitStatus::Warnings(count.parse().unwrap_or(u64::MAX));
        }
        // Server text that ends up in error messages: bounded like every other.
        ExitStatus::Failed(crate::error::bound(text, crate::error::MAX_TEXT))
    }

    /// `true` for `OK` and `WARNINGS: <n>`, the two results PVE counts as success.
    pub fn is_success(&self) -> bool {
        !matches!(self, ExitStatus::Failed(_))
    }

    /// PVE's grouping: ok, warning, error, or unknown (no result).
    pub fn kind(&self) -> ExitKind {
        match self {
            ExitStatus::Ok => ExitKind::Ok,
            ExitStatus::Warnings(_) => ExitKind::Warning,
            ExitStatus::Failed(text) if text.is_empty() || text == UNEXPECTED => ExitKind::Unknown,
            ExitStatus::Failed(_) => ExitKind::Error,
        }
    }

    /// The error text of a failed task.
    pub fn error_text(&self) -> Option<&str> {
        match self {
            ExitStatus::Failed(text) => Some(text),
            _ => None,
        }
    }

    /// The permission failure in a failed task's text, also when a wrapper precedes it
    /// (`unable to restore CT 100 - 403 Permission check failed (…)`).
    pub fn permission_denied(&self) -> Option<PermissionDenied> {
        self.error_text().and_then(PermissionDenied::parse)
    }

    /// What a failed task's text says went wrong, read by the same table as an HTTP error's
    /// ([`FailureKind`]); `None` for a success and for texts the table does not know.
    pub fn failure_kind(&self) -> Option<FailureKind> {
        self.error_text().and_then(FailureKind::classify)
    }

    /// `true` for vzdump's `job errors`: the backup ran, but failed for some guests.
    pub fn is_job_errors(&self) -> bool {
        self.error_text() == Some(JOB_ERRORS)
    }
}

/// The text as PVE writes it: `OK`, `WARNINGS: 2`, or the error text.
impl fmt::Display for ExitStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExitStatus::Ok => f.write_str("OK"),
            ExitStatus::Warnings(n) => write!(f, "WARNINGS: {n}"),
            ExitStatus::Failed(text) => f.write_str(text),
        }
    }
}

impl FromStr for ExitStatus {
    type Err = Infallible;

    fn from_str(s: &str) -> Result<Self, Infallible> {
        Ok(ExitStatus::parse(s))
    }
}

/// Whether a task is still running.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskState {
    /// The worker process is still alive (or the server sent a state this SDK does not know
    /// and no exit status).
    Running,
    /// The task ended with this exit status.
    Stopped(ExitStatus),
}

/// One answer of `GET /nodes/{node}/tasks/{upid}/status`, classified.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskStatus {
    /// Running, or stopped with its exit status.
    pub state: TaskState,
    /// The response as received (node, pid, type, id, user, unknown fields …).
    pub response: GetNodesTasksStatusResponse,
}

impl TaskStatus {
    /// Classifies a status response.
    ///
    /// An `exitstatus` means the task stopped (PVE sends it only then), whatever `status`
    /// says; `stopped` without one reads as the empty exit status ([`ExitKind::Unknown`]);
    /// anything else is still running.
    pub fn from_response(response: GetNodesTasksStatusResponse) -> Self {
        let state = match (&response.exitstatus, &response.status) {
            (Some(text), _) => TaskState::Stopped(ExitStatus::parse(text)),
            (None, TasksStatusStatus::Stopped) => TaskState::Stopped(ExitStatus::parse("")),
            (None, _) => TaskState::Running,
        };
        Self { state, response }
    }

    /// The task's UPID, as the server echoed it.
    pub fn upid(&self) -> &Upid {
        &self.response.upid
    }

    /// `true` while the task runs.
    pub fn is_running(&self) -> bool {
        self.state == TaskState::Running
    }

    /// The exit status, once the task stopped.
    pub fn exit_status(&self) -> Option<&ExitStatus> {
        match &self.state {
            TaskState::Stopped(exit) => Some(exit),
            TaskState::Running => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Privilege;

    #[test]
    fn success_is_exactly_ok_or_a_warning_count() {
        assert_eq!(ExitStatus::parse("OK"), ExitStatus::Ok);
        assert_eq!(ExitStatus::parse("OK\n"), ExitStatus::Ok);
        assert_eq!(ExitStatus::parse("WARNINGS: 0"), ExitStatus::Warnings(0));
        assert_eq!(ExitStatus::parse("WARNINGS: 42"), ExitStatus::Warnings(42));
        assert_eq!(
            ExitStatus::parse("WARNINGS: 99999999999999999999999"),
            ExitStatus::Warnings(u64::MAX)
        );
        for failure in [
            "",
            "ok",
            " OK",
            "OK ",
            "WARNINGS: ",
            "WARNINGS: x",
            "WARNINGS: 2 more",
            "WARNINGS:2",
            "WARNINGS: -1",
            "unexpected status",
            "job errors",
            "received interrupt",
        ] {
            let exit = ExitStatus::parse(failure);
            assert!(!exit.is_success(), "{failure:?}");
            assert_eq!(exit.error_text(), Some(failure), "{failure:?}");
        }
    }

    #[test]
    fn kinds_follow_pve() {
        assert_eq!(ExitStatus::parse("OK").kind(), ExitKind::Ok);
        assert_eq!(ExitStatus::parse("WARNINGS: 1").kind(), ExitKind::Warning);
        assert_eq!(ExitStatus::parse("").kind(), ExitKind::Unknown);
        assert_eq!(
            ExitStatus::parse("unexpected status").kind(),
            ExitKind::Unknown
        );
        assert_eq!(ExitStatus::parse("job errors").kind(), ExitKind::Error);
        assert!(ExitStatus::parse("job errors").is_job_errors());
        assert!(!ExitStatus::parse("job errors!").is_job_errors());
    }

    #[test]
    fn display_gives_the_wire_text_back() {
        for text in ["OK", "WARNINGS: 3", "unable to create CT 101 - no space"] {
            assert_eq!(ExitStatus::parse(text).to_string(), text);
        }
    }

    #[test]
    fn permission_failures_are_found_plain_and_wrapped() {
        let plain = ExitStatus::parse(
            "403 Permission check failed (/storage/local-lvm, Datastore.AllocateSpace)",
        );
        assert_eq!(
            plain.permission_denied().unwrap().privileges(),
            [Privilege::DatastoreAllocateSpace]
        );
        let wrapped = ExitStatus::parse(
            "unable to restore CT 100 - 403 Permission check failed (/sdn/zones/localnetwork/vmbr0, SDN.Use)",
        );
        let denied = wrapped.permission_denied().unwrap();
        assert_eq!(denied.privileges(), [Privilege::SdnUse]);
        assert_eq!(denied.path(), Some("/sdn/zones/localnetwork/vmbr0"));
        assert!(
            ExitStatus::parse("WARNINGS: 1")
                .permission_denied()
                .is_none()
        );
        assert!(
            ExitStatus::parse("job errors")
                .permission_denied()
                .is_none()
        );
    }
}
