//! `FELHOM_AGENT_*` environment overrides. The environment beats the file.

use std::collections::BTreeMap;
use std::ffi::OsString;

use super::error::ConfigError;

/// The prefix every variable of the agent starts with.
pub const PREFIX: &str = "FELHOM_AGENT_";

/// `proxmox.token`.
pub const TOKEN: &str = "FELHOM_AGENT_PROXMOX_TOKEN";
/// `proxmox.node`.
pub const NODE: &str = "FELHOM_AGENT_PROXMOX_NODE";
/// `proxmox.endpoint`.
pub const ENDPOINT: &str = "FELHOM_AGENT_PROXMOX_ENDPOINT";
/// `proxmox.tls.fingerprint`.
pub const TLS_FINGERPRINT: &str = "FELHOM_AGENT_PROXMOX_TLS_FINGERPRINT";
/// `proxmox.tls.ca_file`.
pub const TLS_CA_FILE: &str = "FELHOM_AGENT_PROXMOX_TLS_CA_FILE";
/// `proxmox.tls.insecure_skip_verify` (`true`/`false`, `1`/`0`).
pub const TLS_INSECURE_SKIP_VERIFY: &str = "FELHOM_AGENT_PROXMOX_TLS_INSECURE_SKIP_VERIFY";
/// `privileged.mode`.
pub const PRIVILEGED_MODE: &str = "FELHOM_AGENT_PRIVILEGED_MODE";
/// `log.level`.
pub const LOG_LEVEL: &str = "FELHOM_AGENT_LOG_LEVEL";
/// `log.format`.
pub const LOG_FORMAT: &str = "FELHOM_AGENT_LOG_FORMAT";

/// Every variable the agent reads; any other `FELHOM_AGENT_*` variable is an error.
pub const KNOWN: &[&str] = &[
    TOKEN,
    NODE,
    ENDPOINT,
    TLS_FINGERPRINT,
    TLS_CA_FILE,
    TLS_INSECURE_SKIP_VERIFY,
    PRIVILEGED_MODE,
    LOG_LEVEL,
    LOG_FORMAT,
];

/// systemd's variable naming the directory of the service's credentials (`LoadCredential=`).
pub const CREDENTIALS_DIRECTORY: &str = "CREDENTIALS_DIRECTORY";

/// The name of the credential that holds the token (`LoadCredential=proxmox-token:…`).
pub const TOKEN_CREDENTIAL: &str = "proxmox-token";

/// A snapshot of the agent's environment variables (and systemd's credentials directory).
#[derive(Default, Clone)]
pub struct Environment {
    vars: BTreeMap<String, OsString>,
    credentials: Option<std::path::PathBuf>,
}

impl std::fmt::Debug for Environment {
    /// Names only: the token is one of the values.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.vars.keys()).finish()
    }
}

impl Environment {
    /// The `FELHOM_AGENT_*` variables of this process.
    pub fn from_process() -> Self {
        Self::from_pairs(std::env::vars_os())
    }

    /// The `FELHOM_AGENT_*` variables among `pairs` (for tests and embedding).
    pub fn from_pairs<K, V>(pairs: impl IntoIterator<Item = (K, V)>) -> Self
    where
        K: Into<OsString>,
        V: Into<OsString>,
    {
        let mut credentials = None;
        let vars = pairs
            .into_iter()
            .filter_map(|(k, v)| {
                let key = k.into().into_string().ok()?;
                let value = v.into();
                if key == CREDENTIALS_DIRECTORY && !value.is_empty() {
                    credentials = Some(std::path::PathBuf::from(&value));
                }
                key.starts_with(PREFIX).then_some((key, value))
            })
            .collect();
        Self { vars, credentials }
    }

    /// The token credential file, when systemd passed the service a credentials directory.
    pub(super) fn token_credential(&self) -> Option<std::path::PathBuf> {
        self.credentials
            .as_ref()
            .map(|dir| dir.join(TOKEN_CREDENTIAL))
    }

    /// Refuses variables with the agent's prefix that it does not read (a typo would otherwise
    /// be ignored without a word).
    pub(super) fn check_known(&self) -> Result<(), ConfigError> {
        match self.vars.keys().find(|k| !KNOWN.contains(&k.as_str())) {
            Some(var) => Err(ConfigError::UnknownEnv { var: var.clone() }),
            None => Ok(()),
        }
    }

    /// The value of `var`: `None` when unset; an error when set but empty or not UTF-8.
    pub(super) fn get(
        &self,
        var: &'static str,
        key: &'static str,
    ) -> Result<Option<String>, ConfigError> {
        let Some(value) = self.vars.get(var) else {
            return Ok(None);
        };
        let invalid = |problem: &str| ConfigError::Invalid {
            key,
            origin: super::Source::Env(var),
            problem: problem.to_owned(),
        };
        let value = value
            .clone()
            .into_string()
            .map_err(|_| invalid("the value is not valid UTF-8"))?;
        if value.trim().is_empty() {
            return Err(invalid("set but empty (unset it, or give a value)"));
        }
        Ok(Some(value))
    }

    /// A boolean variable: `true`/`false`, `1`/`0`, `yes`/`no` (any case).
    pub(super) fn get_bool(
        &self,
        var: &'static str,
        key: &'static str,
    ) -> Result<Option<bool>, ConfigError> {
        let Some(value) = self.get(var, key)? else {
            return Ok(None);
        };
        match value.trim().to_ascii_lowercase().as_str() {
            "1" | "true" | "yes" => Ok(Some(true)),
            "0" | "false" | "no" => Ok(Some(false)),
            _ => Err(ConfigError::Invalid {
                key,
                origin: super::Source::Env(var),
                problem: "expected true or false (also 1/0, yes/no)".to_owned(),
            }),
        }
    }
}
