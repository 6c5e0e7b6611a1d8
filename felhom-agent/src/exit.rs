//! The process exit codes, and which failures map to which.

use proxmox_sdk::Error;

/// The exit codes of `felhom-agent`, as listed in `--help`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(into = "u8")]
pub enum ExitCode {
    /// 0: everything checked is healthy.
    Healthy,
    /// 1: anything else: a failed task, a refused guest state, an unexpected answer.
    Failure,
    /// 2: a configuration or usage problem.
    Usage,
    /// 3: cannot connect, no answer in time, or TLS verification of the host failed.
    Connection,
    /// 4: authentication failed, or privileges are missing.
    Auth,
}

/// The `--help` text that lists the exit codes.
pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  healthy
  1  anything else (a failed task, a refused guest state, an unexpected answer)
  2  configuration or usage problem
  3  cannot connect, no answer in time, or TLS verification of the host failed
  4  authentication failed, or privileges are missing";

impl ExitCode {
    /// The numeric code.
    pub fn code(self) -> u8 {
        match self {
            ExitCode::Healthy => 0,
            ExitCode::Failure => 1,
            ExitCode::Usage => 2,
            ExitCode::Connection => 3,
            ExitCode::Auth => 4,
        }
    }

    /// The code for a failed API call.
    pub fn for_error(error: &Error) -> Self {
        match error {
            // A host that never answers cannot be talked to, whether or not the request left.
            Error::Tls { .. } | Error::Connect(_) | Error::Timeout { .. } => ExitCode::Connection,
            Error::Unauthorized(_)
            | Error::Forbidden(_)
            | Error::LoginRequired
            | Error::TfaRequired(_) => ExitCode::Auth,
            Error::Config { .. } => ExitCode::Usage,
            _ => ExitCode::Failure,
        }
    }

    /// The more telling of two codes, for a report of several checks: a connection problem
    /// explains everything after it, then missing authorization, then configuration, then any
    /// other failure.
    pub fn worst(self, other: Self) -> Self {
        fn rank(code: ExitCode) -> u8 {
            match code {
                ExitCode::Healthy => 0,
                ExitCode::Failure => 1,
                ExitCode::Usage => 2,
                ExitCode::Auth => 3,
                ExitCode::Connection => 4,
            }
        }
        if rank(other) > rank(self) {
            other
        } else {
            self
        }
    }
}

impl From<ExitCode> for u8 {
    fn from(code: ExitCode) -> u8 {
        code.code()
    }
}

impl From<ExitCode> for std::process::ExitCode {
    fn from(code: ExitCode) -> Self {
        std::process::ExitCode::from(code.code())
    }
}
