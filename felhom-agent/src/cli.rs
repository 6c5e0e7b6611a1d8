//! The command line (clap). Flags as the original agent has them: `--config FILE`,
//! `--selftest`, `--selftest=task --vmid N`; plus `--output`, `--print-fingerprint`, `--version`
//! and `print …` for the shipped process-model files.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};

use crate::exit::EXIT_CODES_HELP;

/// felhom-agent: the Felhom host agent for Proxmox VE.
#[derive(Debug, Parser)]
#[command(name = "felhom-agent", version, after_help = EXIT_CODES_HELP)]
pub struct Cli {
    /// JSON config file (optional when FELHOM_AGENT_* environment variables say enough).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Run a selftest: `--selftest` is read-only (GET requests only); `--selftest=task`
    /// snapshots, rolls back and deletes the snapshot of the stopped LXC guest `--vmid N`.
    #[arg(
        long,
        value_name = "KIND",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "read",
        value_enum
    )]
    pub selftest: Option<SelftestKind>,

    /// The LXC guest for `--selftest=task`.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(100..=999_999_999))]
    pub vmid: Option<u32>,

    /// How long `--selftest=task` waits for each task, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 600, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub task_timeout: u64,

    /// Report format on stdout.
    #[arg(long, value_enum, default_value_t = Output::Text)]
    pub output: Output,

    /// Connect to the configured endpoint, print the SHA-256 fingerprint of the certificate it
    /// presents and the config line that pins it. Sends no HTTP request and no token.
    #[arg(long)]
    pub print_fingerprint: bool,

    /// Print a shipped process-model file.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Which selftest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SelftestKind {
    /// The read-only health check (what `--selftest` alone runs).
    Read,
    /// snapshot → rollback → delete-snapshot on `--vmid N`.
    Task,
}

/// The report format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum Output {
    /// A short human-readable report.
    #[default]
    Text,
    /// One JSON object.
    Json,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print one of the files of the process model (systemd unit, sudoers allowlist, pveum role).
    Print {
        /// Which file.
        #[arg(value_enum)]
        what: PrintWhat,
    },
}

/// The printable files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PrintWhat {
    /// The systemd service unit.
    SystemdUnit,
    /// The sudoers allowlist of the root operations.
    Sudoers,
    /// The pveum commands that create the role, user, token and ACLs.
    PveumRole,
}

/// What one invocation does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// `--selftest`.
    Selftest,
    /// `--selftest=task --vmid N`.
    TaskSelftest {
        /// The guest.
        vmid: u32,
        /// The wait limit per task.
        task_timeout: Duration,
    },
    /// `--print-fingerprint`.
    PrintFingerprint,
    /// `print …`.
    Print(PrintWhat),
}

impl Cli {
    /// The one action the flags ask for.
    ///
    /// # Errors
    /// A usage message when none or several are asked for, or `--vmid` does not go with them.
    pub fn action(&self) -> Result<Action, String> {
        let mut chosen = Vec::new();
        if let Some(kind) = self.selftest {
            chosen.push(match kind {
                SelftestKind::Read => "--selftest",
                SelftestKind::Task => "--selftest=task",
            });
        }
        if self.print_fingerprint {
            chosen.push("--print-fingerprint");
        }
        if self.command.is_some() {
            chosen.push("print");
        }
        if chosen.len() > 1 {
            return Err(format!("{} cannot be combined", chosen.join(" and ")));
        }
        let action = match (&self.command, self.selftest, self.print_fingerprint) {
            (Some(Command::Print { what }), _, _) => Action::Print(*what),
            (None, Some(SelftestKind::Read), _) => Action::Selftest,
            (None, Some(SelftestKind::Task), _) => match self.vmid {
                Some(vmid) => Action::TaskSelftest {
                    vmid,
                    task_timeout: Duration::from_secs(self.task_timeout),
                },
                None => {
                    return Err("--selftest=task needs --vmid N (the LXC guest to test on)".into());
                }
            },
            (None, None, true) => Action::PrintFingerprint,
            (None, None, false) => {
                return Err(
                    "nothing to do: pass --selftest, --selftest=task --vmid N, --print-fingerprint \
                     or `print systemd-unit|sudoers|pveum-role` (this slice has no daemon mode yet)"
                        .into(),
                );
            }
        };
        if self.vmid.is_some() && !matches!(action, Action::TaskSelftest { .. }) {
            return Err("--vmid only goes with --selftest=task".into());
        }
        Ok(action)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn action(args: &[&str]) -> Result<Action, String> {
        let mut argv = vec!["felhom-agent"];
        argv.extend_from_slice(args);
        Cli::try_parse_from(argv)
            .map_err(|e| e.to_string())?
            .action()
    }

    #[test]
    fn the_original_flags_parse() {
        assert_eq!(action(&["--selftest"]), Ok(Action::Selftest));
        assert_eq!(
            action(&["--config", "x.json", "--selftest"]),
            Ok(Action::Selftest)
        );
        assert_eq!(
            action(&["--selftest=task", "--vmid", "201"]),
            Ok(Action::TaskSelftest {
                vmid: 201,
                task_timeout: Duration::from_secs(600)
            })
        );
        assert_eq!(
            action(&["--print-fingerprint"]),
            Ok(Action::PrintFingerprint)
        );
        assert_eq!(
            action(&["print", "sudoers"]),
            Ok(Action::Print(PrintWhat::Sudoers))
        );
    }

    #[test]
    fn misuse_is_a_usage_error() {
        assert!(action(&[]).unwrap_err().contains("nothing to do"));
        assert!(action(&["--selftest=task"]).unwrap_err().contains("--vmid"));
        assert!(
            action(&["--selftest", "--vmid", "201"])
                .unwrap_err()
                .contains("--vmid only")
        );
        assert!(
            action(&["--selftest", "--print-fingerprint"])
                .unwrap_err()
                .contains("cannot be combined")
        );
        assert!(action(&["--selftest=bogus"]).is_err());
        assert!(
            action(&["--selftest=task", "--vmid", "99"]).is_err(),
            "below PVE's vmid range"
        );
        assert!(action(&["--selftest=task", "--vmid", "-1"]).is_err());
    }
}
