//! `exec`: start a command with `agent/exec`, poll `agent/exec-status` until it exits.

use std::time::Duration;

use super::text::{guest_bytes, guest_text};
use super::{Agent, AgentError, Backoff, Deadline, Step, poll_until};
use crate::api::nodes::{GetNodesQemuAgentExecStatus, PostNodesQemuAgentExec};

/// What a command run by the guest agent produced.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ExecOutput {
    /// The exit code, when the command exited normally.
    pub exit_code: Option<i64>,
    /// The signal that ended it, when one did.
    pub signal: Option<i64>,
    /// Its standard output, as the guest wrote it.
    pub stdout: Vec<u8>,
    /// Its standard error, as the guest wrote it.
    pub stderr: Vec<u8>,
    /// The agent kept only the start of the standard output (its cap is 16 MiB by default).
    pub stdout_truncated: bool,
    /// The agent kept only the start of the standard error.
    pub stderr_truncated: bool,
}

impl ExecOutput {
    /// Exited with code 0.
    pub fn success(&self) -> bool {
        self.exit_code == Some(0)
    }

    /// Either stream was cut by the agent.
    pub fn truncated(&self) -> bool {
        self.stdout_truncated || self.stderr_truncated
    }
}

impl Agent {
    /// Runs `argv` in the guest (no shell: the first element is the program) with `stdin` as
    /// its standard input (its UTF-8 bytes), and waits for it to exit (polling `exec-status`
    /// at 100 ms, growing to 2 s), for at most the [`exec_timeout`](Agent::exec_timeout),
    /// the start of the command included. For input that is not text, see
    /// [`exec_bytes`](Agent::exec_bytes).
    ///
    /// # Errors
    /// [`AgentError::TimedOut`] when the command runs longer (it keeps running in the
    /// guest); [`AgentError::CommandDisabled`] when the guest blocks `guest-exec`;
    /// [`AgentError::Api`] with an [`Error::InvalidParameter`](crate::Error::InvalidParameter)
    /// when `stdin` makes the request body larger than PVE accepts (nothing is sent); any
    /// other [`AgentError`].
    pub async fn exec(&self, argv: &[&str], stdin: Option<&str>) -> Result<ExecOutput, AgentError> {
        self.run(argv, stdin.map(str::as_bytes)).await
    }

    /// [`exec`](Agent::exec) with any bytes as standard input.
    ///
    /// PVE decodes the form value as UTF-8 and base64-encodes each resulting character as one
    /// byte for the agent, so each byte is sent as the character of the same number: the
    /// guest reads exactly `stdin`. Bytes above `0x7F` take six bytes of the request body
    /// (two UTF-8 bytes, percent-encoded), which counts against PVE's 64 KiB cap.
    ///
    /// # Errors
    /// As [`exec`](Agent::exec).
    pub async fn exec_bytes(&self, argv: &[&str], stdin: &[u8]) -> Result<ExecOutput, AgentError> {
        self.run(argv, Some(stdin)).await
    }

    async fn run(&self, argv: &[&str], stdin: Option<&[u8]>) -> Result<ExecOutput, AgentError> {
        let deadline = Deadline::after(self.exec_timeout);
        let argv: Vec<String> = argv.iter().map(|a| (*a).to_owned()).collect();
        let mut start = PostNodesQemuAgentExec::new(&self.node, self.vmid, argv);
        if let Some(stdin) = stdin {
            start = start.input_data(guest_text(stdin));
        }
        let pid = deadline
            .bound(async { Ok(self.client.send(&start).await?.pid) })
            .await?;
        let status = GetNodesQemuAgentExecStatus::new(&self.node, self.vmid, pid);
        let backoff = Backoff::new(Duration::from_millis(100), Duration::from_secs(2));
        poll_until(deadline, backoff, || async {
            match self.client.send(&status).await {
                Ok(s) if s.exited => Step::Done(ExecOutput {
                    exit_code: s.exitcode,
                    signal: s.signal,
                    stdout: s.out_data.as_deref().map(guest_bytes).unwrap_or_default(),
                    stderr: s.err_data.as_deref().map(guest_bytes).unwrap_or_default(),
                    stdout_truncated: s.out_truncated.unwrap_or(false),
                    stderr_truncated: s.err_truncated.unwrap_or(false),
                }),
                Ok(_) => Step::Again(None),
                Err(e) => Step::retry_transient(AgentError::from(e)),
            }
        })
        .await
    }
}
