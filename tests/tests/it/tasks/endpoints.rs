//! Every call of the original Go agent that returns a UPID returns one typed here, so its
//! result goes straight into `wait_task`: restore (LXC create with `restore`), vzdump,
//! snapshot, rollback, delete snapshot, QEMU config POST, start and stop.

use proxmox_sdk::api::nodes::{
    DeleteNodesLxcSnapshotSnapname, PostNodesLxc, PostNodesLxcSnapshot,
    PostNodesLxcSnapshotRollback, PostNodesLxcStatusStart, PostNodesLxcStatusStop,
    PostNodesQemuConfig, PostNodesQemuStatusStart, PostNodesQemuStatusStop, PostNodesVzdump,
};
use proxmox_sdk::wire::de::from_value;
use proxmox_sdk::{Endpoint, HttpMethod, TaskReturn, TaskStarted, Upid};
use serde_json::json;

const UPID: &str = "UPID:pve1:0001E240:0D015579:68BF3A41:vzrestore:100:felhom-agent@pve!agent:";

/// Compiles only for endpoints whose response is a `Upid`.
fn always_upid<E: Endpoint<Response = Upid>>(request: &E) -> (HttpMethod, String, TaskReturn) {
    let parts = request.to_parts().expect("renders");
    (parts.method, parts.path, E::INFO.task)
}

/// Compiles only for endpoints that answer a UPID or, in documented cases, something else.
fn maybe_upid<E: Endpoint<Response = TaskStarted>>(
    request: &E,
) -> (HttpMethod, String, TaskReturn) {
    let parts = request.to_parts().expect("renders");
    (parts.method, parts.path, E::INFO.task)
}

#[test]
fn the_agents_task_calls_return_typed_upids() {
    let restore = PostNodesLxc::new(
        "pve1",
        "local:backup/vzdump-lxc-100-2026_01_01-00_00_00.tar.zst",
        100,
    )
    .restore(true);
    let upid_calls = [
        ("restore", always_upid(&restore)),
        (
            "snapshot",
            always_upid(&PostNodesLxcSnapshot::new("pve1", 100, "s1")),
        ),
        (
            "rollback",
            always_upid(&PostNodesLxcSnapshotRollback::new("pve1", 100, "s1")),
        ),
        (
            "delete snapshot",
            always_upid(&DeleteNodesLxcSnapshotSnapname::new("pve1", 100, "s1")),
        ),
        (
            "ct start",
            always_upid(&PostNodesLxcStatusStart::new("pve1", 100)),
        ),
        (
            "ct stop",
            always_upid(&PostNodesLxcStatusStop::new("pve1", 100)),
        ),
        (
            "vm start",
            always_upid(&PostNodesQemuStatusStart::new("pve1", 101)),
        ),
        (
            "vm stop",
            always_upid(&PostNodesQemuStatusStop::new("pve1", 101)),
        ),
    ];
    let expected_paths = [
        (HttpMethod::Post, "/nodes/pve1/lxc"),
        (HttpMethod::Post, "/nodes/pve1/lxc/100/snapshot"),
        (HttpMethod::Post, "/nodes/pve1/lxc/100/snapshot/s1/rollback"),
        (HttpMethod::Delete, "/nodes/pve1/lxc/100/snapshot/s1"),
        (HttpMethod::Post, "/nodes/pve1/lxc/100/status/start"),
        (HttpMethod::Post, "/nodes/pve1/lxc/100/status/stop"),
        (HttpMethod::Post, "/nodes/pve1/qemu/101/status/start"),
        (HttpMethod::Post, "/nodes/pve1/qemu/101/status/stop"),
    ];
    for ((name, (method, path, task)), (want_method, want_path)) in
        upid_calls.iter().zip(expected_paths)
    {
        assert_eq!((*method, path.as_str()), (want_method, want_path), "{name}");
        assert_eq!(*task, TaskReturn::Upid, "{name}");
    }

    let started_calls = [
        (
            "vzdump",
            maybe_upid(&PostNodesVzdump::new("pve1").vmid([100])),
        ),
        (
            "qemu config POST",
            maybe_upid(&PostNodesQemuConfig::new("pve1", 101)),
        ),
    ];
    for (name, (method, _, task)) in &started_calls {
        assert_eq!(*method, HttpMethod::Post, "{name}");
        assert_eq!(*task, TaskReturn::UpidOrOther, "{name}");
    }
}

#[test]
fn restore_sends_restore_1() {
    let restore = PostNodesLxc::new("pve1", "local:backup/ct.tar.zst", 100).restore(true);
    let parts = restore.to_parts().unwrap();
    assert!(
        parts
            .params
            .contains(&("restore".to_owned(), "1".to_owned())),
        "{:?}",
        parts.params
    );
}

#[test]
fn upid_answers_decode_into_something_wait_task_takes() {
    let upid: Upid = from_value(json!(UPID)).unwrap();
    assert_eq!(upid.worker_type(), "vzrestore");
    let started: TaskStarted = from_value(json!(UPID)).unwrap();
    assert_eq!(started.upid(), Some(&upid));
    // vzdump with nothing to do on this node, QEMU config finished within background_delay.
    let nothing: TaskStarted = from_value(json!("OK")).unwrap();
    assert_eq!(nothing, TaskStarted::Done(Some("OK".into())));
    let finished: TaskStarted = from_value(json!(null)).unwrap();
    assert_eq!(finished.upid(), None);
}
