//! fakepve's catalogue of PVE's error messages (extracted from the PVE sources) as test input.
//!
//! The catalogue is read from the installed fakepve package when the test runs; nothing of it
//! is kept in this repository. Without fakepve the test is skipped with a printed message
//! (a failure under `FAKEPVE_REQUIRED=1`).

use std::collections::BTreeMap;
use std::process::Command;

use proxmox_sdk::error::{FailureKind, LockKind};
use proxmox_sdk::task::ExitStatus;
use proxmox_sdk::testing::{CapturingTransport, respond};
use proxmox_sdk::{Error, HttpMethod};
use sdk_tests::fakepve::{python_path, required};
use serde_json::Value;

/// One catalogue text: the entry's name, its HTTP status, the text with placeholders filled.
struct Text {
    name: String,
    status: u16,
    text: String,
}

/// Every message and parameter error of the catalogue, plus fakepve's cross-cutting errors
/// (no quorum, lock timeout) for an LXC and a QEMU write; `None` when fakepve is missing.
fn load() -> Option<Vec<Text>> {
    const DUMP: &str = "import json, sys\n\
        from fakepve import errors\n\
        out = {'catalogue': errors.catalogue(), 'meta': errors.meta(), 'cross': \
        errors.cross_cutting('POST', '/nodes/{node}/lxc/{vmid}/clone', None) + \
        errors.cross_cutting('POST', '/nodes/{node}/qemu/{vmid}/clone', None)}\n\
        json.dump(out, sys.stdout)\n";
    let output = Command::new(python_path()).arg("-c").arg(DUMP).output();
    let output = match output {
        Ok(out) if out.status.success() => out.stdout,
        other => {
            let why = match other {
                Ok(out) => String::from_utf8_lossy(&out.stderr).into_owned(),
                Err(err) => err.to_string(),
            };
            assert!(!required(), "fakepve's error catalogue is required: {why}");
            eprintln!("SKIPPED: fakepve's error catalogue is not installed ({why})");
            return None;
        }
    };
    let dump: Value = serde_json::from_slice(&output).expect("catalogue JSON");
    let entries = dump["catalogue"]
        .as_object()
        .expect("catalogue map")
        .values()
        .flat_map(|list| list.as_array().expect("entries").iter())
        .chain(dump["cross"].as_array().expect("cross-cutting").iter());
    let mut texts = Vec::new();
    for entry in entries {
        let name = entry["name"].as_str().expect("name").to_owned();
        let status = entry["status"].as_u64().expect("status") as u16;
        let params = entry["errors"]
            .as_object()
            .into_iter()
            .flat_map(|m| m.values());
        for text in std::iter::once(&entry["message"]).chain(params) {
            texts.push(Text {
                name: name.clone(),
                status,
                text: fill(text.as_str().expect("message text")),
            });
        }
    }
    Some(texts)
}

/// Fills the catalogue's `{placeholders}` with plausible values: `{guest_type}` CT, `{lock}`
/// backup, ids 100, anything else `x1`.
fn fill(template: &str) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        out.push_str(&rest[..open]);
        out.push_str(match &rest[open + 1..open + close] {
            "guest_type" => "CT",
            "lock" => "backup",
            "vmid" | "newid" => "100",
            _ => "x1",
        });
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out
}

/// The kind the SDK gives the text as the HTTP error answer of a POST.
fn from_http(runtime: &tokio::runtime::Runtime, status: u16, text: &str) -> Option<FailureKind> {
    let transport = CapturingTransport::answering(respond::error(status, text));
    let client = transport.client();
    let err: Error = runtime
        .block_on(client.raw(HttpMethod::Post, "/nodes/pve1/lxc/100/clone", &[]))
        .expect_err("an error status");
    err.failure_kind()
}

fn runtime() -> tokio::runtime::Runtime {
    // Paused: the client's retry waits take no real time.
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .unwrap()
}

#[test]
fn every_catalogue_text_reads_the_same_from_http_and_from_a_task() {
    let Some(texts) = load() else { return };
    let rt = runtime();
    assert!(texts.len() >= 2_314, "{} texts", texts.len());
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for t in &texts {
        let kind = FailureKind::classify(&t.text);
        // A 500 answer and a task's exit status are read by the same table.
        if t.status == 500 {
            assert_eq!(
                from_http(&rt, 500, &t.text),
                kind,
                "{}: {:?}",
                t.name,
                t.text
            );
        }
        let task = ExitStatus::parse(&t.text).failure_kind();
        assert_eq!(task, kind, "{}: {:?}", t.name, t.text);
        // A 403 is a permission failure whatever its text; so is the same text in a task.
        if t.status == 403 {
            assert_eq!(
                from_http(&rt, 403, &t.text),
                Some(FailureKind::PermissionDenied)
            );
        }
        let label = kind.map_or("none".to_owned(), |k| format!("{k:?}"));
        *counts.entry(label).or_default() += 1;
    }
    // The table's reading of the whole catalogue, pinned: a changed rule shows here.
    let counts: Vec<(&str, usize)> = counts.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    eprintln!("catalogue kinds: {counts:?}");
    let get = |label: &str| counts.iter().find(|(k, _)| *k == label).map_or(0, |c| c.1);
    assert!(get("NotFound") >= 300, "{counts:?}");
    assert!(get("AlreadyExists") >= 30, "{counts:?}");
    assert!(get("NoQuorum") >= 2, "{counts:?}");
    assert!(get("LockTimeout") >= 2, "{counts:?}");
}

#[test]
fn the_lock_texts_of_the_catalogue_are_exactly_these() {
    let Some(texts) = load() else { return };
    let mut locked: Vec<(String, FailureKind)> = texts
        .iter()
        .filter_map(|t| match FailureKind::classify(&t.text) {
            Some(k @ (FailureKind::Locked(_) | FailureKind::LockTimeout)) => {
                Some((t.text.clone(), k))
            }
            _ => None,
        })
        .collect();
    locked.sort_by(|a, b| a.0.cmp(&b.0));
    locked.dedup();
    assert_eq!(
        locked,
        [
            (
                "CT is locked (backup)".to_owned(),
                FailureKind::Locked(LockKind::Backup)
            ),
            (
                "can't lock file '/run/lock/lxc/pve-config-100.lock' - got timeout".to_owned(),
                FailureKind::LockTimeout
            ),
            (
                "can't lock file '/var/lock/qemu-server/lock-100.conf' - got timeout".to_owned(),
                FailureKind::LockTimeout
            ),
        ]
    );
    // Texts that mention locks or timeouts but are neither.
    for text in [
        "VM quit/powerdown failed - got timeout",
        "invalid lock token provided!",
        "missing snapshot lock",
        "got wrong lock",
    ] {
        assert!(
            texts.iter().any(|t| t.text == text),
            "the catalogue no longer has {text:?}"
        );
        assert_eq!(FailureKind::classify(text), None, "{text:?}");
    }
}

#[test]
fn does_not_exist_and_already_exists_are_read_wherever_they_stand() {
    let Some(texts) = load() else { return };
    for t in &texts {
        let lower = t.text.to_ascii_lowercase();
        let kind = FailureKind::classify(&t.text);
        if lower.contains("permission check failed") || lower.contains(" is locked (") {
            continue;
        }
        if lower.contains("already exists") {
            assert_eq!(
                kind,
                Some(FailureKind::AlreadyExists),
                "{}: {:?}",
                t.name,
                t.text
            );
        } else if lower.contains("does not exist") && !lower.contains("already") {
            assert_eq!(
                kind,
                Some(FailureKind::NotFound),
                "{}: {:?}",
                t.name,
                t.text
            );
        }
    }
}
