//! Where a setting came from, so every error can name it.

use std::fmt;
use std::path::PathBuf;

/// The origin of one setting: a key in the config file, or an environment variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A key of the JSON config file at this path.
    File(PathBuf),
    /// An environment variable.
    Env(&'static str),
    /// A systemd credential file (`LoadCredential=`, read from `$CREDENTIALS_DIRECTORY`).
    Credential(PathBuf),
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::File(path) => write!(f, "config file {}", path.display()),
            Source::Env(var) => write!(f, "environment variable {var}"),
            Source::Credential(path) => write!(f, "systemd credential {}", path.display()),
        }
    }
}

/// A value with its origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting<T> {
    /// The value.
    pub value: T,
    /// Where it was set.
    pub source: Source,
}

impl<T> Setting<T> {
    /// A value set in the config file at `path`.
    pub fn file(value: T, path: &std::path::Path) -> Self {
        Self {
            value,
            source: Source::File(path.to_path_buf()),
        }
    }

    /// A value set by the environment variable `var`.
    pub fn env(value: T, var: &'static str) -> Self {
        Self {
            value,
            source: Source::Env(var),
        }
    }
}
