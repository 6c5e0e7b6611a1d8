//! `request.required_permissions()`: an endpoint's requirement with its ACL paths filled in
//! from the request's own fields, alternatives kept as such, and the handler-level checks of
//! `schema/handler-permissions.json` folded in.

use proxmox_sdk::api::access::{GetAccessPermissions, PutAccessAcl};
use proxmox_sdk::api::cluster::PostClusterBulkActionGuestStart;
use proxmox_sdk::api::nodes::{
    DeleteNodesQemuVmid, GetNodesQemuConfig, PostNodesLxc, PostNodesLxcMigrate, PostNodesQemu,
    PostNodesQemuClone, PostNodesQemuMigrate, PostNodesQemuStatusStart, PostNodesStartall,
    PostNodesVzdump, PutNodesLxcConfig,
};
use proxmox_sdk::api::pools::PutPools;
use proxmox_sdk::{Endpoint, Permission, Privilege, Required};

fn on(path: &str, privilege: Privilege) -> Required {
    Required::Privilege {
        path: path.into(),
        privilege,
    }
}

#[test]
fn a_guest_call_resolves_vmid_into_its_acl_path() {
    let start = PostNodesQemuStatusStart::new("pve1", 100);
    assert_eq!(
        start.required_permissions(),
        on("/vms/100", Privilege::VmPowerMgmt)
    );
    assert_eq!(
        start.required_permissions().pairs(),
        vec![("/vms/100".to_string(), Privilege::VmPowerMgmt)]
    );
    assert_eq!(
        GetNodesQemuConfig::new("pve1", 4242).required_permissions(),
        on("/vms/4242", Privilege::VmAudit)
    );
}

#[test]
fn creating_a_vm_needs_allocate_on_the_vm_or_its_pool_and_the_options_privileges() {
    let plain = PostNodesQemu::new("pve1", 100).balloon(1024);
    assert_eq!(
        plain.required_permissions(),
        Required::All(vec![
            // No pool given: the pool alternative cannot pass, so it is left out.
            on("/vms/100", Privilege::VmAllocate),
            on("/vms/100", Privilege::VmConfigMemory),
        ])
    );
    let pooled = PostNodesQemu::new("pve1", 100)
        .pool("lab")
        .storage("local-lvm")
        .cores(2);
    assert_eq!(
        pooled.required_permissions(),
        Required::All(vec![
            Required::Any(vec![
                on("/vms/100", Privilege::VmAllocate),
                on("/pool/lab", Privilege::VmAllocate),
            ]),
            on("/storage/local-lvm", Privilege::DatastoreAllocateSpace),
            on("/vms/100", Privilege::VmConfigCpu),
        ])
    );
    assert!(matches!(
        PostNodesQemu::INFO.permission,
        Permission::InHandler { source, .. } if source.contains("Qemu.pm") && source.contains("create_vm")
    ));
}

#[test]
fn the_container_create_is_no_longer_open_to_any_user() {
    let create = PostNodesLxc::new("pve1", "local:vztmpl/debian-12.tar.zst", 200);
    assert_eq!(
        create.required_permissions(),
        on("/vms/200", Privilege::VmAllocate)
    );
    assert_ne!(*PostNodesLxc::INFO.permission, Permission::AnyUser);
    let text = PostNodesLxc::INFO.permission.to_string();
    assert!(text.starts_with("((`VM.Allocate` on `/vms/{vmid}`) or (`VM.Allocate` on `/pool/{pool}` (when `pool` is given)))"), "{text}");
    assert!(
        text.contains("pve-container src/PVE/API2/LXC.pm, create_vm"),
        "{text}"
    );
}

#[test]
fn schema_and_handler_checks_are_both_required() {
    let clone = PostNodesQemuClone::new("pve1", 100, 101).storage("ceph");
    assert_eq!(
        clone.required_permissions(),
        Required::All(vec![
            on("/vms/100", Privilege::VmClone),
            on("/vms/101", Privilege::VmAllocate),
            on("/storage/ceph", Privilege::DatastoreAllocateSpace),
        ])
    );
    let update = PutNodesLxcConfig::new("pve1", 100)
        .memory(512)
        .hostname("web");
    let Required::All(parts) = update.required_permissions() else {
        panic!("an and of the schema's check and the handler's");
    };
    assert_eq!(
        parts[0],
        Required::Any(vec![
            on("/vms/100", Privilege::VmConfigDisk),
            on("/vms/100", Privilege::VmConfigCpu),
            on("/vms/100", Privilege::VmConfigMemory),
            on("/vms/100", Privilege::VmConfigNetwork),
            on("/vms/100", Privilege::VmConfigOptions),
        ])
    );
    assert_eq!(
        parts[1..],
        [
            on("/vms/100", Privilege::VmConfigOptions),
            on("/vms/100", Privilege::VmConfigMemory),
        ]
    );
}

#[test]
fn a_list_of_guests_needs_the_privilege_on_each_and_a_left_out_storage_stays_a_placeholder() {
    let backup = PostNodesVzdump::new("pve1").vmid([100, 101]);
    assert_eq!(
        backup.required_permissions(),
        Required::All(vec![
            on("/vms/100", Privilege::VmBackup),
            on("/vms/101", Privilege::VmBackup),
            on("/storage/{storage}", Privilege::DatastoreAllocateSpace),
        ])
    );
    let start = PostNodesStartall::new("pve1").vms([100, 102]);
    assert_eq!(
        start.required_permissions(),
        Required::Any(vec![
            on("/", Privilege::VmPowerMgmt),
            Required::All(vec![
                on("/vms/100", Privilege::VmPowerMgmt),
                on("/vms/102", Privilege::VmPowerMgmt),
            ]),
        ])
    );
    let bulk = PostClusterBulkActionGuestStart::new();
    assert_eq!(bulk.required_permissions(), on("/", Privilege::VmPowerMgmt));
}

#[test]
fn checks_on_users_and_acls_keep_their_wording_with_paths_filled_in() {
    let acl = PutAccessAcl::new("/vms/100", ["PVEVMUser"]);
    assert_eq!(
        acl.required_permissions(),
        Required::Other("permission to modify ACLs on `/vms/100`".into())
    );
    assert_eq!(
        PutPools::new("lab").required_permissions(),
        on("/pool/lab", Privilege::PoolAllocate)
    );
}

#[test]
fn a_migration_with_a_storage_map_needs_space_on_each_target_storage() {
    let plain = PostNodesQemuMigrate::new("pve1", 100, "pve2");
    assert_eq!(
        plain.required_permissions(),
        on("/vms/100", Privilege::VmMigrate)
    );
    let needs = |map: &str| {
        PostNodesQemuMigrate::new("pve1", 100, "pve2")
            .targetstorage(map.split(",").collect::<Vec<_>>().as_slice())
            .required_permissions()
    };
    let with = |storages: &[&str]| {
        let mut all = vec![
            on("/vms/100", Privilege::VmMigrate),
            on("/vms/100", Privilege::VmConfigDisk),
        ];
        all.extend(
            storages
                .iter()
                .map(|s| on(&format!("/storage/{s}"), Privilege::DatastoreAllocateSpace)),
        );
        Required::All(all)
    };
    // One storage for every disk, a single pair, and two pairs: only the targets count.
    assert_eq!(needs("local"), with(&["local"]));
    assert_eq!(needs("local:ceph"), with(&["ceph"]));
    assert_eq!(needs("local:ceph,local-lvm:nfs"), with(&["ceph", "nfs"]));
    // The identity map names no storage.
    assert_eq!(needs("1"), with(&[]));
    let ct = PostNodesLxcMigrate::new("pve1", 200, "pve2").target_storage(["local-lvm:zfs"]);
    assert_eq!(
        ct.required_permissions().pairs(),
        vec![
            ("/vms/200".to_string(), Privilege::VmMigrate),
            ("/vms/200".to_string(), Privilege::VmConfigDisk),
            (
                "/storage/zfs".to_string(),
                Privilege::DatastoreAllocateSpace
            ),
        ]
    );
    let Permission::InHandler { source, .. } = PostNodesQemuMigrate::INFO.permission else {
        panic!("the migration carries its handler's check");
    };
    assert_eq!(*source, "qemu-server src/PVE/API2/Qemu.pm, migrate_vm");
}

#[test]
fn destroying_a_guest_needs_only_the_schema_check_and_other_users_permissions_need_audit() {
    let destroy = DeleteNodesQemuVmid::new("pve1", 100).purge(true);
    assert_eq!(
        destroy.required_permissions(),
        on("/vms/100", Privilege::VmAllocate)
    );
    assert!(matches!(
        DeleteNodesQemuVmid::INFO.permission,
        Permission::Check(_)
    ));
    assert_eq!(
        GetAccessPermissions::new().required_permissions(),
        Required::All(Vec::new())
    );
    assert_eq!(
        GetAccessPermissions::new()
            .userid("alice@pve")
            .required_permissions(),
        on("/access", Privilege::SysAudit)
    );
}
