//! Requests are encoded exactly as PVE expects: these tests pin the bytes of paths, query
//! strings and form bodies.

use proxmox_sdk::api::nodes::{
    DeleteNodesLxcSnapshotSnapname, GetNodesLxcConfigResponse, GetNodesTasks, GetNodesTasksStatus,
    PostNodesLxc, PostNodesQemuAgentExec, PostNodesVzdump, PutNodesLxcConfig,
};
use proxmox_sdk::api::types::{LxcFeatures, LxcNet, LxcRootfs, VzdumpCompress, VzdumpMode};
use proxmox_sdk::wire::{List, ParamError};
use proxmox_sdk::{Endpoint, HttpMethod, Upid};
use serde_json::json;

#[test]
fn lxc_restore_is_a_form_body_with_one_zero_booleans_and_indexed_keys() {
    let req = PostNodesLxc::new(
        "pve1",
        "local:backup/vzdump-lxc-100-2026_01_01-00_00_00.tar.zst",
        100,
    )
    .restore(true)
    .force(false)
    .unique(true)
    .storage("local-lvm")
    .net(
        0,
        LxcNet::new("eth0")
            .bridge("vmbr0")
            .ip("dhcp")
            .firewall(true),
    )
    .features(LxcFeatures::new().keyctl(true).nesting(true));
    let parts = req.to_parts().expect("renders");
    assert_eq!(parts.method, HttpMethod::Post);
    assert_eq!(parts.path, "/nodes/pve1/lxc");
    assert_eq!(parts.query(), None);
    assert_eq!(
        parts.form_body().as_deref(),
        Some(
            "features=keyctl%3D1%2Cnesting%3D1&force=0\
             &net0=bridge%3Dvmbr0%2Cfirewall%3D1%2Cip%3Ddhcp%2Cname%3Deth0\
             &ostemplate=local%3Abackup%2Fvzdump-lxc-100-2026_01_01-00_00_00.tar.zst\
             &restore=1&storage=local-lvm&unique=1&vmid=100"
        )
    );
}

#[test]
fn list_formats_are_joined_and_enums_spelled_as_pve_does() {
    let req = PostNodesVzdump::new("pve1")
        .vmid(List::from([100u32, 101]))
        .storage("local")
        .mode(VzdumpMode::Snapshot)
        .compress(VzdumpCompress::Zstd);
    let parts = req.to_parts().expect("renders");
    assert_eq!(
        parts.form_body().as_deref(),
        Some("compress=zstd&mode=snapshot&storage=local&vmid=100%2C101")
    );
}

#[test]
fn get_and_delete_parameters_go_into_the_query_string() {
    let parts = GetNodesTasks::new("pve1")
        .vmid(100)
        .limit(10)
        .errors(true)
        .to_parts()
        .expect("renders");
    assert_eq!(
        parts.path_and_query(),
        "/nodes/pve1/tasks?errors=1&limit=10&vmid=100"
    );
    assert_eq!(parts.form_body(), None);

    let parts = DeleteNodesLxcSnapshotSnapname::new("pve1", 100, "before upgrade")
        .force(true)
        .to_parts()
        .expect("renders");
    assert_eq!(parts.method, HttpMethod::Delete);
    assert_eq!(
        parts.path_and_query(),
        "/nodes/pve1/lxc/100/snapshot/before%20upgrade?force=1"
    );
}

#[test]
fn a_upid_in_the_path_is_one_encoded_segment() {
    let upid: Upid = "UPID:pve1:000934AF:0D015579:68BF3A41:vzdump:100:agent@pve!ci:"
        .parse()
        .expect("valid");
    let parts = GetNodesTasksStatus::new("pve1", upid)
        .to_parts()
        .expect("renders");
    assert_eq!(
        parts.path,
        "/nodes/pve1/tasks/UPID%3Apve1%3A000934AF%3A0D015579%3A68BF3A41%3Avzdump%3A100%3Aagent%40pve%21ci%3A/status"
    );
}

#[test]
fn array_parameters_repeat_their_key() {
    let req = PostNodesQemuAgentExec::new(
        "pve1",
        100,
        vec!["ls".to_string(), "-l".to_string(), "/tmp dir".to_string()],
    );
    let parts = req.to_parts().expect("renders");
    assert_eq!(
        parts.form_body().as_deref(),
        Some("command=ls&command=-l&command=%2Ftmp%20dir")
    );
}

#[test]
fn an_index_above_the_family_maximum_refuses_the_request_before_sending() {
    let req = PutNodesLxcConfig::new("pve1", 100).net(32, LxcNet::new("eth32"));
    assert_eq!(
        req.to_parts().unwrap_err(),
        ParamError::IndexOutOfRange {
            family: "net".into(),
            index: 32,
            max: 31
        }
    );
    assert!(
        PutNodesLxcConfig::new("pve1", 100)
            .net(31, LxcNet::new("eth31"))
            .to_parts()
            .is_ok()
    );
}

#[test]
fn config_update_with_delete_list_and_digest() {
    let req = PutNodesLxcConfig::new("pve1", 100)
        .delete(List::from(["net1", "mp0"]))
        .digest("0123abcd")
        .rootfs(LxcRootfs::new("local-lvm:vm-100-disk-0").size("16G"));
    assert_eq!(
        req.to_parts().expect("renders").form_body().as_deref(),
        Some("delete=net1%2Cmp0&digest=0123abcd&rootfs=local-lvm%3Avm-100-disk-0%2Csize%3D16G")
    );
}

/// The acceptance case: a config with `net0`, `net31`, `mp0`, `rootfs`, `features` and unknown
/// future keys decodes into typed values, and written back unchanged it is exactly the body PVE
/// expects — every property string byte for byte as received, unknown keys included.
#[test]
fn a_config_read_and_written_back_keeps_every_key_byte_for_byte() {
    let config: GetNodesLxcConfigResponse = proxmox_sdk::wire::de::from_value(json!({
        "digest": "4f1d9a", "hostname": "ct100", "memory": "2048", "swap": 512, "cores": 2, "arch": "amd64",
        "ostype": "debian", "onboot": "1", "unprivileged": 1, "tags": "prod;web",
        "net0": "name=eth0,bridge=vmbr0,firewall=1,hwaddr=BC:24:11:2A:3B:4C,ip=dhcp,type=veth",
        "net31": "name=eth31,bridge=vmbr1,hwaddr=BC:24:11:00:00:1F,ip=10.0.0.5/24,gw=10.0.0.1,tag=100,type=veth",
        "mp0": "local-lvm:vm-100-disk-1,mp=/srv/data,backup=1,size=8G",
        "rootfs": "local-lvm:vm-100-disk-0,size=8G",
        "features": "keyctl=1,nesting=1",
        "lxc": [["lxc.cgroup2.devices.allow", "c 10:200 rwm"]],
        "future-option": "x=1,y=2"
    }))
    .expect("decodes");
    let body = config
        .to_put("pve1", 100)
        .to_parts()
        .expect("renders")
        .form_body()
        .expect("PUT has a body");
    assert_eq!(
        body,
        "arch=amd64&cores=2&digest=4f1d9a&features=keyctl%3D1%2Cnesting%3D1&hostname=ct100&memory=2048\
         &mp0=local-lvm%3Avm-100-disk-1%2Cmp%3D%2Fsrv%2Fdata%2Cbackup%3D1%2Csize%3D8G\
         &net0=name%3Deth0%2Cbridge%3Dvmbr0%2Cfirewall%3D1%2Chwaddr%3DBC%3A24%3A11%3A2A%3A3B%3A4C%2Cip%3Ddhcp%2Ctype%3Dveth\
         &net31=name%3Deth31%2Cbridge%3Dvmbr1%2Chwaddr%3DBC%3A24%3A11%3A00%3A00%3A1F%2Cip%3D10.0.0.5%2F24%2Cgw%3D10.0.0.1%2Ctag%3D100%2Ctype%3Dveth\
         &onboot=1&ostype=debian&rootfs=local-lvm%3Avm-100-disk-0%2Csize%3D8G&swap=512&tags=prod%3Bweb\
         &unprivileged=1&future-option=x%3D1%2Cy%3D2"
    );

    // Change one thing: only that value differs; everything else is as received.
    let mut changed = config.clone();
    changed.net.get_mut(0).expect("net0").firewall = Some(false);
    let body = changed
        .to_put("pve1", 100)
        .to_parts()
        .expect("renders")
        .form_body()
        .expect("body");
    assert!(
        body.contains("&net0=name%3Deth0%2Cbridge%3Dvmbr0%2Cfirewall%3D0%2Chwaddr"),
        "{body}"
    );
    assert!(
        body.contains(
            "&mp0=local-lvm%3Avm-100-disk-1%2Cmp%3D%2Fsrv%2Fdata%2Cbackup%3D1%2Csize%3D8G&"
        ),
        "{body}"
    );
}

#[test]
fn endpoint_facts_are_available_without_io() {
    let info = <PutNodesLxcConfig as Endpoint>::INFO;
    assert_eq!(
        (info.method, info.path),
        (HttpMethod::Put, "/nodes/{node}/lxc/{vmid}/config")
    );
    assert_eq!(info.proxy_to, Some("node"));
    let needs = info
        .permission
        .resolve(&|p| (p == "vmid").then(|| "100".to_string()));
    assert!(needs.contains("on `/vms/100`"), "{needs}");
    assert!(needs.contains("VM.Config.Disk"), "{needs}");
}

#[test]
fn credentials_never_show_in_debug_output() {
    let login = proxmox_sdk::api::access::PostAccessTicket::new("hunter2-password", "root@pam")
        .otp("123456");
    let text = format!("{login:?}");
    assert!(
        !text.contains("hunter2") && !text.contains("123456"),
        "{text}"
    );
    assert!(text.contains("root@pam"), "{text}");
    let answer: proxmox_sdk::api::access::PostAccessTicketResponse = proxmox_sdk::wire::de::from_value(json!({
        "username": "root@pam", "ticket": "PVE:root@pam:68D7279C::c2lnbmF0dXJl", "CSRFPreventionToken": "68D7279C:dG9rZW4"
    }))
    .expect("decodes");
    let text = format!("{answer:?}");
    assert!(
        !text.contains("c2lnbmF0dXJl") && !text.contains("dG9rZW4"),
        "{text}"
    );
}

#[test]
fn changes_send_only_what_differs_with_delete_and_digest() {
    let read: GetNodesLxcConfigResponse = proxmox_sdk::wire::de::from_value(json!({
        "digest": "9e1f", "memory": 512, "swap": 0, "tags": "a;b",
        "net0": "name=eth0,bridge=vmbr0,firewall=1", "mp0": "local:vm-100-disk-1,mp=/srv"
    }))
    .expect("decodes");
    let before = read.to_put("pve1", 100);

    let untouched = proxmox_sdk::wire::changes(&before, read.to_put("pve1", 100));
    assert_eq!(
        untouched
            .to_parts()
            .expect("renders")
            .form_body()
            .as_deref(),
        Some("digest=9e1f")
    );

    let mut wanted = read.clone();
    wanted.net.get_mut(0).expect("net0").firewall = Some(false);
    wanted.mp.remove(0);
    let update = proxmox_sdk::wire::changes(
        &before,
        wanted.to_put("pve1", 100).delete(List::from(["swap"])),
    );
    assert_eq!(
        update.to_parts().expect("renders").form_body().as_deref(),
        Some("digest=9e1f&net0=name%3Deth0%2Cbridge%3Dvmbr0%2Cfirewall%3D0&delete=swap%2Cmp0")
    );
}
