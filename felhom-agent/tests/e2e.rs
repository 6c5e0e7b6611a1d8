//! The agent binary against fakepve, as an operator runs it: both selftests, TLS trust modes,
//! wrong pins, limited tokens, refused guests, a task that fails, bad configuration — checking
//! exit codes, reports and what reached the server.

use std::path::Path;
use std::time::Duration;

use proxmox_sdk::Client;
use proxmox_sdk::api::nodes::GetNodesLxcSnapshot;
use proxmox_sdk::tls::TlsTrust;
use sdk_tests::fakepve::FakePve;
use sdk_tests::fakepve_or_skip;
use sdk_tests::process::{Finished, run, run_interrupted};
use serde_json::Value;

const AGENT: &str = env!("CARGO_BIN_EXE_felhom-agent");
const TIMEOUT: Duration = Duration::from_secs(60);

/// The environment that configures the agent for `pve` with token `token_id`.
fn env_for(pve: &FakePve, token_id: &str) -> Vec<(String, String)> {
    let token = pve
        .token(token_id)
        .unwrap_or_else(|| panic!("scenario has no token {token_id}"));
    vec![
        ("FELHOM_AGENT_PROXMOX_ENDPOINT".into(), pve.url.clone()),
        ("FELHOM_AGENT_PROXMOX_NODE".into(), pve.node.clone()),
        (
            "FELHOM_AGENT_PROXMOX_TOKEN".into(),
            format!("{}={}", token.id, token.secret.expose()),
        ),
        (
            "FELHOM_AGENT_PROXMOX_TLS_FINGERPRINT".into(),
            pve.fingerprint.clone(),
        ),
    ]
}

fn agent_env(pve: &FakePve) -> Vec<(String, String)> {
    env_for(pve, &pve.token_id.clone())
}

fn without(env: &[(String, String)], key: &str) -> Vec<(String, String)> {
    env.iter().filter(|(k, _)| k != key).cloned().collect()
}

fn with(mut env: Vec<(String, String)>, key: &str, value: &str) -> Vec<(String, String)> {
    env.retain(|(k, _)| k != key);
    env.push((key.into(), value.into()));
    env
}

/// Runs the agent. Every run logs at `trace` unless the test chose a level, and every run is a
/// leak check: the secret of the token it was given appears neither on stdout nor on stderr.
async fn agent(args: &[&str], env: &[(String, String)]) -> Finished {
    let mut env = env.to_vec();
    if !env.iter().any(|(k, _)| k == "FELHOM_AGENT_LOG_LEVEL") {
        env.push(("FELHOM_AGENT_LOG_LEVEL".into(), "trace".into()));
    }
    let pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let done = run(Path::new(AGENT), args, &pairs, TIMEOUT).await;
    let secret = env
        .iter()
        .find(|(k, _)| k == "FELHOM_AGENT_PROXMOX_TOKEN")
        .and_then(|(_, token)| token.split_once('=').map(|(_, secret)| secret.to_owned()));
    if let Some(secret) = secret.filter(|s| !s.is_empty()) {
        assert!(
            !done.stdout.contains(&secret) && !done.stderr.contains(&secret),
            "the token secret was printed by `felhom-agent {}`",
            args.join(" ")
        );
    }
    done
}

/// Runs with `--output json` and parses the one report object.
async fn agent_json(args: &[&str], env: &[(String, String)]) -> (Option<i32>, Value, Finished) {
    let mut all = args.to_vec();
    all.extend(["--output", "json"]);
    let done = agent(&all, env).await;
    let report: Value = serde_json::from_str(done.stdout.trim()).unwrap_or_else(|e| {
        panic!(
            "not one JSON object ({e}): {}\nstderr: {}",
            done.stdout, done.stderr
        )
    });
    (done.code, report, done)
}

/// The number of requests the server has seen.
async fn request_count(pve: &mut FakePve) -> u64 {
    pve.control(serde_json::json!({"op": "requests", "n": 0}))
        .await
        .unwrap()["count"]
        .as_u64()
        .unwrap()
}

/// The requests after the first `since`, as (method, path).
async fn requests_since(pve: &mut FakePve, since: u64) -> Vec<(String, String)> {
    let count = request_count(pve).await;
    let n = count - since;
    if n == 0 {
        return Vec::new();
    }
    let answer = pve
        .control(serde_json::json!({"op": "requests", "n": n}))
        .await
        .unwrap();
    answer["last"]
        .as_array()
        .unwrap()
        .iter()
        .map(|pair| {
            (
                pair[0].as_str().unwrap().to_owned(),
                pair[1].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn step<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no step {name:?} in {report}"))
}

fn missing_of(report: &Value) -> Vec<(String, String)> {
    report["missing_privileges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["privilege"].as_str().unwrap().to_owned(),
                m["path"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

fn assert_no_secret(pve: &FakePve, done: &Finished) {
    for token in &pve.tokens {
        let secret = token.secret.expose();
        assert!(
            !done.stdout.contains(secret) && !done.stderr.contains(secret),
            "a token secret was printed"
        );
    }
}

async fn snapshots(pve: &FakePve, vmid: u32) -> Vec<String> {
    let client = Client::builder(&pve.url)
        .unwrap()
        .token(&pve.token_id, pve.token_secret.expose())
        .trust(TlsTrust::fingerprint(pve.fingerprint.parse().unwrap()))
        .build()
        .unwrap();
    let list = client
        .send(&GetNodesLxcSnapshot::new(&pve.node, vmid))
        .await
        .unwrap();
    list.into_iter()
        .map(|s| s.name)
        .filter(|n| n != "current")
        .collect()
}

#[tokio::test]
async fn the_read_selftest_is_healthy_and_sends_only_gets() {
    let mut pve = fakepve_or_skip!("basic");
    let before = request_count(&mut pve).await;
    let (code, report, done) = agent_json(&["--selftest"], &agent_env(&pve)).await;
    assert_eq!(code, Some(0), "{report}\n{}", done.stderr);
    assert_eq!(report["healthy"], true);
    assert_eq!(report["exit_code"], 0);
    for name in [
        "version",
        "nodes",
        "node status",
        "lxc guests",
        "qemu guests",
        "storage",
        "node storage",
        "content local",
        "content local-lvm",
        "permissions",
    ] {
        assert_eq!(step(&report, name)["ok"], true, "{name}: {report}");
    }
    assert!(
        step(&report, "lxc guests")["summary"]
            .as_str()
            .unwrap()
            .starts_with("3 container(s)"),
        "{report}"
    );
    let sent = requests_since(&mut pve, before).await;
    assert_eq!(
        sent.len(),
        report["steps"].as_array().unwrap().len(),
        "one request per step: {sent:?}"
    );
    assert!(
        sent.iter().all(|(method, _)| method == "GET"),
        "a read-only selftest sent {sent:?}"
    );
    assert!(
        sent.iter().any(|(_, p)| p.ends_with("/access/permissions")),
        "{sent:?}"
    );
    assert_no_secret(&pve, &done);
}

#[tokio::test]
async fn the_text_report_at_trace_level_never_shows_the_secret() {
    let pve = fakepve_or_skip!("basic");
    let env = with(agent_env(&pve), "FELHOM_AGENT_LOG_LEVEL", "trace");
    let done = agent(&["--selftest"], &env).await;
    assert_eq!(done.code, Some(0), "{}\n{}", done.stdout, done.stderr);
    assert!(
        done.stdout.contains("result: healthy (exit 0)"),
        "{}",
        done.stdout
    );
    assert!(
        done.stdout.contains("felhom-agent@pve!agent"),
        "the token id is shown: {}",
        done.stdout
    );
    assert!(
        done.stderr.contains("pve_request"),
        "the SDK's request spans are visible at trace: {}",
        done.stderr
    );
    assert_no_secret(&pve, &done);
    let json = with(env, "FELHOM_AGENT_LOG_FORMAT", "json");
    let done = agent(&["--selftest"], &json).await;
    let first = done.stderr.lines().next().unwrap_or_default();
    assert!(
        serde_json::from_str::<Value>(first).is_ok(),
        "JSON log lines: {first}"
    );
    assert_no_secret(&pve, &done);
}

#[tokio::test]
async fn the_task_selftest_snapshots_rolls_back_and_deletes() {
    let mut pve = fakepve_or_skip!("tasks");
    let before = request_count(&mut pve).await;
    let (code, report, done) =
        agent_json(&["--selftest=task", "--vmid", "201"], &agent_env(&pve)).await;
    assert_eq!(code, Some(0), "{report}\n{}", done.stderr);
    let name = report["snapshot"].as_str().unwrap().to_owned();
    assert!(name.starts_with("felhom_selftest_"), "{name}");
    for (step_name, kind) in [
        ("snapshot", "vzsnapshot"),
        ("rollback", "vzrollback"),
        ("delete snapshot", "vzdelsnapshot"),
    ] {
        let s = step(&report, step_name);
        assert_eq!(s["ok"], true, "{s}");
        assert!(
            s["upid"]
                .as_str()
                .unwrap()
                .contains(&format!(":{kind}:201:")),
            "{s}"
        );
        assert!(s["duration_ms"].as_u64().unwrap() > 0);
    }
    let sent = requests_since(&mut pve, before).await;
    let writes: Vec<_> = sent.iter().filter(|(m, _)| m != "GET").collect();
    assert_eq!(writes.len(), 3, "exactly three mutations: {writes:?}");
    assert!(
        writes[0].1.ends_with("/lxc/201/snapshot") && writes[2].0 == "DELETE",
        "{writes:?}"
    );
    assert!(
        snapshots(&pve, 201).await.is_empty(),
        "the snapshot is gone"
    );
}

#[tokio::test]
async fn a_wrong_pin_is_refused_before_any_request_and_shows_the_presented_fingerprint() {
    let mut pve = fakepve_or_skip!("basic");
    let before = request_count(&mut pve).await;
    let wrong = "AA:".repeat(31) + "AA";
    let env = with(
        agent_env(&pve),
        "FELHOM_AGENT_PROXMOX_TLS_FINGERPRINT",
        &wrong,
    );
    let (code, report, done) = agent_json(&["--selftest"], &env).await;
    assert_eq!(code, Some(3), "{report}");
    assert_eq!(report["tls"]["presented"], pve.fingerprint.as_str());
    assert_eq!(
        request_count(&mut pve).await,
        before,
        "no request reached the server"
    );
    let text = agent(&["--selftest"], &env).await;
    assert_eq!(text.code, Some(3));
    assert!(
        text.stdout.contains(&format!(
            "FELHOM_AGENT_PROXMOX_TLS_FINGERPRINT={}",
            pve.fingerprint
        )),
        "{}",
        text.stdout
    );
    assert_eq!(request_count(&mut pve).await, before);
    assert_no_secret(&pve, &done);
}

#[tokio::test]
async fn a_ca_file_verifies_the_host_and_the_system_store_does_not() {
    let mut pve = fakepve_or_skip!("basic");
    let ca = pve.ca_pem_path.to_string_lossy().into_owned();
    let env = with(
        without(&agent_env(&pve), "FELHOM_AGENT_PROXMOX_TLS_FINGERPRINT"),
        "FELHOM_AGENT_PROXMOX_TLS_CA_FILE",
        &ca,
    );
    let (code, report, _) = agent_json(&["--selftest"], &env).await;
    assert_eq!(code, Some(0), "{report}");
    assert!(
        report["target"]["trust"]
            .as_str()
            .unwrap()
            .starts_with("CA file"),
        "{report}"
    );

    let before = request_count(&mut pve).await;
    let system = without(&agent_env(&pve), "FELHOM_AGENT_PROXMOX_TLS_FINGERPRINT");
    let (code, report, _) = agent_json(&["--selftest"], &system).await;
    assert_eq!(
        code,
        Some(3),
        "a self-signed host is not in the system store: {report}"
    );
    assert_eq!(
        report["tls"]["presented"],
        pve.fingerprint.as_str(),
        "{report}"
    );
    assert_eq!(request_count(&mut pve).await, before);
}

#[tokio::test]
async fn print_fingerprint_shows_the_pin_and_sends_no_request() {
    let mut pve = fakepve_or_skip!("basic");
    let before = request_count(&mut pve).await;
    let env = vec![("FELHOM_AGENT_PROXMOX_ENDPOINT".to_owned(), pve.url.clone())];
    let (code, report, _) = agent_json(&["--print-fingerprint"], &env).await;
    assert_eq!(code, Some(0), "{report}");
    assert_eq!(report["fingerprint"], pve.fingerprint.as_str());
    let text = agent(&["--print-fingerprint"], &env).await;
    assert!(
        text.stdout
            .contains(&format!("\"fingerprint\": \"{}\"", pve.fingerprint)),
        "{}",
        text.stdout
    );
    assert_eq!(request_count(&mut pve).await, before, "no HTTP request");
}

#[tokio::test]
async fn a_wrong_secret_is_an_authentication_failure() {
    let pve = fakepve_or_skip!("basic");
    let env = with(
        agent_env(&pve),
        "FELHOM_AGENT_PROXMOX_TOKEN",
        "felhom-agent@pve!agent=not-the-secret",
    );
    let (code, report, done) = agent_json(&["--selftest"], &env).await;
    assert_eq!(code, Some(4), "{report}");
    assert_eq!(step(&report, "version")["error"]["exit_code"], 4);
    assert_eq!(
        report["steps"].as_array().unwrap().len(),
        1,
        "nothing else is tried: {report}"
    );
    assert!(!done.stdout.contains("not-the-secret"));
}

#[tokio::test]
async fn a_limited_token_names_each_missing_privilege_and_its_path() {
    let pve = fakepve_or_skip!("acl");
    let (code, report, done) =
        agent_json(&["--selftest"], &env_for(&pve, "nosnapshot@pve!agent")).await;
    assert_eq!(code, Some(4), "{report}");
    let missing = missing_of(&report);
    assert!(
        missing.contains(&("VM.Snapshot".into(), "/vms".into())),
        "{missing:?}"
    );
    assert!(
        missing.contains(&("VM.Snapshot.Rollback".into(), "/vms".into())),
        "{missing:?}"
    );
    assert_eq!(missing.len(), 2, "{missing:?}");
    let text = agent(&["--selftest"], &env_for(&pve, "nosnapshot@pve!agent")).await;
    assert!(
        text.stdout.contains("VM.Snapshot on /vms")
            && text.stdout.contains("NOT AUTHORIZED (exit 4)"),
        "{}",
        text.stdout
    );
    assert_no_secret(&pve, &done);

    let (code, report, _) = agent_json(&["--selftest"], &env_for(&pve, "nogrant@pve!agent")).await;
    assert_eq!(code, Some(4), "{report}");
    let missing = missing_of(&report);
    assert!(
        missing.contains(&("Sys.Audit".into(), "/nodes/pve1".into())),
        "the 403 of node status is named: {missing:?}"
    );
    assert!(
        missing.len() >= 16,
        "every role privilege is missing: {missing:?}"
    );
}

#[tokio::test]
async fn a_403_at_the_snapshot_post_exits_4_and_leaves_nothing_behind() {
    let pve = fakepve_or_skip!("acl");
    let (code, report, _) = agent_json(
        &["--selftest=task", "--vmid", "201"],
        &env_for(&pve, "nosnapshot@pve!agent"),
    )
    .await;
    assert_eq!(code, Some(4), "{report}");
    assert_eq!(
        missing_of(&report),
        [("VM.Snapshot".to_owned(), "/vms/201".to_owned())]
    );
    assert_eq!(report["snapshot_left"], false);
    assert!(
        report["cleanup"].is_null(),
        "nothing was created, nothing to clean: {report}"
    );
}

#[tokio::test]
async fn guests_the_task_selftest_must_not_touch_are_refused_before_any_write() {
    let mut pve = fakepve_or_skip!("faults");
    let before = request_count(&mut pve).await;
    for (vmid, reason) in [
        ("200", "is running"),
        ("9000", "is a template"),
        ("203", "is locked (backup)"),
        ("100", "QEMU virtual machine"),
        ("202", "no LXC container 202 on node pve1"),
        ("555", "no LXC container 555 on node pve1"),
    ] {
        let (code, report, _) =
            agent_json(&["--selftest=task", "--vmid", vmid], &agent_env(&pve)).await;
        assert_eq!(code, Some(1), "{vmid}: {report}");
        assert!(
            report["refused"].as_str().unwrap().contains(reason),
            "{vmid}: {report}"
        );
    }
    let sent = requests_since(&mut pve, before).await;
    assert!(
        sent.iter().all(|(m, _)| m == "GET"),
        "a refused guest got a write: {sent:?}"
    );
}

#[tokio::test]
async fn a_rollback_that_fails_in_its_task_is_reported_and_the_snapshot_deleted() {
    let mut pve = fakepve_or_skip!("tasks");
    pve.control(serde_json::json!({
        "op": "fail", "method": "POST", "path": "/rollback",
        "error": "unable_rollback_incomplete_snapshot_snapstate", "times": 1,
    }))
    .await
    .unwrap();
    let (code, report, done) =
        agent_json(&["--selftest=task", "--vmid", "201"], &agent_env(&pve)).await;
    assert_eq!(code, Some(1), "{report}\n{}", done.stderr);
    assert_eq!(step(&report, "snapshot")["ok"], true);
    let rollback = step(&report, "rollback");
    assert_eq!(rollback["ok"], false, "{rollback}");
    assert!(
        rollback["upid"]
            .as_str()
            .unwrap()
            .contains(":vzrollback:201:"),
        "{rollback}"
    );
    assert!(
        rollback["error"]["exit_status"]
            .as_str()
            .unwrap()
            .contains("unable to rollback"),
        "{rollback}"
    );
    assert!(
        rollback["error"]["log_tail"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l.as_str().unwrap().starts_with("TASK ERROR")),
        "{rollback}"
    );
    assert_eq!(report["cleanup"][0]["ok"], true, "{report}");
    assert_eq!(report["snapshot_left"], false);
    assert!(
        snapshots(&pve, 201).await.is_empty(),
        "the snapshot was deleted"
    );
    let text = agent(&["--selftest=task", "--vmid", "201"], &agent_env(&pve)).await;
    assert_eq!(
        text.code,
        Some(0),
        "the fault was injected once: {}",
        text.stdout
    );
}

#[tokio::test]
async fn missing_and_bad_configuration_exit_2_naming_what_to_fix() {
    let (code, report, _) = agent_json(&["--selftest"], &[]).await;
    assert_eq!(code, Some(2), "{report}");
    let keys: Vec<&str> = report["missing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["proxmox.endpoint", "proxmox.node", "proxmox.token"]);
    let text = agent(&["--selftest"], &[]).await;
    assert_eq!(text.code, Some(2));
    assert!(
        text.stderr.contains("FELHOM_AGENT_PROXMOX_ENDPOINT"),
        "{}",
        text.stderr
    );

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("agent.json");
    std::fs::write(&file, r#"{"proxmox": {"endpoint": "http://pve1:8006"}}"#).unwrap();
    let done = agent(&["--config", file.to_str().unwrap(), "--selftest"], &[]).await;
    assert_eq!(done.code, Some(2));
    assert!(
        done.stderr.contains("`proxmox.endpoint`") && done.stderr.contains("https://"),
        "{}",
        done.stderr
    );

    let usage = agent(&["--selftest=task"], &[]).await;
    assert_eq!(usage.code, Some(2), "{}", usage.stderr);
    let help = agent(&["--help"], &[]).await;
    assert_eq!(help.code, Some(0));
    assert!(
        help.stdout.contains("Exit codes:") && help.stdout.contains("4  authentication failed"),
        "{}",
        help.stdout
    );
}

#[tokio::test]
async fn an_interrupted_task_selftest_finishes_the_running_task_and_removes_the_snapshot() {
    let mut pve = fakepve_or_skip!("tasks");
    // 100 PVE s at the scenario's 0.02: the snapshot task runs for 2 s; SIGINT comes after 0.7 s.
    pve.control(serde_json::json!({"op": "ct_secs", "secs": {"snapshot": 100}}))
        .await
        .unwrap();
    let env = agent_env(&pve);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let args = ["--selftest=task", "--vmid", "201", "--output", "json"];
    let done = run_interrupted(
        Path::new(AGENT),
        &args,
        &env,
        Duration::from_millis(700),
        TIMEOUT,
    )
    .await;
    assert_eq!(done.code, Some(1), "{}\n{}", done.stdout, done.stderr);
    let report: Value = serde_json::from_str(done.stdout.trim()).unwrap();
    assert_eq!(report["interrupted"], true, "{report}");
    assert_eq!(
        step(&report, "snapshot")["ok"],
        true,
        "the running snapshot was waited for: {report}"
    );
    assert!(
        report["steps"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["name"] != "rollback"),
        "no rollback after the interrupt"
    );
    assert_eq!(report["cleanup"][0]["ok"], true, "{report}");
    assert_eq!(report["snapshot_left"], false);
    assert!(snapshots(&pve, 201).await.is_empty());
}

#[tokio::test]
async fn the_process_model_files_print_as_shipped() {
    use felhom_privileged::dist;
    for (what, text) in [
        ("systemd-unit", dist::SYSTEMD_UNIT),
        ("sudoers", dist::SUDOERS),
        ("pveum-role", dist::PVEUM_ROLE),
    ] {
        let done = agent(&["print", what], &[]).await;
        assert_eq!(done.code, Some(0), "{what}: {}", done.stderr);
        assert_eq!(done.stdout, text, "{what}");
    }
    assert_eq!(agent(&["print", "passwd"], &[]).await.code, Some(2));
}

#[tokio::test]
async fn a_wrong_node_name_stops_after_the_node_list_with_a_hint() {
    let mut pve = fakepve_or_skip!("basic");
    let before = request_count(&mut pve).await;
    let env = with(agent_env(&pve), "FELHOM_AGENT_PROXMOX_NODE", "PVE1");
    let (code, report, _) = agent_json(&["--selftest"], &env).await;
    assert_eq!(code, Some(2), "{report}");
    let message = step(&report, "nodes")["error"]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(message.contains("did you mean \"pve1\""), "{message}");
    assert_eq!(
        requests_since(&mut pve, before).await.len(),
        2,
        "version and nodes only"
    );
}

#[tokio::test]
async fn a_task_that_outlives_its_wait_is_waited_for_before_the_snapshot_is_removed() {
    let mut pve = fakepve_or_skip!("tasks");
    // 100 PVE s at 0.02: the snapshot task runs 2 s; the agent waits 1 s for it.
    pve.control(serde_json::json!({"op": "ct_secs", "secs": {"snapshot": 100}}))
        .await
        .unwrap();
    let (code, report, done) = agent_json(
        &["--selftest=task", "--vmid", "201", "--task-timeout", "1"],
        &agent_env(&pve),
    )
    .await;
    assert_eq!(code, Some(1), "{report}\n{}", done.stderr);
    assert!(
        step(&report, "snapshot")["error"]["message"]
            .as_str()
            .unwrap()
            .contains("still running"),
        "{report}"
    );
    assert_eq!(
        report["cleanup"][0]["ok"], true,
        "the cleanup ran after the task ended: {report}"
    );
    assert_eq!(report["snapshot_left"], false);
    assert!(snapshots(&pve, 201).await.is_empty());
}
