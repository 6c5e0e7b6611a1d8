//! Golden tests: each folder in `tests/golden/` is a small schema set next to the code it must
//! generate (`expected.rs`). Set `BLESS=1` to rewrite the expected files after an intended
//! change; the `sdk-tests` crate compiles every `expected.rs` with warnings denied.

use std::path::{Path, PathBuf};

use sdk_codegen::model::SchemaSet;
use sdk_codegen::{Generator, Settings};

fn golden_dirs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("tests/golden exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.join("pve-api.json").exists())
        .collect();
    dirs.sort();
    assert!(
        !dirs.is_empty(),
        "no golden fixtures found in {}",
        root.display()
    );
    dirs
}

fn generate(dir: &Path) -> String {
    let set = SchemaSet::load(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    Generator::new(Settings::default())
        .generate(set)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .code
        .single_file()
}

#[test]
fn generated_code_matches_the_golden_files() {
    let bless = std::env::var_os("BLESS").is_some();
    let mut mismatched = Vec::new();
    for dir in golden_dirs() {
        let actual = generate(&dir);
        let expected_path = dir.join("expected.rs");
        if bless {
            std::fs::write(&expected_path, &actual).expect("write expected.rs");
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if expected != actual {
            let line = expected
                .lines()
                .zip(actual.lines())
                .position(|(a, b)| a != b)
                .map_or(0, |l| l + 1);
            mismatched.push(format!(
                "{} (first difference at line {line})",
                expected_path.display()
            ));
        }
    }
    assert!(
        mismatched.is_empty(),
        "generated code differs from:\n  {}\nrun `BLESS=1 cargo test -p sdk-codegen --test golden` if the change is intended",
        mismatched.join("\n  ")
    );
}

#[test]
fn generating_twice_gives_identical_bytes() {
    for dir in golden_dirs() {
        assert_eq!(generate(&dir), generate(&dir), "{}", dir.display());
    }
}
