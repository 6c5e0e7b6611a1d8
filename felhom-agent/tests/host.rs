//! The host API layer against a scripted transport: what goes on the wire, how tasks are
//! waited for (under tokio's paused clock), and that the SDK's errors come through unchanged.

mod support;

use std::time::Duration;

use felhom_agent::proxmox::{RestoreLxc, RunError, VzdumpMode};
use proxmox_sdk::task::{ExitStatus, TaskError, WaitOptions};
use proxmox_sdk::{Error, Privilege, TaskStarted};
use serde_json::json;
use support::*;

fn log_lines(lines: &[&str]) -> Answer {
    ok(json!(
        lines
            .iter()
            .enumerate()
            .map(|(i, t)| json!({"n": i + 1, "t": t}))
            .collect::<Vec<_>>()
    ))
}

#[tokio::test(start_paused = true)]
async fn a_task_that_runs_then_ends_ok_is_a_success() {
    let u = upid("vzsnapshot", 201);
    let script = Scripted::new(vec![
        expect(
            "POST",
            format!("/nodes/{NODE}/lxc/201/snapshot"),
            ok(json!(u)),
        ),
        expect("GET", status_path(&u), running(&u)),
        expect("GET", status_path(&u), running(&u)),
        expect("GET", status_path(&u), stopped(&u, "OK")),
    ]);
    let host = script.host();
    let outcome = host
        .run(host.snapshot(201, "before"), WaitOptions::default())
        .await
        .unwrap();
    assert_eq!(outcome.upid.to_string(), u);
    assert_eq!(outcome.exit_status, ExitStatus::Ok);
    assert_eq!(outcome.polls, 3);
    script.finish();
    let sent = script.sent();
    assert_eq!(sent[0].body.as_deref(), Some("snapname=before"));
}

#[tokio::test(start_paused = true)]
async fn a_task_that_fails_on_a_permission_names_the_privilege() {
    let u = upid("vzrestore", 300);
    let exit = "unable to restore CT 300 - 403 Permission check failed (/sdn/zones/localnetwork/vmbr0, SDN.Use)";
    let script = Scripted::new(vec![
        expect("POST", format!("/nodes/{NODE}/lxc"), ok(json!(u))),
        expect("GET", status_path(&u), running(&u)),
        expect("GET", status_path(&u), stopped(&u, exit)),
        expect(
            "GET",
            log_path(&u),
            log_lines(&["restoring archive", &format!("TASK ERROR: {exit}")]),
        ),
    ]);
    let host = script.host();
    let restore = RestoreLxc::new(
        300,
        "local:backup/vzdump-lxc-9000-2026_01_15-02_00_00.tar.zst",
    )
    .storage("local-lvm");
    let err = host
        .run(host.restore_lxc(&restore), WaitOptions::default())
        .await
        .unwrap_err();
    assert_eq!(err.missing_privileges(), [Privilege::SdnUse]);
    assert_eq!(
        err.permission_denied().and_then(|d| d.path()),
        Some("/sdn/zones/localnetwork/vmbr0")
    );
    let RunError::Task(TaskError::Failed(failure)) = &err else {
        panic!("{err:?}")
    };
    assert!(matches!(&failure.exit_status, ExitStatus::Failed(text) if text == exit));
    assert_eq!(
        failure.log_tail.last().map(|l| l.text.as_str()),
        Some(format!("TASK ERROR: {exit}").as_str())
    );
    script.finish();
}

#[tokio::test(start_paused = true)]
async fn the_restore_request_carries_restore_1_and_the_archive() {
    let u = upid("vzrestore", 300);
    let script = Scripted::new(vec![expect(
        "POST",
        format!("/nodes/{NODE}/lxc"),
        ok(json!(u)),
    )]);
    let host = script.host();
    let restore = RestoreLxc::new(
        300,
        "local:backup/vzdump-lxc-9000-2026_01_15-02_00_00.tar.zst",
    )
    .storage("local-lvm")
    .unique(true);
    let got = host.restore_lxc(&restore).await.unwrap();
    assert_eq!(got.to_string(), u);
    assert_eq!(
        script.sent()[0].body.as_deref(),
        Some(
            "ostemplate=local%3Abackup%2Fvzdump-lxc-9000-2026_01_15-02_00_00.tar.zst&restore=1&storage=local-lvm&unique=1&vmid=300"
        )
    );
    script.finish();
}

#[tokio::test(start_paused = true)]
async fn a_403_at_the_post_is_the_sdks_forbidden_with_the_privilege() {
    let script = Scripted::new(vec![expect(
        "POST",
        format!("/nodes/{NODE}/lxc/201/snapshot"),
        error(403, "Permission check failed (/vms/201, VM.Snapshot)"),
    )]);
    let host = script.host();
    let err = host
        .run(host.snapshot(201, "before"), WaitOptions::default())
        .await
        .unwrap_err();
    let RunError::Start(call) = &err else {
        panic!("{err:?}")
    };
    assert!(matches!(call, Error::Forbidden(_)));
    assert_eq!(call.missing_privileges(), [Privilege::VmSnapshot]);
    assert_eq!(err.missing_privileges(), [Privilege::VmSnapshot]);
    assert!(err.upid().is_none());
    script.finish();
}

#[tokio::test(start_paused = true)]
async fn a_task_still_running_at_the_deadline_times_out() {
    let u = upid("vzsnapshot", 201);
    let mut steps = vec![];
    for _ in 0..40 {
        steps.push(expect("GET", status_path(&u), running(&u)));
    }
    let script = Scripted::new(steps);
    let host = script.host();
    let parsed = u.parse().unwrap();
    let err = host
        .wait_task(
            &parsed,
            WaitOptions::default().timeout(Duration::from_secs(3)),
        )
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    let polls = script.sent().len();
    assert!((4..40).contains(&polls), "{polls} polls in 3 s");
}

#[tokio::test(start_paused = true)]
async fn dropping_a_wait_stops_the_polling() {
    let u = upid("vzsnapshot", 201);
    let mut steps = vec![];
    for _ in 0..200 {
        steps.push(expect("GET", status_path(&u), running(&u)));
    }
    let script = Scripted::new(steps);
    let host = script.host();
    let parsed = u.parse().unwrap();
    let waited = tokio::time::timeout(
        Duration::from_secs(2),
        host.wait_task(&parsed, WaitOptions::default()),
    )
    .await;
    assert!(waited.is_err(), "still running when cancelled");
    let at_cancel = script.sent().len();
    tokio::time::sleep(Duration::from_secs(30)).await;
    assert_eq!(
        script.sent().len(),
        at_cancel,
        "no poll after the wait was dropped"
    );
}

#[tokio::test(start_paused = true)]
async fn a_hanging_status_call_is_cancelled_with_the_wait() {
    let u = upid("vzsnapshot", 201);
    let script = Scripted::new(vec![expect("GET", status_path(&u), Answer::Hang)]);
    let host = script.host();
    let parsed = u.parse().unwrap();
    let waited = tokio::time::timeout(
        Duration::from_secs(1),
        host.wait_task(&parsed, WaitOptions::default()),
    )
    .await;
    assert!(waited.is_err());
    script.finish();
}

#[tokio::test(start_paused = true)]
async fn warnings_are_a_failure_for_run_but_not_for_wait_task() {
    let u = upid("vzdump", 201);
    let script = Scripted::new(vec![
        expect("POST", format!("/nodes/{NODE}/vzdump"), ok(json!(u))),
        expect("GET", status_path(&u), stopped(&u, "WARNINGS: 1")),
        expect(
            "GET",
            log_path(&u),
            log_lines(&["WARN: skipped volume mp0", "TASK WARNINGS: 1"]),
        ),
        expect("GET", status_path(&u), stopped(&u, "WARNINGS: 1")),
        expect(
            "GET",
            log_path(&u),
            log_lines(&["WARN: skipped volume mp0", "TASK WARNINGS: 1"]),
        ),
    ]);
    let host = script.host();
    let err = host
        .run(
            host.vzdump(201, "local", VzdumpMode::Snapshot),
            WaitOptions::default(),
        )
        .await
        .unwrap_err();
    let RunError::Task(TaskError::Failed(failure)) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(failure.exit_status, ExitStatus::Warnings(1));
    assert_eq!(failure.warnings.len(), 1);
    assert_eq!(
        script.sent()[0].body.as_deref(),
        Some("mode=snapshot&storage=local&vmid=201")
    );

    let outcome = host
        .wait_task(&u.parse().unwrap(), WaitOptions::default())
        .await
        .unwrap();
    assert!(outcome.has_warnings());
    script.finish();
}

#[tokio::test(start_paused = true)]
async fn a_vzdump_that_starts_no_task_is_reported_as_such() {
    let script = Scripted::new(vec![expect(
        "POST",
        format!("/nodes/{NODE}/vzdump"),
        ok(json!("OK")),
    )]);
    let host = script.host();
    assert_eq!(
        host.vzdump(202, "local", VzdumpMode::Stop).await.unwrap(),
        TaskStarted::Done(Some("OK".into()))
    );
    let script = Scripted::new(vec![expect(
        "POST",
        format!("/nodes/{NODE}/vzdump"),
        ok(json!("OK")),
    )]);
    let host = script.host();
    let err = host
        .run(
            host.vzdump(202, "local", VzdumpMode::Stop),
            WaitOptions::default(),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, RunError::NoTask { answer: Some(a) } if a == "OK"),
        "{err:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn set_config_is_one_synchronous_put_and_waits_for_nothing() {
    let script = Scripted::new(vec![expect(
        "PUT",
        format!("/nodes/{NODE}/lxc/201/config"),
        ok(json!(null)),
    )]);
    let host = script.host();
    host.set_config(201, |r| r.memory(1024).digest("9e1f"))
        .await
        .unwrap();
    assert_eq!(
        script.sent()[0].body.as_deref(),
        Some("digest=9e1f&memory=1024")
    );
    script.finish();
}

#[tokio::test(start_paused = true)]
async fn update_config_sends_only_what_changed_with_the_digest() {
    let script = Scripted::new(vec![
        expect(
            "GET",
            format!("/nodes/{NODE}/lxc/201/config"),
            ok(
                json!({"digest": "9e1f", "memory": "512", "cores": 2, "net0": "name=eth0,bridge=vmbr0,ip=dhcp", "onboot": 1}),
            ),
        ),
        expect(
            "PUT",
            format!("/nodes/{NODE}/lxc/201/config"),
            ok(json!(null)),
        ),
    ]);
    let host = script.host();
    host.update_config(201, |c| c.memory = Some(1024))
        .await
        .unwrap();
    assert_eq!(
        script.sent()[1].body.as_deref(),
        Some("digest=9e1f&memory=1024")
    );
    script.finish();
}

#[tokio::test(start_paused = true)]
async fn captured_list_shapes_decode_typed() {
    // Numbers as strings, 0/1 booleans, pressure values as strings, fields PVE added later.
    let script = Scripted::new(vec![
        expect(
            "GET",
            format!("/nodes/{NODE}/lxc"),
            ok(json!([
                {"vmid": "201", "name": "db", "status": "stopped", "type": "lxc", "maxmem": "536870912",
                 "mem": 0, "cpus": 1, "template": 0, "pressurecpusome": "0.00", "uptime": 0, "newfield": {"x": 1}},
                {"vmid": 9000, "name": "golden", "status": "stopped", "template": 1, "maxdisk": 8589934592_u64},
            ])),
        ),
        expect(
            "GET",
            format!("/nodes/{NODE}/lxc/201/status/current"),
            ok(
                json!({"vmid": 201, "status": "running", "lock": "snapshot", "ha": {"managed": 0}, "cpus": "2", "pid": 4242}),
            ),
        ),
        expect(
            "GET",
            format!("/nodes/{NODE}/storage"),
            ok(
                json!([{"storage": "local", "type": "dir", "content": "backup,vztmpl,iso", "active": 1, "enabled": "1",
                        "shared": 0, "total": 100, "used": 40, "avail": 60, "used_fraction": 0.4}]),
            ),
        ),
    ]);
    let host = script.host();
    let guests = host.list_lxc().await.unwrap();
    assert_eq!(guests[0].vmid, 201);
    assert_eq!(guests[0].maxmem, Some(536_870_912));
    assert_eq!(guests[1].template, Some(true));
    let status = host.guest_status(201).await.unwrap();
    assert_eq!(status.lock.as_deref(), Some("snapshot"));
    assert_eq!(status.status.as_str(), "running");
    let storage = host.node_storage().await.unwrap();
    assert_eq!(storage[0].active, Some(true));
    assert_eq!(storage[0].enabled, Some(true));
    assert_eq!(
        storage[0]
            .content
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
        ["backup", "vztmpl", "iso"]
    );
    script.finish();
}

#[tokio::test(start_paused = true)]
async fn a_vmid_outside_pves_range_is_refused_before_sending() {
    let script = Scripted::new(vec![]);
    let host = script.host();
    let err = host.snapshot(99, "x1").await.unwrap_err();
    assert!(matches!(err, Error::InvalidParameter(_)), "{err:?}");
    assert!(script.sent().is_empty());
}
