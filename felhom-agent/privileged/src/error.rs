//! The one error type of the four operations. Argument problems never get here: they are
//! refused when the argument types are built ([`InvalidArgument`](crate::InvalidArgument)).

use std::fmt;

use crate::exec::{Exit, Program, RunError};
use crate::ops::smart::SmartExit;

/// The four operations, for messages and for the sudoers rule each one needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    /// `pct create` of the golden container.
    CreateGoldenLxc,
    /// `mount` of a USB disk by UUID.
    MountUsbByUuid,
    /// `smartctl --json=c -a`.
    Smart,
    /// `sensors -j`.
    Sensors,
}

impl Operation {
    /// Every operation.
    pub const ALL: [Operation; 4] = [
        Operation::CreateGoldenLxc,
        Operation::MountUsbByUuid,
        Operation::Smart,
        Operation::Sensors,
    ];

    /// The `Cmnd_Alias` of `dist/sudoers` that allows this operation.
    pub fn sudoers_alias(self) -> &'static str {
        match self {
            Operation::CreateGoldenLxc => "FELHOM_PCT_CREATE",
            Operation::MountUsbByUuid => "FELHOM_MOUNT_USB",
            Operation::Smart => "FELHOM_SMARTCTL",
            Operation::Sensors => "FELHOM_SENSORS",
        }
    }

    /// The line of `dist/sudoers` that defines [`sudoers_alias`](Self::sudoers_alias).
    pub fn sudoers_line(self) -> &'static str {
        let head = format!("Cmnd_Alias {} = ", self.sudoers_alias());
        crate::dist::SUDOERS
            .lines()
            .find(|line| line.starts_with(&head))
            .unwrap_or("(missing from dist/sudoers)")
    }

    /// The program it runs.
    pub fn program(self) -> Program {
        match self {
            Operation::CreateGoldenLxc => Program::Pct,
            Operation::MountUsbByUuid => Program::Mount,
            Operation::Smart => Program::Smartctl,
            Operation::Sensors => Program::Sensors,
        }
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Operation::CreateGoldenLxc => "create_golden_lxc",
            Operation::MountUsbByUuid => "mount_usb_by_uuid",
            Operation::Smart => "smart",
            Operation::Sensors => "sensors",
        })
    }
}

/// What sudo said when it refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SudoRefusal {
    /// No `NOPASSWD` rule matched, so sudo wanted a password (`-n` forbids asking).
    PasswordRequired,
    /// A rule exists for the user but not for this command line.
    NotAllowed,
    /// The user has no sudoers entry at all.
    NotInSudoers,
    /// The service runs with `NoNewPrivileges=yes`, which makes sudo unusable.
    NoNewPrivileges,
}

impl fmt::Display for SudoRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SudoRefusal::PasswordRequired => "a password is required",
            SudoRefusal::NotAllowed => "this command line is not allowed",
            SudoRefusal::NotInSudoers => "the user is not in sudoers",
            SudoRefusal::NoNewPrivileges => "the no-new-privileges flag is set",
        })
    }
}

impl SudoRefusal {
    /// Recognises sudo's own refusal in the stderr of a command that exited with 1.
    pub(crate) fn from_stderr(stderr: &[u8]) -> Option<Self> {
        let text = String::from_utf8_lossy(stderr);
        text.lines().find_map(|line| {
            if line.starts_with("sudo: a password is required")
                || line.starts_with("sudo: a terminal is required")
            {
                Some(SudoRefusal::PasswordRequired)
            } else if line.starts_with("Sorry, user ") && line.contains("is not allowed to execute")
            {
                Some(SudoRefusal::NotAllowed)
            } else if line.contains("is not in the sudoers file") {
                Some(SudoRefusal::NotInSudoers)
            } else if line.starts_with("sudo: ") && line.contains("no new privileges") {
                Some(SudoRefusal::NoNewPrivileges)
            } else {
                None
            }
        })
    }
}

/// Why an operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The command could not be run to completion.
    #[error(transparent)]
    Run(#[from] RunError),
    /// sudo refused the command: the sudoers allowlist lacks (or has another version of) the
    /// rule for this operation.
    #[error("sudo refused {operation} ({refusal}); /etc/sudoers.d/felhom-agent needs the rule `{}` from `felhom-agent print sudoers`", .operation.sudoers_line())]
    SudoRefused {
        /// The operation.
        operation: Operation,
        /// What sudo said.
        refusal: SudoRefusal,
    },
    /// The program failed in a way this operation does not interpret further.
    #[error("{program} failed with {exit}: {stderr}")]
    Failed {
        /// The program.
        program: Program,
        /// How it ended.
        exit: Exit,
        /// Its stderr (bounded).
        stderr: String,
    },
    /// The program's stdout is not the JSON it documents.
    #[error("{program} printed output that is not its documented JSON")]
    BadOutput {
        /// The program.
        program: Program,
        /// The decoding error (with line and column).
        #[source]
        source: serde_json::Error,
    },
    /// `pct create`: a guest with this id already exists.
    #[error("a guest with vmid {vmid} already exists")]
    VmidInUse {
        /// The id.
        vmid: u32,
    },
    /// `smartctl` could not read the device (exit bit 0 or 1), so there is no report.
    #[error("smartctl could not read {device} ({status}): {messages}")]
    SmartUnavailable {
        /// The device.
        device: String,
        /// The decoded exit status.
        status: SmartExit,
        /// smartctl's own messages (from its JSON, else stderr).
        messages: String,
    },
    /// `mount_usb_by_uuid`: no filesystem with this UUID is attached.
    #[error("no filesystem with UUID {uuid} is attached")]
    NoSuchFilesystem {
        /// The UUID.
        uuid: String,
    },
    /// `mount_usb_by_uuid`: the filesystem is on a disk that is not USB-attached.
    #[error("the filesystem with UUID {uuid} is on {device}, which is not a USB disk")]
    NotUsb {
        /// The UUID.
        uuid: String,
        /// The block device it is on.
        device: String,
    },
    /// `mount` failed.
    #[error("mount failed ({code}): {stderr}")]
    MountFailed {
        /// mount's exit code (1 usage/permission, 2 system error, 32 mount failure, …).
        code: i32,
        /// Its stderr (bounded).
        stderr: String,
    },
}
