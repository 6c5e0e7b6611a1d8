//! Failure kinds through the SDK's test kit: the same PVE text as a POST's error answer and as
//! a task's exit status gives the same kind, and a lock timeout is retryable on both paths.

use proxmox_sdk::api::nodes::PostNodesLxcSnapshot;
use proxmox_sdk::error::{FailureKind, LockKind};
use proxmox_sdk::task::{TaskError, WaitOptions};
use proxmox_sdk::testing::{Expect, ScriptedTask, ScriptedTransport, respond, upid};
use proxmox_sdk::{Client, Error};

const SNAPSHOT: &str = "/nodes/pve1/lxc/100/snapshot";

/// PVE texts and their kinds, as sent by real servers (pve-facts.md, fakepve's notes).
const CASES: &[(&str, Option<FailureKind>)] = &[
    (
        "Configuration file 'nodes/pve1/lxc/100.conf' does not exist",
        Some(FailureKind::NotFound),
    ),
    (
        "CT 100 already exists on node 'pve1'",
        Some(FailureKind::AlreadyExists),
    ),
    (
        "CT is locked (backup)",
        Some(FailureKind::Locked(LockKind::Backup)),
    ),
    (
        "VM is locked (migrate)",
        Some(FailureKind::Locked(LockKind::Migrate)),
    ),
    (
        "can't lock file '/run/lock/lxc/pve-config-100.lock' - got timeout",
        Some(FailureKind::LockTimeout),
    ),
    (
        "cluster not ready - no quorum?",
        Some(FailureKind::NoQuorum),
    ),
    (
        "QEMU guest agent is not running",
        Some(FailureKind::AgentNotRunning),
    ),
    ("CT 100 not running", Some(FailureKind::NotRunning)),
    (
        "detected modified configuration - file changed by other user? Try again.",
        Some(FailureKind::ConfigChanged),
    ),
    ("VM quit/powerdown failed - got timeout", None),
    ("command 'lxc-start -n 100' failed: exit code 1", None),
];

async fn post_error(text: &str) -> Error {
    let script = ScriptedTransport::new()
        .expect(Expect::post(SNAPSHOT).respond(respond::error(500, &format!("{text}\n"))));
    let err = snapshot(&script.client()).await.unwrap_err();
    script.finish();
    err
}

async fn task_error(text: &str) -> TaskError {
    let task = upid("pve1", "vzsnapshot", "100");
    let script = ScriptedTransport::new()
        .expect(Expect::post(SNAPSHOT).respond(respond::upid(&task)))
        .task(
            ScriptedTask::new(task.clone())
                .running(1)
                .log([text.to_owned(), format!("TASK ERROR: {text}")])
                .exit(text),
        );
    let client = script.client();
    let started = snapshot(&client).await.expect("the task starts");
    let err = client
        .wait_task(&started, WaitOptions::default())
        .await
        .expect_err("the task fails");
    script.finish();
    err
}

async fn snapshot(client: &Client) -> Result<proxmox_sdk::Upid, Error> {
    client
        .send(&PostNodesLxcSnapshot::new("pve1", 100, "before"))
        .await
}

#[tokio::test(start_paused = true)]
async fn one_match_covers_the_call_and_the_task() {
    for (text, kind) in CASES {
        let call = post_error(text).await;
        assert_eq!(
            call.failure_kind().as_ref(),
            kind.as_ref(),
            "call: {text:?}"
        );
        let task = task_error(text).await;
        assert_eq!(
            task.failure_kind().as_ref(),
            kind.as_ref(),
            "task: {text:?}"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn a_lock_timeout_is_retryable_at_the_post_and_inside_the_task() {
    let text = "can't lock file '/run/lock/lxc/pve-config-100.lock' - got timeout";
    let call = post_error(text).await;
    assert!(call.is_retryable(), "{call}");
    assert!(
        call.may_have_been_processed(),
        "a 500 to a POST may have done something"
    );
    let task = task_error(text).await;
    assert!(task.is_retryable(), "{task}");

    // Neither a held lock nor a shutdown timeout is: they are not lock contention.
    for text in [
        "CT is locked (backup)",
        "VM quit/powerdown failed - got timeout",
    ] {
        assert!(!post_error(text).await.is_retryable(), "{text}");
        assert!(!task_error(text).await.is_retryable(), "{text}");
    }
}

#[tokio::test(start_paused = true)]
async fn refusals_with_their_own_status_have_their_kind() {
    let script = ScriptedTransport::new().expect(Expect::post(SNAPSHOT).respond(respond::error(
        403,
        "Permission check failed (/vms/100, VM.Snapshot)",
    )));
    let err = snapshot(&script.client()).await.unwrap_err();
    assert_eq!(err.failure_kind(), Some(FailureKind::PermissionDenied));
    script.finish();

    // A 400 whose parameter error says what exists already (LXC create with a taken vmid).
    let script = ScriptedTransport::new().expect(Expect::post(SNAPSHOT).respond(
        respond::parameter_errors([("vmid", "VM 100 already exists")]),
    ));
    let err = snapshot(&script.client()).await.unwrap_err();
    assert_eq!(err.failure_kind(), Some(FailureKind::AlreadyExists));
    script.finish();
}
