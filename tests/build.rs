//! Generates the PVE 8.4 bindings from the upstream schema (when `../shared/pve-apidoc` or
//! `$PVE_APIDOC_DIR` holds it) so the integration tests compile them next to the pinned 9.1
//! ones: regenerating for another PVE release must give code that builds, not just parses.

use std::path::{Path, PathBuf};

use sdk_codegen::extract::{self, ExtractOptions};
use sdk_codegen::model::{ApiSchema, SchemaSet};
use sdk_codegen::{Generator, Settings};

fn main() {
    println!("cargo::rustc-check-cfg=cfg(pve_8_4)");
    println!("cargo:rerun-if-env-changed=PVE_APIDOC_DIR");
    println!("cargo:rerun-if-changed=build.rs");
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let workspace = manifest.parent().expect("workspace root").to_path_buf();
    let upstream = std::env::var_os("PVE_APIDOC_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace.join("../shared/pve-apidoc"))
        .join("pve-8.4.2-apidoc.json");
    println!("cargo:rerun-if-changed={}", upstream.display());
    if !upstream.exists() {
        println!(
            "cargo:warning=PVE 8.4 schema not found at {}; its compile check is skipped",
            upstream.display()
        );
        return;
    }
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo")).join("pve_8_4.rs");
    match generate(&upstream, &workspace.join("schema")) {
        Ok(code) => {
            std::fs::write(&out, code).expect("write generated 8.4 bindings");
            println!("cargo:rustc-cfg=pve_8_4");
        }
        Err(e) => panic!("generating the PVE 8.4 bindings failed: {e}"),
    }
}

fn generate(upstream: &Path, vendored: &Path) -> Result<String, Box<dyn std::error::Error>> {
    let bytes = std::fs::read(upstream)?;
    let extracted = extract::extract(upstream, &bytes, &ExtractOptions::default())?;
    let mut set = SchemaSet::load(vendored)?;
    set.api = serde_json::from_value::<ApiSchema>(extracted.schema)?;
    let generated = Generator::new(Settings::default()).generate(set)?;
    Ok(generated.code.single_file())
}
