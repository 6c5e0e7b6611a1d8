//! 100 concurrent LXC clones of one template on fakepve: the SDK without and with the
//! per-node in-flight limit, against proxmoxer in threads — completed clones, failures and
//! total time.
//!
//! Run: `tests/fakepve/setup-venv.sh && .venv-fakepve/bin/pip install proxmoxer==2.3.0 requests
//! && cargo bench --profile dev -p sdk-tests --bench clones` (`CLONES_BENCH_RUNS=3` runs per
//! driver, `CLONES_BENCH_COUNT=100` clones per run).
//!
//! fakepve's `clones` scenario: a clone sets the `disk` lock on its source for its whole task
//! (0.1 real s), so concurrent clones of one template meet `CT is locked (disk)` — PVE's
//! answer to parallel clones. Drivers, each run as `count` concurrent clones:
//!
//! Every clone is a full clone (`full=1`; the template has no base volume for linked ones).
//!
//! * **naive**: post the clone, wait for its task; any error is a failure.
//! * **kind-aware**: the same, but an error whose [`FailureKind`] is `Locked` or `LockTimeout`
//!   (at the POST, or ending the task: [`TaskError::is_retryable`]) is posted again after a
//!   jittered back-off (20 ms doubling to 500 ms) — nothing was done, so that is safe.
//! * each with and without [`InFlightLimit::default`]; proxmoxer naive and with the same retry
//!   written by matching the message text (`tests/benches/clones_proxmoxer.py`).
//!
//! Runs are interleaved (run 1 of every driver, then run 2, …); medians are printed as a
//! Markdown table.

#[path = "pydriver/mod.rs"]
mod pydriver;
#[allow(dead_code)] // each bench uses a part of the shared statistics
mod stats;

use std::error::Error;
use std::time::{Duration, Instant};

use proxmox_sdk::Client;
use proxmox_sdk::api::nodes::PostNodesLxcClone;
use proxmox_sdk::client::InFlightLimit;
use proxmox_sdk::error::FailureKind;
use proxmox_sdk::task::WaitOptions;
use proxmox_sdk::tls::TlsTrust;
use pydriver::{PyDriver, bench_main, number};
use sdk_tests::fakepve::FakePve;

const NODE: &str = "pve1";
const SOURCE: u32 = 9000;

/// Whether a failure other than a lock was printed already (once per bench).
static REPORTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

#[derive(Default)]
struct Series {
    secs: Vec<f64>,
    completed: Vec<f64>,
    failures: Vec<f64>,
}

impl Series {
    fn row(&self, name: &str) -> String {
        format!(
            "| {name} | {} | {:.0} | {:.0} | {:.2} | {:.2} |",
            self.secs.len(),
            stats::median(&self.completed),
            stats::median(&self.failures),
            stats::median(&self.secs),
            stats::quantile(&self.secs, 1.0),
        )
    }
}

/// One clone: post, wait; with `retry`, lock failures are posted again.
async fn clone(client: Client, newid: u32, retry: bool) -> bool {
    let mut delay = Duration::from_millis(20);
    loop {
        let request = PostNodesLxcClone::new(NODE, SOURCE, newid).full(true);
        let (locked, why) = match client.send(&request).await {
            Ok(upid) => match client.wait_task(&upid, WaitOptions::default()).await {
                Ok(_) => return true,
                Err(err) => (
                    err.is_retryable()
                        || matches!(err.failure_kind(), Some(FailureKind::Locked(_))),
                    err.to_string(),
                ),
            },
            Err(err) => (
                matches!(
                    err.failure_kind(),
                    Some(FailureKind::Locked(_) | FailureKind::LockTimeout)
                ),
                proxmox_sdk::error::Report(&err).to_string(),
            ),
        };
        if !locked && !REPORTED.swap(true, std::sync::atomic::Ordering::Relaxed) {
            eprintln!("first failure other than a lock: {why}");
        }
        if !(retry && locked) {
            return false;
        }
        let jitter = 0.5 + f64::from(newid % 7) / 14.0;
        tokio::time::sleep(delay.mul_f64(jitter)).await;
        delay = (delay * 2).min(Duration::from_millis(500));
    }
}

async fn sdk_run(client: &Client, first: u32, count: u32, retry: bool, series: &mut Series) {
    let started = Instant::now();
    let mut clones = tokio::task::JoinSet::new();
    for i in 0..count {
        clones.spawn(clone(client.clone(), first + i, retry));
    }
    let mut completed = 0;
    while let Some(done) = clones.join_next().await {
        match done {
            Ok(ok) => completed += u32::from(ok),
            Err(err) => eprintln!("a clone task died: {err}"),
        }
    }
    series.secs.push(started.elapsed().as_secs_f64());
    series.completed.push(f64::from(completed));
    series.failures.push(f64::from(count - completed));
}

/// The proxmoxer side, started once: one run per line on its stdin.
struct Proxmoxer(PyDriver);

impl Proxmoxer {
    fn start(pve: &FakePve) -> Result<Self, Box<dyn Error>> {
        let source = SOURCE.to_string();
        let args = ["--node", NODE, "--source", &source];
        PyDriver::start(
            "clones_proxmoxer.py",
            pve,
            "CLONES_BENCH_TOKEN_SECRET",
            &args,
        )
        .map(Self)
    }

    async fn run(
        &mut self,
        first: u32,
        count: u32,
        mode: &str,
        series: &mut Series,
    ) -> Result<(), Box<dyn Error>> {
        let run = self.0.run(&format!("{first} {count} {mode}")).await?;
        series.secs.push(number(&run, "secs")?);
        series.completed.push(number(&run, "completed")?);
        series.failures.push(number(&run, "failures")?);
        Ok(())
    }
}

fn env_number(name: &str, default: u32) -> u32 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

async fn bench() -> Result<(), Box<dyn Error>> {
    let runs = env_number("CLONES_BENCH_RUNS", 3);
    let count = env_number("CLONES_BENCH_COUNT", 100);
    let pve = FakePve::start("clones", &[]).await?;
    let build = |limit: Option<InFlightLimit>| -> Result<Client, proxmox_sdk::Error> {
        let mut builder = Client::builder(&pve.url)?
            .token(&pve.token_id, pve.token_secret.expose())
            .trust(TlsTrust::CaFile(pve.ca_pem_path.clone()));
        if let Some(limit) = limit {
            builder = builder.limit_in_flight(limit);
        }
        builder.build()
    };
    let unlimited = build(None)?;
    let limited = build(Some(InFlightLimit::default()))?;
    let mut proxmoxer = Proxmoxer::start(&pve)?;
    let names = [
        "SDK naive, unlimited",
        "SDK naive, limiter (12/3)",
        "SDK kind-aware retry, unlimited",
        "**SDK kind-aware retry, limiter (12/3)**",
        "proxmoxer threads, naive",
        "proxmoxer threads, text-matching retry",
    ];
    let mut series: Vec<Series> = names.iter().map(|_| Series::default()).collect();
    let mut next_id = 10_000u32;
    let mut ids = || {
        let first = next_id;
        next_id += count;
        first
    };
    let started = Instant::now();
    for _ in 0..runs {
        sdk_run(&unlimited, ids(), count, false, &mut series[0]).await;
        sdk_run(&limited, ids(), count, false, &mut series[1]).await;
        sdk_run(&unlimited, ids(), count, true, &mut series[2]).await;
        sdk_run(&limited, ids(), count, true, &mut series[3]).await;
        proxmoxer.run(ids(), count, "naive", &mut series[4]).await?;
        proxmoxer.run(ids(), count, "retry", &mut series[5]).await?;
    }
    proxmoxer.0.finish().await?;
    println!(
        "{count} concurrent clones of CT {SOURCE}, {runs} runs per driver, {:.1} s in all\n",
        started.elapsed().as_secs_f64()
    );
    println!(
        "| driver | runs | completed (median) | failures (median) | total s (median) | total s (max) |"
    );
    println!("|---|---|---|---|---|---|");
    for (name, s) in names.iter().zip(&series) {
        println!("{}", s.row(name));
    }
    Ok(())
}

fn main() {
    bench_main("clones", bench);
}
