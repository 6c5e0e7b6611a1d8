//! The scripted node of the task tests, on `proxmox_sdk::testing`: one task on `pve2` (the
//! kit's client points at `pve1.test`, so every call must be routed by the UPID's node), and
//! the views of what reached it that the tests ask for.

use proxmox_sdk::testing::{CapturedRequest, ScriptedTask, ScriptedTransport};
use proxmox_sdk::{HttpMethod, Upid};

/// A UPID on node `pve2`, which the tests' client (pointed at `pve1`) must route to.
pub(crate) const UPID: &str =
    "UPID:pve2:0001E240:0D015579:68BF3A41:vzsnapshot:100:felhom-agent@pve!agent:";

/// [`UPID`], parsed.
pub(crate) fn upid() -> Upid {
    UPID.parse().expect("valid UPID")
}

/// The task: `running` for `polls` status reads, then stopped with `exit`.
pub(crate) fn task(polls: u64, exit: &str) -> ScriptedTask {
    ScriptedTask::new(upid()).running(polls).exit(exit)
}

/// The task, running until it is stopped.
pub(crate) fn endless() -> ScriptedTask {
    ScriptedTask::new(upid()).never_ends()
}

/// A node with `task` on it and nothing else: any other request is unexpected.
pub(crate) fn node(task: ScriptedTask) -> ScriptedTransport {
    ScriptedTransport::new().task(task)
}

/// The requests whose path ends with `suffix` (`/status`, `/log`), in order.
pub(crate) fn ending(node: &ScriptedTransport, suffix: &str) -> Vec<CapturedRequest> {
    node.requests()
        .into_iter()
        .filter(|r| r.path.ends_with(suffix))
        .collect()
}

/// The requests of `method`, in order.
pub(crate) fn with_method(node: &ScriptedTransport, method: HttpMethod) -> Vec<CapturedRequest> {
    node.requests()
        .into_iter()
        .filter(|r| r.method == method)
        .collect()
}
