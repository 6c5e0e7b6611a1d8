//! Runs a binary under test (the agent) with exactly the environment a test gives it.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use tokio::process::Child;

/// What a finished process left behind.
#[derive(Debug)]
pub struct Finished {
    /// The exit code (`None` when a signal ended it).
    pub code: Option<i32>,
    /// Its standard output.
    pub stdout: String,
    /// Its standard error.
    pub stderr: String,
}

/// Runs `program` with `args` and only the environment `env` (nothing inherited), with stdin
/// closed; kills it after `timeout`.
///
/// # Panics
/// When the program cannot be started or does not finish within `timeout`: both are test
/// failures.
pub async fn run(
    program: &Path,
    args: &[&str],
    env: &[(&str, &str)],
    timeout: Duration,
) -> Finished {
    collect(spawn(program, args, env), program, timeout).await
}

/// Like [`run`], but sends SIGINT to the process `after` it started (through `kill`, so the
/// program under test needs no signal code of the test's).
///
/// # Panics
/// As [`run`], and when `kill` cannot be run.
pub async fn run_interrupted(
    program: &Path,
    args: &[&str],
    env: &[(&str, &str)],
    after: Duration,
    timeout: Duration,
) -> Finished {
    let child = spawn(program, args, env);
    let pid = child.id().expect("a running child has a pid").to_string();
    tokio::time::sleep(after).await;
    let kill = tokio::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .await
        .expect("run kill");
    assert!(kill.success(), "kill -INT {pid} failed");
    collect(child, program, timeout).await
}

fn spawn(program: &Path, args: &[&str], env: &[(&str, &str)]) -> Child {
    tokio::process::Command::new(program)
        .args(args)
        .env_clear()
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", program.display()))
}

async fn collect(child: Child, program: &Path, timeout: Duration) -> Finished {
    let output = tokio::time::timeout(timeout, child.wait_with_output())
        .await
        .unwrap_or_else(|_| panic!("{} did not finish within {timeout:?}", program.display()))
        .unwrap_or_else(|e| panic!("waiting for {}: {e}", program.display()));
    Finished {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}
