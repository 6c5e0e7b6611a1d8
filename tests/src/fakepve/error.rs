//! Why a fakepve scenario could not be started or driven.

use std::path::PathBuf;
use std::time::Duration;

use super::{FAKEPVE_VERSION, PYTHON_ENV};

/// Why a fakepve scenario could not be started or driven.
#[derive(Debug, thiserror::Error)]
pub enum HarnessError {
    /// The virtualenv's Python is missing, or fakepve is not importable from it.
    #[error(
        "fakepve is not installed ({detail}); run ./test.sh (it creates .venv-fakepve), or \
         `python3 -m venv .venv-fakepve && .venv-fakepve/bin/pip install 'fakepve[crypto]=={FAKEPVE_VERSION}'`, \
         or point {PYTHON_ENV} at a Python that has it"
    )]
    NotInstalled {
        /// What was looked for and not found.
        detail: String,
    },
    /// The launcher process could not be spawned.
    #[error("cannot spawn {python}: {source}")]
    Spawn {
        /// The interpreter that was run.
        python: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// No ready line within the startup timeout.
    #[error("scenario {scenario:?} printed no ready line within {timeout:?}; stderr:\n{stderr}")]
    StartupTimeout {
        /// The scenario name.
        scenario: String,
        /// How long we waited.
        timeout: Duration,
        /// The last lines the launcher wrote to stderr.
        stderr: String,
    },
    /// The launcher exited (before it was ready, or while being driven).
    #[error("scenario {scenario:?} exited ({status}); stderr:\n{stderr}")]
    Exited {
        /// The scenario name.
        scenario: String,
        /// How it exited.
        status: String,
        /// The last lines the launcher wrote to stderr.
        stderr: String,
    },
    /// The ready line or a control answer was not the JSON we expect. The line itself is not
    /// repeated: a ready line carries secrets.
    #[error("scenario {scenario:?} printed an unexpected line: {reason}")]
    Protocol {
        /// The scenario name.
        scenario: String,
        /// What was wrong with it.
        reason: String,
    },
    /// A control command was refused by the launcher.
    #[error("control command refused: {0}")]
    Control(String),
    /// Reading from or writing to the launcher failed.
    #[error("talking to the fakepve launcher: {0}")]
    Io(#[from] std::io::Error),
}
