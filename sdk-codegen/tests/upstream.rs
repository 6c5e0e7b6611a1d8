//! Every upstream schema in `../shared/pve-apidoc/` (PVE 9.1, 8.4 and 7.4) goes through
//! `extract` and the whole generator without hand edits and without panics; the vendored 9.1
//! schema generates in strict mode and is byte-identical to a fresh extraction.
//!
//! The upstream files live outside this repository; when the folder is absent the tests print
//! why they did nothing and pass.

use std::path::{Path, PathBuf};

use sdk_codegen::extract::{self, ExtractOptions};
use sdk_codegen::model::{ApiSchema, SchemaSet};
use sdk_codegen::{Generator, Settings};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

fn upstream_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("PVE_APIDOC_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("../shared/pve-apidoc"));
    if dir.join("pve-9.1.4-apidoc.json").exists() {
        Some(dir)
    } else {
        eprintln!(
            "SKIPPED: upstream schemas not found in {} (set PVE_APIDOC_DIR to the folder holding \
             pve-<version>-apidoc.json files)",
            dir.display()
        );
        None
    }
}

/// The vendored data files with the API schema replaced by an extraction of `file`.
fn schema_set(file: &Path) -> SchemaSet {
    let bytes = std::fs::read(file).expect("readable upstream file");
    let extracted = extract::extract(file, &bytes, &ExtractOptions::default()).expect("extracts");
    let mut set = SchemaSet::load(&workspace().join("schema")).expect("vendored schema loads");
    set.api =
        serde_json::from_value::<ApiSchema>(extracted.schema).expect("extracted schema parses");
    set
}

#[test]
fn all_three_upstream_versions_generate() {
    let Some(dir) = upstream_dir() else { return };
    let mut older_fixups_fired = std::collections::BTreeMap::new();
    for (file, methods) in [
        ("pve-9.1.4-apidoc.json", 667),
        ("pve-8.4.2-apidoc.json", 605),
        ("pve-7.4-1-apidoc.json", 540),
    ] {
        let set = schema_set(&dir.join(file));
        assert_eq!(set.api.methods.len(), methods, "{file}");
        let generated = Generator::new(Settings::default())
            .generate(set)
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(generated.report.endpoints, methods, "{file}");
        // Every generated module parses as Rust (emission already formatted it through syn).
        assert!(generated.code.modules.contains_key("nodes"), "{file}");
        for (name, hits) in &generated.report.fixups {
            *older_fixups_fired.entry(*name).or_insert(0) += hits;
        }
    }
    for fixup in sdk_codegen::fixups::FIXUPS {
        assert!(
            older_fixups_fired.get(fixup.name).copied().unwrap_or(0) > 0,
            "fixup `{}` fires on none of the upstream schemas; remove it",
            fixup.name
        );
    }
}

#[test]
fn the_vendored_schema_is_a_fresh_extraction_of_pve_9_1() {
    let Some(dir) = upstream_dir() else { return };
    let file = dir.join("pve-9.1.4-apidoc.json");
    let bytes = std::fs::read(&file).expect("readable");
    let opts = ExtractOptions {
        pve_version: None,
        command: String::new(),
    };
    let extracted = extract::extract(&file, &bytes, &opts).expect("extracts");
    let vendored =
        std::fs::read_to_string(workspace().join("schema/pve-api.json")).expect("vendored file");
    assert!(
        extract::to_canonical_json(&extracted.schema) == vendored,
        "schema/pve-api.json differs from a fresh extraction; rerun `sdk-codegen extract`"
    );
}

#[test]
fn the_vendored_schema_generates_in_strict_mode() {
    let set = SchemaSet::load(&workspace().join("schema")).expect("vendored schema loads");
    let out = Generator::new(Settings { strict: true })
        .generate(set)
        .expect("strict generation");
    assert_eq!(out.report.endpoints, 667);
    assert_eq!(out.report.privileges, 47);
    assert_eq!(out.report.task_endpoints, 94);
}
