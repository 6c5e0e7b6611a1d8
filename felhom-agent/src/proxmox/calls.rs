//! Every PVE endpoint the host API layer calls, as data: the schema's permission check and
//! the checks the handler makes in code (where the schema only says "any user").
//!
//! The tests hold this table against the agent's role: a privilege one of these calls needs
//! that the role lacks fails the build's tests, not a production host.

use proxmox_sdk::api::access::GetAccessPermissions;
use proxmox_sdk::api::nodes::{
    DeleteNodesLxcSnapshotSnapname, GetNodes, GetNodesLxc, GetNodesLxcConfig,
    GetNodesLxcSnapshot, GetNodesLxcStatusCurrent, GetNodesQemu, GetNodesStatus,
    GetNodesStorage, GetNodesStorageContent, GetNodesTasksLog, GetNodesTasksStatus,
    PostNodesLxc, PostNodesLxcSnapshot, PostNodesLxcSnapshotRollback, PostNodesLxcStatusStart,
    PostNodesLxcStatusStop, PostNodesVzdump, PutNodesLxcConfig,
};
use proxmox_sdk::api::storage::GetStorage;
use proxmox_sdk::api::version::GetVersion;
use proxmox_sdk::{Endpoint, EndpointInfo, Privilege};

/// One endpoint the host layer calls.
#[derive(Debug)]
pub struct ApiCall {
    /// The [`Host`](super::Host) method that calls it.
    pub method: &'static str,
    /// The generated endpoint's facts: path, HTTP method, the schema's permission check.
    pub info: &'static EndpointInfo,
    /// Privileges the handler checks in code beyond the schema's check (PVE's sources,
    /// `shared/pve-facts.md` §7–8): creation, backup and bridges, and the list calls that
    /// filter by privilege (without it they answer an empty list).
    pub handler_checks: &'static [Privilege],
}

/// The endpoints of [`Host`](super::Host), in the order of its docs.
pub const API_CALLS: &[ApiCall] = &[
    call("version", GetVersion::INFO, &[]),
    call("nodes", GetNodes::INFO, &[]),
    call("node_status", GetNodesStatus::INFO, &[]),
    call("list_lxc", GetNodesLxc::INFO, &[Privilege::VmAudit]),
    call("list_qemu", GetNodesQemu::INFO, &[Privilege::VmAudit]),
    call("guest_status", GetNodesLxcStatusCurrent::INFO, &[]),
    call("guest_config", GetNodesLxcConfig::INFO, &[]),
    call("list_snapshots", GetNodesLxcSnapshot::INFO, &[]),
    call("list_storage", GetStorage::INFO, &[Privilege::DatastoreAudit]),
    call("node_storage", GetNodesStorage::INFO, &[Privilege::DatastoreAudit]),
    call("storage_content", GetNodesStorageContent::INFO, &[]),
    call("permissions", GetAccessPermissions::INFO, &[]),
    call(
        "restore_lxc",
        PostNodesLxc::INFO,
        &[Privilege::VmAllocate, Privilege::DatastoreAllocateSpace, Privilege::SdnUse],
    ),
    call(
        "vzdump",
        PostNodesVzdump::INFO,
        &[Privilege::VmBackup, Privilege::DatastoreAllocateSpace],
    ),
    call("snapshot", PostNodesLxcSnapshot::INFO, &[]),
    call("rollback", PostNodesLxcSnapshotRollback::INFO, &[]),
    call("delete_snapshot", DeleteNodesLxcSnapshotSnapname::INFO, &[]),
    call("start", PostNodesLxcStatusStart::INFO, &[]),
    call("stop", PostNodesLxcStatusStop::INFO, &[]),
    call("set_config", PutNodesLxcConfig::INFO, &[Privilege::SdnUse]),
    call("task_status_once", GetNodesTasksStatus::INFO, &[]),
    call("task_log_tail", GetNodesTasksLog::INFO, &[]),
];

const fn call(
    method: &'static str,
    info: &'static EndpointInfo,
    handler_checks: &'static [Privilege],
) -> ApiCall {
    ApiCall {
        method,
        info,
        handler_checks,
    }
}
