//! The JSON config file: its shape, and errors that name the key without echoing values.

use std::path::{Path, PathBuf};

use proxmox_sdk::client::Secret;
use serde::Deserialize;

use super::error::ConfigError;
use super::source::Source;

/// The config file as written (`configs/agent.example.json`). Every key is optional here;
/// what is required is decided after the environment has been applied.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileConfig {
    #[serde(default)]
    pub proxmox: FileProxmox,
    #[serde(default)]
    pub privileged: FilePrivileged,
    #[serde(default)]
    pub log: FileLog,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileProxmox {
    pub endpoint: Option<String>,
    pub node: Option<String>,
    /// Wrapped at once, so not even a `Debug` of this struct shows it.
    pub token: Option<FileSecret>,
    #[serde(default)]
    pub tls: FileTls,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileTls {
    pub ca_file: Option<PathBuf>,
    pub fingerprint: Option<String>,
    pub insecure_skip_verify: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FilePrivileged {
    pub mode: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileLog {
    pub level: Option<String>,
    pub format: Option<String>,
}

/// A string read straight into a [`Secret`].
#[derive(Debug)]
pub(super) struct FileSecret(pub Secret);

impl<'de> Deserialize<'de> for FileSecret {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(|s| FileSecret(Secret::new(s)))
    }
}

/// Reads and parses the config file at `path`.
pub(super) fn read(path: &Path) -> Result<FileConfig, ConfigError> {
    let bytes = std::fs::read(path).map_err(|source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    parse(&bytes, path)
}

/// Parses config file contents; `path` only names the file in errors.
pub(super) fn parse(bytes: &[u8], path: &Path) -> Result<FileConfig, ConfigError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let config: FileConfig =
        serde_path_to_error::deserialize(&mut de).map_err(|err| classify(err, path))?;
    de.end().map_err(|err| ConfigError::Syntax {
        path: path.to_path_buf(),
        line: err.line(),
        column: err.column(),
        problem: strip_position(&err.to_string()),
    })?;
    Ok(config)
}

/// Turns a serde error into a [`ConfigError`] that names the key. serde's own messages quote
/// the offending value (`invalid type: string "…"`), which could be the token secret pasted
/// under the wrong key, so only the kinds of value are kept.
fn classify(err: serde_path_to_error::Error<serde_json::Error>, path: &Path) -> ConfigError {
    let key = err.path().to_string();
    let inner = err.into_inner();
    let origin = Source::File(path.to_path_buf());
    let message = strip_position(&inner.to_string());
    match inner.classify() {
        serde_json::error::Category::Data => {
            if let Some(rest) = message.strip_prefix("unknown field `") {
                // The path already ends with the unknown field.
                let field = rest.split('`').next().unwrap_or_default();
                let key = if key.ends_with(field) {
                    key
                } else {
                    field.to_owned()
                };
                ConfigError::UnknownKey { key, origin }
            } else {
                ConfigError::WrongType {
                    key: if key == "." {
                        "(top level)".into()
                    } else {
                        key
                    },
                    origin,
                    problem: describe_data_error(&message),
                }
            }
        }
        _ => ConfigError::Syntax {
            path: path.to_path_buf(),
            line: inner.line(),
            column: inner.column(),
            problem: message,
        },
    }
}

/// `invalid type: string "abc", expected a boolean` → `found a string, expected a boolean`.
fn describe_data_error(message: &str) -> String {
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = message.strip_prefix(prefix) {
            let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, "?"));
            let kind = found
                .split(['`', '"'])
                .next()
                .unwrap_or_default()
                .trim()
                .trim_end_matches(',');
            return format!("found {kind}, expected {expected}");
        }
    }
    if let Some(rest) = message.strip_prefix("duplicate field `") {
        let field = rest.split('`').next().unwrap_or_default();
        return format!("`{field}` is set twice");
    }
    "the value does not fit this key".to_owned()
}

/// serde_json appends ` at line L column C`; the error carries those as numbers already.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}
