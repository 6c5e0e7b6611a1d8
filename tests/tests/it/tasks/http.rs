//! `wait_task` and the task calls over real HTTP (httpmock, the built-in reqwest transport),
//! with a catch-all mock that names any call nothing else matched. Pauses are a few
//! milliseconds; nothing asserts timing.
//!
//! A real server on purpose: the same waits as `wait.rs` (which uses `proxmox_sdk::testing`) once
//! over the built-in reqwest transport, so the kit and the wire agree.

use std::time::Duration;

use httpmock::Method::{DELETE, GET};
use httpmock::{Mock, MockServer};
use proxmox_sdk::api::nodes::GetNodesTasks;
use proxmox_sdk::client::RetryPolicy;
use proxmox_sdk::task::{ExitStatus, StopAttempt, TaskError, WaitOptions};
use proxmox_sdk::{Client, Privilege};
use serde_json::{Value, json};

use super::script::{UPID, upid};

const TASKS: &str = "/api2/json/nodes/pve2/tasks/";

fn client(server: &MockServer) -> Client {
    Client::builder(&server.base_url())
        .expect("endpoint")
        .token(
            "felhom-agent@pve!agent",
            "2b1e4c3a-0d5f-4e6a-9b7c-8d9e0f1a2b3c",
        )
        .allow_insecure_http()
        .retry(RetryPolicy::disabled())
        .build()
        .expect("client")
}

fn quick() -> WaitOptions {
    WaitOptions::default()
        .initial_interval(Duration::from_millis(1))
        .max_interval(Duration::from_millis(5))
}

fn status(exit: Option<&str>) -> Value {
    let mut data = json!({
        "upid": UPID, "node": "pve2", "pid": 123456, "pstart": 218191225,
        "starttime": 1757362753, "type": "vzsnapshot", "id": "100",
        "user": "felhom-agent@pve", "tokenid": "agent", "status": "running",
    });
    if let Some(exit) = exit {
        data["status"] = json!("stopped");
        data["exitstatus"] = json!(exit);
    }
    json!({ "data": data })
}

/// Answers every request no other mock took with 501 naming it; create it last.
async fn catch_all(server: &MockServer) -> Mock<'_> {
    server
        .mock_async(|_when, then| {
            then.status(501)
                .body(r#"{"data":null,"message":"no mock matched this call"}"#);
        })
        .await
}

async fn status_mock<'a>(server: &'a MockServer, body: Value, times: Option<usize>) -> Mock<'a> {
    server
        .mock_async(|when, then| {
            when.method(GET).path_includes(TASKS).path_suffix("/status");
            let then = then
                .status(200)
                .header("content-type", "application/json")
                .body(body.to_string());
            if let Some(n) = times {
                then.up_to_n_times(n);
            }
        })
        .await
}

#[tokio::test]
async fn a_task_on_another_node_is_polled_there_until_ok() {
    let server = MockServer::start_async().await;
    let not_yet = server
        .mock_async(|when, then| {
            when.method(GET).path_includes(TASKS).path_suffix("/status");
            then.status(400)
                .body(r#"{"data":null,"errors":{"upid":"no such task"}}"#)
                .up_to_n_times(1);
        })
        .await;
    let running = status_mock(&server, status(None), Some(2)).await;
    let ok = status_mock(&server, status(Some("OK")), None).await;
    let unmatched = catch_all(&server).await;

    let outcome = client(&server)
        .wait_task(&upid(), quick())
        .await
        .expect("task succeeds");
    assert_eq!(outcome.exit_status, ExitStatus::Ok);
    assert_eq!(outcome.polls, 4);
    assert_eq!(not_yet.calls_async().await, 1);
    assert_eq!(running.calls_async().await, 2);
    assert_eq!(ok.calls_async().await, 1);
    assert_eq!(unmatched.calls_async().await, 0, "a call went elsewhere");
}

#[tokio::test]
async fn a_failed_task_brings_its_log_over_http() {
    let exit = "unable to restore CT 100 - 403 Permission check failed (/sdn/zones/localnetwork/vmbr0, SDN.Use)";
    let server = MockServer::start_async().await;
    status_mock(&server, status(Some(exit)), None).await;
    let log = server
        .mock_async(|when, then| {
            when.method(GET).path_includes(TASKS).path_suffix("/log");
            then.status(200).body(
                json!({"data": [
                    {"n": 1, "t": "recovering backed-up configuration from 'local:backup/ct.tar.zst'"},
                    {"n": 2, "t": format!("TASK ERROR: {exit}")},
                ], "total": 2})
                .to_string(),
            );
        })
        .await;
    let unmatched = catch_all(&server).await;

    let err = client(&server)
        .wait_task(&upid(), quick())
        .await
        .unwrap_err();
    assert_eq!(err.missing_privileges(), [Privilege::SdnUse]);
    assert_eq!(err.log_tail().len(), 2);
    assert_eq!(log.calls_async().await, 1);
    assert_eq!(unmatched.calls_async().await, 0);
}

async fn time_out(stop: bool) -> (TaskError, usize, usize) {
    let server = MockServer::start_async().await;
    status_mock(&server, status(None), None).await;
    let delete = server
        .mock_async(|when, then| {
            when.method(DELETE).path_includes(TASKS);
            then.status(200).body(r#"{"data":null}"#);
        })
        .await;
    let unmatched = catch_all(&server).await;
    let err = client(&server)
        .wait_task(
            &upid(),
            quick()
                .timeout(Duration::from_millis(50))
                .stop_on_timeout(stop),
        )
        .await
        .unwrap_err();
    (
        err,
        delete.calls_async().await,
        unmatched.calls_async().await,
    )
}

#[tokio::test]
async fn stop_on_timeout_reaches_the_server_only_when_asked() {
    let (err, deletes, unmatched) = time_out(true).await;
    let TaskError::Timeout(timeout) = err else {
        panic!("{err:?}")
    };
    assert!(matches!(timeout.stop, StopAttempt::Requested));
    assert!(timeout.last_status.is_some_and(|s| s.is_running()));
    assert_eq!((deletes, unmatched), (1, 0));

    let (err, deletes, unmatched) = time_out(false).await;
    assert!(err.is_timeout());
    assert_eq!((deletes, unmatched), (0, 0));
}

#[tokio::test]
async fn the_task_list_is_classified() {
    let server = MockServer::start_async().await;
    let list = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api2/json/nodes/pve1/tasks")
                .query_param("vmid", "100")
                .query_param("limit", "2");
            then.status(200).body(
                json!({"total": 7, "data": [
                    {"upid": UPID, "node": "pve2", "pid": 1, "pstart": 2, "starttime": 3,
                     "type": "vzsnapshot", "id": "100", "user": "felhom-agent@pve"},
                    {"upid": UPID, "node": "pve2", "pid": "1", "pstart": 2, "starttime": 3,
                     "endtime": 4, "type": "vzsnapshot", "id": "100", "user": "root@pam",
                     "status": "WARNINGS: 1"},
                ]})
                .to_string(),
            );
        })
        .await;
    let unmatched = catch_all(&server).await;
    let page = client(&server)
        .list_tasks(&GetNodesTasks::new("pve1").vmid(100).limit(2))
        .await
        .unwrap();
    assert_eq!(page.total, Some(7));
    let exits: Vec<Option<ExitStatus>> = page.tasks.iter().map(|t| t.exit_status.clone()).collect();
    assert_eq!(exits, [None, Some(ExitStatus::Warnings(1))]);
    assert_eq!(page.tasks[0].upid().as_str(), UPID);
    assert_eq!(list.calls_async().await, 1);
    assert_eq!(unmatched.calls_async().await, 0);
}

#[tokio::test]
async fn dropping_the_wait_stops_the_requests_reaching_the_server() {
    let server = MockServer::start_async().await;
    let running = status_mock(&server, status(None), None).await;
    let client = client(&server);
    let upid = upid();
    tokio::select! {
        result = client.wait_task(&upid, quick()) => panic!("the task never ends: {result:?}"),
        () = async {
            while running.calls_async().await < 3 {
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        } => {}
    }
    // A request already written to the socket may still arrive; nothing after it may.
    let dropped_at = running.calls_async().await;
    tokio::time::sleep(Duration::from_millis(20)).await;
    let settled = running.calls_async().await;
    assert!(settled <= dropped_at + 1, "{dropped_at} then {settled}");
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(running.calls_async().await, settled);
}
