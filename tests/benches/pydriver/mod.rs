//! A Python driver script of a benchmark (the proxmoxer side), started once against a fakepve
//! server: one request line in on its stdin, one JSON line out per run. The token secret goes
//! through an environment variable, never the command line. Each bench that compares against
//! proxmoxer includes this module with `#[path]`.

use std::error::Error;
use std::process::Stdio;

use sdk_tests::fakepve::{self, FakePve};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

pub(crate) struct PyDriver {
    name: &'static str,
    child: tokio::process::Child,
    stdin: tokio::process::ChildStdin,
    stdout: tokio::io::Lines<BufReader<tokio::process::ChildStdout>>,
}

impl PyDriver {
    /// Starts `tests/benches/<script>` with `--host`, `--port`, `--ca`, `--token-id` for
    /// `pve`, then `args`; the token secret is in the environment variable `secret_env`.
    pub(crate) fn start(
        script: &'static str,
        pve: &FakePve,
        secret_env: &str,
        args: &[&str],
    ) -> Result<Self, Box<dyn Error>> {
        let path = fakepve::workspace_root().join("tests/benches").join(script);
        let mut child = tokio::process::Command::new(fakepve::python_path())
            .arg(path)
            .args(["--host", &pve.host, "--port", &pve.port.to_string()])
            .args(["--ca", &pve.ca_pem_path.to_string_lossy()])
            .args(["--token-id", &pve.token_id])
            .args(args)
            .env(secret_env, pve.token_secret.expose())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()?;
        let stdin = child.stdin.take().ok_or("no stdin")?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        Ok(Self {
            name: script,
            child,
            stdin,
            stdout: BufReader::new(stdout).lines(),
        })
    }

    /// Sends one run's line and reads its JSON answer.
    pub(crate) async fn run(&mut self, line: &str) -> Result<serde_json::Value, Box<dyn Error>> {
        self.stdin.write_all(format!("{line}\n").as_bytes()).await?;
        self.stdin.flush().await?;
        let answer = self
            .stdout
            .next_line()
            .await?
            .ok_or(format!("{} ended early", self.name))?;
        Ok(serde_json::from_str(&answer)?)
    }

    /// Closes its stdin and waits for it to exit.
    pub(crate) async fn finish(mut self) -> Result<(), Box<dyn Error>> {
        drop(self.stdin);
        self.child.wait().await?;
        Ok(())
    }
}

/// The number `key` of a driver's answer.
pub(crate) fn number(answer: &serde_json::Value, key: &str) -> Result<f64, String> {
    answer[key]
        .as_f64()
        .ok_or_else(|| format!("no {key} in {answer}"))
}

/// The `main` of a bench that drives fakepve and a Python peer: nothing to list for
/// `cargo test --benches`, else `bench` on a multi-threaded runtime, exit code 1 on failure.
pub(crate) fn bench_main<F>(name: &str, bench: impl FnOnce() -> F)
where
    F: std::future::Future<Output = Result<(), Box<dyn Error>>>,
{
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    if let Err(e) = runtime.block_on(bench()) {
        eprintln!("{name} bench failed: {e}");
        std::process::exit(1);
    }
}
