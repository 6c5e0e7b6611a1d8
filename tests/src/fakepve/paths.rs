//! Where the launcher and its Python are, and whether a missing fakepve fails the run.

use std::path::{Path, PathBuf};

use super::{PYTHON_ENV, REQUIRED_ENV};

/// True when `FAKEPVE_REQUIRED=1`: a missing fakepve is then a failure, not a skip.
pub fn required() -> bool {
    std::env::var(REQUIRED_ENV).is_ok_and(|v| v.trim() == "1")
}

/// The Python interpreter that runs the launcher: `$FAKEPVE_PYTHON`, else the workspace's
/// `.venv-fakepve/bin/python`.
pub fn python_path() -> PathBuf {
    match std::env::var_os(PYTHON_ENV) {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => workspace_root()
            .join(".venv-fakepve")
            .join("bin")
            .join("python"),
    }
}

/// The workspace root (parent of this crate's directory).
pub fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_owned()
}

/// Path of `tests/fakepve/scenario.py`.
pub fn scenario_script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fakepve")
        .join("scenario.py")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_python_is_in_the_workspace_venv() {
        if std::env::var_os(PYTHON_ENV).is_none() {
            assert!(python_path().ends_with(".venv-fakepve/bin/python"));
        }
        assert!(scenario_script().is_file());
    }
}
