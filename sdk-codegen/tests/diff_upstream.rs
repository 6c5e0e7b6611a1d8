//! `diff` between the upstream PVE schemas 7.4 → 8.4 → 9.1 (from `$PVE_APIDOC_DIR`, default
//! `../shared/pve-apidoc`), lowered with the vendored data files as `sdk-codegen diff` does.
//! The facts asserted here were checked against the upstream files by hand. When the folder is
//! absent the tests print why they did nothing and pass.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use sdk_codegen::diff::{self, ApiDiff, Class, Kind, PrivilegeOnPath};
use sdk_codegen::{Generator, Settings};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

fn upstream(file: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("PVE_APIDOC_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("../shared/pve-apidoc"));
    let path = dir.join(file);
    if path.exists() {
        Some(path)
    } else {
        eprintln!(
            "SKIPPED: {} not found (set PVE_APIDOC_DIR to the folder holding \
             pve-<version>-apidoc.json files)",
            path.display()
        );
        None
    }
}

fn diff_files(old: &str, new: &str) -> Option<ApiDiff> {
    let data = workspace().join("schema");
    let api = |file: &str| -> Option<sdk_codegen::ir::Api> {
        let set = diff::load(&upstream(file)?, Some(&data)).expect("upstream file loads");
        Some(
            Generator::new(Settings::default())
                .lower(set)
                .expect("lowers"),
        )
    };
    Some(diff::diff(&api(old)?, &api(new)?))
}

fn endpoints(d: &ApiDiff, kind: Kind) -> Vec<String> {
    d.of_kind(kind)
        .map(|c| {
            c.endpoint
                .clone()
                .expect("endpoint changes name their endpoint")
        })
        .collect()
}

fn on_vms(privilege: &str) -> PrivilegeOnPath {
    PrivilegeOnPath {
        path: "/vms/{vmid}".into(),
        privilege: privilege.into(),
    }
}

#[test]
fn pve_8_4_to_9_1() {
    let Some(d) = diff_files("pve-8.4.2-apidoc.json", "pve-9.1.4-apidoc.json") else {
        return;
    };
    assert_eq!(
        (d.old_version.as_str(), d.new_version.as_str()),
        ("8.4.2", "9.1.4")
    );
    assert_eq!((d.endpoints.added, d.endpoints.removed), (63, 1));
    assert_eq!(
        endpoints(&d, Kind::EndpointRemoved),
        ["GET /nodes/{node}/scan/glusterfs"]
    );
    assert_eq!(d.of_kind(Kind::EndpointAdded).count(), 63);
    assert!(
        d.of_kind(Kind::EndpointAdded)
            .all(|c| c.class == Class::Minor)
    );
    assert_eq!(d.bump(), Some(Class::Major));

    // VM.Monitor is gone: 26 guest-agent endpoints now check VM.GuestAgent.*, the monitor
    // endpoint checks Sys.Audit or Sys.Modify, and the Privilege variant is removed.
    let monitor: Vec<_> = d
        .of_kind(Kind::PermissionChanged)
        .filter(|c| c.privileges_removed.contains(&on_vms("VM.Monitor")))
        .collect();
    assert_eq!(monitor.len(), 27);
    for c in &monitor {
        let endpoint = c.endpoint.as_deref().expect("endpoint");
        assert_eq!(c.class, Class::Patch);
        let added: BTreeSet<&str> = c
            .privileges_added
            .iter()
            .map(|p| p.privilege.as_str())
            .collect();
        if endpoint == "POST /nodes/{node}/qemu/{vmid}/monitor" {
            assert_eq!(added, BTreeSet::from(["Sys.Audit", "Sys.Modify"]));
        } else {
            assert!(endpoint.contains("/agent"), "{endpoint}");
            assert!(
                added.contains("VM.GuestAgent.Unrestricted"),
                "{endpoint}: {added:?}"
            );
        }
    }
    let file_read = d
        .of_endpoint("GET /nodes/{node}/qemu/{vmid}/agent/file-read")
        .find(|c| c.kind == Kind::PermissionChanged)
        .expect("file-read permission change");
    assert_eq!(
        file_read.old.as_deref(),
        Some("`VM.Monitor` on `/vms/{vmid}`")
    );
    assert_eq!(
        file_read.new.as_deref(),
        Some("`VM.GuestAgent.FileRead` or `VM.GuestAgent.Unrestricted` on `/vms/{vmid}`")
    );
    assert_eq!(
        file_read.privileges_added,
        [
            on_vms("VM.GuestAgent.FileRead"),
            on_vms("VM.GuestAgent.Unrestricted")
        ]
    );
    let removed: Vec<&str> = d
        .of_kind(Kind::VariantRemoved)
        .map(|c| c.item.as_str())
        .collect();
    assert!(removed.contains(&"Privilege::VmMonitor"), "{removed:?}");

    // Generated-API facts: parameters gone (major), types narrowed, responses now typed.
    let items = |kind: Kind| -> Vec<String> { d.of_kind(kind).map(|c| c.item.clone()).collect() };
    let params_removed = items(Kind::ParameterRemoved);
    for p in [
        "nodes::PostNodesVzdump::notification_policy",
        "storage::PostStorage::maxfiles",
        "storage::PutStorageStorage::transport",
    ] {
        assert!(
            params_removed.iter().any(|i| i == p),
            "{p}: {params_removed:?}"
        );
    }
    let tag = d
        .of_kind(Kind::ParameterTypeChanged)
        .find(|c| c.item == "cluster::PostClusterSdnVnets::tag")
        .expect("vnet tag narrowed");
    assert_eq!(
        (tag.old.as_deref(), tag.new.as_deref()),
        (Some("Option<i64>"), Some("Option<u32>"))
    );
    let status = d
        .of_kind(Kind::ResponseTypeChanged)
        .find(|c| c.item == "nodes::GetNodesStorageStatus::Response")
        .expect("storage status now typed");
    assert_eq!(status.old.as_deref(), Some("Value"));
    let keys_removed = items(Kind::KeyRemoved);
    for k in [
        "types::QemuIde::cyls",
        "types::QemuAgent::freeze_fs_on_backup",
    ] {
        assert!(keys_removed.iter().any(|i| i == k), "{k}: {keys_removed:?}");
    }
}

#[test]
fn pve_7_4_to_8_4() {
    let Some(d) = diff_files("pve-7.4-1-apidoc.json", "pve-8.4.2-apidoc.json") else {
        return;
    };
    assert_eq!((d.endpoints.added, d.endpoints.removed), (75, 10));
    let removed = endpoints(&d, Kind::EndpointRemoved);
    for e in [
        "POST /access/tfa",
        "GET /nodes/{node}/ceph/pools",
        "GET /nodes/{node}/hardware/pci/{pciid}/mdev",
    ] {
        assert!(removed.iter().any(|r| r == e), "{e}: {removed:?}");
    }
    // `command` of agent exec: an optional string became a required array.
    let exec = d
        .of_endpoint("POST /nodes/{node}/qemu/{vmid}/agent/exec")
        .find(|c| c.item == "nodes::PostNodesQemuAgentExec::command")
        .expect("exec command changed");
    assert_eq!(exec.kind, Kind::ParameterBecameRequired);
    assert_eq!(exec.class, Class::Major);
    assert_eq!(
        (exec.old.as_deref(), exec.new.as_deref()),
        (Some("Option<String>"), Some("Vec<String>"))
    );
    // Disk listings no longer accept Datastore.Audit.
    let zfs = d
        .of_endpoint("GET /nodes/{node}/disks/zfs")
        .find(|c| c.kind == Kind::PermissionChanged)
        .expect("zfs permission change");
    assert_eq!(
        zfs.privileges_removed,
        [PrivilegeOnPath {
            path: "/".into(),
            privilege: "Datastore.Audit".into()
        }]
    );
    assert!(zfs.privileges_added.is_empty());
    // `cow` is no longer a disk format.
    assert!(
        d.of_kind(Kind::VariantRemoved)
            .any(|c| c.item == "types::QemuScsiFormat::Cow")
    );
    let tokens = d
        .of_endpoint("GET /access/tfa")
        .find(|c| c.kind == Kind::EndpointInfoChanged)
        .expect("tfa listing info change");
    assert_eq!(tokens.detail, "API tokens allowed: false → true");
}

#[test]
fn the_vendored_history_is_what_the_history_command_writes() {
    let (Some(old), Some(mid)) = (
        upstream("pve-7.4-1-apidoc.json"),
        upstream("pve-8.4.2-apidoc.json"),
    ) else {
        return;
    };
    let out = std::env::temp_dir().join(format!("sdk-codegen-history-{}.json", std::process::id()));
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_sdk-codegen"))
        .arg("history")
        .arg(old)
        .arg(mid)
        .arg(workspace().join("schema/pve-api.json"))
        .arg("--out")
        .arg(&out)
        .status()
        .expect("runs");
    assert!(status.success());
    let fresh = std::fs::read_to_string(&out).expect("written");
    let _ = std::fs::remove_file(&out);
    let vendored =
        std::fs::read_to_string(workspace().join("schema/history.json")).expect("vendored");
    assert!(
        fresh == vendored,
        "schema/history.json differs from `sdk-codegen history` output; rerun the command in \
         the README's upgrade section"
    );
    let history: sdk_codegen::history::History = serde_json::from_str(&vendored).expect("parses");
    let new_in_9_1 = history
        .methods
        .iter()
        .filter(|m| m.since == "9.1.4")
        .count();
    assert_eq!(new_in_9_1, 63, "the 63 endpoints 9.1 added");
    assert_eq!(
        history.sentence("POST", "/access/vncticket").as_deref(),
        Some("Available since PVE 9.1.")
    );
}

#[test]
fn every_input_form_gives_the_same_api() {
    let Some(json) = upstream("pve-8.4.2-apidoc.json") else {
        return;
    };
    let data = workspace().join("schema");
    let lower = |set| {
        Generator::new(Settings::default())
            .lower(set)
            .expect("lowers")
    };
    let from_json = lower(diff::load(&json, Some(&data)).expect("JSON loads"));
    // The apidoc.js a PVE host serves: the same tree behind `const apiSchema = `.
    let dir = std::env::temp_dir().join(format!("sdk-codegen-forms-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let js = dir.join("apidoc.js");
    let tree = std::fs::read_to_string(&json).expect("readable");
    std::fs::write(&js, format!("const apiSchema = {tree};\nlet x = 1;\n")).expect("write");
    let from_js = lower(diff::load_as(&js, Some(&data), Some("8.4.2")).expect("apidoc.js loads"));
    // A vendored pve-api.json with the data files next to it, and the folder itself.
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_sdk-codegen"))
        .arg("extract")
        .arg(&json)
        .arg("--out")
        .arg(&dir)
        .status()
        .expect("runs");
    assert!(status.success());
    for f in [
        "privileges.json",
        "indexed-keys.json",
        "tasks.json",
        "formats.json",
        "handler-permissions.json",
    ] {
        std::fs::copy(data.join(f), dir.join(f)).expect("copy data file");
    }
    let from_file = lower(diff::load(&dir.join("pve-api.json"), None).expect("file loads"));
    let from_dir = lower(diff::load(&dir, None).expect("folder loads"));
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(from_json.pve_version, "8.4.2");
    for (form, api) in [
        ("apidoc.js", &from_js),
        ("pve-api.json", &from_file),
        ("folder", &from_dir),
    ] {
        assert!(
            diff::diff(&from_json, api).changes.is_empty(),
            "{form} differs from the JSON file"
        );
        assert_eq!(api.pve_version, "8.4.2", "{form}");
    }
}
