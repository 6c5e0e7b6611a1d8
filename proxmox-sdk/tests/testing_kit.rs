//! `proxmox_sdk::testing` used the way its docs tell a user to: code under test that sends
//! requests and waits for tasks, driven by a scripted node under tokio's paused clock.

use std::time::Duration;

use proxmox_sdk::api::nodes::{GetNodesLxc, PostNodesLxcStatusStart};
use proxmox_sdk::task::{ExitStatus, StopAttempt, TaskError, WaitOptions};
use proxmox_sdk::testing::{
    CapturingTransport, Expect, Reply, ScriptedTask, ScriptedTransport, respond, upid,
};
use proxmox_sdk::{Client, Error, HttpMethod};
use serde_json::json;

/// The code under test: start every stopped container of `node`, one after the other, each
/// start awaited; returns the ids started.
async fn start_stopped(
    client: &Client,
    node: &str,
) -> Result<Vec<u32>, Box<dyn std::error::Error>> {
    let mut started = Vec::new();
    for ct in client.send(&GetNodesLxc::new(node)).await? {
        if ct.status.as_str() == "stopped" {
            let upid = client
                .send(&PostNodesLxcStatusStart::new(node, ct.vmid))
                .await?;
            client.wait_task(&upid, WaitOptions::default()).await?;
            started.push(ct.vmid);
        }
    }
    Ok(started)
}

fn guests() -> serde_json::Value {
    json!([
        {"vmid": "101", "status": "running", "name": "web"},
        {"vmid": 102, "status": "stopped", "name": "db"},
    ])
}

#[tokio::test(start_paused = true)]
async fn the_stopped_guest_is_started_and_its_task_awaited() {
    let task = upid("pve1", "vzstart", "102");
    let script = ScriptedTransport::new()
        .expect(Expect::get("/nodes/pve1/lxc").respond(respond::data(guests())))
        .expect(Expect::post("/nodes/pve1/lxc/102/status/start").respond(respond::upid(&task)))
        .task(
            ScriptedTask::new(task.clone())
                .running(5)
                .log(["starting", "TASK OK"]),
        );

    let started = start_stopped(&script.client(), "pve1").await.unwrap();

    assert_eq!(started, [102]);
    script.finish();
    let calls: Vec<String> = script.requests().iter().map(|r| r.call()).collect();
    let status = format!("GET /nodes/pve1/tasks/{task}/status");
    assert_eq!(
        calls[..2],
        [
            "GET /nodes/pve1/lxc",
            "POST /nodes/pve1/lxc/102/status/start"
        ]
    );
    assert_eq!(
        calls[2..],
        vec![status; 6],
        "five running polls, then the stop"
    );
}

#[tokio::test(start_paused = true)]
async fn a_failed_start_returns_the_exit_status_and_the_log_tail() {
    let task = upid("pve1", "vzstart", "102");
    let exit = "startup for container '102' failed";
    let script = ScriptedTransport::new()
        .expect(Expect::get("/nodes/pve1/lxc").respond(respond::data(guests())))
        .expect(Expect::post("/nodes/pve1/lxc/102/status/start").respond(respond::upid(&task)))
        .task(
            ScriptedTask::new(task)
                .running(2)
                .log([
                    "run_buffer: 571 Script exited with status 1",
                    &format!("TASK ERROR: {exit}"),
                ])
                .exit(exit),
        );

    let err = start_stopped(&script.client(), "pve1").await.unwrap_err();

    let Some(TaskError::Failed(failure)) = err.downcast_ref::<TaskError>() else {
        panic!("{err:?}")
    };
    assert_eq!(failure.exit_status, ExitStatus::Failed(exit.into()));
    let tail: Vec<&str> = failure.log_tail.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(
        tail,
        [
            "run_buffer: 571 Script exited with status 1",
            &format!("TASK ERROR: {exit}")
        ]
    );
    script.finish();
}

#[tokio::test(start_paused = true)]
async fn a_task_past_its_deadline_is_stopped_and_reported_as_a_timeout() {
    let task = upid("pve1", "vzstart", "102");
    let script = ScriptedTransport::new().task(ScriptedTask::new(task.clone()).never_ends());
    let client = script.client();
    let options = WaitOptions::default()
        .timeout(Duration::from_secs(30))
        .stop_on_timeout(true);

    let err = client.wait_task(&task, options).await.unwrap_err();

    let TaskError::Timeout(timeout) = &err else {
        panic!("{err:?}")
    };
    assert!(matches!(timeout.stop, StopAttempt::Requested), "{err:?}");
    let last = script.requests().pop().unwrap();
    assert_eq!(last.call(), format!("DELETE /nodes/pve1/tasks/{task}"));
    // Stopped: the next status read says how it ended.
    let status = client.task_status(&task).await.unwrap();
    assert_eq!(
        status.exit_status(),
        Some(&ExitStatus::Failed("received interrupt".into()))
    );
    script.finish();
}

#[tokio::test(start_paused = true)]
async fn an_unexpected_request_fails_with_an_error_that_names_it_and_the_expected_call() {
    let script = ScriptedTransport::new()
        .expect(Expect::get("/nodes/pve2/lxc").respond(respond::data(guests())));

    let err = start_stopped(&script.client(), "pve1").await.unwrap_err();

    let err = err.downcast_ref::<Error>().unwrap();
    assert_eq!(err.status(), Some(501));
    assert!(!err.is_retryable());
    let text = err.to_string();
    assert!(
        text.contains("unexpected request GET /nodes/pve1/lxc (expected GET /nodes/pve2/lxc)"),
        "{text}"
    );
    assert_eq!(script.requests().len(), 1, "not retried");
}

#[test]
#[should_panic(
    expected = "unexpected request: GET /nodes/pve1/lxc (expected GET /nodes/pve2/lxc)\n  \
                           expected call never came: GET /nodes/pve2/lxc"
)]
fn finish_names_the_unexpected_request_and_the_call_that_never_came() {
    let script = ScriptedTransport::new().expect(Expect::get("/nodes/pve2/lxc"));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let _ = runtime.block_on(script.client().send(&GetNodesLxc::new("pve1")));
    script.finish();
}

#[test]
#[should_panic(expected = "expected call never came: POST /nodes/pve1/lxc/102/status/start")]
fn finish_names_a_call_that_never_came() {
    ScriptedTransport::new()
        .expect(Expect::post("/nodes/pve1/lxc/102/status/start"))
        .finish();
}

#[tokio::test(start_paused = true)]
async fn a_step_with_parameters_matches_only_a_request_carrying_them() {
    let script = ScriptedTransport::new()
        .expect(Expect::get("/nodes/pve1/lxc/102/snapshot").param("vmid", "103"));
    let err = script
        .client()
        .raw(
            HttpMethod::Get,
            "/nodes/pve1/lxc/102/snapshot",
            &[("vmid", "102")],
        )
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains(
            "(expected GET /nodes/pve1/lxc/102/snapshot vmid=103, but vmid=\"102\", not \"103\")"
        ),
        "{err}"
    );
}

#[tokio::test(start_paused = true)]
async fn scripted_transport_failures_reach_the_caller_as_the_sdks_errors() {
    let script = ScriptedTransport::new()
        .expect(Expect::get("/version").reply(Reply::ConnectFailed))
        .expect(Expect::post("/nodes/pve1/lxc/102/status/start").reply(Reply::Interrupted))
        .expect(Expect::get("/version").reply(Reply::Pending));
    let client = script.client();

    let err = client
        .raw(HttpMethod::Get, "/version", &[])
        .await
        .unwrap_err();
    assert!(!err.may_have_been_processed(), "{err:?}");
    let err = client
        .send(&PostNodesLxcStatusStart::new("pve1", 102))
        .await
        .unwrap_err();
    assert!(err.may_have_been_processed(), "{err:?}");
    let hung = tokio::time::timeout(
        Duration::from_secs(60),
        client.raw(HttpMethod::Get, "/version", &[]),
    )
    .await;
    assert!(hung.is_err(), "a pending reply never answers");
    script.finish();
}

#[tokio::test]
async fn the_capturing_transport_shows_the_wire_without_the_token() {
    let capture = CapturingTransport::answering(respond::upid(&upid("pve1", "vzstart", "102")));
    capture
        .client()
        .send(&PostNodesLxcStatusStart::new("pve1", 102).skiplock(true))
        .await
        .unwrap();
    let sent = &capture.requests()[0];
    assert_eq!(
        sent.url,
        "https://pve1.test:8006/api2/json/nodes/pve1/lxc/102/status/start"
    );
    assert_eq!(sent.body.as_deref(), Some("skiplock=1"));
    assert_eq!(
        sent.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    let wire = sent.to_string();
    assert!(
        wire.starts_with("POST /api2/json/nodes/pve1/lxc/102/status/start HTTP/1.1\r\n"),
        "{wire}"
    );
    assert!(wire.contains("authorization: ***\r\n"), "{wire}");
    assert!(wire.ends_with("\r\n\r\nskiplock=1"), "{wire}");
    assert!(!wire.contains("00000000-0000-4000"), "{wire}");
}

#[tokio::test]
async fn a_ticket_login_is_scripted_like_any_other_call_and_its_password_never_recorded() {
    let script = ScriptedTransport::new()
        .expect(
            Expect::post("/access/ticket")
                .body("username=monitor%40pve&password=***&new-format=1")
                .respond(respond::ticket("monitor@pve")),
        )
        .expect(Expect::get("/version").respond(respond::data(json!({"version": "9.1.4"}))));
    let client = Client::builder("https://pve1:8006")
        .unwrap()
        .ticket_login("monitor@pve", "correct horse battery staple")
        .transport(script.clone())
        .build()
        .unwrap();

    let version = client.raw(HttpMethod::Get, "/version", &[]).await.unwrap();

    assert_eq!(version["version"], "9.1.4");
    script.finish();
    let requests = script.requests();
    assert_eq!(requests[1].header("cookie"), Some("***"));
    assert!(!format!("{requests:?}").contains("correct horse"));
}

#[tokio::test(start_paused = true)]
async fn chosen_status_reads_fail_and_the_log_grows_as_the_task_runs() {
    let task = upid("pve1", "vzdump", "100");
    let script = ScriptedTransport::new().task(
        ScriptedTask::new(task.clone())
            .running(3)
            .status_fails(2..=2, respond::error(503, "proxy busy"))
            .log(["one", "two", "three"])
            .log_visible([1, 2, 3])
            .without_total(),
    );
    let client = script.client();

    let before = client.task_log(&task, 0, 0).await.expect("log");
    assert_eq!(before.total, None, "without_total leaves `total` out");
    assert_eq!(
        before.lines.len(),
        1,
        "one line exists before the first read"
    );

    assert!(
        client
            .task_status(&task)
            .await
            .expect("read 1")
            .is_running()
    );
    let busy = client.task_status(&task).await.expect_err("read 2 fails");
    assert_eq!(busy.status(), Some(503));
    assert_eq!(
        client.task_log(&task, 0, 0).await.expect("log").lines.len(),
        2
    );
    assert!(
        client
            .task_status(&task)
            .await
            .expect("read 3")
            .is_running()
    );
    let done = client.task_status(&task).await.expect("read 4");
    assert_eq!(done.exit_status(), Some(&ExitStatus::Ok));
    let texts: Vec<String> = client
        .task_log(&task, 0, 0)
        .await
        .expect("log")
        .lines
        .into_iter()
        .map(|l| l.text)
        .collect();
    assert_eq!(texts, ["one", "two", "three"]);
    script.finish();
}

#[tokio::test(start_paused = true)]
async fn a_reply_latency_keeps_the_call_in_flight_on_the_paused_clock() {
    let script = ScriptedTransport::new()
        .latency(Duration::from_secs(10))
        .expect(
            Expect::get("/version")
                .times(2)
                .respond(respond::data(json!({"version": "9.1.4"}))),
        );
    let client = script.client();
    let call = client.raw(HttpMethod::Get, "/version", &[]);
    let timed_out = tokio::time::timeout(Duration::from_secs(5), call).await;
    assert!(
        timed_out.is_err(),
        "still in flight after 5 of its 10 seconds"
    );
    assert_eq!(script.requests().len(), 1, "the request went out at once");
    let answer = client.raw(HttpMethod::Get, "/version", &[]).await;
    assert_eq!(
        answer.expect("answered after its latency")["version"],
        "9.1.4"
    );
    script.finish();
}
