//! Generates the PVE API bindings from `schema/` (the vendored, facts-only PVE schema) into
//! `$OUT_DIR`. Reruns only when the schema changes.

use std::path::{Path, PathBuf};

use sdk_codegen::model::SchemaSet;
use sdk_codegen::{Generator, Settings};

fn main() {
    let manifest = PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    );
    let schema = manifest.join("schema");
    for file in SchemaSet::FILES {
        println!("cargo:rerun-if-changed={}", schema.join(file).display());
    }
    println!("cargo:rerun-if-changed=build.rs");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    if let Err(e) = generate(&schema, &out) {
        eprintln!("proxmox-sdk build: {e}");
        std::process::exit(1);
    }
}

fn generate(schema: &Path, out: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let set = SchemaSet::load(schema)?;
    let generated = Generator::new(Settings { strict: true }).generate(set)?;
    for (name, text) in generated.code.files() {
        let path = out.join(name);
        // Leave unchanged files alone so their timestamps do not force recompiles.
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            std::fs::write(&path, text)?;
        }
    }
    std::fs::write(out.join("build-report.txt"), generated.report.to_string())?;
    if std::env::var_os("PROXMOX_SDK_BUILD_REPORT").is_some() {
        for line in generated.report.to_string().lines() {
            println!("cargo:warning={line}");
        }
    }
    Ok(())
}
