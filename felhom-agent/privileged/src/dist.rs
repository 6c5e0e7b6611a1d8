//! The process model as files (`felhom-agent/dist/`), compiled in so the agent can print
//! them (`felhom-agent print systemd-unit|sudoers|pveum-role`) and tests can hold them
//! against the code.

/// `dist/felhom-agent.service`: the systemd unit.
pub const SYSTEMD_UNIT: &str = include_str!("../../dist/felhom-agent.service");

/// `dist/sudoers`: the allowlist for `/etc/sudoers.d/felhom-agent` (sudo ≥ 1.9.10).
pub const SUDOERS: &str = include_str!("../../dist/sudoers");

/// `dist/pveum-role.sh`: the `pveum` commands creating the role, user, token and ACLs.
pub const PVEUM_ROLE: &str = include_str!("../../dist/pveum-role.sh");

/// The 16 privileges of the `FelhomAgent` role, as [`PVEUM_ROLE`] grants them.
pub const ROLE_PRIVILEGES: &[&str] = &[
    "VM.Allocate",
    "VM.Audit",
    "VM.Config.Disk",
    "VM.Config.CPU",
    "VM.Config.Memory",
    "VM.Config.Network",
    "VM.Config.Options",
    "VM.PowerMgmt",
    "VM.Snapshot",
    "VM.Snapshot.Rollback",
    "VM.Backup",
    "Datastore.Allocate",
    "Datastore.AllocateSpace",
    "Datastore.Audit",
    "Sys.Audit",
    "SDN.Use",
];
