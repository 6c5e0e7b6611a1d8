//! One selftest step: its result as the report shows it, and how an SDK error becomes one.

use std::future::Future;
use std::time::{Duration, Instant};

use proxmox_sdk::Error;
use proxmox_sdk::error::Report;
use proxmox_sdk::permission_denied::{MissingPermission, PermissionDenied};
use proxmox_sdk::task::TaskError;
use serde::Serialize;
use tracing::Instrument as _;

use crate::exit::ExitCode;

/// What one step did.
#[derive(Debug, Clone, Serialize)]
pub struct StepReport {
    /// The step, e.g. `node status` or `snapshot`.
    pub name: String,
    /// Whether it succeeded.
    pub ok: bool,
    /// How long it took.
    #[serde(rename = "duration_ms", serialize_with = "millis")]
    pub duration: Duration,
    /// A one-line summary of what was found or done.
    pub summary: String,
    /// The task it started, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upid: Option<String>,
    /// Why it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<StepError>,
}

/// Why a step failed.
#[derive(Debug, Clone, Serialize)]
pub struct StepError {
    /// The exit code this failure stands for.
    pub exit_code: ExitCode,
    /// The whole error chain.
    pub message: String,
    /// The privileges PVE (or the permission comparison) says are missing.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<MissingPrivilege>,
    /// A failed task's exit status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exit_status: Option<String>,
    /// The last lines of a failed task's log.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub log_tail: Vec<String>,
}

/// A privilege that is missing, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MissingPrivilege {
    /// The privilege as PVE spells it, e.g. `VM.Snapshot`.
    pub privilege: String,
    /// The ACL path, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// `true` when PVE would have accepted any one of the privileges listed with it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub any_of: bool,
}

fn millis<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

impl StepReport {
    /// A successful step.
    pub fn ok(name: impl Into<String>, duration: Duration, summary: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            ok: true,
            duration,
            summary: summary.into(),
            upid: None,
            error: None,
        }
    }

    /// A failed step.
    pub fn failed(name: impl Into<String>, duration: Duration, error: StepError) -> Self {
        Self {
            name: name.into(),
            ok: false,
            duration,
            summary: String::new(),
            upid: None,
            error: Some(error),
        }
    }

    /// The exit code this step stands for.
    pub fn exit_code(&self) -> ExitCode {
        self.error
            .as_ref()
            .map_or(ExitCode::Healthy, |e| e.exit_code)
    }
}

impl StepError {
    /// A failed API call.
    pub fn from_error(error: &Error) -> Self {
        Self {
            exit_code: ExitCode::for_error(error),
            message: Report(error).to_string(),
            missing: error
                .permission_denied()
                .map(missing_from)
                .unwrap_or_default(),
            exit_status: None,
            log_tail: Vec::new(),
        }
    }

    /// A task that did not end `OK`.
    pub fn from_task(error: &TaskError) -> Self {
        let missing: Vec<_> = error
            .permission_denied()
            .map(missing_from)
            .unwrap_or_default();
        let exit_code = match error.call_error() {
            Some(call) => ExitCode::for_error(call),
            None if error.permission_denied().is_some() => ExitCode::Auth,
            None => ExitCode::Failure,
        };
        Self {
            exit_code,
            message: Report(error).to_string(),
            missing,
            exit_status: error.exit_status().map(|s| s.to_string()),
            log_tail: error.log_tail().iter().map(|l| l.text.clone()).collect(),
        }
    }

    /// A failure found by the agent itself (a refused guest, a missing privilege).
    pub fn other(exit_code: ExitCode, message: impl Into<String>) -> Self {
        Self {
            exit_code,
            message: message.into(),
            missing: Vec::new(),
            exit_status: None,
            log_tail: Vec::new(),
        }
    }
}

/// The privileges a PVE permission failure names.
fn missing_from(denied: &PermissionDenied) -> Vec<MissingPrivilege> {
    match &denied.missing {
        MissingPermission::Privileges {
            path,
            privileges,
            any_of,
        } => privileges
            .iter()
            .map(|p| MissingPrivilege {
                privilege: p.as_str().to_owned(),
                path: Some(path.clone()),
                any_of: *any_of,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// What [`read_step`] returns: the report line, and the value or the error of the call.
pub struct StepResult<T> {
    /// The report line.
    pub report: StepReport,
    /// The decoded answer, when the call succeeded (even if the summary found a problem).
    pub value: Option<T>,
    /// The call's error, when it failed.
    pub error: Option<Error>,
}

/// Runs one read step in its own span, timing it; `summarize` describes a success or finds a
/// problem in it.
pub async fn read_step<T>(
    name: &str,
    call: impl Future<Output = Result<T, Error>>,
    summarize: impl FnOnce(&T) -> Result<String, StepError>,
) -> StepResult<T> {
    let span = tracing::info_span!("selftest_step", step = name);
    async {
        let started = Instant::now();
        let result = call.await;
        let took = started.elapsed();
        let (report, value, error) = match result {
            Ok(value) => match summarize(&value) {
                Ok(summary) => (StepReport::ok(name, took, summary), Some(value), None),
                Err(problem) => (StepReport::failed(name, took, problem), Some(value), None),
            },
            Err(error) => (
                StepReport::failed(name, took, StepError::from_error(&error)),
                None,
                Some(error),
            ),
        };
        match &report.error {
            None => tracing::debug!(summary = %report.summary, "step ok"),
            Some(e) => tracing::warn!(error = %e.message, "step failed"),
        }
        StepResult {
            report,
            value,
            error,
        }
    }
    .instrument(span)
    .await
}
