//! `wait_task` against scripted status sequences, on tokio's paused clock: the schedule's
//! pauses cost no real time, and no test asserts anything about timing.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use proxmox_sdk::task::{
    ExitKind, ExitStatus, StopAttempt, TaskError, WaitOptions, WarningsPolicy,
};
use proxmox_sdk::{Error, HttpMethod, Privilege};

use proxmox_sdk::testing::{Reply, ScriptedTransport, respond};

use super::script::{UPID, ending, endless, node, task, upid, with_method};

const NO_SUCH_TASK: &str = r#"{"data":null,"errors":{"upid":"no such task"},"message":"Parameter verification failed.\n"}"#;
const BUSY: &str = r#"{"data":null,"message":"proxy busy\n"}"#;

fn failure(err: TaskError) -> Box<proxmox_sdk::task::TaskFailure> {
    match err {
        TaskError::Failed(failure) => failure,
        other => panic!("expected a failed task, got {other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn running_then_ok() {
    let script = node(task(2, "OK"));
    let outcome = script
        .client()
        .wait_task(&upid(), WaitOptions::default())
        .await
        .expect("task succeeds");
    assert_eq!(outcome.exit_status, ExitStatus::Ok);
    assert_eq!(outcome.polls, 3);
    assert!(outcome.warnings.is_empty() && !outcome.has_warnings());
    assert_eq!(outcome.upid.as_str(), UPID);
    assert!(!outcome.status.is_running());
    assert!(
        ending(&script, "/log").is_empty(),
        "an OK task needs no log"
    );
    script.finish();
}

fn warning_log() -> Vec<&'static str> {
    vec![
        "starting container 100",
        "WARN: no efidisk configured",
        "doing the work",
        "WARN: systemd 256 needs nesting",
        "TASK WARNINGS: 2",
    ]
}

#[tokio::test(start_paused = true)]
async fn warnings_are_success_with_the_warning_lines() {
    let script = node(task(1, "WARNINGS: 2").log(warning_log()));
    let outcome = script
        .client()
        .wait_task(&upid(), WaitOptions::default())
        .await
        .expect("warnings are success by default");
    assert_eq!(outcome.exit_status, ExitStatus::Warnings(2));
    let lines: Vec<(u64, &str)> = outcome
        .warnings
        .iter()
        .map(|l| (l.n, l.text.as_str()))
        .collect();
    assert_eq!(
        lines,
        [
            (2, "WARN: no efidisk configured"),
            (4, "WARN: systemd 256 needs nesting")
        ]
    );
    assert!(outcome.log_error.is_none());
}

#[tokio::test(start_paused = true)]
async fn warnings_fail_under_a_strict_policy() {
    let script = node(task(1, "WARNINGS: 2").log(warning_log()));
    let err = script
        .client()
        .wait_task(
            &upid(),
            WaitOptions::default().warnings(WarningsPolicy::Failure),
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("2 warning(s)"), "{err}");
    let failure = failure(err);
    assert_eq!(failure.exit_status, ExitStatus::Warnings(2));
    assert_eq!(failure.warnings.len(), 2);
    assert_eq!(failure.log_tail.last().unwrap().text, "TASK WARNINGS: 2");
    assert!(failure.permission_denied.is_none());
}

#[tokio::test(start_paused = true)]
async fn a_403_inside_the_task_names_the_missing_privilege() {
    let exit = "403 Permission check failed (/storage/local-lvm, Datastore.AllocateSpace)";
    let script = node(task(1, exit).log([
        "resizing volume",
        "TASK ERROR: 403 Permission check failed (/storage/local-lvm, Datastore.AllocateSpace)",
    ]));
    let err = script
        .client()
        .wait_task(&upid(), WaitOptions::default())
        .await
        .unwrap_err();
    assert_eq!(
        err.missing_privileges(),
        [Privilege::DatastoreAllocateSpace]
    );
    assert_eq!(
        err.exit_status().map(ExitStatus::kind),
        Some(ExitKind::Error)
    );
    assert!(err.to_string().ends_with(exit), "{err}");
    let failure = failure(err);
    let denied = failure.permission_denied.as_ref().unwrap();
    assert_eq!(denied.path(), Some("/storage/local-lvm"));
    let tail: Vec<&str> = failure.log_tail.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(tail, ["resizing volume", &format!("TASK ERROR: {exit}")]);
}

#[tokio::test(start_paused = true)]
async fn a_wrapped_restore_permission_failure_is_parsed_too() {
    let exit = "unable to restore CT 100 - 403 Permission check failed (/sdn/zones/localnetwork/vmbr0, SDN.Use)";
    let script = node(task(2, exit).log(["recovering backed-up configuration", "TASK ERROR: …"]));
    let err = script
        .client()
        .wait_task(&upid(), WaitOptions::default())
        .await
        .unwrap_err();
    assert_eq!(err.missing_privileges(), [Privilege::SdnUse]);
    assert_eq!(
        err.permission_denied().and_then(|d| d.path()),
        Some("/sdn/zones/localnetwork/vmbr0")
    );
    assert_eq!(err.log_tail().len(), 2);
}

#[tokio::test(start_paused = true)]
async fn the_failure_log_is_the_tail_of_a_long_log() {
    let log: Vec<String> = (1..=120).map(|i| format!("line {i}")).collect();
    let script = node(task(0, "command 'vzdump' failed: exit code 5").log(log));
    let err = script
        .client()
        .wait_task(&upid(), WaitOptions::default().log_tail_lines(50))
        .await
        .unwrap_err();
    let numbers: Vec<u64> = err.log_tail().iter().map(|l| l.n).collect();
    assert_eq!(numbers, (71..=120).collect::<Vec<_>>());
    assert_eq!(err.log_tail()[0].text, "line 71");
    let reads = ending(&script, "/log");
    assert_eq!(reads.len(), 2, "one read for the length, one for the tail");
    assert_eq!(reads[1].param("start").as_deref(), Some("70"));
}

#[tokio::test(start_paused = true)]
async fn a_huge_log_line_is_kept_bounded_in_the_failure() {
    let huge = format!("TASK ERROR: {}", "x".repeat(1 << 20));
    let script = node(task(0, "command failed").log(["starting", huge.as_str()]));
    let err = script
        .client()
        .wait_task(&upid(), WaitOptions::default())
        .await
        .unwrap_err();
    let last = &err.log_tail()[1].text;
    assert!(last.len() < 4096, "{} bytes kept", last.len());
    assert!(last.starts_with("TASK ERROR: xxx"), "{}", &last[..40]);
    assert!(
        last.ends_with(&format!("… [cut, {} bytes in all]", huge.len())),
        "{}",
        &last[last.len() - 60..]
    );
    assert_eq!(err.log_tail()[0].text, "starting");
}

#[tokio::test(start_paused = true)]
async fn the_tail_is_right_without_a_total_too() {
    let log: Vec<String> = (1..=120).map(|i| format!("line {i}")).collect();
    let script = node(task(0, "failed").log(log).without_total());
    let err = script
        .client()
        .wait_task(&upid(), WaitOptions::default().log_tail_lines(50))
        .await
        .unwrap_err();
    let numbers: Vec<u64> = err.log_tail().iter().map(|l| l.n).collect();
    assert_eq!(numbers, (71..=120).collect::<Vec<_>>());
}

#[tokio::test(start_paused = true)]
async fn no_result_line_and_vzdump_job_errors_are_failures() {
    for (exit, kind) in [
        ("unexpected status", ExitKind::Unknown),
        ("job errors", ExitKind::Error),
    ] {
        let script = node(task(0, exit).log(["INFO: starting new backup job"]));
        let err = script
            .client()
            .wait_task(&upid(), WaitOptions::default())
            .await
            .unwrap_err();
        let status = err.exit_status().unwrap();
        assert_eq!(status.kind(), kind, "{exit}");
        assert_eq!(status.is_job_errors(), exit == "job errors");
    }
}

#[tokio::test(start_paused = true)]
async fn a_timeout_carries_the_last_status_and_does_not_stop_the_task_by_default() {
    let script = node(endless()).latency(Duration::from_millis(20));
    let err = script
        .client()
        .wait_task(
            &upid(),
            WaitOptions::default().timeout(Duration::from_secs(5)),
        )
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(err.last_status().unwrap().is_running());
    let TaskError::Timeout(timeout) = err else {
        unreachable!()
    };
    assert!(matches!(timeout.stop, StopAttempt::NotRequested));
    assert!(timeout.polls > 1);
    assert!(with_method(&script, HttpMethod::Delete).is_empty());
}

#[tokio::test(start_paused = true)]
async fn stop_on_timeout_sends_the_stop_request() {
    let script = node(endless());
    let err = script
        .client()
        .wait_task(
            &upid(),
            WaitOptions::default()
                .timeout(Duration::from_secs(3))
                .stop_on_timeout(true),
        )
        .await
        .unwrap_err();
    let TaskError::Timeout(timeout) = err else {
        panic!("{err:?}")
    };
    assert!(matches!(timeout.stop, StopAttempt::Requested));
    let stops = with_method(&script, HttpMethod::Delete);
    assert_eq!(stops.len(), 1);
    assert_eq!(stops[0].path, format!("/nodes/pve2/tasks/{UPID}"));
}

#[tokio::test(start_paused = true)]
async fn dropping_the_wait_sends_nothing_more() {
    let script = node(endless()).latency(Duration::from_millis(5));
    let client = script.client();
    let upid = upid();
    let wait = client.wait_task(&upid, WaitOptions::default());
    tokio::select! {
        result = wait => panic!("the task never ends: {result:?}"),
        () = async {
            while script.requests().len() < 4 {
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        } => {}
    }
    let seen = script.requests().len();
    tokio::time::sleep(Duration::from_secs(3600)).await;
    assert_eq!(
        script.requests().len(),
        seen,
        "no request after the wait was dropped"
    );
}

#[tokio::test(start_paused = true)]
async fn transient_failures_are_tolerated() {
    let script = node(
        task(5, "OK")
            .status_fails(1..=1, respond::raw(400, NO_SUCH_TASK))
            .status_fails(2..=2, Reply::ConnectFailed)
            .status_fails(3..=3, respond::raw(503, BUSY))
            .status_fails(4..=4, respond::raw(595, "")),
    );
    let outcome = script
        .client()
        .wait_task(&upid(), WaitOptions::default())
        .await
        .expect("transient failures are ridden out");
    assert_eq!(outcome.exit_status, ExitStatus::Ok);
    assert_eq!(outcome.polls, 6);
}

#[tokio::test(start_paused = true)]
async fn too_many_transient_failures_in_a_row_end_the_wait() {
    let script = node(endless().status_fails(2.., respond::raw(503, BUSY)));
    let err = script
        .client()
        .wait_task(&upid(), WaitOptions::default().max_transient_failures(3))
        .await
        .unwrap_err();
    let TaskError::Status(status) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(status.failures, 4);
    assert_eq!(status.error.status(), Some(503));
    assert!(status.last_status.as_ref().unwrap().is_running());
    assert_eq!(ending(&script, "/status").len(), 5);
    let source = std::error::Error::source(&err).expect("the failed call is the source");
    assert!(source.downcast_ref::<Error>().is_some());
}

#[tokio::test(start_paused = true)]
async fn no_such_task_after_the_task_was_seen_is_not_transient() {
    let script = node(endless().status_fails(2.., respond::raw(400, NO_SUCH_TASK)));
    let err = script
        .client()
        .wait_task(&upid(), WaitOptions::default())
        .await
        .unwrap_err();
    assert_eq!(err.call_error().and_then(Error::status), Some(400));
    assert_eq!(ending(&script, "/status").len(), 2);
}

#[tokio::test(start_paused = true)]
async fn a_403_reading_the_status_ends_the_wait_with_the_privilege() {
    let body = r#"{"data":null,"message":"Permission check failed (/nodes/pve2, Sys.Audit)\n"}"#;
    let script = node(endless().status_fails(1.., respond::raw(403, body)));
    let err = script
        .client()
        .wait_task(&upid(), WaitOptions::default())
        .await
        .unwrap_err();
    assert_eq!(err.missing_privileges(), [Privilege::SysAudit]);
    assert_eq!(script.requests().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn requests_go_to_the_node_named_in_the_upid() {
    let script = node(task(1, "received interrupt").log(["x"]));
    let client = script.client();
    assert!(client.endpoint().contains("pve1"));
    let _ = client.wait_task(&upid(), WaitOptions::default()).await;
    let seen = script.requests();
    assert!(!seen.is_empty());
    for request in &seen {
        assert!(
            request
                .path
                .starts_with(&format!("/nodes/pve2/tasks/{UPID}/")),
            "{request:?}"
        );
    }
    script.finish();
}

async fn progress_lines(script: &ScriptedTransport) -> Vec<(u64, String)> {
    let received = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&received);
    let outcome = script
        .client()
        .wait_task(
            &upid(),
            WaitOptions::default().on_progress(move |line| {
                sink.lock().unwrap().push((line.n, line.text.clone()));
            }),
        )
        .await
        .expect("task succeeds");
    assert_eq!(outcome.exit_status, ExitStatus::Ok);
    received.lock().unwrap().clone()
}

#[tokio::test(start_paused = true)]
async fn progress_follows_a_long_log_without_a_total() {
    let log: Vec<String> = (1..=1234).map(|i| format!("copied {i}")).collect();
    let script = node(
        task(2, "OK")
            .log(log)
            .log_visible([0, 700, 1234])
            .without_total(),
    );
    let received = progress_lines(&script).await;
    let numbers: Vec<u64> = received.iter().map(|(n, _)| *n).collect();
    assert_eq!(numbers, (1..=1234).collect::<Vec<_>>());
}

#[tokio::test(start_paused = true)]
async fn progress_delivers_each_line_once_in_order() {
    let log: Vec<String> = (1..=7).map(|i| format!("step {i}")).collect();
    let script = node(
        task(5, "OK")
            .log(log.clone())
            // Nothing yet (PVE answers `no content`), then the log grows in bursts; the last
            // lines appear only once the task has stopped.
            .log_visible([0, 1, 3, 3, 5, 7]),
    );
    let received = progress_lines(&script).await;
    let expected: Vec<(u64, String)> = (1..=7).zip(log).collect();
    assert_eq!(received, expected);
    let starts: Vec<String> = ending(&script, "/log")
        .iter()
        .map(|s| s.param("start").unwrap_or_else(|| "-".to_owned()))
        .collect();
    assert_eq!(
        starts,
        ["0", "0", "1", "3", "3", "5"],
        "each read starts after the last line"
    );
}
