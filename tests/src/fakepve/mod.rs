//! Launches [fakepve](https://pypi.org/project/fakepve/) scenarios for end-to-end tests.
//!
//! fakepve is an independent Proxmox VE API emulator (Python, AGPL) installed into a virtualenv
//! at test time by `test.sh` / `.ci/run`; nothing of it is linked or copied here. This module
//! only starts `tests/fakepve/scenario.py` (our launcher, which drives fakepve's Python API),
//! reads the one JSON "ready" line it prints, and describes the server: its URL, certificate,
//! fingerprint and credentials. It deliberately does not use the SDK client.
//!
//! * Python: `$FAKEPVE_PYTHON`, else `<workspace>/.venv-fakepve/bin/python`.
//! * When fakepve is not installed, [`FakePve::start`] returns [`HarnessError::NotInstalled`];
//!   [`FakePve::start_or_skip`] and [`fakepve_or_skip!`](crate::fakepve_or_skip) turn that into
//!   a printed skip locally and into a test failure when `FAKEPVE_REQUIRED=1` (as CI sets it).
//! * The server dies with the [`FakePve`] value (kill on drop, and it exits on stdin EOF).
//!
//! ```no_run
//! # async fn demo() {
//! let Some(pve) = sdk_tests::fakepve::FakePve::start_or_skip("basic", &[]).await else {
//!     return; // fakepve is not installed locally: skipped
//! };
//! println!("{} pinned to {}", pve.url, pve.fingerprint);
//! # }
//! ```

mod error;
mod paths;
mod scenario;

use std::collections::VecDeque;
use std::fmt;
use std::io::Write as _;
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};

pub use error::HarnessError;
pub use paths::{python_path, required, scenario_script, workspace_root};
pub use scenario::{Grant, ScenarioInfo, Secret, Token, User};

/// Environment variable naming the Python interpreter of the fakepve virtualenv.
pub const PYTHON_ENV: &str = "FAKEPVE_PYTHON";
/// Environment variable that, set to `1`, turns "fakepve is not installed" into a test failure.
pub const REQUIRED_ENV: &str = "FAKEPVE_REQUIRED";
/// Environment variable overriding the startup timeout, in seconds (default 30).
pub const STARTUP_TIMEOUT_ENV: &str = "FAKEPVE_STARTUP_TIMEOUT";
/// The fakepve release the scenarios and notes are written against.
pub const FAKEPVE_VERSION: &str = "0.5.0";

/// Exit code `scenario.py` uses when fakepve (or its `crypto` extra) cannot be imported.
const EXIT_NOT_INSTALLED: i32 = 3;
const DEFAULT_STARTUP_TIMEOUT: Duration = Duration::from_secs(30);
const CONTROL_TIMEOUT: Duration = Duration::from_secs(30);
const STOP_TIMEOUT: Duration = Duration::from_secs(5);
const STDERR_TAIL_LINES: usize = 40;

/// A running fakepve scenario. Dereferences to its [`ScenarioInfo`]; dropping it kills the
/// server and removes its certificate directory.
pub struct FakePve {
    info: ScenarioInfo,
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: Lines<BufReader<ChildStdout>>,
    stderr_tail: Arc<Mutex<VecDeque<String>>>,
    state_dir: PathBuf,
}

impl fmt::Debug for FakePve {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakePve")
            .field("info", &self.info)
            .field("state_dir", &self.state_dir)
            .finish_non_exhaustive()
    }
}

impl Deref for FakePve {
    type Target = ScenarioInfo;

    fn deref(&self) -> &ScenarioInfo {
        &self.info
    }
}

impl FakePve {
    /// Starts `scenario` (`basic`, `tasks`, `acl`, `faults`, ...; see `scenario.py --list`) with
    /// extra launcher flags such as `["--time-scale", "1", "--ct-secs", "snapshot=10"]`, and waits
    /// for it to listen.
    pub async fn start(scenario: &str, args: &[&str]) -> Result<FakePve, HarnessError> {
        let python = python_path();
        // A bare name (`python3`) is looked up in PATH by spawn; a path must exist.
        if python.components().count() > 1 && !python.exists() {
            return Err(HarnessError::NotInstalled {
                detail: format!("no Python at {}", python.display()),
            });
        }
        let state_dir = make_state_dir()?;
        let result = Self::spawn(scenario, args, &python, &state_dir).await;
        if result.is_err() {
            let _ = std::fs::remove_dir_all(&state_dir);
        }
        result
    }

    async fn spawn(
        scenario: &str,
        args: &[&str],
        python: &Path,
        state_dir: &Path,
    ) -> Result<FakePve, HarnessError> {
        let mut child = Command::new(python)
            .arg(scenario_script())
            .arg(scenario)
            .arg("--state-dir")
            .arg(state_dir)
            .args(args)
            .env("PYTHONUNBUFFERED", "1")
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|source| match source.kind() {
                std::io::ErrorKind::NotFound => HarnessError::NotInstalled {
                    detail: format!("no {} in PATH", python.display()),
                },
                _ => HarnessError::Spawn {
                    python: python.to_owned(),
                    source,
                },
            })?;

        let stderr_tail = Arc::new(Mutex::new(VecDeque::new()));
        if let Some(stderr) = child.stderr.take() {
            tokio::spawn(forward_stderr(
                scenario.to_owned(),
                stderr,
                Arc::clone(&stderr_tail),
            ));
        }
        let stdin = child.stdin.take();
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout is piped")).lines();

        let timeout = startup_timeout();
        let line = match tokio::time::timeout(timeout, stdout.next_line()).await {
            Ok(Ok(Some(line))) => line,
            Ok(Ok(None)) | Ok(Err(_)) => {
                // Closed stdout: the launcher is exiting; let stderr drain, then report why.
                let status = tokio::time::timeout(STOP_TIMEOUT, child.wait()).await;
                tokio::time::sleep(Duration::from_millis(50)).await;
                let stderr = tail(&stderr_tail);
                return Err(match status {
                    Ok(Ok(status)) if status.code() == Some(EXIT_NOT_INSTALLED) => {
                        HarnessError::NotInstalled {
                            detail: format!("{} cannot import fakepve[crypto]", python.display()),
                        }
                    }
                    Ok(Ok(status)) => HarnessError::Exited {
                        scenario: scenario.to_owned(),
                        status: describe(status),
                        stderr,
                    },
                    _ => HarnessError::Exited {
                        scenario: scenario.to_owned(),
                        status: "stdout closed".to_owned(),
                        stderr,
                    },
                });
            }
            Err(_) => {
                return Err(HarnessError::StartupTimeout {
                    scenario: scenario.to_owned(),
                    timeout,
                    stderr: tail(&stderr_tail),
                });
            }
        };
        let info: ScenarioInfo =
            serde_json::from_str(&line).map_err(|e| HarnessError::Protocol {
                scenario: scenario.to_owned(),
                // serde_json's message names line/column and the expected type, never the input.
                reason: format!("ready line is not the expected JSON: {e}"),
            })?;
        Ok(FakePve {
            info,
            child,
            stdin,
            stdout,
            stderr_tail,
            state_dir: state_dir.to_owned(),
        })
    }

    /// Like [`FakePve::start`], but when fakepve is not installed: prints a skip notice and
    /// returns `None`, unless `FAKEPVE_REQUIRED=1`, in which case it panics. Any other error
    /// panics too (fakepve is there but broken).
    pub async fn start_or_skip(scenario: &str, args: &[&str]) -> Option<FakePve> {
        match FakePve::start(scenario, args).await {
            Ok(pve) => Some(pve),
            Err(err @ HarnessError::NotInstalled { .. }) if !required() => {
                // Straight to the stderr handle: libtest's capture would hide a passing test's
                // eprintln!, and a skip must be visible.
                let _ = writeln!(
                    std::io::stderr(),
                    "SKIPPED fakepve e2e test (scenario {scenario:?}): {err} \
                     (set {REQUIRED_ENV}=1 to make this a failure)"
                );
                None
            }
            Err(err) => panic!("fakepve scenario {scenario:?} did not start: {err}"),
        }
    }

    /// The [`ScenarioInfo`] of this server.
    pub fn info(&self) -> &ScenarioInfo {
        &self.info
    }

    /// Sends one control command (a JSON object with an `op`, see `scenario.py`) and returns
    /// its `result`. E.g. `{"op": "fail", "method": "GET", "path": "/nodes/pve1/status",
    /// "status": 503, "message": "busy", "times": 1}`, `{"op": "node_offline", "node": "pve2"}`,
    /// `{"op": "time_scale", "value": 0}`, `{"op": "requests", "n": 5}`.
    pub async fn control(
        &mut self,
        command: serde_json::Value,
    ) -> Result<serde_json::Value, HarnessError> {
        let scenario = self.info.scenario.clone();
        let stdin = self
            .stdin
            .as_mut()
            .ok_or_else(|| HarnessError::Control("stopped".into()))?;
        let mut line = serde_json::to_string(&command).map_err(|e| HarnessError::Protocol {
            scenario: scenario.clone(),
            reason: e.to_string(),
        })?;
        line.push('\n');
        stdin.write_all(line.as_bytes()).await?;
        stdin.flush().await?;
        let answer = match tokio::time::timeout(CONTROL_TIMEOUT, self.stdout.next_line()).await {
            Ok(Ok(Some(answer))) => answer,
            Ok(Ok(None)) => {
                return Err(HarnessError::Exited {
                    scenario,
                    status: "stdout closed".to_owned(),
                    stderr: tail(&self.stderr_tail),
                });
            }
            Ok(Err(e)) => return Err(e.into()),
            Err(_) => return Err(HarnessError::Control("no answer within 30 s".into())),
        };
        let mut answer: serde_json::Value =
            serde_json::from_str(&answer).map_err(|e| HarnessError::Protocol {
                scenario,
                reason: format!("control answer: {e}"),
            })?;
        if answer["ok"] == serde_json::Value::Bool(true) {
            Ok(answer["result"].take())
        } else {
            Err(HarnessError::Control(
                answer["error"]
                    .as_str()
                    .unwrap_or("unknown error")
                    .to_owned(),
            ))
        }
    }

    /// Injects a failure: requests `method` whose path ends with `path_suffix` (below
    /// `/api2/json`) answer `status` with `message`, `times` times (`None`: every time).
    pub async fn fail(
        &mut self,
        method: &str,
        path_suffix: &str,
        status: u16,
        message: &str,
        times: Option<u32>,
    ) -> Result<(), HarnessError> {
        self.control(serde_json::json!({
            "op": "fail", "method": method, "path": path_suffix,
            "status": status, "message": message, "times": times,
        }))
        .await
        .map(drop)
    }

    /// Network trouble for every request from now on: `drop_rate` of them are reset before
    /// fakepve records or handles them, `hang_rate` wait `hang_secs` PVE seconds first (then are
    /// handled). `(0.0, 0.0)` heals the network. `seed` makes the choice repeatable.
    pub async fn flaky_network(
        &mut self,
        drop_rate: f64,
        hang_rate: f64,
        hang_secs: f64,
        seed: Option<u64>,
    ) -> Result<(), HarnessError> {
        self.control(serde_json::json!({
            "op": "flaky_network", "drop_rate": drop_rate, "hang_rate": hang_rate,
            "hang_secs": hang_secs, "seed": seed,
        }))
        .await
        .map(drop)
    }

    /// How many `method` requests whose path (below `/api2/json`) ends with `path_suffix`
    /// fakepve recorded.
    pub async fn count(&mut self, method: &str, path_suffix: &str) -> Result<u64, HarnessError> {
        let n = self
            .control(serde_json::json!({"op": "count", "method": method, "path": path_suffix}))
            .await?;
        n.as_u64()
            .ok_or_else(|| HarnessError::Control(format!("count answered {n}")))
    }

    /// Stops the server gracefully (stdin EOF), killing it if it does not exit in 5 s.
    pub async fn stop(mut self) -> Result<(), HarnessError> {
        drop(self.stdin.take());
        match tokio::time::timeout(STOP_TIMEOUT, self.child.wait()).await {
            Ok(status) => status.map(drop).map_err(HarnessError::from),
            Err(_) => {
                self.child.kill().await?;
                Ok(())
            }
        }
    }
}

impl Drop for FakePve {
    fn drop(&mut self) {
        // kill_on_drop sends SIGKILL to the child; the certificate directory is ours to remove.
        let _ = self.child.start_kill();
        let _ = std::fs::remove_dir_all(&self.state_dir);
    }
}

/// Starts a fakepve scenario in an async test, or returns from the test (skipping it) when
/// fakepve is not installed and `FAKEPVE_REQUIRED` is not `1`. Evaluates to a [`FakePve`].
///
/// ```no_run
/// # async fn demo() {
/// let pve = sdk_tests::fakepve_or_skip!("tasks", &["--time-scale", "0.05"]);
/// assert!(pve.url.starts_with("https://127.0.0.1:"));
/// # }
/// ```
#[macro_export]
macro_rules! fakepve_or_skip {
    ($scenario:expr) => {
        $crate::fakepve_or_skip!($scenario, &[])
    };
    ($scenario:expr, $args:expr) => {
        match $crate::fakepve::FakePve::start_or_skip($scenario, $args).await {
            Some(pve) => pve,
            None => return,
        }
    };
}

fn startup_timeout() -> Duration {
    std::env::var(STARTUP_TIMEOUT_ENV)
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
        .map_or(DEFAULT_STARTUP_TIMEOUT, Duration::from_secs)
}

fn make_state_dir() -> Result<PathBuf, HarnessError> {
    static SEQ: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    loop {
        let seq = SEQ.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!(
            "sdk-tests-fakepve-{}-{seq}-{nanos:x}",
            std::process::id()
        ));
        match std::fs::create_dir(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e.into()),
        }
    }
}

async fn forward_stderr(
    scenario: String,
    stderr: tokio::process::ChildStderr,
    tail: Arc<Mutex<VecDeque<String>>>,
) {
    let mut lines = BufReader::new(stderr).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        eprintln!("[fakepve {scenario}] {line}");
        let mut tail = tail.lock().unwrap_or_else(|e| e.into_inner());
        if tail.len() == STDERR_TAIL_LINES {
            tail.pop_front();
        }
        tail.push_back(line);
    }
}

fn tail(lines: &Mutex<VecDeque<String>>) -> String {
    let lines = lines.lock().unwrap_or_else(|e| e.into_inner());
    if lines.is_empty() {
        "(nothing)".to_owned()
    } else {
        lines
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join("\n")
    }
}

fn describe(status: ExitStatus) -> String {
    match status.code() {
        Some(code) => format!("exit code {code}"),
        None => format!("{status}"),
    }
}
