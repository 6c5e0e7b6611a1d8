//! The reviewed data files in `schema/` match the vendored API schema they annotate.

use std::collections::BTreeSet;
use std::path::PathBuf;

use sdk_codegen::model::SchemaSet;
use serde_json::Value;

fn schema_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../schema")
}

fn vendored() -> SchemaSet {
    SchemaSet::load(&schema_dir()).expect("the vendored schema loads")
}

/// Every `format` name anywhere in `pve-api.json` (parameters, returns, array items,
/// property-string sub-keys).
fn formats_in(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(map) => {
            if let Some(Value::String(f)) = map.get("format") {
                out.insert(f.clone());
            }
            map.values().for_each(|v| formats_in(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| formats_in(v, out)),
        _ => {}
    }
}

#[test]
fn formats_glossary_covers_the_schema() {
    let text = std::fs::read_to_string(schema_dir().join("pve-api.json")).expect("readable");
    let api: Value = serde_json::from_str(&text).expect("JSON");
    let mut used = BTreeSet::new();
    formats_in(&api, &mut used);
    let glossary = vendored().formats.expect("schema/formats.json exists");
    let explained: BTreeSet<String> = glossary.formats.keys().cloned().collect();
    let missing: Vec<&String> = used.difference(&explained).collect();
    let stale: Vec<&String> = explained.difference(&used).collect();
    assert!(missing.is_empty(), "formats.json lacks {missing:?}");
    assert!(stale.is_empty(), "formats.json explains unused {stale:?}");
    for (name, entry) in &glossary.formats {
        assert!(
            entry.meaning.ends_with('.') && !entry.meaning.contains('|'),
            "{name}: a meaning is one sentence without `|`"
        );
        assert!(
            !entry.example.is_empty() && !entry.example.contains(['`', '\n', '|']),
            "{name}: an example is one line of plain text"
        );
    }
    assert!(used.len() > 100, "{} formats", used.len());
}

#[test]
fn every_field_naming_an_explained_format_links_to_the_glossary() {
    let generated = sdk_codegen::Generator::new(sdk_codegen::Settings { strict: true })
        .generate(vendored())
        .expect("generates");
    let files = generated.code.files();
    let nodes = &files["api_nodes.rs"];
    assert!(
        nodes.contains("/// `node`: string, format [`pve-node`](super::glossary#format-pve-node)."),
        "the node parameter links its format"
    );
    assert!(!nodes.contains("format `pve-node`"));
    let root = &files["api.rs"];
    assert!(root.contains("<a id=\"format-pve-node\"></a>`pve-node` | The name of a cluster node"));
    assert!(root.contains("pub mod glossary {}"));
    let table = &files["api_paths.md"];
    assert!(table.contains(
        "| `GET /nodes/{node}/lxc/{vmid}/config` | [`GetNodesLxcConfig`](nodes::GetNodesLxcConfig) |"
    ));
    assert_eq!(table.matches("\n| `").count(), 667);
}

/// The `{name}`s of a check's ACL paths and its `when`/`require_param` parameters, and the
/// privileges it names.
fn check_parts(v: &Value, params: &mut BTreeSet<String>, privileges: &mut BTreeSet<String>) {
    let Some(items) = v.as_array() else { return };
    match items.first().and_then(Value::as_str) {
        Some("perm") => {
            let path = items[1].as_str().expect("a path");
            for piece in path.split('{').skip(1) {
                let name = piece.split('}').next().expect("closed");
                // `{param:target}`: the parameter, read as a storage map.
                params.insert(name.split(':').next().expect("a name").to_string());
            }
            for p in items[2].as_array().expect("privileges") {
                privileges.insert(p.as_str().expect("a name").to_string());
            }
            if let Some(i) = items.iter().position(|v| v == "require_param") {
                params.insert(items[i + 1].as_str().expect("a parameter").to_string());
            }
        }
        Some("when") => {
            params.insert(items[1].as_str().expect("a parameter").to_string());
            check_parts(&items[2], params, privileges);
        }
        _ => items[1..]
            .iter()
            .for_each(|c| check_parts(c, params, privileges)),
    }
}

#[test]
fn handler_permissions_name_real_parameters_and_privileges_and_their_sources() {
    let set = vendored();
    let file = set
        .handler_permissions
        .as_ref()
        .expect("handler-permissions.json");
    let known: BTreeSet<&String> = set.privileges.privileges.iter().collect();
    for entry in &file.methods {
        let site = format!("{} {}", entry.method, entry.path);
        let method = set
            .api
            .methods
            .iter()
            .find(|m| m.method == entry.method && m.path == entry.path)
            .unwrap_or_else(|| panic!("{site}: no such method"));
        let declared: BTreeSet<&String> = method
            .parameters
            .properties
            .iter()
            .flat_map(|p| p.keys())
            .collect();
        let (mut params, mut privileges) = (BTreeSet::new(), BTreeSet::new());
        check_parts(&entry.check, &mut params, &mut privileges);
        for p in &params {
            assert!(declared.contains(p), "{site}: `{p}` is not a parameter");
        }
        for p in &privileges {
            assert!(known.contains(p), "{site}: `{p}` is not in privileges.json");
        }
        assert!(
            entry.source.contains(".pm, ") && !privileges.is_empty(),
            "{site}: a source names the file and the function"
        );
    }
}

#[test]
fn handler_checks_shrink_the_endpoints_only_the_handler_guards() {
    let generated = sdk_codegen::Generator::new(sdk_codegen::Settings { strict: true })
        .generate(vendored())
        .expect("generates");
    let code: String = generated.code.files().values().cloned().collect();
    let open = code
        .matches("permission: &rt::Permission::AnyUser,")
        .count();
    let folded = code
        .matches("permission: &rt::Permission::InHandler {")
        .count();
    // 140 of 667 methods say only `user: all`; 13 of those now carry their handler's checks,
    // and 7 schema checks (clone, config, migrate) gained the handler's part.
    assert_eq!((open, folded), (127, 20));
    let set = vendored();
    let any_user = set
        .api
        .methods
        .iter()
        .filter(|m| {
            m.permissions
                .as_ref()
                .is_some_and(|p| p.check.is_none() && p.user.as_deref() == Some("all"))
        })
        .count();
    assert_eq!(any_user, 140);
}

#[test]
fn reviewed_methods_are_real_and_carry_their_source() {
    let set = vendored();
    let file = set
        .handler_permissions
        .as_ref()
        .expect("handler-permissions.json");
    assert!(file.reviewed.len() >= 3);
    for r in &file.reviewed {
        let site = format!("{} {}", r.method, r.path);
        assert!(
            set.api
                .methods
                .iter()
                .any(|m| m.method == r.method && m.path == r.path),
            "{site}: no such method"
        );
        assert!(r.source.contains(".pm, ") && !r.note.is_empty(), "{site}");
        assert!(
            !file
                .methods
                .iter()
                .any(|m| m.method == r.method && m.path == r.path),
            "{site}: reviewed and checked at once"
        );
    }
}

/// The handler file with the QEMU migration entry's storage path replaced by `path`.
fn with_migrate_path(path: &str) -> SchemaSet {
    let mut set = vendored();
    let file = set
        .handler_permissions
        .as_mut()
        .expect("handler-permissions.json");
    let entry = file
        .methods
        .iter_mut()
        .find(|m| m.path == "/nodes/{node}/qemu/{vmid}/migrate")
        .expect("the migrate entry");
    entry.check = serde_json::json!(["perm", path, ["Datastore.AllocateSpace"]]);
    set
}

#[test]
fn a_storage_map_placeholder_is_accepted_only_on_a_storage_map_parameter() {
    let generate = |set| {
        sdk_codegen::Generator::new(sdk_codegen::Settings { strict: true })
            .generate(set)
            .map(|_| ())
            .map_err(|e| e.to_string())
    };
    assert_eq!(
        generate(with_migrate_path("/storage/{targetstorage:target}")),
        Ok(())
    );
    let unknown = generate(with_migrate_path("/storage/{targetstorage:source}")).unwrap_err();
    assert!(
        unknown.contains("/nodes/{node}/qemu/{vmid}/migrate")
            && unknown.contains("unknown placeholder modifier `:source`"),
        "{unknown}"
    );
    let not_a_map = generate(with_migrate_path("/storage/{target:target}")).unwrap_err();
    assert!(not_a_map.contains("`target` is not one"), "{not_a_map}");
    let missing = generate(with_migrate_path("/storage/{nosuch}")).unwrap_err();
    assert!(missing.contains("no parameter `nosuch`"), "{missing}");
}
