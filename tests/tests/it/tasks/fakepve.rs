//! `wait_task` against fakepve, an independent PVE emulator whose tasks really run in the
//! background: the agent's self-test sequence (snapshot, rollback, delete), a task on the
//! other node, and tasks that fail. Skipped when fakepve is not installed (see `e2e`).

use std::sync::{Arc, Mutex};

use proxmox_sdk::api::nodes::{
    DeleteNodesLxcSnapshotSnapname, PostNodesLxc, PostNodesLxcSnapshot,
    PostNodesLxcSnapshotRollback, PostNodesLxcStatusStart,
};
use proxmox_sdk::task::{ExitStatus, TaskError, WaitOptions};
use proxmox_sdk::tls::TlsTrust;
use proxmox_sdk::{Client, Upid};
use sdk_tests::fakepve::FakePve;
use sdk_tests::fakepve_or_skip;

fn agent(pve: &FakePve) -> Client {
    Client::builder(&pve.url)
        .expect("fakepve URL")
        .token(&pve.token_id, pve.token_secret.expose())
        .trust(TlsTrust::CaFile(pve.ca_pem_path.clone()))
        .build()
        .expect("client")
}

/// Waits with a progress callback for a task that must end `OK`; returns the lines seen.
async fn wait_ok(client: &Client, upid: &Upid) -> Vec<String> {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&lines);
    let options = WaitOptions::default().on_progress(move |line| {
        sink.lock().unwrap().push(line.text.clone());
    });
    let outcome = client
        .wait_task(upid, options)
        .await
        .expect("task succeeds");
    assert_eq!(outcome.exit_status, ExitStatus::Ok, "{upid}");
    lines.lock().unwrap().clone()
}

#[tokio::test]
async fn snapshot_rollback_delete_through_wait_task() {
    let pve = fakepve_or_skip!("tasks");
    let client = agent(&pve);
    let ct = 200;

    let upid = client
        .send(&PostNodesLxcSnapshot::new("pve1", ct, "e2e_snap"))
        .await
        .expect("snapshot starts");
    assert_eq!(upid.worker_type(), "vzsnapshot");
    let lines = wait_ok(&client, &upid).await;
    assert_eq!(lines.last().map(String::as_str), Some("TASK OK"));

    let upid = client
        .send(&PostNodesLxcSnapshotRollback::new("pve1", ct, "e2e_snap"))
        .await
        .expect("rollback starts");
    wait_ok(&client, &upid).await;

    let upid = client
        .send(&DeleteNodesLxcSnapshotSnapname::new("pve1", ct, "e2e_snap"))
        .await
        .expect("delete starts");
    wait_ok(&client, &upid).await;
    pve.stop().await.expect("stop");
}

#[tokio::test]
async fn a_task_on_the_other_node_is_waited_for_there() {
    let pve = fakepve_or_skip!("tasks");
    let client = agent(&pve);
    let upid = client
        .send(&PostNodesLxcSnapshot::new("pve2", 202, "remote_snap"))
        .await
        .expect("snapshot starts");
    assert_eq!(upid.node(), "pve2");
    wait_ok(&client, &upid).await;
    pve.stop().await.expect("stop");
}

#[tokio::test]
async fn a_failed_start_carries_its_exit_status_and_log() {
    let pve = fakepve_or_skip!("faults");
    let client = agent(&pve);
    let upid = client
        .send(&PostNodesLxcStatusStart::new("pve1", 201))
        .await
        .expect("start is accepted");
    let err = client
        .wait_task(&upid, WaitOptions::default())
        .await
        .unwrap_err();
    let expected = "startup for container '201' failed";
    assert_eq!(
        err.exit_status(),
        Some(&ExitStatus::Failed(expected.to_owned()))
    );
    assert_eq!(
        err.log_tail().last().map(|l| l.text.as_str()),
        Some(format!("TASK ERROR: {expected}").as_str())
    );
    pve.stop().await.expect("stop");
}

#[tokio::test]
async fn a_failed_restore_keeps_the_wrapped_text() {
    let pve = fakepve_or_skip!("tasks");
    let client = agent(&pve);
    let missing = "local:backup/vzdump-lxc-999-2020_01_01-00_00_00.tar.zst";
    let upid = client
        .send(
            &PostNodesLxc::new("pve1", missing, 300)
                .restore(true)
                .storage("local-lvm"),
        )
        .await
        .expect("restore is accepted");
    assert_eq!(upid.worker_type(), "vzrestore");
    let err = client
        .wait_task(&upid, WaitOptions::default())
        .await
        .unwrap_err();
    let TaskError::Failed(failure) = &err else {
        panic!("{err:?}")
    };
    let text = failure.exit_status.error_text().unwrap_or_default();
    assert!(text.starts_with("unable to restore CT 300 - "), "{text}");
    assert!(failure.permission_denied.is_none());
    assert!(!failure.log_tail.is_empty());
    pve.stop().await.expect("stop");
}
