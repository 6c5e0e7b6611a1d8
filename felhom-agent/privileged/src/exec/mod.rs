//! Running a command: what is run ([`Command`]), what comes back ([`Output`]), and the
//! [`Runner`] seam between the operations and the operating system.
//!
//! A [`Command`] is a value: program, validated arguments, mode and time limit, with no I/O.
//! Its [`argv`](Command::argv) is exactly what the system runner executes — the sudoers test
//! checks every shape of it against `dist/sudoers`. Tests substitute the runner to record
//! commands (and prove that a refused argument ran nothing); [`SystemRunner`] is the real one.

mod capture;
mod group;
mod system;

use std::fmt;
use std::future::Future;
use std::time::Duration;

pub use system::SystemRunner;

use crate::Mode;

/// `sudo`, always by absolute path; run as `sudo -n -- PROGRAM ARGS…`.
pub const SUDO: &str = "/usr/bin/sudo";

/// `nsenter`, which runs `pct` and `mount` in the host's mount namespace (PID 1's).
///
/// The agent's systemd unit sandboxes it with `ProtectSystem=strict`, `ProtectHome` and
/// `PrivateTmp`, which give the service its own mount namespace — and everything it starts,
/// sudo's children included, inherits it: a USB mount made there would be invisible to PVE,
/// and `pct create` would find `/etc/pve` and the storages read-only. The two commands that
/// change the host's filesystems therefore enter PID 1's mount namespace first; the
/// read-only `smartctl` and `sensors` do not need to.
pub const NSENTER: &str = "/usr/bin/nsenter";

/// The arguments before the program: `--mount=/proc/1/ns/mnt --`.
pub const NSENTER_ARGS: [&str; 2] = ["--mount=/proc/1/ns/mnt", "--"];

/// The environment every command gets, and nothing else: the C locale (stable, parseable
/// messages) and a fixed `PATH` for the helpers `pct` itself runs. In sudo mode this is what
/// sudo receives; sudo then resets it (`dist/sudoers`: `env_reset`, the same `secure_path`),
/// and with no locale variable left the tool runs in the C locale all the same.
pub const ENVIRONMENT: [(&str, &str); 2] =
    [("LC_ALL", "C"), ("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")];

/// The four programs the backend may run, each by absolute path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Program {
    /// `/usr/sbin/pct`.
    Pct,
    /// `/usr/bin/mount`.
    Mount,
    /// `/usr/sbin/smartctl`.
    Smartctl,
    /// `/usr/bin/sensors`.
    Sensors,
}

impl Program {
    /// The absolute path.
    pub fn path(self) -> &'static str {
        match self {
            Program::Pct => "/usr/sbin/pct",
            Program::Mount => "/usr/bin/mount",
            Program::Smartctl => "/usr/sbin/smartctl",
            Program::Sensors => "/usr/bin/sensors",
        }
    }

    /// Whether it runs in the host's mount namespace (through [`NSENTER`]).
    pub fn in_host_namespace(self) -> bool {
        matches!(self, Program::Pct | Program::Mount)
    }

    /// The file name, for messages.
    pub fn name(self) -> &'static str {
        match self {
            Program::Pct => "pct",
            Program::Mount => "mount",
            Program::Smartctl => "smartctl",
            Program::Sensors => "sensors",
        }
    }
}

impl fmt::Display for Program {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One command to run: built by an operation from validated arguments only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    mode: Mode,
    program: Program,
    args: Vec<String>,
    timeout: Duration,
}

impl Command {
    pub(crate) fn new(mode: Mode, program: Program, args: Vec<String>, timeout: Duration) -> Self {
        Command {
            mode,
            program,
            args,
            timeout,
        }
    }

    /// Through sudo or directly.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// The program.
    pub fn program(&self) -> Program {
        self.program
    }

    /// The program's arguments (without the program and without the sudo prefix).
    pub fn args(&self) -> &[String] {
        &self.args
    }

    /// How long the command may run before its process group is killed.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The complete argv: `[/usr/bin/sudo, -n, --]` in sudo mode, then
    /// `[/usr/bin/nsenter, --mount=/proc/1/ns/mnt, --]` for `pct` and `mount`, then
    /// `[PROGRAM, ARGS…]`.
    pub fn argv(&self) -> Vec<&str> {
        static REAL: std::sync::LazyLock<Paths> = std::sync::LazyLock::new(Paths::default);
        self.argv_with(&REAL)
    }

    /// The argv with the given paths (the system runner's test layout).
    pub(crate) fn argv_with<'a>(&'a self, paths: &'a Paths) -> Vec<&'a str> {
        let mut argv = Vec::with_capacity(self.args.len() + 7);
        if self.mode == Mode::Sudo {
            argv.extend([paths.sudo.as_str(), "-n", "--"]);
        }
        if self.program.in_host_namespace() {
            argv.push(paths.nsenter.as_str());
            argv.extend(NSENTER_ARGS);
        }
        argv.push(paths.program(self.program));
        argv.extend(self.args.iter().map(String::as_str));
        argv
    }
}

/// Where the executables are: the absolute paths above, or (tests only) stand-ins.
#[derive(Debug, Clone)]
pub(crate) struct Paths {
    pub(crate) sudo: String,
    pub(crate) nsenter: String,
    programs: [String; 4],
}

impl Default for Paths {
    fn default() -> Self {
        Paths {
            sudo: SUDO.into(),
            nsenter: NSENTER.into(),
            programs: [
                Program::Pct,
                Program::Mount,
                Program::Smartctl,
                Program::Sensors,
            ]
            .map(|p| p.path().to_owned()),
        }
    }
}

impl Paths {
    fn program(&self, program: Program) -> &str {
        &self.programs[program as usize]
    }

    /// Every executable replaced by the file of the same name in `dir`.
    #[cfg(test)]
    pub(crate) fn stand_ins(dir: &std::path::Path) -> Self {
        let in_dir = |path: &str| {
            let name = path.rsplit('/').next().unwrap_or(path);
            dir.join(name).to_string_lossy().into_owned()
        };
        let real = Paths::default();
        Paths {
            sudo: in_dir(&real.sudo),
            nsenter: in_dir(&real.nsenter),
            programs: real.programs.map(|p| in_dir(&p)),
        }
    }
}

/// How a process ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// It exited with this code.
    Code(i32),
    /// A signal ended it.
    Signal(i32),
}

impl fmt::Display for Exit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Exit::Code(code) => write!(f, "exit code {code}"),
            Exit::Signal(signal) => write!(f, "signal {signal}"),
        }
    }
}

/// What a finished command left behind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// How it ended.
    pub exit: Exit,
    /// All of stdout (the runner refuses more than its limit).
    pub stdout: Vec<u8>,
    /// The first part of stderr, kept as diagnostics.
    pub stderr: Vec<u8>,
    /// Whether stderr was longer than what was kept.
    pub stderr_truncated: bool,
}

impl Output {
    /// Stderr as text for an error message: lossy UTF-8, trimmed, `…` when cut short.
    pub fn diagnostics(&self) -> String {
        let mut text = String::from_utf8_lossy(&self.stderr).trim().to_owned();
        if self.stderr_truncated {
            text.push('…');
        }
        text
    }
}

/// Why a command could not be run to completion.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RunError {
    /// The program could not be started (missing, not executable, …).
    #[error("cannot start {program}")]
    Spawn {
        /// The program.
        program: Program,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// Reading its output or waiting for it failed.
    #[error("lost track of {program}")]
    Io {
        /// The program.
        program: Program,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// It ran longer than its time limit; its process group was killed.
    #[error("{program} ran longer than {after:?} and was killed")]
    TimedOut {
        /// The program.
        program: Program,
        /// The limit.
        after: Duration,
    },
    /// It printed more than the stdout limit; its process group was killed.
    #[error("{program} printed more than {limit} bytes on stdout and was killed")]
    OutputTooLarge {
        /// The program.
        program: Program,
        /// The limit in bytes.
        limit: usize,
    },
}

/// Runs commands. [`SystemRunner`] is the real one; tests substitute their own.
pub trait Runner: Send + Sync {
    /// Runs `command` to completion (or its time limit).
    fn run(&self, command: &Command) -> impl Future<Output = Result<Output, RunError>> + Send;
}
