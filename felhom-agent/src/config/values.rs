//! The validated value types of the config: endpoint, trust mode, log settings, privileged mode.

use std::fmt;
use std::path::PathBuf;

use proxmox_sdk::tls::{Fingerprint, TlsTrust};

/// The PVE API origin, `https://host[:port]`, without a trailing slash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint(String);

impl Endpoint {
    /// Checks `text` is an `https://host[:port]` origin (an optional trailing `/` is dropped).
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let scheme_end = text.find("://").map_or(0, |i| i + 3);
        let lowered = format!(
            "{}{}",
            text[..scheme_end].to_ascii_lowercase(),
            &text[scheme_end..]
        );
        let Some(rest) = lowered.strip_prefix("https://") else {
            return Err(if lowered.starts_with("http://") {
                "must be https:// (the agent never sends its token over plain HTTP)".to_owned()
            } else {
                "must be an https:// URL such as https://pve1.example:8006".to_owned()
            });
        };
        let authority = rest.strip_suffix('/').unwrap_or(rest);
        if authority.is_empty() {
            return Err("has no host".to_owned());
        }
        if authority.contains('/') || authority.contains('?') || authority.contains('#') {
            return Err(
                "must be the origin only (https://host:port), without a path, query or fragment"
                    .to_owned(),
            );
        }
        if authority.contains('@') {
            return Err("must not contain a user name or password".to_owned());
        }
        if authority
            .chars()
            .any(|c| c.is_whitespace() || c.is_control())
        {
            return Err("contains white space".to_owned());
        }
        let (host, port) = split_port(authority)?;
        if host.is_empty() || host == "[]" {
            return Err("has no host".to_owned());
        }
        if let Some(port) = port {
            match port.parse::<u16>() {
                Ok(p) if p > 0 => {}
                _ => return Err(format!("has an invalid port `{port}`")),
            }
        }
        Ok(Self(format!("https://{authority}")))
    }

    /// The origin as a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Splits `host[:port]`, `[v6][:port]`.
fn split_port(authority: &str) -> Result<(&str, Option<&str>), String> {
    if let Some(v6) = authority.strip_prefix('[') {
        let (addr, rest) = v6
            .split_once(']')
            .ok_or_else(|| "has an unclosed IPv6 bracket".to_owned())?;
        return match rest {
            "" => Ok((&authority[..addr.len() + 2], None)),
            _ => match rest.strip_prefix(':') {
                Some(port) => Ok((&authority[..addr.len() + 2], Some(port))),
                None => Err("has text after the IPv6 address".to_owned()),
            },
        };
    }
    match authority.rsplit_once(':') {
        Some((host, port)) => Ok((host, Some(port))),
        None => Ok((authority, None)),
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// How the agent verifies the PVE host's certificate. Exactly one mode applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trust {
    /// No mode configured: the operating system's CA store, with full verification (a host
    /// with an ACME certificate needs nothing else).
    System,
    /// `proxmox.tls.ca_file`: a PEM file of CAs (e.g. `/etc/pve/pve-root-ca.pem`), full
    /// verification.
    CaFile(PathBuf),
    /// `proxmox.tls.fingerprint`: the SHA-256 of the host's leaf certificate, exact match.
    Fingerprint(Fingerprint),
    /// `proxmox.tls.insecure_skip_verify: true`: no verification. Local tests only.
    InsecureSkipVerify,
}

impl Trust {
    /// The SDK's trust setting.
    pub fn to_sdk(&self) -> TlsTrust {
        match self {
            Trust::System => TlsTrust::System,
            Trust::CaFile(path) => TlsTrust::CaFile(path.clone()),
            Trust::Fingerprint(pin) => TlsTrust::fingerprint(*pin),
            Trust::InsecureSkipVerify => TlsTrust::InsecureSkipVerify,
        }
    }
}

impl fmt::Display for Trust {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Trust::System => f.write_str("system CA store"),
            Trust::CaFile(path) => write!(f, "CA file {}", path.display()),
            Trust::Fingerprint(pin) => write!(f, "pinned fingerprint {pin}"),
            Trust::InsecureSkipVerify => f.write_str("NOT VERIFIED (insecure_skip_verify)"),
        }
    }
}

/// `log.level`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogLevel {
    /// Only errors.
    Error,
    /// Errors and warnings.
    Warn,
    /// The default.
    #[default]
    Info,
    /// Also the SDK's request spans.
    Debug,
    /// Everything.
    Trace,
}

impl LogLevel {
    /// Parses `error`, `warn`, `info`, `debug`, `trace` (any case).
    pub fn parse(text: &str) -> Result<Self, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "error" => Ok(Self::Error),
            "warn" | "warning" => Ok(Self::Warn),
            "info" => Ok(Self::Info),
            "debug" => Ok(Self::Debug),
            "trace" => Ok(Self::Trace),
            _ => Err("expected one of error, warn, info, debug, trace".to_owned()),
        }
    }

    /// The matching `tracing` level.
    pub fn as_tracing(self) -> tracing::Level {
        match self {
            Self::Error => tracing::Level::ERROR,
            Self::Warn => tracing::Level::WARN,
            Self::Info => tracing::Level::INFO,
            Self::Debug => tracing::Level::DEBUG,
            Self::Trace => tracing::Level::TRACE,
        }
    }
}

/// `log.format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    /// Human-readable lines (the default).
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

impl LogFormat {
    /// Parses `text` or `json` (any case).
    pub fn parse(text: &str) -> Result<Self, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "text" => Ok(Self::Text),
            "json" => Ok(Self::Json),
            _ => Err("expected text or json".to_owned()),
        }
    }
}

/// Checks a PVE node name (`pve-node`: a host name label).
pub(super) fn check_node(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= 63
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !name.starts_with('-')
        && !name.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err("must be a PVE node name (letters, digits and inner `-`, at most 63)".to_owned())
    }
}
