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

/// The largest config file read (a config is a few hundred bytes; this stops `/dev/zero`).
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// The keys whose values must be JSON objects, and the top level.
const OBJECTS: &[&str] = &["", "proxmox", "proxmox.tls", "privileged", "log"];

/// Reads and parses the config file at `path`.
pub(super) fn read(path: &Path) -> Result<FileConfig, ConfigError> {
    use std::io::Read as _;
    let read_error = |source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(read_error)?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(read_error)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ConfigError::Syntax {
            path: path.to_path_buf(),
            line: 1,
            column: 1,
            problem: format!(
                "the file is larger than {MAX_FILE_BYTES} bytes; this is not an agent config"
            ),
        });
    }
    parse(&bytes, path)
}

/// Parses config file contents; `path` only names the file in errors.
pub(super) fn parse(bytes: &[u8], path: &Path) -> Result<FileConfig, ConfigError> {
    // A UTF-8 byte order mark, as some editors write one, is not part of the JSON.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    check_shape(bytes, path)?;
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

/// Syntax first, then that every section is an object: serde would otherwise take a JSON array
/// as a struct's fields in order, so `[["https://…", "pve1", …]]` would load.
fn check_shape(bytes: &[u8], path: &Path) -> Result<(), ConfigError> {
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|err| ConfigError::Syntax {
            path: path.to_path_buf(),
            line: err.line(),
            column: err.column(),
            problem: strip_position(&err.to_string()),
        })?;
    for key in OBJECTS {
        let found = if key.is_empty() {
            Some(&value)
        } else {
            key.split('.').try_fold(&value, |v, part| v.get(part))
        };
        match found {
            None | Some(serde_json::Value::Object(_)) => {}
            Some(other) => {
                return Err(ConfigError::WrongType {
                    key: if key.is_empty() {
                        "(top level)".to_owned()
                    } else {
                        (*key).to_owned()
                    },
                    origin: Source::File(path.to_path_buf()),
                    problem: format!("found {}, expected an object {{ … }}", kind(other)),
                });
            }
        }
    }
    Ok(())
}

fn kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
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
                ConfigError::UnknownKey {
                    key: printable(&key),
                    origin,
                }
            } else if let Some(rest) = message.strip_prefix("duplicate field `") {
                let field = rest.split('`').next().unwrap_or_default();
                let key = if key == "." || key.is_empty() {
                    field.to_owned()
                } else {
                    format!("{key}.{field}")
                };
                ConfigError::WrongType {
                    key: printable(&key),
                    origin,
                    problem: "the key is set twice".to_owned(),
                }
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
    "the value does not fit this key".to_owned()
}

/// A key as it may be shown: control characters (a newline, a terminal escape) escaped.
fn printable(key: &str) -> String {
    key.chars()
        .flat_map(|c| {
            if c.is_control() {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect()
}

/// serde_json appends ` at line L column C`; the error carries those as numbers already.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}
