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
        write_if_changed(&out.join(name), &text)?;
    }
    // The wording of permission checks: the generator's own renderer, so the SDK's `Display`
    // says exactly what the generated docs say.
    write_if_changed(
        &out.join("permission_wording.rs"),
        sdk_codegen::PERMISSION_WORDING_SOURCE,
    )?;
    std::fs::write(out.join("build-report.txt"), generated.report.to_string())?;
    if std::env::var_os("PROXMOX_SDK_BUILD_REPORT").is_some() {
        for line in generated.report.to_string().lines() {
            println!("cargo:warning={line}");
        }
    }
    Ok(())
}

/// Writes `text` unless the file already holds it, so unchanged files keep their timestamps and
/// force no recompile.
fn write_if_changed(path: &Path, text: &str) -> std::io::Result<()> {
    if std::fs::read_to_string(path).ok().as_deref() == Some(text) {
        return Ok(());
    }
    std::fs::write(path, text)
}
