//! `diff` on a hand-written pair of schema folders (`tests/diff/old`, `tests/diff/new`) that
//! exercises every change kind: the complete list of changes, each with its class, is asserted,
//! so a missed, extra or misclassed change fails. The CLI's `--json` form is checked too.

use std::path::{Path, PathBuf};
use std::process::Command;

use sdk_codegen::diff::{self, ApiDiff, Class, Kind, PrivilegeOnPath};
use sdk_codegen::{Generator, Settings};

fn fixture(side: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/diff")
        .join(side)
}

fn api(side: &str) -> sdk_codegen::ir::Api {
    let set = diff::load(&fixture(side), None).expect("fixture loads");
    Generator::new(Settings::default())
        .lower(set)
        .expect("fixture lowers")
}

fn fixture_diff() -> ApiDiff {
    diff::diff(&api("old"), &api("new"))
}

#[test]
fn every_change_kind_is_found_with_its_class() {
    use Kind::*;
    let d = fixture_diff();
    let got: Vec<(Class, Kind, &str)> = d
        .changes
        .iter()
        .map(|c| (c.class, c.kind, c.item.as_str()))
        .collect();
    let expected: Vec<(Class, Kind, &str)> = vec![
        (Class::Major, FieldRemoved, "nodes::GetNodesItem::gone"),
        (
            Class::Major,
            FieldTypeChanged,
            "nodes::GetNodesItem::maxmem",
        ),
        (Class::Major, TypeRemoved, "old::GetOldResponse"),
        (Class::Major, KeyTypeChanged, "types::ConfigLink::bridge"),
        (Class::Major, RequiredKeyAdded, "types::ConfigLink::mtu"),
        (Class::Major, KeyRemoved, "types::ConfigLink::rate"),
        (Class::Major, TypeKindChanged, "types::ConfigShape"),
        (Class::Major, VariantRemoved, "types::StartKind::Lazy"),
        (Class::Major, EndpointRemoved, "old::GetOld"),
        (
            Class::Major,
            ResponseTypeChanged,
            "nodes::PostNodesStart::Response",
        ),
        (
            Class::Major,
            ParameterRemoved,
            "nodes::PostNodesStart::force",
        ),
        (
            Class::Major,
            ParameterTypeChanged,
            "nodes::PostNodesStart::level",
        ),
        (
            Class::Major,
            ParameterBecameOptional,
            "nodes::PostNodesStart::mode",
        ),
        (
            Class::Major,
            ParameterTypeChanged,
            "nodes::PostNodesStart::net",
        ),
        (
            Class::Major,
            RequiredParameterAdded,
            "nodes::PostNodesStart::target",
        ),
        (
            Class::Major,
            ParameterTypeChanged,
            "nodes::PostNodesStart::timeout",
        ),
        (
            Class::Major,
            ParameterBecameRequired,
            "nodes::PostNodesStart::when",
        ),
        (Class::Minor, VariantAdded, "Privilege::SysModify"),
        (Class::Minor, TypeAdded, "new::GetNewResponse"),
        (Class::Minor, FieldAdded, "nodes::GetNodesItem::uptime"),
        (Class::Minor, OptionalKeyAdded, "types::ConfigLink::tag"),
        (Class::Minor, VariantAdded, "types::Status::Unknown"),
        (Class::Minor, EndpointAdded, "new::GetNew"),
        (
            Class::Minor,
            OptionalParameterAdded,
            "nodes::PostNodesStart::comment",
        ),
        (
            Class::Patch,
            ConstraintsChanged,
            "nodes::GetNodesItem::node",
        ),
        (Class::Patch, PermissionChanged, "nodes::PostNodesStart"),
        (Class::Patch, EndpointInfoChanged, "nodes::PostNodesStart"),
        (
            Class::Patch,
            ConstraintsChanged,
            "nodes::PostNodesStart::timeout",
        ),
        (
            Class::Patch,
            ConstraintsChanged,
            "nodes::PutNodesConfig::shape",
        ),
    ];
    assert_eq!(got, expected);
    assert_eq!(d.bump(), Some(Class::Major));
    assert_eq!(
        (d.endpoints.added, d.endpoints.removed, d.endpoints.changed),
        (1, 1, 2)
    );
}

#[test]
fn changed_values_are_spelled_out() {
    let d = fixture_diff();
    let find = |item: &str, kind: Kind| {
        d.changes
            .iter()
            .find(|c| c.item == item && c.kind == kind)
            .unwrap_or_else(|| panic!("no {kind:?} for {item}"))
    };
    let net = find("nodes::PostNodesStart::net", Kind::ParameterTypeChanged);
    assert_eq!(net.old.as_deref(), Some("Indexed<String, 3>"));
    assert_eq!(net.new.as_deref(), Some("Indexed<String, 7>"));
    assert_eq!(net.endpoint.as_deref(), Some("POST /nodes/{node}/start"));
    let resp = find("nodes::PostNodesStart::Response", Kind::ResponseTypeChanged);
    assert_eq!(
        (resp.old.as_deref(), resp.new.as_deref()),
        (Some("()"), Some("Upid"))
    );
    let perm = find("nodes::PostNodesStart", Kind::PermissionChanged);
    assert_eq!(
        perm.privileges_added,
        [PrivilegeOnPath {
            path: "/nodes/{node}".into(),
            privilege: "Sys.Modify".into()
        }]
    );
    assert!(perm.privileges_removed.is_empty());
    assert_eq!(
        perm.old.as_deref(),
        Some("`Sys.PowerMgmt` on `/nodes/{node}`")
    );
    assert_eq!(
        perm.new.as_deref(),
        Some("`Sys.PowerMgmt` or `Sys.Modify` on `/nodes/{node}`")
    );
    let info = find("nodes::PostNodesStart", Kind::EndpointInfoChanged);
    assert_eq!(
        info.detail,
        "protected: false → true; task: none → returns a UPID"
    );
}

#[test]
fn a_schema_compared_with_itself_has_no_changes() {
    let d = diff::diff(&api("new"), &api("new"));
    assert!(d.changes.is_empty(), "{d}");
    assert_eq!(d.bump(), None);
    assert!(d.to_string().contains("version bump none"));
}

#[test]
fn the_cli_prints_the_documented_json_shape() {
    let out = Command::new(env!("CARGO_BIN_EXE_sdk-codegen"))
        .arg("diff")
        .arg(fixture("old"))
        .arg(fixture("new"))
        .arg("--json")
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["old_version"], "fixture-old");
    assert_eq!(v["new_version"], "fixture-new");
    assert_eq!(v["class"], "major");
    assert_eq!(
        v["counts"],
        serde_json::json!({"major": 17, "minor": 7, "patch": 5})
    );
    assert_eq!(
        v["endpoints"],
        serde_json::json!({"added": 1, "removed": 1, "changed": 2})
    );
    let perm = v["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .find(|c| c["kind"] == "permission_changed")
        .expect("a permission change");
    assert_eq!(perm["class"], "patch");
    assert_eq!(perm["endpoint"], "POST /nodes/{node}/start");
    assert_eq!(
        perm["privileges_added"],
        serde_json::json!([{"path": "/nodes/{node}", "privilege": "Sys.Modify"}])
    );
    assert!(perm.get("privileges_removed").is_none());

    let text = Command::new(env!("CARGO_BIN_EXE_sdk-codegen"))
        .arg("diff")
        .arg(fixture("old"))
        .arg(fixture("new"))
        .output()
        .expect("runs");
    let text = String::from_utf8(text.stdout).expect("UTF-8");
    assert!(text.starts_with(
        "PVE fixture-old -> fixture-new: version bump major (17 major, 7 minor, 5 patch changes)\n"
    ));
    let major = text.find("== major (17)").expect("major group");
    let minor = text.find("== minor (7)").expect("minor group");
    let patch = text.find("== patch (5)").expect("patch group");
    assert!(major < minor && minor < patch);
}

#[test]
fn an_unreadable_input_is_an_error_naming_the_file() {
    let out = Command::new(env!("CARGO_BIN_EXE_sdk-codegen"))
        .args(["diff", "/nonexistent/apidoc.js"])
        .arg(fixture("new"))
        .output()
        .expect("runs");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("/nonexistent/apidoc.js"), "{err}");
}
