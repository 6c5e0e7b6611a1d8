//! Rendering the reports: a short text for a person, or one JSON object for a machine.
//! Neither ever contains the token secret: the reports hold the token id only.

use std::fmt::Write as _;

use serde::Serialize;

use crate::config::{ConfigError, vars};
use crate::exit::ExitCode;
use crate::selftest::read::ReadReport;
use crate::selftest::task::TaskReport;
use crate::selftest::{StepReport, Target, TlsHelp};

/// One JSON object on one line.
pub fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value)
        .unwrap_or_else(|e| format!(r#"{{"error":"cannot render the report: {e}"}}"#))
}

/// The text form of `--selftest`.
pub fn read_text(report: &ReadReport) -> String {
    let mut out = String::new();
    header(
        &mut out,
        "felhom-agent selftest (read-only)",
        &report.target,
    );
    steps(&mut out, &report.steps);
    footer(
        &mut out,
        report.exit_code,
        &report.missing_privileges,
        report.tls.as_ref(),
    );
    out
}

/// The text form of `--selftest=task`.
pub fn task_text(report: &TaskReport) -> String {
    let mut out = String::new();
    header(
        &mut out,
        &format!("felhom-agent task selftest on CT {}", report.vmid),
        &report.target,
    );
    steps(&mut out, &report.steps);
    if !report.cleanup.is_empty() {
        let _ = writeln!(out, "cleanup:");
        steps(&mut out, &report.cleanup);
    }
    if report.interrupted {
        let _ = writeln!(
            out,
            "interrupted: the running step was finished and the snapshot removed"
        );
    }
    if let Some(reason) = &report.refused {
        let _ = writeln!(out, "refused before sending anything: {reason}");
    }
    if report.snapshot_left {
        if let Some(name) = &report.snapshot {
            let _ = writeln!(
                out,
                "WARNING: snapshot {name} is still on CT {vmid}; remove it with `pct delsnapshot {vmid} {name}`",
                vmid = report.vmid
            );
        }
    }
    footer(
        &mut out,
        report.exit_code,
        &report.missing_privileges,
        report.tls.as_ref(),
    );
    out
}

fn header(out: &mut String, title: &str, target: &Target) {
    let _ = writeln!(out, "{title}");
    let _ = writeln!(out, "  endpoint {}  node {}", target.endpoint, target.node);
    let _ = writeln!(
        out,
        "  token    {} (from {})",
        target.token_id, target.token_source
    );
    let _ = writeln!(out, "  trust    {}", target.trust);
}

fn steps(out: &mut String, steps: &[StepReport]) {
    for step in steps {
        let mark = if step.ok { "ok  " } else { "FAIL" };
        let ms = step.duration.as_millis();
        match &step.error {
            None => {
                let _ = writeln!(
                    out,
                    "  {mark} {:<18} {:>6} ms  {}",
                    step.name, ms, step.summary
                );
            }
            Some(error) => {
                let _ = writeln!(
                    out,
                    "  {mark} {:<18} {:>6} ms  {}",
                    step.name, ms, error.message
                );
                if let Some(status) = &error.exit_status {
                    let _ = writeln!(out, "       exit status: {status}");
                }
                if !error.log_tail.is_empty() {
                    let _ = writeln!(
                        out,
                        "       task log (last {} lines):",
                        error.log_tail.len()
                    );
                    for line in &error.log_tail {
                        let _ = writeln!(out, "         | {line}");
                    }
                }
            }
        }
        if let Some(upid) = &step.upid {
            let _ = writeln!(out, "       upid {upid}");
        }
    }
}

fn footer(
    out: &mut String,
    exit: ExitCode,
    missing: &[crate::selftest::MissingPrivilege],
    tls: Option<&TlsHelp>,
) {
    if let Some(tls) = tls {
        tls_text(out, tls);
    }
    if !missing.is_empty() {
        let _ = writeln!(out, "missing privileges:");
        for m in missing {
            let alt = if m.any_of {
                " (any one of those listed on this path)"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "  {} on {}{alt}",
                m.privilege,
                m.path.as_deref().unwrap_or("(path not named)")
            );
        }
        let _ = writeln!(
            out,
            "  grant them with the FelhomAgent role (`felhom-agent print pveum-role`); a privilege-separated \
             token needs the role on the user AND on the token for the same path."
        );
    }
    let verdict = match exit {
        ExitCode::Healthy => "healthy",
        ExitCode::Failure => "FAILED",
        ExitCode::Usage => "CONFIGURATION PROBLEM",
        ExitCode::Connection => "CANNOT CONNECT",
        ExitCode::Auth => "NOT AUTHORIZED",
    };
    let _ = writeln!(out, "result: {verdict} (exit {})", exit.code());
}

fn tls_text(out: &mut String, tls: &TlsHelp) {
    match &tls.presented {
        Some(fp) => {
            let _ = writeln!(
                out,
                "TLS verification failed. The host presented the certificate with SHA-256 fingerprint"
            );
            let _ = writeln!(out, "  {fp}");
            let _ = writeln!(
                out,
                "Compare it with `pvenode cert info` on the host; if it matches, pin it:"
            );
            pin_lines(out, fp);
        }
        None => {
            let _ = writeln!(
                out,
                "TLS verification failed, and the presented certificate could not be read: {}",
                tls.probe_error.as_deref().unwrap_or("unknown reason")
            );
        }
    }
}

/// The two ways to pin `fp`: the config key and the environment variable.
pub fn pin_lines(out: &mut String, fp: &str) {
    let _ = writeln!(
        out,
        "  config file:  \"proxmox\": {{ \"tls\": {{ \"fingerprint\": \"{fp}\" }} }}"
    );
    let _ = writeln!(out, "  environment:  {}={fp}", vars::TLS_FINGERPRINT);
}

/// `--print-fingerprint` output.
#[derive(Debug, Serialize)]
pub struct FingerprintReport {
    /// The endpoint probed.
    pub endpoint: String,
    /// The presented leaf certificate's SHA-256 fingerprint.
    pub fingerprint: String,
}

/// The text form of `--print-fingerprint`.
pub fn fingerprint_text(report: &FingerprintReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} presents a certificate with SHA-256 fingerprint",
        report.endpoint
    );
    let _ = writeln!(out, "  {}", report.fingerprint);
    let _ = writeln!(
        out,
        "Check it against `pvenode cert info` on the host (no request was sent), then pin it:"
    );
    pin_lines(&mut out, &report.fingerprint);
    out
}

/// A configuration error, as the JSON report gives it.
#[derive(Debug, Serialize)]
pub struct ErrorReport {
    /// Always `false`.
    pub healthy: bool,
    /// The exit code.
    pub exit_code: ExitCode,
    /// The error chain.
    pub error: String,
    /// For a missing configuration: each missing key and its environment variable.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<MissingSettingJson>,
}

/// One missing setting.
#[derive(Debug, Serialize)]
pub struct MissingSettingJson {
    /// The config key.
    pub key: &'static str,
    /// The environment variable.
    pub env: &'static str,
}

impl ErrorReport {
    /// The report of a configuration error.
    pub fn config(error: &ConfigError) -> Self {
        Self {
            healthy: false,
            exit_code: ExitCode::Usage,
            error: proxmox_sdk::error::Report(error).to_string(),
            missing: error
                .missing()
                .iter()
                .map(|m| MissingSettingJson {
                    key: m.key,
                    env: m.env,
                })
                .collect(),
        }
    }

    /// Any other error that ends the run before a report.
    pub fn other(exit_code: ExitCode, error: String) -> Self {
        Self {
            healthy: false,
            exit_code,
            error,
            missing: Vec::new(),
        }
    }
}

/// The text form of an [`ErrorReport`].
pub fn error_text(report: &ErrorReport) -> String {
    let mut out = format!("felhom-agent: {}\n", report.error);
    if !report.missing.is_empty() {
        out.push_str("set them in the config file (--config FILE) or the environment:\n");
        for m in &report.missing {
            let _ = writeln!(out, "  {:<18} or {}", m.key, m.env);
        }
    }
    let _ = writeln!(out, "result: exit {}", report.exit_code.code());
    out
}
