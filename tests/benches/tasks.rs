//! `wait_task` against proxmoxer's `Tasks.blocking_status`, on fakepve tasks of 1 s and 10 s.
//!
//! Run: `tests/fakepve/setup-venv.sh && .venv-fakepve/bin/pip install proxmoxer requests &&
//! cargo bench -p sdk-tests --bench tasks` (`TASKS_BENCH_RUNS=20,5` sets the runs per schedule
//! for the 1 s and the 10 s task).
//!
//! One fakepve server (`tasks` scenario, time scale 1.0) runs LXC snapshot tasks whose length is
//! set with `ct_secs` before each run. Each run posts a snapshot, waits for it and records
//!
//! * **lateness**: the time from the task's end to the wait returning. The task's end is taken
//!   as "just before the POST was sent + the task length", the earliest it can be, so the
//!   figure is an upper bound (by at most the POST's round trip, shown as `post`);
//! * **polls**: status requests per task.
//!
//! fakepve's task lengths are exact, so a fixed length would reward whichever schedule happens
//! to poll just after it (a fixed 1 s interval, for a 1 s task). Run `i` of `n` therefore
//! lasts `nominal × (1 + spread × ((i + ½)/n × 2 − 1))` — evenly over ±25 % of 1 s and ±5 %
//! of 10 s — and every waiter gets the same lengths. The waiters run interleaved (run 1 of
//! each, then run 2 of each, …) so drift on a shared machine hits them alike; proxmoxer is
//! driven by `tasks_proxmoxer.py` next to this file, one run per line on its stdin. Prints a
//! Markdown table.

#[path = "pydriver/mod.rs"]
mod pydriver;
#[allow(dead_code)] // each bench uses a part of the shared statistics
mod stats;

use std::error::Error;
use std::time::{Duration, Instant};

use proxmox_sdk::Client;
use proxmox_sdk::api::nodes::PostNodesLxcSnapshot;
use proxmox_sdk::task::WaitOptions;
use proxmox_sdk::tls::TlsTrust;
use pydriver::{PyDriver, bench_main, number};
use sdk_tests::fakepve::FakePve;
use serde_json::json;

const NODE: &str = "pve1";
const VMID: u32 = 200;

/// Runs of one configuration: lateness in seconds, polls, POST round trips.
#[derive(Default)]
struct Series {
    lateness: Vec<f64>,
    polls: Vec<f64>,
    post: Vec<f64>,
}

impl Series {
    fn row(&self, name: &str, task_secs: f64) -> String {
        format!(
            "| {name} | {task_secs:.0} s | {} | {:.3} | {:.3} | {:.3} | {:.1} | {:.3} |",
            self.lateness.len(),
            stats::quantile(&self.lateness, 0.5),
            stats::quantile(&self.lateness, 0.9),
            stats::quantile(&self.lateness, 1.0),
            stats::mean(&self.polls),
            stats::quantile(&self.post, 0.5),
        )
    }
}

/// The schedules compared: the default, the candidates it was chosen from, and a fixed 1 s
/// interval (what proxmoxer does) for a like-for-like baseline.
fn schedules() -> Vec<(&'static str, WaitOptions)> {
    let geometric = |initial_ms, growth| {
        WaitOptions::default()
            .initial_interval(Duration::from_millis(initial_ms))
            .growth(growth)
            .max_interval(Duration::from_secs(1))
    };
    vec![
        ("wait_task default (50 ms ×1.2)", WaitOptions::default()),
        ("wait_task 50 ms ×1.3", geometric(50, 1.3)),
        ("wait_task 100 ms ×1.2", geometric(100, 1.2)),
        ("wait_task 100 ms ×1.5", geometric(100, 1.5)),
        ("wait_task fixed 1 s", geometric(1000, 1.0)),
    ]
}

fn runs() -> (usize, usize) {
    let text = std::env::var("TASKS_BENCH_RUNS").unwrap_or_else(|_| "20,5".to_owned());
    let mut parts = text.split(',').map(|p| p.trim().parse::<usize>().ok());
    match (parts.next().flatten(), parts.next().flatten()) {
        (Some(short), Some(long)) => (short, long),
        _ => (20, 5),
    }
}

async fn one_run(
    client: &Client,
    options: &WaitOptions,
    name: &str,
    task_secs: f64,
    series: &mut Series,
) -> Result<(), Box<dyn Error>> {
    let started = Instant::now();
    let upid = client
        .send(&PostNodesLxcSnapshot::new(NODE, VMID, name))
        .await?;
    let posted = started.elapsed();
    let outcome = client.wait_task(&upid, options.clone()).await?;
    let elapsed = started.elapsed().as_secs_f64();
    series.lateness.push(elapsed - task_secs);
    series.polls.push(f64::from(outcome.polls));
    series.post.push(posted.as_secs_f64());
    Ok(())
}

/// The proxmoxer side, started once: a snapshot name in on stdin, one JSON line out per run.
struct Proxmoxer(PyDriver);

impl Proxmoxer {
    fn start(pve: &FakePve) -> Result<Self, Box<dyn Error>> {
        let vmid = VMID.to_string();
        let args = ["--node", NODE, "--vmid", &vmid];
        PyDriver::start("tasks_proxmoxer.py", pve, "TASKS_BENCH_TOKEN_SECRET", &args).map(Self)
    }

    async fn run(
        &mut self,
        name: &str,
        task_secs: f64,
        series: &mut Series,
    ) -> Result<(), Box<dyn Error>> {
        let run = self.0.run(name).await?;
        series.lateness.push(number(&run, "elapsed")? - task_secs);
        series.polls.push(number(&run, "polls")?);
        series.post.push(number(&run, "post")?);
        Ok(())
    }

    async fn finish(self) -> Result<(), Box<dyn Error>> {
        self.0.finish().await
    }
}

/// The length of run `run` of `runs` around `nominal`, spread evenly over ±`spread`.
fn task_length(nominal: f64, spread: f64, run: usize, runs: usize) -> f64 {
    let position = (run as f64 + 0.5) / runs.max(1) as f64 * 2.0 - 1.0;
    nominal * (1.0 + spread * position)
}

async fn bench() -> Result<(), Box<dyn Error>> {
    let (short_runs, long_runs) = runs();
    let mut pve = FakePve::start("tasks", &["--time-scale", "1"]).await?;
    let client = Client::builder(&pve.url)?
        .token(&pve.token_id, pve.token_secret.expose())
        .trust(TlsTrust::CaFile(pve.ca_pem_path.clone()))
        .build()?;
    let mut proxmoxer = Proxmoxer::start(&pve)?;
    let schedules = schedules();
    let mut rows = Vec::new();
    let mut counter = 0usize;
    for (nominal, spread, runs) in [(1.0, 0.25, short_runs), (10.0, 0.05, long_runs)] {
        // Warm-up, untimed: connections, TLS sessions, the server's first-call costs.
        set_length(&mut pve, 0.2).await?;
        for (_, options) in &schedules {
            counter += 1;
            one_run(
                &client,
                options,
                &format!("warm{counter}"),
                0.2,
                &mut Series::default(),
            )
            .await?;
        }
        counter += 1;
        proxmoxer
            .run(&format!("warm{counter}"), 0.2, &mut Series::default())
            .await?;

        let mut ours: Vec<Series> = schedules.iter().map(|_| Series::default()).collect();
        let mut theirs = Series::default();
        for run in 0..runs {
            let length = task_length(nominal, spread, run, runs);
            set_length(&mut pve, length).await?;
            for ((_, options), series) in schedules.iter().zip(&mut ours) {
                counter += 1;
                one_run(&client, options, &format!("rs{counter}"), length, series).await?;
            }
            counter += 1;
            proxmoxer
                .run(&format!("py{counter}"), length, &mut theirs)
                .await?;
            eprintln!(
                "tasks bench: {nominal} s task, run {} of {runs} done",
                run + 1
            );
        }
        for ((name, _), series) in schedules.iter().zip(&ours) {
            rows.push(series.row(name, nominal));
        }
        rows.push(theirs.row("proxmoxer `blocking_status` (1 s)", nominal));
    }
    proxmoxer.finish().await?;
    println!(
        "| waiter | task | runs | lateness median (s) | p90 (s) | max (s) | polls per task | post (s) |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for row in rows {
        println!("{row}");
    }
    pve.stop().await?;
    Ok(())
}

async fn set_length(pve: &mut FakePve, secs: f64) -> Result<(), Box<dyn Error>> {
    pve.control(json!({"op": "ct_secs", "secs": {"snapshot": secs}}))
        .await?;
    Ok(())
}

fn main() {
    bench_main("tasks", bench);
}
