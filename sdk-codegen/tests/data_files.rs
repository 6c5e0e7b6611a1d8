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
    assert!(root.contains(
        "<a id=\"format-pve-node\"></a>`pve-node` | The name of a cluster node"
    ));
    assert!(root.contains("pub mod glossary {}"));
    let table = &files["api_paths.md"];
    assert!(table.contains(
        "| `GET /nodes/{node}/lxc/{vmid}/config` | [`GetNodesLxcConfig`](nodes::GetNodesLxcConfig) |"
    ));
    assert_eq!(table.matches("\n| `").count(), 667);
}
