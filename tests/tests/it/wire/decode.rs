//! Decoding realistic PVE responses for the calls the agent makes. The payloads are written from
//! the wire facts (pve-facts.md §6): integers that arrive as strings, 0/1 and "1" booleans,
//! `null` for empty arrays, and fields no schema declares — which must be kept, not dropped.

use proxmox_sdk::api::nodes::{
    GetNodesLxcConfigResponse, GetNodesLxcItem, GetNodesLxcStatusCurrentResponse,
    GetNodesStatusResponse, GetNodesStorageContentItem, GetNodesTasksLogItem,
    GetNodesTasksStatusResponse,
};
use proxmox_sdk::api::types::{LxcArch, LxcOstype, LxcStatus, TasksStatusStatus};
use proxmox_sdk::wire::FromWire;
use serde_json::json;

fn decode<T: FromWire>(value: serde_json::Value) -> T {
    proxmox_sdk::wire::de::from_value(value).expect("decodes")
}

#[test]
fn lxc_list_with_strings_for_numbers_and_unknown_fields() {
    let items: Vec<GetNodesLxcItem> = decode(json!([
        {"vmid": 100, "status": "running", "name": "ct100", "type": "lxc", "cpus": 2,
         "maxmem": 2147483648u64, "mem": "52854784", "maxdisk": 8589934592u64, "disk": "1234567",
         "uptime": "3600", "netin": 1234, "netout": 5678, "cpu": 0.0123, "pid": "12345",
         "tags": "web;prod", "template": 0, "lock": ""},
        {"vmid": "101", "status": "stopped", "name": "ct101", "type": "lxc", "template": "1",
         "maxmem": "536870912", "future_field": {"x": 1}}
    ]));
    assert_eq!(items.len(), 2);
    let a = &items[0];
    assert_eq!((a.vmid, &a.status), (100, &LxcStatus::Running));
    assert_eq!(a.mem, Some(52_854_784));
    assert_eq!(a.disk, Some(1_234_567));
    assert_eq!(a.uptime, Some(3600));
    assert_eq!(a.template, Some(false));
    assert_eq!(
        a.extra.get("pid"),
        Some(&json!("12345")),
        "unknown fields are kept"
    );
    let b = &items[1];
    assert_eq!(
        (b.vmid, &b.status, b.template),
        (101, &LxcStatus::Stopped, Some(true))
    );
    assert_eq!(b.maxmem, Some(536_870_912));
    assert_eq!(b.extra["future_field"], json!({"x": 1}));
}

#[test]
fn an_unknown_enum_value_from_a_newer_server_is_kept() {
    let item: GetNodesLxcItem = decode(json!({"vmid": 102, "status": "hibernated"}));
    assert_eq!(item.status, LxcStatus::UnknownValue("hibernated".into()));
    assert_eq!(item.status.as_str(), "hibernated");
}

#[test]
fn lxc_status_current() {
    let s: GetNodesLxcStatusCurrentResponse = decode(json!({
        "vmid": "100", "status": "running", "name": "ct100", "ha": {"managed": 0}, "cpus": "2",
        "maxmem": 2147483648u64, "mem": 123, "uptime": 10, "disk": "0", "maxswap": 536870912,
        "pressurecpusome": "0.01", "template": "", "lock": "backup"
    }));
    assert_eq!(s.vmid, 100);
    assert_eq!(s.cpus, Some(2.0));
    assert_eq!(s.pressurecpusome, Some(0.01));
    assert_eq!(s.ha, json!({"managed": 0}));
    assert_eq!(s.lock.as_deref(), Some("backup"));
}

#[test]
fn lxc_config_gives_typed_property_strings_and_indexed_keys() {
    let c: GetNodesLxcConfigResponse = decode(json!({
        "digest": "4f1d9a", "hostname": "ct100", "memory": "2048", "swap": 512, "cores": 2,
        "arch": "amd64", "ostype": "debian", "onboot": "1", "unprivileged": 1,
        "net0": "name=eth0,bridge=vmbr0,firewall=1,hwaddr=BC:24:11:2A:3B:4C,ip=dhcp,type=veth",
        "net31": "name=eth31,bridge=vmbr1,hwaddr=BC:24:11:00:00:1F,ip=10.0.0.5/24,gw=10.0.0.1,tag=100,type=veth",
        "mp0": "local-lvm:vm-100-disk-1,mp=/srv/data,backup=1,size=8G",
        "rootfs": "local-lvm:vm-100-disk-0,size=8G",
        "features": "keyctl=1,nesting=1",
        "tags": "prod;web",
        "unused0": "local-lvm:vm-100-disk-9",
        "lxc": [["lxc.cgroup2.devices.allow", "c 10:200 rwm"]],
        "future-option": "x=1"
    }));
    assert_eq!(c.memory, Some(2048));
    assert_eq!(c.onboot, Some(true));
    assert_eq!(c.arch, Some(LxcArch::Amd64));
    assert_eq!(c.ostype, Some(LxcOstype::Debian));
    let net0 = c.net.get(0).expect("net0");
    assert_eq!(net0.name, "eth0");
    assert_eq!(net0.bridge.as_deref(), Some("vmbr0"));
    assert_eq!(net0.firewall, Some(true));
    assert_eq!(net0.hwaddr.as_deref(), Some("BC:24:11:2A:3B:4C"));
    let net31 = c.net.get(31).expect("net31");
    assert_eq!(net31.tag, Some(100));
    assert_eq!(net31.gw.as_deref(), Some("10.0.0.1"));
    let mp0 = c.mp.get(0).expect("mp0");
    assert_eq!(
        (mp0.volume.as_str(), mp0.mp.as_str()),
        ("local-lvm:vm-100-disk-1", "/srv/data")
    );
    assert_eq!((mp0.backup, mp0.size.as_deref()), (Some(true), Some("8G")));
    let rootfs = c.rootfs.as_ref().expect("rootfs");
    assert_eq!(
        (rootfs.volume.as_str(), rootfs.size.as_deref()),
        ("local-lvm:vm-100-disk-0", Some("8G"))
    );
    let features = c.features.as_ref().expect("features");
    assert_eq!(
        (features.keyctl, features.nesting, features.fuse),
        (Some(true), Some(true), None)
    );
    assert_eq!(c.tags.as_ref().expect("tags").items(), ["prod", "web"]);
    assert_eq!(
        c.unused.get(0).expect("unused0").volume,
        "local-lvm:vm-100-disk-9"
    );
    assert_eq!(c.extra["future-option"], json!("x=1"));
    // The raw text of every property string is its Display.
    assert_eq!(
        net0.to_string(),
        "name=eth0,bridge=vmbr0,firewall=1,hwaddr=BC:24:11:2A:3B:4C,ip=dhcp,type=veth"
    );
}

#[test]
fn unknown_sub_keys_of_a_newer_server_are_kept() {
    let c: GetNodesLxcConfigResponse = decode(json!({
        "digest": "x",
        "net0": "name=eth0,bridge=vmbr0,quantum=7,type=veth",
        "features": "nesting=1,future=yes"
    }));
    let net0 = c.net.get(0).expect("net0");
    assert_eq!(
        net0.extra.unknown(),
        [("quantum".to_string(), "7".to_string())]
    );
    assert_eq!(
        net0.to_string(),
        "name=eth0,bridge=vmbr0,quantum=7,type=veth"
    );
    assert_eq!(
        c.features.expect("features").to_string(),
        "nesting=1,future=yes"
    );
}

#[test]
fn storage_content_with_numbers_as_strings() {
    let items: Vec<GetNodesStorageContentItem> = decode(json!([
        {"volid": "local:backup/vzdump-lxc-100-2026_01_01-00_00_00.tar.zst", "format": "tar.zst",
         "size": "123456789", "ctime": 1767225600, "content": "backup", "vmid": "100",
         "notes": "nightly", "protected": 0, "subtype": "lxc"},
        {"volid": "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst", "format": "tzst", "size": 129000000,
         "content": "vztmpl"}
    ]));
    assert_eq!(items[0].size, 123_456_789);
    assert_eq!(items[0].vmid, Some(100));
    assert_eq!(items[0].protected, Some(false));
    assert_eq!(items[0].extra["subtype"], json!("lxc"));
    assert_eq!(items[1].vmid, None);
}

#[test]
fn task_status_running_and_stopped() {
    let running: GetNodesTasksStatusResponse = decode(json!({
        "upid": "UPID:pve1:0000C346:165A0CE4:68D7279C:vzsnapshot:100:agent@pve!agent:", "node": "pve1",
        "pid": "49990", "pstart": 375000292, "starttime": "1758930844", "type": "vzsnapshot", "id": "100",
        "user": "agent@pve", "tokenid": "agent", "status": "running"
    }));
    assert_eq!(running.status, TasksStatusStatus::Running);
    assert_eq!(running.exitstatus, None);
    assert_eq!((running.pid, running.starttime), (49990, 1_758_930_844));
    assert_eq!(running.extra["tokenid"], json!("agent"));
    let stopped: GetNodesTasksStatusResponse = decode(json!({
        "upid": "UPID:pve1:0000C346:165A0CE4:68D7279C:aptupdate::root@pam:", "node": "pve1", "pid": 49990,
        "pstart": "375000292", "starttime": 1758930844, "type": "aptupdate", "id": "", "user": "root@pam",
        "status": "stopped", "exitstatus": "WARNINGS: 2"
    }));
    assert_eq!(stopped.exitstatus.as_deref(), Some("WARNINGS: 2"));
    assert_eq!(stopped.id, "");
}

#[test]
fn task_log_lines() {
    let lines: Vec<GetNodesTasksLogItem> =
        decode(json!([{"n": 1, "t": "starting"}, {"n": "2", "t": "TASK OK"}]));
    assert_eq!(lines[1].n, 2);
    let empty: Vec<GetNodesTasksLogItem> = decode(json!(null));
    assert!(empty.is_empty(), "null is an empty list");
}

#[test]
fn node_status_nested_objects() {
    let s: GetNodesStatusResponse = decode(json!({
        "cpu": "0.05", "wait": 0.01, "uptime": 12345, "idle": 0, "kversion": "Linux 6.8.12-1-pve",
        "pveversion": "pve-manager/9.1.4/0123abcd",
        "cpuinfo": {"cpus": "8", "model": "AMD EPYC", "sockets": 1, "cores": 4, "mhz": "3400.000", "hvm": "1",
                    "user_hz": 100, "flags": "fpu vme"},
        "memory": {"total": 67108864000u64, "used": "1000", "free": 2000, "available": "3000"},
        "rootfs": {"total": 100, "used": 50, "avail": "50", "free": 50},
        "loadavg": ["0.10", "0.20", "0.30"],
        "boot-info": {"mode": "efi", "secureboot": 0},
        "current-kernel": {"sysname": "Linux", "release": "6.8.12-1-pve", "version": "#1 SMP", "machine": "x86_64"},
        "ksm": {"shared": 0}
    }));
    assert_eq!(s.cpu, 0.05);
    assert_eq!(s.cpuinfo.cpus, 8);
    assert_eq!(s.cpuinfo.extra["mhz"], json!("3400.000"));
    assert_eq!(s.memory.used, 1000);
    assert_eq!(s.boot_info.secureboot, Some(false));
    assert_eq!(s.current_kernel.machine, "x86_64");
    assert_eq!(s.loadavg, ["0.10", "0.20", "0.30"]);
    assert_eq!(s.extra["ksm"], json!({"shared": 0}));
}

#[test]
fn a_missing_required_field_is_an_error_naming_it() {
    let err = proxmox_sdk::wire::de::from_value::<GetNodesLxcItem>(json!({"status": "running"}))
        .unwrap_err();
    assert!(err.to_string().contains("vmid"), "{err}");
}
