//! Each failure kind from fakepve: as the HTTP answer to a call and as the exit status of a
//! task, read through `Error::failure_kind` and `TaskError::failure_kind` (one `match` for
//! both). Uses the `faults` scenario: CT 203 carries a `backup` lock, CT 204's config lock is
//! held by another task, node pve3 is offline. Skipped when fakepve is not installed.
//!
//! fakepve raises no-quorum only before a task starts and has no guest agent that can be
//! down, so those two kinds come from the HTTP side here (and from both in `scripted.rs`).

use proxmox_sdk::error::{FailureKind, LockKind};
use proxmox_sdk::task::WaitOptions;
use proxmox_sdk::tls::TlsTrust;
use proxmox_sdk::{Client, Error, HttpMethod, Upid};
use sdk_tests::fakepve::FakePve;
use sdk_tests::fakepve_or_skip;

fn client(pve: &FakePve, token: &str, secret: &str) -> Client {
    Client::builder(&pve.url)
        .expect("fakepve URL")
        .token(token, secret)
        .trust(TlsTrust::CaFile(pve.ca_pem_path.clone()))
        .build()
        .expect("client")
}

async fn call_kind(
    client: &Client,
    method: HttpMethod,
    path: &str,
    params: &[(&str, &str)],
) -> Option<FailureKind> {
    let err: Error = client
        .raw(method, path, params)
        .await
        .expect_err(&format!("{method} {path} fails"));
    err.failure_kind()
}

async fn task_kind(
    client: &Client,
    method: HttpMethod,
    path: &str,
    params: &[(&str, &str)],
) -> Option<FailureKind> {
    let data = client
        .raw(method, path, params)
        .await
        .unwrap_or_else(|e| panic!("{method} {path} starts a task: {e}"));
    let upid: Upid = data
        .as_str()
        .expect("a UPID")
        .parse()
        .expect("a valid UPID");
    let err = client
        .wait_task(&upid, WaitOptions::default())
        .await
        .expect_err("the task fails");
    err.failure_kind()
}

#[tokio::test]
async fn every_kind_from_an_answer_and_from_a_task() {
    let mut pve = fakepve_or_skip!("faults");
    let agent = client(&pve, &pve.token_id, pve.token_secret.expose());
    let template = "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst";
    use HttpMethod::{Delete, Get, Post, Put};

    // NotFound
    assert_eq!(
        call_kind(&agent, Get, "/nodes/pve1/lxc/999/config", &[]).await,
        Some(FailureKind::NotFound)
    );
    assert_eq!(
        task_kind(&agent, Delete, "/nodes/pve1/lxc/201/snapshot/nosuch", &[]).await,
        Some(FailureKind::NotFound)
    );
    // AlreadyExists
    assert_eq!(
        call_kind(
            &agent,
            Post,
            "/nodes/pve1/lxc",
            &[("vmid", "200"), ("ostemplate", template)]
        )
        .await,
        Some(FailureKind::AlreadyExists)
    );
    let snap = [("snapname", "twice")];
    let first = agent
        .raw(Post, "/nodes/pve1/lxc/201/snapshot", &snap)
        .await
        .expect("snapshot");
    let first: Upid = first.as_str().unwrap().parse().unwrap();
    agent
        .wait_task(&first, WaitOptions::default())
        .await
        .expect("first snapshot");
    assert_eq!(
        task_kind(&agent, Post, "/nodes/pve1/lxc/201/snapshot", &snap).await,
        Some(FailureKind::AlreadyExists)
    );
    // Locked, with the lock's kind
    let locked = Some(FailureKind::Locked(LockKind::Backup));
    assert_eq!(
        call_kind(
            &agent,
            Put,
            "/nodes/pve1/lxc/203/config",
            &[("memory", "256")]
        )
        .await,
        locked
    );
    assert_eq!(
        task_kind(
            &agent,
            Post,
            "/nodes/pve1/lxc/203/snapshot",
            &[("snapname", "s1")]
        )
        .await,
        locked
    );
    // LockTimeout (fakepve waits `lock_wait` PVE seconds first)
    assert_eq!(
        call_kind(
            &agent,
            Put,
            "/nodes/pve1/lxc/204/config",
            &[("memory", "256")]
        )
        .await,
        Some(FailureKind::LockTimeout)
    );
    assert_eq!(
        task_kind(&agent, Post, "/nodes/pve1/lxc/204/status/start", &[]).await,
        Some(FailureKind::LockTimeout)
    );
    // NodeUnreachable: pveproxy's 595 for an offline node
    assert_eq!(
        call_kind(&agent, Get, "/nodes/pve3/status", &[]).await,
        Some(FailureKind::NodeUnreachable)
    );
    // PermissionDenied, from the audit-only token
    let audit = client(&pve, &pve.audit_token_id, pve.audit_token_secret.expose());
    assert_eq!(
        call_kind(&audit, Post, "/nodes/pve1/lxc/201/status/start", &[]).await,
        Some(FailureKind::PermissionDenied)
    );
    // AgentNotRunning: PVE's text, injected for the agent endpoint
    pve.fail(
        "GET",
        "/nodes/pve1/qemu/100/agent/info",
        500,
        "QEMU guest agent is not running",
        Some(1),
    )
    .await
    .expect("fail");
    assert_eq!(
        call_kind(&agent, Get, "/nodes/pve1/qemu/100/agent/info", &[]).await,
        Some(FailureKind::AgentNotRunning)
    );
    // NoQuorum
    pve.control(serde_json::json!({"op": "lose_quorum"}))
        .await
        .expect("lose quorum");
    assert_eq!(
        call_kind(
            &agent,
            Post,
            "/nodes/pve1/lxc/201/snapshot",
            &[("snapname", "s2")]
        )
        .await,
        Some(FailureKind::NoQuorum)
    );
    pve.control(serde_json::json!({"op": "regain_quorum"}))
        .await
        .expect("regain quorum");
}
