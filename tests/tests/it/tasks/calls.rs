//! The single task calls: what they send and how they read the answers.

use proxmox_sdk::HttpMethod;
use proxmox_sdk::task::{ExitStatus, TaskState};

use super::script::{Reply, Script, UPID};

#[tokio::test]
async fn status_once_is_classified() {
    let script = Script::new([Reply::Running, Reply::Stopped("WARNINGS: 3")]);
    let client = script.client();
    let upid = Script::upid();
    let first = client.task_status(&upid).await.unwrap();
    assert_eq!(first.state, TaskState::Running);
    assert_eq!(first.exit_status(), None);
    assert_eq!(first.response.r#type, "vzsnapshot");
    let second = client.task_status(&upid).await.unwrap();
    assert_eq!(second.exit_status(), Some(&ExitStatus::Warnings(3)));
    assert_eq!(second.upid().as_str(), UPID);
    let seen = script.seen();
    assert_eq!(seen[0].path, format!("/nodes/pve2/tasks/{UPID}/status"));
}

#[tokio::test]
async fn log_pages_send_start_and_limit_and_return_the_total() {
    let lines: Vec<String> = (1..=10).map(|i| format!("l{i}")).collect();
    let script = Script::new([Reply::Running]).log(lines);
    let client = script.client();
    let page = client.task_log(&Script::upid(), 4, 3).await.unwrap();
    let got: Vec<(u64, &str)> = page.lines.iter().map(|l| (l.n, l.text.as_str())).collect();
    assert_eq!(got, [(5, "l5"), (6, "l6"), (7, "l7")]);
    assert_eq!(page.total, Some(10));
    let seen = &script.seen()[0];
    assert_eq!(seen.path, format!("/nodes/pve2/tasks/{UPID}/log"));
    assert_eq!(
        (seen.param("start"), seen.param("limit")),
        (Some("4"), Some("3"))
    );

    let all = client.task_log(&Script::upid(), 0, 0).await.unwrap();
    assert_eq!(all.lines.len(), 10, "limit 0 reads to the end");
}

#[tokio::test]
async fn the_tail_of_a_short_log_takes_one_request() {
    let script = Script::new([Reply::Running]).log(["a", "b"]);
    let tail = script
        .client()
        .task_log_tail(&Script::upid(), 50)
        .await
        .unwrap();
    assert_eq!(tail.lines.len(), 2);
    assert_eq!(script.seen().len(), 1);
}

#[tokio::test]
async fn an_empty_log_is_a_placeholder() {
    let script = Script::new([Reply::Running]);
    let page = script
        .client()
        .task_log(&Script::upid(), 0, 50)
        .await
        .unwrap();
    assert!(page.is_placeholder());
}

#[tokio::test]
async fn stop_sends_delete_to_the_tasks_node() {
    let script = Script::new([Reply::Running]);
    script.client().stop_task(&Script::upid()).await.unwrap();
    let stops = script.seen_method(HttpMethod::Delete);
    assert_eq!(stops.len(), 1);
    assert_eq!(stops[0].path, format!("/nodes/pve2/tasks/{UPID}"));
}
