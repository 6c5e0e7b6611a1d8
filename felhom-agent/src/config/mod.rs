//! The agent's configuration: a JSON file (`--config FILE`, optional) and `FELHOM_AGENT_*`
//! environment variables, which win over the file.
//!
//! | key | env | |
//! |---|---|---|
//! | `proxmox.endpoint` | `FELHOM_AGENT_PROXMOX_ENDPOINT` | required, `https://host:port` |
//! | `proxmox.node` | `FELHOM_AGENT_PROXMOX_NODE` | required, this host's node name |
//! | `proxmox.token` | `FELHOM_AGENT_PROXMOX_TOKEN` | required, `user@realm!tokenid=secret` (or the systemd credential `proxmox-token`) |
//! | `proxmox.tls.ca_file` | `FELHOM_AGENT_PROXMOX_TLS_CA_FILE` | at most one of the three |
//! | `proxmox.tls.fingerprint` | `FELHOM_AGENT_PROXMOX_TLS_FINGERPRINT` | |
//! | `proxmox.tls.insecure_skip_verify` | `FELHOM_AGENT_PROXMOX_TLS_INSECURE_SKIP_VERIFY` | |
//! | `privileged.mode` | `FELHOM_AGENT_PRIVILEGED_MODE` | `sudo` (default) or `direct` |
//! | `log.level` | `FELHOM_AGENT_LOG_LEVEL` | `error` … `trace`, default `info` |
//! | `log.format` | `FELHOM_AGENT_LOG_FORMAT` | `text` (default) or `json` |
//!
//! When neither the file nor the environment sets the token and systemd started the agent with
//! `LoadCredential=proxmox-token:…`, the token is read from `$CREDENTIALS_DIRECTORY/proxmox-token`
//! (the shipped unit does this, so the secret is in no file the agent's user can read and in no
//! environment). Without a TLS mode the system CA store verifies the host. A TLS mode set in the environment
//! replaces the file's (the environment wins), so the file's pin can be overridden by a CA file.
//! Unknown keys, wrong types, invalid values, two trust modes from one source and unknown
//! `FELHOM_AGENT_*` variables are errors naming the key and where it was set. The token is an
//! [`ApiToken`]: its secret never appears in a log line, a `Debug` print, an error or a report.

mod env;
mod error;
mod file;
mod source;
mod token;
mod values;

#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

use felhom_privileged::Mode;
use proxmox_sdk::tls::Fingerprint;

pub use env::Environment;
pub use error::{ConfigError, MissingSetting};
pub use source::{Setting, Source};
pub use token::{ApiToken, TokenError};
pub use values::{Endpoint, LogFormat, LogLevel, Trust};

/// Names of the environment variables, for documentation and messages.
pub mod vars {
    pub use super::env::{
        ENDPOINT, KNOWN, LOG_FORMAT, LOG_LEVEL, NODE, PREFIX, PRIVILEGED_MODE, TLS_CA_FILE,
        TLS_FINGERPRINT, TLS_INSECURE_SKIP_VERIFY, TOKEN,
    };
}

/// Every setting after the file and the environment were read and checked; the required ones
/// may still be missing (see [`Settings::require`]).
#[derive(Debug, Clone)]
pub struct Settings {
    /// `proxmox.endpoint`.
    pub endpoint: Option<Setting<Endpoint>>,
    /// `proxmox.node`.
    pub node: Option<Setting<String>>,
    /// `proxmox.token`.
    pub token: Option<Setting<ApiToken>>,
    /// The TLS trust mode and where it was chosen (`None`: nothing set, the system store).
    pub trust: (Trust, Option<Source>),
    /// `privileged.mode`.
    pub privileged_mode: Mode,
    /// `log.level`.
    pub log_level: LogLevel,
    /// `log.format`.
    pub log_format: LogFormat,
    /// Things worth a warning once logging is set up (a setting that replaced another).
    pub notices: Vec<String>,
}

/// A complete configuration: everything the agent needs to talk to its host.
#[derive(Debug, Clone)]
pub struct AgentConfig {
    /// The PVE API origin.
    pub endpoint: Endpoint,
    /// This host's node name.
    pub node: String,
    /// The API token.
    pub token: ApiToken,
    /// Where the token came from.
    pub token_source: Source,
    /// How the host's certificate is verified.
    pub trust: Trust,
    /// How root commands run.
    pub privileged_mode: Mode,
    /// Log level.
    pub log_level: LogLevel,
    /// Log format.
    pub log_format: LogFormat,
}

impl Settings {
    /// Reads the file at `path` (when given) and applies `env` over it.
    ///
    /// # Errors
    /// A [`ConfigError`] naming the key and its source for every problem but missing
    /// settings, which [`Settings::require`] reports.
    pub fn load(path: Option<&Path>, env: &Environment) -> Result<Self, ConfigError> {
        env.check_known()?;
        let file = match path {
            Some(path) => Some((file::read(path)?, path)),
            None => None,
        };
        Self::merge(file, env)
    }

    /// [`Settings::load`] with the file's contents given (for tests): `name` names it.
    ///
    /// # Errors
    /// As [`Settings::load`].
    pub fn from_json(json: &str, name: &Path, env: &Environment) -> Result<Self, ConfigError> {
        env.check_known()?;
        Self::merge(Some((file::parse(json.as_bytes(), name)?, name)), env)
    }

    fn merge(
        file: Option<(file::FileConfig, &Path)>,
        env: &Environment,
    ) -> Result<Self, ConfigError> {
        let (config, path) = match file {
            Some((config, path)) => (config, Some(path)),
            None => (file::FileConfig::default(), None),
        };
        let from_file = |value: Option<String>| value.zip(path).map(|(v, p)| Setting::file(v, p));
        let pick = |file: Option<Setting<String>>, var: &'static str, key: &'static str| {
            Ok::<_, ConfigError>(match env.get(var, key)? {
                Some(value) => Some(Setting::env(value, var)),
                None => file,
            })
        };

        let endpoint = pick(
            from_file(config.proxmox.endpoint),
            env::ENDPOINT,
            "proxmox.endpoint",
        )?
        .map(|s| check(s, "proxmox.endpoint", Endpoint::parse))
        .transpose()?;
        let node = pick(from_file(config.proxmox.node), env::NODE, "proxmox.node")?
            .map(|s| {
                check(s, "proxmox.node", |v| {
                    values::check_node(v.trim()).map(|()| v.trim().to_owned())
                })
            })
            .transpose()?;
        // The environment, then systemd's credential (the shipped unit's way), then the file.
        let mut notices = Vec::new();
        let token = match env.get(env::TOKEN, "proxmox.token")? {
            Some(value) => Some(parse_token(&value, Source::Env(env::TOKEN))?),
            None => match (credential_token(env)?, config.proxmox.token.zip(path)) {
                (Some(credential), file) => {
                    if let Some((_, p)) = file {
                        notices.push(format!(
                            "`proxmox.token` in config file {} is ignored: the {} replaces it",
                            p.display(),
                            credential.source
                        ));
                    }
                    Some(credential)
                }
                (None, Some((secret, p))) => {
                    Some(parse_token(secret.0.expose(), Source::File(p.into()))?)
                }
                (None, None) => None,
            },
        };
        let trust = trust(config.proxmox.tls, path, env)?;
        let privileged_mode = pick(
            from_file(config.privileged.mode),
            env::PRIVILEGED_MODE,
            "privileged.mode",
        )?
        .map(|s| {
            check(s, "privileged.mode", |v| {
                v.trim().parse::<Mode>().map_err(|e| e.to_string())
            })
        })
        .transpose()?
        .map_or(Mode::Sudo, |s| s.value);
        let log_level = pick(from_file(config.log.level), env::LOG_LEVEL, "log.level")?
            .map(|s| check(s, "log.level", LogLevel::parse))
            .transpose()?
            .map(|s| s.value)
            .unwrap_or_default();
        let log_format = pick(from_file(config.log.format), env::LOG_FORMAT, "log.format")?
            .map(|s| check(s, "log.format", LogFormat::parse))
            .transpose()?
            .map(|s| s.value)
            .unwrap_or_default();
        Ok(Self {
            endpoint,
            node,
            token,
            trust,
            privileged_mode,
            log_level,
            log_format,
            notices,
        })
    }

    /// The complete configuration.
    ///
    /// # Errors
    /// [`ConfigError::Missing`] listing every required setting that is not set.
    pub fn require(self) -> Result<AgentConfig, ConfigError> {
        let mut missing = Vec::new();
        if self.endpoint.is_none() {
            missing.push(MissingSetting {
                key: "proxmox.endpoint",
                env: env::ENDPOINT,
            });
        }
        if self.node.is_none() {
            missing.push(MissingSetting {
                key: "proxmox.node",
                env: env::NODE,
            });
        }
        if self.token.is_none() {
            missing.push(MissingSetting {
                key: "proxmox.token",
                env: env::TOKEN,
            });
        }
        match (self.endpoint, self.node, self.token) {
            (Some(endpoint), Some(node), Some(token)) => Ok(AgentConfig {
                endpoint: endpoint.value,
                node: node.value,
                token_source: token.source,
                token: token.value,
                trust: self.trust.0,
                privileged_mode: self.privileged_mode,
                log_level: self.log_level,
                log_format: self.log_format,
            }),
            _ => Err(ConfigError::Missing(missing)),
        }
    }
}

/// Validates one setting's value, keeping its source for the error.
fn check<T>(
    setting: Setting<String>,
    key: &'static str,
    validate: impl Fn(&str) -> Result<T, String>,
) -> Result<Setting<T>, ConfigError> {
    match validate(&setting.value) {
        Ok(value) => Ok(Setting {
            value,
            source: setting.source,
        }),
        Err(problem) => Err(ConfigError::Invalid {
            key,
            origin: setting.source,
            problem,
        }),
    }
}

fn parse_token(text: &str, origin: Source) -> Result<Setting<ApiToken>, ConfigError> {
    match text.trim().parse::<ApiToken>() {
        Ok(value) => Ok(Setting {
            value,
            source: origin,
        }),
        Err(err) => Err(ConfigError::Invalid {
            key: "proxmox.token",
            origin,
            problem: err.to_string(),
        }),
    }
}

/// The token from systemd's credential file, when there is one.
fn credential_token(env: &Environment) -> Result<Option<Setting<ApiToken>>, ConfigError> {
    let Some(path) = env.token_credential() else {
        return Ok(None);
    };
    match std::fs::read(&path) {
        Ok(bytes) => {
            let origin = Source::Credential(path);
            let invalid = |problem: &str| ConfigError::Invalid {
                key: "proxmox.token",
                origin: origin.clone(),
                problem: problem.to_owned(),
            };
            let text = String::from_utf8(bytes)
                .map_err(|_| invalid("the credential is not valid UTF-8"))?;
            let secret = proxmox_sdk::client::Secret::new(text);
            let line = secret.expose().trim_start_matches('\u{feff}').trim();
            if line.is_empty() {
                return Err(invalid(
                    "the credential file is empty; it holds one line `user@realm!tokenid=secret`",
                ));
            }
            parse_token(line, origin).map(Some)
        }
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(err) => Err(ConfigError::Invalid {
            key: "proxmox.token",
            origin: Source::Credential(path),
            problem: format!("cannot read it: {err}"),
        }),
    }
}

/// One trust mode as set somewhere, before the "exactly one" rule.
struct ModeSet {
    key: &'static str,
    trust: Trust,
    origin: Source,
}

/// The trust mode: the environment's when it sets one, else the file's, else the system store.
fn trust(
    tls: file::FileTls,
    path: Option<&Path>,
    env: &Environment,
) -> Result<(Trust, Option<Source>), ConfigError> {
    let mut file_modes = Vec::new();
    if let Some(path) = path {
        let origin = || Source::File(path.to_path_buf());
        if let Some(ca) = tls.ca_file {
            file_modes.push(ca_mode(ca, origin())?);
        }
        if let Some(fp) = tls.fingerprint {
            file_modes.push(fingerprint_mode(&fp, origin())?);
        }
        if tls.insecure_skip_verify == Some(true) {
            file_modes.push(insecure_mode(origin()));
        }
    }
    let mut env_modes = Vec::new();
    if let Some(ca) = env.get(env::TLS_CA_FILE, "proxmox.tls.ca_file")? {
        env_modes.push(ca_mode(PathBuf::from(ca), Source::Env(env::TLS_CA_FILE))?);
    }
    if let Some(fp) = env.get(env::TLS_FINGERPRINT, "proxmox.tls.fingerprint")? {
        env_modes.push(fingerprint_mode(&fp, Source::Env(env::TLS_FINGERPRINT))?);
    }
    let env_insecure = env.get_bool(
        env::TLS_INSECURE_SKIP_VERIFY,
        "proxmox.tls.insecure_skip_verify",
    )?;
    if env_insecure == Some(true) {
        env_modes.push(insecure_mode(Source::Env(env::TLS_INSECURE_SKIP_VERIFY)));
    }
    let chosen = if env_modes.is_empty() {
        if env_insecure == Some(false) {
            // An explicit "not insecure" in the environment switches the file's insecure mode off.
            file_modes.retain(|m| m.trust != Trust::InsecureSkipVerify);
        }
        file_modes
    } else {
        env_modes
    };
    let mut modes = chosen.into_iter();
    match (modes.next(), modes.next()) {
        (None, _) => Ok((Trust::System, None)),
        (Some(one), None) => Ok((one.trust, Some(one.origin))),
        (Some(first), Some(second)) => Err(ConfigError::TrustConflict {
            first: first.key,
            first_origin: first.origin,
            second: second.key,
            second_origin: second.origin,
        }),
    }
}

fn ca_mode(path: PathBuf, origin: Source) -> Result<ModeSet, ConfigError> {
    let key = "proxmox.tls.ca_file";
    let problem = match std::fs::metadata(&path) {
        Ok(meta) if meta.is_file() => None,
        Ok(_) => Some(format!("{} is not a file", path.display())),
        Err(err) => Some(format!("cannot read {}: {err}", path.display())),
    };
    match problem {
        Some(problem) => Err(ConfigError::Invalid {
            key,
            origin,
            problem,
        }),
        None => Ok(ModeSet {
            key,
            trust: Trust::CaFile(path),
            origin,
        }),
    }
}

fn fingerprint_mode(text: &str, origin: Source) -> Result<ModeSet, ConfigError> {
    let key = "proxmox.tls.fingerprint";
    match text.trim().parse::<Fingerprint>() {
        Ok(pin) => Ok(ModeSet {
            key,
            trust: Trust::Fingerprint(pin),
            origin,
        }),
        Err(err) => Err(ConfigError::Invalid {
            key,
            origin,
            problem: format!(
                "{err} (expected 32 colon-separated hex pairs, as `pvenode cert info` prints)"
            ),
        }),
    }
}

fn insecure_mode(origin: Source) -> ModeSet {
    ModeSet {
        key: "proxmox.tls.insecure_skip_verify",
        trust: Trust::InsecureSkipVerify,
        origin,
    }
}
