//! `--selftest=task --vmid N`: snapshot → rollback → delete-snapshot on a stopped LXC guest
//! of this node, each through `wait_task`, reporting each step's UPID and duration.
//!
//! Before anything is sent the guest is read (`GET` only) and refused, with the reason, when
//! it is not an LXC container on this node, is a template, is locked, or is running (a
//! rollback would stop it). The snapshot gets a name the guest does not use. When a step
//! fails, the snapshot this run created is deleted before the report is returned.
//!
//! An interruption (the `interrupt` future, SIGINT/SIGTERM in the binary) does not abandon the
//! guest mid-way: the running task is waited for, the snapshot deleted, and the report says
//! the run was interrupted.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use proxmox_sdk::task::{TaskError, WaitOptions, WarningsPolicy};
use proxmox_sdk::{Error, Upid};
use serde::Serialize;
use tracing::Instrument as _;

use super::step::{MissingPrivilege, StepError, StepReport};
use super::{Target, TlsHelp};
use crate::exit::ExitCode;
use crate::proxmox::Host;

/// The prefix of the snapshots this selftest creates.
pub const SNAPSHOT_PREFIX: &str = "felhom_selftest_";

/// How long a task that outlived its wait is given to end before the cleanup runs.
const SETTLE: Duration = Duration::from_secs(600);

/// The guest and snapshot of the run in progress, for a hard exit to name what it leaves.
static IN_PROGRESS: std::sync::Mutex<Option<(u32, String)>> = std::sync::Mutex::new(None);

/// The guest and the snapshot the running task selftest may leave behind, if any.
pub fn in_progress() -> Option<(u32, String)> {
    IN_PROGRESS.lock().map_or(None, |guard| guard.clone())
}

fn set_in_progress(value: Option<(u32, String)>) {
    if let Ok(mut guard) = IN_PROGRESS.lock() {
        *guard = value;
    }
}

/// The result of `--selftest=task`.
#[derive(Debug, Clone, Serialize)]
pub struct TaskReport {
    /// `"task"`.
    pub selftest: &'static str,
    /// What was tested.
    pub target: Target,
    /// The guest.
    pub vmid: u32,
    /// Whether all three steps succeeded.
    pub healthy: bool,
    /// The process exit code this report stands for.
    pub exit_code: ExitCode,
    /// Why the guest was refused before anything was sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refused: Option<String>,
    /// The snapshot name used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snapshot: Option<String>,
    /// The guest reads before the test, then snapshot, rollback, delete-snapshot.
    pub steps: Vec<StepReport>,
    /// What was done to remove the snapshot after a failed step.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cleanup: Vec<StepReport>,
    /// Whether a snapshot this run created is still on the guest.
    pub snapshot_left: bool,
    /// Whether the run was interrupted (and cleaned up instead of finishing).
    pub interrupted: bool,
    /// Every missing privilege named by any step.
    pub missing_privileges: Vec<MissingPrivilege>,
    /// The presented fingerprint, when TLS verification failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls: Option<TlsHelp>,
}

/// The three steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Snapshot,
    Rollback,
    Delete,
}

impl Op {
    fn name(self) -> &'static str {
        match self {
            Op::Snapshot => "snapshot",
            Op::Rollback => "rollback",
            Op::Delete => "delete snapshot",
        }
    }
}

/// Runs the task selftest on guest `vmid`; `task_timeout` bounds each wait. When `interrupt`
/// completes, the running step is finished and the snapshot removed instead of going on.
pub async fn run(
    host: &Host,
    target: Target,
    vmid: u32,
    task_timeout: Duration,
    interrupt: impl std::future::Future<Output = ()>,
) -> TaskReport {
    let mut report = TaskReport {
        selftest: "task",
        target,
        vmid,
        healthy: false,
        exit_code: ExitCode::Failure,
        refused: None,
        snapshot: None,
        steps: Vec::new(),
        cleanup: Vec::new(),
        snapshot_left: false,
        interrupted: false,
        missing_privileges: Vec::new(),
        tls: None,
    };
    let name = match preflight(host, vmid, &mut report).await {
        Some(name) => name,
        None => return finish(report),
    };
    report.snapshot = Some(name.clone());
    set_in_progress(Some((vmid, name.clone())));
    let options = WaitOptions::default()
        .timeout(task_timeout)
        .warnings(WarningsPolicy::Failure);

    let mut interrupt = std::pin::pin!(interrupt);
    for op in [Op::Snapshot, Op::Rollback, Op::Delete] {
        let mut running = std::pin::pin!(task_step(host, vmid, &name, op, options.clone()));
        let step = tokio::select! {
            step = &mut running => step,
            () = &mut interrupt => {
                tracing::warn!(step = op.name(), "interrupted: finishing the running step, then removing the snapshot");
                report.interrupted = true;
                running.await
            }
        };
        let failed = !step.ok;
        report.steps.push(step);
        if failed || report.interrupted {
            let snapshot_there = match op {
                Op::Snapshot => snapshot_exists(host, vmid, &name).await.unwrap_or(true),
                Op::Rollback => true,
                Op::Delete => failed,
            };
            if snapshot_there {
                cleanup(host, vmid, &name, options.clone(), &mut report).await;
            }
            return finish(report);
        }
    }
    finish(report)
}

/// The reads before anything is sent: returns the snapshot name, or `None` after recording
/// the refusal or the failed read.
async fn preflight(host: &Host, vmid: u32, report: &mut TaskReport) -> Option<String> {
    let started = Instant::now();
    let status = match host.guest_status(vmid).await {
        Ok(status) => status,
        Err(error) => {
            if is_missing_guest(&error) {
                let what = match host.list_qemu().await {
                    Ok(vms) if vms.iter().any(|vm| vm.vmid == vmid) => {
                        format!("guest {vmid} is a QEMU virtual machine, not an LXC container")
                    }
                    _ => format!("there is no LXC container {vmid} on node {}", host.node()),
                };
                refuse(report, started, what);
            } else {
                report.tls = TlsHelp::for_error(&error, &host.client().endpoint()).await;
                report.steps.push(StepReport::failed(
                    "guest status",
                    started.elapsed(),
                    StepError::from_error(&error),
                ));
            }
            return None;
        }
    };
    let name = status.name.clone().unwrap_or_default();
    if status.template == Some(true) {
        refuse(
            report,
            started,
            format!("CT {vmid} ({name}) is a template: templates cannot be rolled back"),
        );
        return None;
    }
    if let Some(lock) = status.lock.as_deref().filter(|l| !l.is_empty()) {
        refuse(
            report,
            started,
            format!("CT {vmid} ({name}) is locked ({lock}): another operation is in progress"),
        );
        return None;
    }
    if status.status.as_str() != "stopped" {
        refuse(
            report,
            started,
            format!(
                "CT {vmid} ({name}) is {}: a rollback would stop it; run the task selftest on a stopped container",
                status.status.as_str()
            ),
        );
        return None;
    }
    let snapshots = match host.list_snapshots(vmid).await {
        Ok(list) => list,
        Err(error) => {
            report.steps.push(StepReport::failed(
                "list snapshots",
                started.elapsed(),
                StepError::from_error(&error),
            ));
            return None;
        }
    };
    let taken: Vec<&str> = snapshots.iter().map(|s| s.name.as_str()).collect();
    let name = snapshot_name(unix_now(), &taken);
    report.steps.push(StepReport::ok(
        "guest check",
        started.elapsed(),
        format!("CT {vmid} ({name_ct}) is a stopped LXC container on {node}, unlocked; {n} snapshot(s), using {name}", name_ct = status.name.as_deref().unwrap_or("unnamed"), node = host.node(), n = taken.len().saturating_sub(1)),
    ));
    Some(name)
}

fn refuse(report: &mut TaskReport, started: Instant, reason: String) {
    report.steps.push(StepReport::failed(
        "guest check",
        started.elapsed(),
        StepError::other(ExitCode::Failure, reason.clone()),
    ));
    report.refused = Some(reason);
}

/// A 500 saying the guest's config does not exist on this node.
fn is_missing_guest(error: &Error) -> bool {
    matches!(error, Error::Api(api) if api.status() == 500
        && api.message().or(api.reason_phrase()).is_some_and(|m| m.contains("does not exist")))
}

/// A snapshot name the guest does not use: `felhom_selftest_<unix seconds>`, with `_2`, `_3` …
/// appended while taken. PVE allows `[a-z][a-z0-9_]+` up to 40 characters.
pub fn snapshot_name(now: u64, taken: &[&str]) -> String {
    let base = format!("{SNAPSHOT_PREFIX}{now}");
    let mut candidate = base.clone();
    let mut n = 1;
    while taken.contains(&candidate.as_str()) {
        n += 1;
        candidate = format!("{base}_{n}");
    }
    candidate
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Starts one step's task and waits for it.
async fn task_step(host: &Host, vmid: u32, name: &str, op: Op, options: WaitOptions) -> StepReport {
    let span = tracing::info_span!("selftest_step", step = op.name(), vmid, snapshot = name);
    async {
        let started = Instant::now();
        let call = match op {
            Op::Snapshot => host.snapshot(vmid, name).await,
            Op::Rollback => host.rollback(vmid, name).await,
            Op::Delete => host.delete_snapshot(vmid, name).await,
        };
        let upid: Upid = match call {
            Ok(upid) => upid,
            Err(error) => {
                tracing::warn!(error = %proxmox_sdk::error::Report(&error), "starting the task failed");
                return StepReport::failed(op.name(), started.elapsed(), StepError::from_error(&error));
            }
        };
        tracing::info!(%upid, "task started");
        let result = host.wait_task(&upid, options).await;
        let took = started.elapsed();
        if matches!(result, Err(TaskError::Timeout(_))) {
            // The task goes on without us; nothing can be cleaned up while it holds the lock.
            tracing::warn!(%upid, "the task is still running; waiting up to {} s for it to end before cleaning up", SETTLE.as_secs());
            let _ = host.wait_task(&upid, WaitOptions::default().timeout(SETTLE)).await;
        }
        let mut step = match &result {
            Ok(outcome) => StepReport::ok(op.name(), took, format!("{} after {} poll(s)", outcome.exit_status, outcome.polls)),
            Err(error) => StepReport::failed(op.name(), took, StepError::from_task(error)),
        };
        step.upid = Some(upid.to_string());
        match &step.error {
            None => tracing::info!("task ended OK"),
            Some(e) => tracing::warn!(error = %e.message, "task failed"),
        }
        step
    }
    .instrument(span)
    .await
}

async fn snapshot_exists(host: &Host, vmid: u32, name: &str) -> Result<bool, Error> {
    Ok(host
        .list_snapshots(vmid)
        .await?
        .iter()
        .any(|s| s.name == name))
}

/// Deletes the snapshot after a failed step, and records whether it is gone.
async fn cleanup(
    host: &Host,
    vmid: u32,
    name: &str,
    options: WaitOptions,
    report: &mut TaskReport,
) {
    let step = task_step(host, vmid, name, Op::Delete, options).await;
    let deleted = step.ok;
    report.cleanup.push(StepReport {
        name: "cleanup: delete snapshot".to_owned(),
        ..step
    });
    report.snapshot_left = if deleted {
        false
    } else {
        snapshot_exists(host, vmid, name).await.unwrap_or(true)
    };
}

fn finish(mut report: TaskReport) -> TaskReport {
    if !report.snapshot_left {
        set_in_progress(None);
    }
    let mut exit = report
        .steps
        .iter()
        .chain(&report.cleanup)
        .fold(ExitCode::Healthy, |code, s| code.worst(s.exit_code()));
    if report.interrupted {
        exit = exit.worst(ExitCode::Failure);
    }
    report.exit_code = exit;
    report.healthy = exit == ExitCode::Healthy;
    for m in report
        .steps
        .iter()
        .chain(&report.cleanup)
        .filter_map(|s| s.error.as_ref())
        .flat_map(|e| e.missing.iter())
    {
        if !report.missing_privileges.contains(m) {
            report.missing_privileges.push(m.clone());
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_snapshot_name_avoids_the_guests_own_and_fits_pve() {
        assert_eq!(
            snapshot_name(1_764_600_000, &[]),
            "felhom_selftest_1764600000"
        );
        let taken = [
            "current",
            "felhom_selftest_1764600000",
            "felhom_selftest_1764600000_2",
        ];
        assert_eq!(
            snapshot_name(1_764_600_000, &taken),
            "felhom_selftest_1764600000_3"
        );
        let name = snapshot_name(u64::MAX, &[]);
        assert!(name.len() <= 40, "{name}");
        assert!(
            name.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        );
    }
}
