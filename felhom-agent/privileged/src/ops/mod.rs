//! [`Privileged`]: the four operations over a [`Runner`], and what they share — building the
//! [`Command`] for the configured [`Mode`], running it, and recognising a sudo refusal before
//! any tool-specific reading of the exit status.

pub(crate) mod lxc;
pub(crate) mod mount;
pub(crate) mod sensors;
pub(crate) mod smart;
pub(crate) mod usb;

#[cfg(test)]
use std::path::PathBuf;
use std::time::Duration;

use crate::Mode;
use crate::error::{Error, Operation, SudoRefusal};
use crate::exec::{Command, Exit, Output, Runner, SystemRunner};

/// The fenced root backend: exactly four operations, each with validated arguments.
///
/// It holds no network client and cannot make one (see the crate docs for the fence).
#[derive(Debug, Clone)]
pub struct Privileged<R = SystemRunner> {
    mode: Mode,
    runner: R,
    host: usb::HostPaths,
}

impl Privileged<SystemRunner> {
    /// The real backend in `mode`.
    pub fn new(mode: Mode) -> Self {
        Privileged::with_runner(mode, SystemRunner::default())
    }
}

impl<R: Runner> Privileged<R> {
    /// A backend over another runner (tests record or script commands with one).
    pub fn with_runner(mode: Mode, runner: R) -> Self {
        Privileged {
            mode,
            runner,
            host: usb::HostPaths::default(),
        }
    }

    /// Tests only: look for USB disks in a fake `/dev/disk/by-uuid` and `/sys/class/block`.
    #[cfg(test)]
    pub(crate) fn with_host_paths(mut self, by_uuid: PathBuf, sys_block: PathBuf) -> Self {
        self.host = usb::HostPaths { by_uuid, sys_block };
        self
    }

    /// The mode.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// The runner.
    pub fn runner(&self) -> &R {
        &self.runner
    }

    /// Runs `args` for `operation`; a sudo refusal becomes [`Error::SudoRefused`], every
    /// other outcome is left to the operation.
    pub(crate) async fn execute(
        &self,
        operation: Operation,
        args: Vec<String>,
    ) -> Result<Output, Error> {
        let command = Command::new(self.mode, operation.program(), args, time_limit(operation));
        let output = self.runner.run(&command).await?;
        if self.mode == Mode::Sudo && output.exit == Exit::Code(1) {
            if let Some(refusal) = SudoRefusal::from_stderr(&output.stderr) {
                return Err(Error::SudoRefused { operation, refusal });
            }
        }
        Ok(output)
    }
}

/// How long each operation may run: unpacking a template onto new storage takes minutes,
/// a SMART read of a spun-down disk tens of seconds, `sensors` well under a second.
pub fn time_limit(operation: Operation) -> Duration {
    Duration::from_secs(match operation {
        Operation::CreateGoldenLxc => 15 * 60,
        Operation::MountUsbByUuid => 120,
        Operation::Smart => 120,
        Operation::Sensors => 30,
    })
}

/// The generic failure for an exit status the operation does not interpret.
pub(crate) fn failed(operation: Operation, output: &Output) -> Error {
    Error::Failed {
        program: operation.program(),
        exit: output.exit,
        stderr: output.diagnostics(),
    }
}
