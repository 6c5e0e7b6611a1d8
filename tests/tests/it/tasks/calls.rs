//! The single task calls: what they send and how they read the answers.

use proxmox_sdk::HttpMethod;
use proxmox_sdk::task::{ExitStatus, TaskState};

use super::script::{UPID, endless, node, task, upid, with_method};

#[tokio::test]
async fn status_once_is_classified() {
    let script = node(task(1, "WARNINGS: 3"));
    let client = script.client();
    let upid = upid();
    let first = client.task_status(&upid).await.unwrap();
    assert_eq!(first.state, TaskState::Running);
    assert_eq!(first.exit_status(), None);
    assert_eq!(first.response.r#type, "vzsnapshot");
    let second = client.task_status(&upid).await.unwrap();
    assert_eq!(second.exit_status(), Some(&ExitStatus::Warnings(3)));
    assert_eq!(second.upid().as_str(), UPID);
    let seen = script.requests();
    assert_eq!(seen[0].path, format!("/nodes/pve2/tasks/{UPID}/status"));
}

#[tokio::test]
async fn log_pages_send_start_and_limit_and_return_the_total() {
    let lines: Vec<String> = (1..=10).map(|i| format!("l{i}")).collect();
    let script = node(endless().log(lines));
    let client = script.client();
    let page = client.task_log(&upid(), 4, 3).await.unwrap();
    let got: Vec<(u64, &str)> = page.lines.iter().map(|l| (l.n, l.text.as_str())).collect();
    assert_eq!(got, [(5, "l5"), (6, "l6"), (7, "l7")]);
    assert_eq!(page.total, Some(10));
    let seen = &script.requests()[0];
    assert_eq!(seen.path, format!("/nodes/pve2/tasks/{UPID}/log"));
    assert_eq!(
        (
            seen.param("start").as_deref(),
            seen.param("limit").as_deref()
        ),
        (Some("4"), Some("3"))
    );

    let all = client.task_log(&upid(), 0, 0).await.unwrap();
    assert_eq!(all.lines.len(), 10, "limit 0 reads to the end");
}

#[tokio::test]
async fn the_tail_of_a_short_log_takes_one_request() {
    let script = node(endless().log(["a", "b"]));
    let tail = script.client().task_log_tail(&upid(), 50).await.unwrap();
    assert_eq!(tail.lines.len(), 2);
    assert_eq!(script.requests().len(), 1);
}

#[tokio::test]
async fn an_empty_log_is_a_placeholder() {
    let script = node(endless());
    let page = script.client().task_log(&upid(), 0, 50).await.unwrap();
    assert!(page.is_placeholder());
}

#[tokio::test]
async fn stop_sends_delete_to_the_tasks_node() {
    let script = node(endless());
    script.client().stop_task(&upid()).await.unwrap();
    let stops = with_method(&script, HttpMethod::Delete);
    assert_eq!(stops.len(), 1);
    assert_eq!(stops[0].path, format!("/nodes/pve2/tasks/{UPID}"));
}
