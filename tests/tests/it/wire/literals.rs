//! Parameters take what people write: array literals and iterators for arrays, `&str` for
//! enums, a plain name beside raw identifiers, and one numeric type per measure in a response.
//! Each test pins what the request puts on the wire, so it checks the conversion as well as
//! the compile.

use proxmox_sdk::Endpoint;
use proxmox_sdk::api::cluster::{
    GetClusterResources, GetClusterResourcesItem, PostClusterBulkActionGuestStart,
};
use proxmox_sdk::api::nodes::{GetNodesStorageItem, PostNodesQemuAgentExec};
use proxmox_sdk::api::types::{ClusterResourcesType, ClusterType};
use serde_json::json;

fn body(req: &impl Endpoint) -> String {
    req.to_parts()
        .expect("renders")
        .form_body()
        .expect("a POST has a form body")
}

#[test]
fn an_array_parameter_takes_an_array_of_str() {
    let req = PostNodesQemuAgentExec::new("pve1", 100, ["uname", "-a"]);
    assert_eq!(body(&req), "command=uname&command=-a");
}

#[test]
fn an_array_parameter_takes_a_vec_of_string_and_any_iterator() {
    let owned: Vec<String> = vec!["ls".into(), "/tmp".into()];
    let from_vec = PostNodesQemuAgentExec::new("pve1", 100, owned);
    assert_eq!(body(&from_vec), "command=ls&command=%2Ftmp");

    let words = "cat /etc/hostname".split(' ');
    let from_iter = PostNodesQemuAgentExec::new("pve1", 100, words);
    assert_eq!(body(&from_iter), "command=cat&command=%2Fetc%2Fhostname");
}

#[test]
fn a_numeric_array_takes_integer_literals() {
    let req = PostClusterBulkActionGuestStart::new().vms([100, 101]);
    assert_eq!(body(&req), "vms=100&vms=101");
    let range = PostClusterBulkActionGuestStart::new().vms(100..=102);
    assert_eq!(body(&range), "vms=100&vms=101&vms=102");
}

#[test]
fn an_enum_parameter_takes_str_and_keeps_unknown_values() {
    let known = GetClusterResources::new().r#type("vm");
    assert_eq!(known.r#type, Some(ClusterResourcesType::Vm));
    assert_eq!(
        known.to_parts().expect("renders").path_and_query(),
        "/cluster/resources?type=vm"
    );

    let newer = GetClusterResources::new().r#type(String::from("gpu"));
    assert_eq!(
        newer.r#type,
        Some(ClusterResourcesType::UnknownValue("gpu".into()))
    );
    assert_eq!(
        newer.to_parts().expect("renders").path_and_query(),
        "/cluster/resources?type=gpu"
    );
}

#[test]
fn a_raw_identifier_has_a_plain_setter_and_accessor() {
    let by_alias = GetClusterResources::new().kind(ClusterResourcesType::Storage);
    assert_eq!(by_alias, GetClusterResources::new().r#type("storage"));

    let item: GetClusterResourcesItem = serde_json::from_value(json!({
        "id": "qemu/100", "type": "qemu", "mem": 1024, "maxmem": 4096
    }))
    .expect("decodes");
    assert_eq!(item.kind(), &ClusterType::Qemu);
    assert_eq!(item.kind(), &item.r#type);
}

/// Compiles only when both arguments have one type.
fn same_type<T>(_: &T, _: &T) {}

#[test]
fn a_value_and_its_maximum_share_one_type() {
    let item: GetClusterResourcesItem = serde_json::from_value(json!({
        "id": "qemu/100", "type": "qemu",
        "mem": 1024, "maxmem": 4096, "disk": 0, "maxdisk": 8192, "cpu": 0.25, "maxcpu": 2
    }))
    .expect("decodes");
    same_type(&item.mem, &item.maxmem);
    same_type(&item.disk, &item.maxdisk);
    same_type(&item.cpu, &item.maxcpu);
    let (mem, maxmem) = (item.mem.expect("mem"), item.maxmem.expect("maxmem"));
    assert_eq!(mem * 4, maxmem);
    assert_eq!(item.cpu.expect("cpu") * item.maxcpu.expect("maxcpu"), 0.5);

    let storage: GetNodesStorageItem = serde_json::from_value(json!({
        "storage": "local", "type": "dir", "content": "iso",
        "used": 10, "total": 30, "avail": 20
    }))
    .expect("decodes");
    same_type(&storage.used, &storage.total);
    same_type(&storage.avail, &storage.total);
    assert_eq!(
        storage.used.expect("used") + storage.avail.expect("avail"),
        storage.total.expect("total")
    );
}
