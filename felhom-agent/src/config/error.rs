//! Why a configuration was refused. Every variant names the key and where it was set; no
//! variant ever holds a value of the token.

use std::fmt;
use std::path::PathBuf;

use super::Source;

/// A configuration that cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The config file could not be read.
    #[error("cannot read config file {}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The config file is not valid JSON.
    #[error("config file {} is not valid JSON (line {line}, column {column}): {problem}", path.display())]
    Syntax {
        /// The file.
        path: PathBuf,
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column of the problem.
        column: usize,
        /// The parser's complaint, without any value from the file.
        problem: String,
    },
    /// A key this agent does not know (a typo, or a setting of another version).
    #[error("unknown key `{key}` in {origin}")]
    UnknownKey {
        /// The dotted key, e.g. `proxmox.tls.fingerprnt`.
        key: String,
        /// Where it was found.
        origin: Source,
    },
    /// A key whose value has the wrong JSON type.
    #[error("`{key}` in {origin} has the wrong type: {problem}")]
    WrongType {
        /// The dotted key.
        key: String,
        /// Where it was set.
        origin: Source,
        /// What was expected and what was found (never the value itself).
        problem: String,
    },
    /// A value of the right type that cannot be used.
    #[error("`{key}` from {origin} is invalid: {problem}")]
    Invalid {
        /// The dotted key.
        key: &'static str,
        /// Where it was set.
        origin: Source,
        /// What is wrong with it.
        problem: String,
    },
    /// Two TLS trust modes are set at once; exactly one may be.
    #[error(
        "two TLS trust modes are set: `{first}` ({first_origin}) and `{second}` ({second_origin}); \
         set exactly one of proxmox.tls.ca_file, proxmox.tls.fingerprint, proxmox.tls.insecure_skip_verify"
    )]
    TrustConflict {
        /// The first mode's key.
        first: &'static str,
        /// Where it was set.
        first_origin: Source,
        /// The second mode's key.
        second: &'static str,
        /// Where it was set.
        second_origin: Source,
    },
    /// Settings the agent needs are not set anywhere.
    #[error("not configured: {}", Missing(.0))]
    Missing(Vec<MissingSetting>),
    /// An environment variable with the agent's prefix that the agent does not know.
    #[error("unknown environment variable {var} (known: {})", super::env::KNOWN.join(", "))]
    UnknownEnv {
        /// Its name.
        var: String,
    },
}

/// One required setting that is not set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingSetting {
    /// The config file key.
    pub key: &'static str,
    /// The environment variable that can set it instead.
    pub env: &'static str,
}

struct Missing<'a>(&'a [MissingSetting]);

impl fmt::Display for Missing<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, m) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "`{}` (or {}", m.key, m.env)?;
            if m.key == "proxmox.token" {
                f.write_str(", or the systemd credential proxmox-token")?;
            }
            f.write_str(")")?;
        }
        f.write_str(" missing")
    }
}

impl ConfigError {
    /// The settings that are missing, for [`ConfigError::Missing`].
    pub fn missing(&self) -> &[MissingSetting] {
        match self {
            ConfigError::Missing(m) => m,
            _ => &[],
        }
    }
}
