//! How the backend reaches root: through `sudo` (production) or directly (dev/CI, where the
//! agent already is root). Both run the same argv; sudo mode prefixes `sudo -n --`.

use std::fmt;
use std::str::FromStr;

/// The privilege mode, spelled `"sudo"` or `"direct"` in the agent's configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    /// `/usr/bin/sudo -n -- PROGRAM ARGS…`: the agent is an unprivileged user and
    /// `dist/sudoers` allows exactly the four operations. `-n` means sudo never prompts.
    Sudo,
    /// `PROGRAM ARGS…`: the agent runs as root (dev/CI). `pct` and `mount` still go through
    /// `nsenter --mount=/proc/1/ns/mnt`, which needs root's `CAP_SYS_ADMIN`.
    Direct,
}

impl Mode {
    /// `"sudo"` or `"direct"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Sudo => "sudo",
            Mode::Direct => "direct",
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A mode other than exactly `sudo` or `direct`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown privileged mode (expected \"sudo\" or \"direct\")")]
pub struct UnknownMode;

impl FromStr for Mode {
    type Err = UnknownMode;

    /// Exactly `sudo` or `direct`: no other case, no surrounding spaces.
    fn from_str(s: &str) -> Result<Self, UnknownMode> {
        match s {
            "sudo" => Ok(Mode::Sudo),
            "direct" => Ok(Mode::Direct),
            _ => Err(UnknownMode),
        }
    }
}

impl<'de> serde::Deserialize<'de> for Mode {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}
