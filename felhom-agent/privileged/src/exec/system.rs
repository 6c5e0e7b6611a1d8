//! The real runner: `execve` of an absolute path with an argv, never a shell.
//!
//! Each command gets a cleared environment plus [`ENVIRONMENT`](super::ENVIRONMENT), `/` as
//! its working directory, `/dev/null` as stdin, and its own process group. Stdout is read up
//! to a limit (more kills the group: [`RunError::OutputTooLarge`]); stderr keeps its first
//! part as diagnostics. At the command's time limit the group gets `SIGTERM`, then `SIGKILL`.

use std::future::{Future, poll_fn};
use std::pin::pin;
use std::process::Stdio;
use std::task::Poll;
use std::time::Duration;

use super::capture::{Captured, OnOverflow, read_bounded};
use super::group::ProcessGroup;
use super::{Command, ENVIRONMENT, Exit, Output, Paths, RunError, Runner};

/// Runs commands on this host.
#[derive(Debug, Clone)]
pub struct SystemRunner {
    stdout_limit: usize,
    stderr_limit: usize,
    kill_grace: Duration,
    /// The absolute paths; only tests (`cfg(test)`) can point them at stand-ins.
    paths: Paths,
}

impl Default for SystemRunner {
    /// 4 MiB of stdout (a `smartctl -a` report is ~10 KiB), 64 KiB of stderr, 2 s between
    /// `SIGTERM` and `SIGKILL`.
    fn default() -> Self {
        SystemRunner {
            stdout_limit: 4 << 20,
            stderr_limit: 64 << 10,
            kill_grace: Duration::from_secs(2),
            paths: Paths::default(),
        }
    }
}

impl SystemRunner {
    /// Changes the stdout and stderr limits in bytes.
    pub fn with_limits(mut self, stdout: usize, stderr: usize) -> Self {
        self.stdout_limit = stdout;
        self.stderr_limit = stderr;
        self
    }

    /// Changes the time between `SIGTERM` and `SIGKILL` after a time limit.
    pub fn with_kill_grace(mut self, grace: Duration) -> Self {
        self.kill_grace = grace;
        self
    }

    /// Tests only: run the stand-in executables in `dir` instead of the real programs.
    #[cfg(test)]
    pub(crate) fn with_stand_ins(mut self, dir: &std::path::Path) -> Self {
        self.paths = Paths::stand_ins(dir);
        self
    }

    async fn run_command(&self, command: &Command) -> Result<Output, RunError> {
        let program = command.program();
        let argv = command.argv_with(&self.paths);
        let mut child = tokio::process::Command::new(argv[0])
            .args(&argv[1..])
            .env_clear()
            .envs(ENVIRONMENT)
            .current_dir("/")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .kill_on_drop(true)
            .spawn()
            .map_err(|source| RunError::Spawn { program, source })?;
        let mut group = ProcessGroup::led_by(child.id());
        let io = |source| RunError::Io { program, source };
        let (Some(stdout), Some(stderr)) = (child.stdout.take(), child.stderr.take()) else {
            return Err(io(std::io::Error::other("stdout/stderr pipe missing")));
        };

        let finished = tokio::time::timeout(command.timeout(), async {
            let (out, err) = read_both(
                read_bounded(stdout, self.stdout_limit, OnOverflow::Stop),
                read_bounded(stderr, self.stderr_limit, OnOverflow::Drain),
            )
            .await;
            let out = out.map_err(io)?;
            if out.overflowed {
                return Ok(None);
            }
            let err = err.map_err(io)?;
            let status = child.wait().await.map_err(io)?;
            Ok::<_, RunError>(Some((status, out, err)))
        })
        .await;

        match finished {
            Ok(Ok(Some((status, out, err)))) => {
                group.forget();
                Ok(Output {
                    exit: exit_of(status),
                    stdout: out.bytes,
                    stderr: err.bytes,
                    stderr_truncated: err.overflowed,
                })
            }
            Ok(Ok(None)) => {
                self.stop(&mut group, &mut child).await;
                Err(RunError::OutputTooLarge {
                    program,
                    limit: self.stdout_limit,
                })
            }
            Ok(Err(e)) => {
                self.stop(&mut group, &mut child).await;
                Err(e)
            }
            Err(_elapsed) => {
                self.stop(&mut group, &mut child).await;
                Err(RunError::TimedOut {
                    program,
                    after: command.timeout(),
                })
            }
        }
    }

    /// `SIGTERM` to the group, up to the grace period for the leader to exit, `SIGKILL` to
    /// the group, then reap the leader (bounded too: a root child in sudo mode may outlive us).
    async fn stop(&self, group: &mut ProcessGroup, child: &mut tokio::process::Child) {
        group.terminate();
        if tokio::time::timeout(self.kill_grace, child.wait())
            .await
            .is_err()
        {
            group.kill();
            let _ = tokio::time::timeout(self.kill_grace, child.wait()).await;
        } else {
            // The leader exited; anything it left in the group goes too.
            group.kill();
        }
        group.forget();
    }
}

impl Runner for SystemRunner {
    fn run(&self, command: &Command) -> impl Future<Output = Result<Output, RunError>> + Send {
        self.run_command(command)
    }
}

/// Polls both readers until both finish, or stdout overflows (then stderr is abandoned).
async fn read_both<A, B>(out: A, err: B) -> (std::io::Result<Captured>, std::io::Result<Captured>)
where
    A: Future<Output = std::io::Result<Captured>>,
    B: Future<Output = std::io::Result<Captured>>,
{
    let (mut out, mut err) = (pin!(out), pin!(err));
    let (mut out_done, mut err_done) = (None, None);
    poll_fn(|cx| {
        if out_done.is_none() {
            if let Poll::Ready(r) = out.as_mut().poll(cx) {
                out_done = Some(r);
            }
        }
        if err_done.is_none() {
            if let Poll::Ready(r) = err.as_mut().poll(cx) {
                err_done = Some(r);
            }
        }
        let out_overflowed = matches!(&out_done, Some(Ok(c)) if c.overflowed);
        if out_done.is_some() && (err_done.is_some() || out_overflowed) {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    })
    .await;
    let abandoned = || {
        Ok(Captured {
            bytes: Vec::new(),
            overflowed: false,
        })
    };
    (
        out_done.unwrap_or_else(abandoned),
        err_done.unwrap_or_else(abandoned),
    )
}

fn exit_of(status: std::process::ExitStatus) -> Exit {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => Exit::Code(code),
        (None, Some(signal)) => Exit::Signal(signal),
        (None, None) => Exit::Code(-1),
    }
}
