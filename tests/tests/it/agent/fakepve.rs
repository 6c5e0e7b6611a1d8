//! `Client::agent` against fakepve's `agent` scenario: VM 100 has a running agent with
//! canned exec answers and interfaces, VM 101 is stopped, VM 102's agent never answers.

use std::net::IpAddr;
use std::time::Duration;

use proxmox_sdk::agent::{AgentError, IpFilter};
use sdk_tests::fakepve_or_skip;

use crate::console::fakepve::root_client;

#[tokio::test]
async fn a_running_agent_answers_exec_files_inventory_and_its_ip() {
    let pve = fakepve_or_skip!("agent");
    let vm = root_client(&pve).agent(&pve.node, 100);
    vm.wait_agent(Duration::from_secs(10))
        .await
        .expect("agent up");

    let out = vm.exec(&["uname", "-r"], None).await.expect("exec");
    assert_eq!(
        (out.exit_code, out.stdout.as_slice()),
        (Some(0), &b"6.12.0\n"[..])
    );
    let failed = vm.exec(&["false"], None).await.expect("exec");
    assert_eq!(
        (failed.exit_code, failed.stderr.as_slice()),
        (Some(1), &b"failed\n"[..])
    );

    assert_eq!(
        vm.file_read("/etc/hostname").await.expect("read"),
        b"vm-app\n"
    );
    vm.file_write("/tmp/note", b"hello").await.expect("write");

    let os = vm.os_info().await.expect("osinfo");
    assert_eq!(os.id.as_deref(), Some("debian"));
    let fs = vm.fs_info().await.expect("fsinfo");
    assert_eq!(fs[0].mountpoint, "/");
    assert_eq!(fs[0].disk[0].bus_type, "scsi");

    let v4 = vm
        .wait_ip(IpFilter::V4, Duration::from_secs(10))
        .await
        .expect("v4");
    assert_eq!(v4, "192.0.2.100".parse::<IpAddr>().unwrap());
    let v6 = vm
        .wait_ip(IpFilter::V6, Duration::from_secs(10))
        .await
        .expect("v6");
    assert_eq!(v6, "2001:db8::64".parse::<IpAddr>().unwrap());
}

#[tokio::test]
async fn a_stopped_vm_and_a_hanging_agent_are_told_apart() {
    let pve = fakepve_or_skip!("agent");
    let client = root_client(&pve);
    let err = client
        .agent(&pve.node, 101)
        .wait_agent(Duration::from_secs(2))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, AgentError::TimedOut { last: Some(last), .. } if matches!(**last, AgentError::NotRunning(_))),
        "{err:?}"
    );
    let err = client
        .agent("pve2", 102)
        .exec(&["true"], None)
        .await
        .unwrap_err();
    assert!(matches!(err, AgentError::NoAnswer(_)), "{err:?}");
}
