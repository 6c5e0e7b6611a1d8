//! Every PVE endpoint the host API layer calls, as data: the schema's permission check and
//! the checks the handler makes in code (where the schema only says "any user").
//!
//! The tests hold this table against the agent's role: a privilege one of these calls needs
//! that the role lacks fails the build's tests, not a production host.

use proxmox_sdk::api::access::GetAccessPermissions;
use proxmox_sdk::api::nodes::{
    DeleteNodesLxcSnapshotSnapname, GetNodes, GetNodesLxc, GetNodesLxcConfig, GetNodesLxcSnapshot,
    GetNodesLxcStatusCurrent, GetNodesQemu, GetNodesStatus, GetNodesStorage,
    GetNodesStorageContent, GetNodesTasksLog, GetNodesTasksStatus, PostNodesLxc,
    PostNodesLxcSnapshot, PostNodesLxcSnapshotRollback, PostNodesLxcStatusStart,
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
    call(
        "list_storage",
        GetStorage::INFO,
        &[Privilege::DatastoreAudit],
    ),
    call(
        "node_storage",
        GetNodesStorage::INFO,
        &[Privilege::DatastoreAudit],
    ),
    call("storage_content", GetNodesStorageContent::INFO, &[]),
    call("permissions", GetAccessPermissions::INFO, &[]),
    call(
        "restore_lxc",
        PostNodesLxc::INFO,
        &[
            Privilege::VmAllocate,
            Privilege::DatastoreAllocateSpace,
            Privilege::SdnUse,
        ],
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

#[cfg(test)]
mod tests {
    use proxmox_sdk::{Check, Permission};

    use super::*;
    use crate::proxmox::AGENT_ROLE;

    /// Whether a role holding `role` everywhere passes `check`.
    fn passes(check: &Check, role: &[Privilege]) -> bool {
        match check {
            Check::Perm { any: true, .. } => check.privileges().iter().any(|p| role.contains(p)),
            Check::Perm { any: false, .. } => check.privileges().iter().all(|p| role.contains(p)),
            Check::And(all) => all.iter().all(|c| passes(c, role)),
            Check::Or(any) => any.iter().any(|c| passes(c, role)),
            Check::When { check, .. } => passes(check, role),
            // Checks on users, groups and ACL changes: the agent calls none.
            _ => false,
        }
    }

    #[test]
    fn the_role_covers_every_endpoint_the_host_layer_calls() {
        let mut gaps = Vec::new();
        for call in API_CALLS {
            let info = call.info;
            match info.permission {
                Permission::Check(check) | Permission::InHandler { check, .. }
                    if !passes(check, &AGENT_ROLE) =>
                {
                    gaps.push(format!(
                        "{} ({} {}): {}",
                        call.method, info.method, info.path, info.permission
                    ));
                }
                Permission::RootOnly => gaps.push(format!("{}: root@pam only", call.method)),
                _ => {}
            }
            for p in call.handler_checks {
                if !AGENT_ROLE.contains(p) {
                    gaps.push(format!(
                        "{}: the handler checks {}",
                        call.method,
                        p.as_str()
                    ));
                }
            }
            assert!(
                info.allow_token,
                "{} does not allow API tokens",
                call.method
            );
        }
        assert!(
            gaps.is_empty(),
            "the FelhomAgent role lacks privileges the API layer needs:\n{}",
            gaps.join("\n")
        );
    }

    #[test]
    fn a_role_without_a_needed_privilege_fails_the_check() {
        let without: Vec<Privilege> = AGENT_ROLE
            .iter()
            .filter(|p| **p != Privilege::VmSnapshot)
            .cloned()
            .collect();
        let snapshot = API_CALLS.iter().find(|c| c.method == "snapshot").unwrap();
        let Permission::Check(check) = snapshot.info.permission else {
            panic!()
        };
        assert!(!passes(check, &without));
        let rollback = API_CALLS.iter().find(|c| c.method == "rollback").unwrap();
        let Permission::Check(check) = rollback.info.permission else {
            panic!()
        };
        assert!(
            passes(check, &without),
            "rollback takes VM.Snapshot or VM.Snapshot.Rollback"
        );
    }

    #[test]
    fn the_table_names_each_host_method_once() {
        let mut names: Vec<&str> = API_CALLS.iter().map(|c| c.method).collect();
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(before, names.len());
    }
}
