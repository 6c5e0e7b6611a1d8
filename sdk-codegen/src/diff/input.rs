//! Reading either side of a diff: a vendored schema folder, a `pve-api.json`, or an upstream
//! file (`apidoc.js` or `pve-<version>-apidoc.json`), extracted in memory.

use std::path::{Path, PathBuf};

use crate::extract::{self, ExtractOptions};
use crate::model::{ApiSchema, IndexedKeys, LoadError, PrivilegeList, SchemaSet, TaskList};

/// Why a diff input could not be read. Always names the file.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// A file of the schema folder is missing or malformed.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// An upstream file could not be extracted.
    #[error(transparent)]
    Extract(#[from] extract::ExtractError),
    /// A `pve-api.json` that does not parse.
    #[error("{file}: {problem}")]
    Schema {
        /// The file.
        file: PathBuf,
        /// What is wrong.
        problem: String,
    },
}

/// Loads one side of a diff.
///
/// - a folder: read like `schema/` (its own `privileges.json`, `indexed-keys.json`, `tasks.json`);
/// - a `pve-api.json` written by `extract`: the data files next to it when they are there, else
///   those of `data`;
/// - anything else: an upstream apidoc (`apidoc.js` or plain JSON), extracted in memory, with
///   the data files of `data`. The version comes from a `pve-<version>-apidoc.json` file name,
///   else it is `unknown`.
///
/// Without `data`, the data files are empty: no task endpoints, privileges only as the checks
/// name them, and every `name[n]` family in the default container (see [`crate::lower`]).
///
/// # Errors
/// [`InputError`] naming the file that could not be read or understood.
pub fn load(path: &Path, data: Option<&Path>) -> Result<SchemaSet, InputError> {
    load_as(path, data, None)
}

/// [`load`], with the PVE version of an upstream file given (`apidoc.js` does not say it).
///
/// # Errors
/// As [`load`].
pub fn load_as(
    path: &Path,
    data: Option<&Path>,
    version: Option<&str>,
) -> Result<SchemaSet, InputError> {
    if path.is_dir() {
        return Ok(SchemaSet::load(path)?);
    }
    let bytes = std::fs::read(path).map_err(|source| LoadError::Io {
        file: path.display().to_string(),
        source,
    })?;
    let vendored = serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .filter(|v| v.get("schema_format").is_some() && v.get("methods").is_some());
    let (api, data) = match vendored {
        Some(doc) => {
            let api: ApiSchema = serde_json::from_value(doc).map_err(|e| InputError::Schema {
                file: path.to_path_buf(),
                problem: e.to_string(),
            })?;
            let sibling = path.parent().filter(|d| d.join("privileges.json").exists());
            (api, sibling.or(data))
        }
        None => {
            let named = ExtractOptions {
                pve_version: version.map(str::to_string),
                command: String::new(),
            };
            let extracted = match extract::extract(path, &bytes, &named) {
                Ok(e) => e,
                Err(_) if version.is_none() => extract::extract(
                    path,
                    &bytes,
                    &ExtractOptions {
                        pve_version: Some("unknown".into()),
                        command: String::new(),
                    },
                )?,
                Err(e) => return Err(e.into()),
            };
            let api = serde_json::from_value(extracted.schema).map_err(|e| InputError::Schema {
                file: path.to_path_buf(),
                problem: e.to_string(),
            })?;
            (api, data)
        }
    };
    match data {
        Some(dir) => {
            let mut set = SchemaSet::load(dir)?;
            set.api = api;
            Ok(set)
        }
        None => Ok(SchemaSet {
            privileges: PrivilegeList {
                pve_version: api.pve_version.clone(),
                privileges: Vec::new(),
            },
            indexed: IndexedKeys {
                families: Vec::new(),
            },
            tasks: TaskList {
                methods: Vec::new(),
            },
            history: None,
            formats: None,
            handler_permissions: None,
            api,
        }),
    }
}
