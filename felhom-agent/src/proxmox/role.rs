//! The `FelhomAgent` role: the 16 privileges the agent's token holds, and where each is used.

use proxmox_sdk::Privilege;

/// The privileges of the agent's role (`pveum role add FelhomAgent -privs …`), in the order of
/// the provisioning commands. `VM.Config.CPUMemory` is not a PVE privilege (CPU and memory are
/// separate); `SDN.Use` is needed whenever a guest NIC names a bridge.
pub const AGENT_ROLE: [Privilege; 16] = [
    Privilege::VmAllocate,
    Privilege::VmAudit,
    Privilege::VmConfigDisk,
    Privilege::VmConfigCpu,
    Privilege::VmConfigMemory,
    Privilege::VmConfigNetwork,
    Privilege::VmConfigOptions,
    Privilege::VmPowerMgmt,
    Privilege::VmSnapshot,
    Privilege::VmSnapshotRollback,
    Privilege::VmBackup,
    Privilege::DatastoreAllocate,
    Privilege::DatastoreAllocateSpace,
    Privilege::DatastoreAudit,
    Privilege::SysAudit,
    Privilege::SdnUse,
];

/// One privilege of the role and the ACL path the selftest checks it on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleCheck {
    /// The privilege.
    pub privilege: Privilege,
    /// Where the agent needs it: every guest (`/vms`), every storage (`/storage`), this node,
    /// or the SDN zones its bridges live in (`/sdn/zones`).
    pub path: String,
}

/// The ACL path `privilege` is needed on for an agent managing `node`.
pub fn role_check_path(privilege: &Privilege, node: &str) -> String {
    let name = privilege.as_str();
    if name.starts_with("VM.") {
        "/vms".to_owned()
    } else if name.starts_with("Datastore.") {
        "/storage".to_owned()
    } else if name.starts_with("SDN.") {
        "/sdn/zones".to_owned()
    } else if name.starts_with("Sys.") {
        format!("/nodes/{node}")
    } else {
        "/".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_role_has_sixteen_distinct_known_privileges() {
        let mut names: Vec<&str> = AGENT_ROLE.iter().map(|p| p.as_str()).collect();
        assert!(
            AGENT_ROLE
                .iter()
                .all(|p| !matches!(p, Privilege::UnknownValue(_)))
        );
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 16);
        assert!(names.contains(&"SDN.Use"));
        assert!(
            "VM.Config.CPUMemory"
                .parse::<Privilege>()
                .is_ok_and(|p| matches!(p, Privilege::UnknownValue(_)))
        );
    }

    #[test]
    fn the_shipped_pveum_role_grants_exactly_this_role() {
        let names: Vec<&str> = AGENT_ROLE.iter().map(|p| p.as_str()).collect();
        assert_eq!(names, felhom_privileged::dist::ROLE_PRIVILEGES);
        let role_line = felhom_privileged::dist::PVEUM_ROLE
            .lines()
            .find(|l| l.starts_with("pveum role add FelhomAgent"))
            .expect("the role command");
        let privs = role_line.split('"').nth(1).expect("-privs \"…\"");
        let granted: Vec<&str> = privs.split_whitespace().collect();
        assert_eq!(granted, names, "the role command grants exactly AGENT_ROLE");
    }

    #[test]
    fn each_privilege_is_checked_where_the_agent_uses_it() {
        assert_eq!(role_check_path(&Privilege::VmSnapshot, "pve1"), "/vms");
        assert_eq!(
            role_check_path(&Privilege::DatastoreAudit, "pve1"),
            "/storage"
        );
        assert_eq!(role_check_path(&Privilege::SysAudit, "pve1"), "/nodes/pve1");
        assert_eq!(role_check_path(&Privilege::SdnUse, "pve1"), "/sdn/zones");
    }
}
