//! Benchmark: the read-only selftest with its independent reads in flight together (as
//! `--selftest` runs them) against the same reads one after another, on fakepve.
//!
//! ```sh
//! cargo bench -p felhom-agent --bench selftest -- [ROUNDS] [LATENCY_MS...]
//! ```
//!
//! One fakepve `basic` scenario, one client; for each response latency (fakepve's
//! `slow_network`, default 0 and 5 ms: loopback, and a LAN host whose pveproxy answers in a few
//! milliseconds) the two modes alternate for ROUNDS rounds (default 30) after one warm-up round
//! each. Prints medians, quartiles and the ratio; asserts nothing.

use std::time::{Duration, Instant};

use felhom_agent::proxmox::Host;
use felhom_agent::selftest::Target;
use felhom_agent::selftest::read::{Concurrency, run};
use proxmox_sdk::Client;
use proxmox_sdk::tls::TlsTrust;
use sdk_tests::fakepve::FakePve;

fn quartiles(mut samples: Vec<Duration>) -> (f64, f64, f64) {
    samples.sort();
    let at =
        |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize].as_secs_f64() * 1e3;
    (at(0.25), at(0.5), at(0.75))
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let rounds: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(30);
    let mut latencies: Vec<f64> = args.iter().skip(1).filter_map(|a| a.parse().ok()).collect();
    if latencies.is_empty() {
        latencies = vec![0.0, 5.0];
    }
    let Some(mut pve) = FakePve::start_or_skip("basic", &[]).await else {
        return;
    };
    let client = Client::builder(&pve.url)
        .expect("url")
        .token(&pve.token_id, pve.token_secret.expose())
        .trust(TlsTrust::fingerprint(pve.fingerprint.parse().expect("pin")))
        .build()
        .expect("client");
    let host = Host::with_client(client, pve.node.clone());
    let target = Target {
        endpoint: pve.url.clone(),
        node: pve.node.clone(),
        token_id: pve.token_id.clone(),
        token_source: "benchmark".into(),
        trust: "pinned".into(),
    };
    println!("read selftest on fakepve, {rounds} rounds each, interleaved (ms)");
    println!("| response latency | mode | p25 | median | p75 |");
    println!("|---|---|---|---|---|");
    // fakepve's latency is in PVE seconds: at time_scale 1 they are real seconds.
    pve.control(serde_json::json!({"op": "time_scale", "value": 1.0}))
        .await
        .expect("fakepve time_scale");
    for latency in latencies {
        pve.control(serde_json::json!({"op": "slow_network", "latency": latency / 1e3}))
            .await
            .expect("fakepve slow_network");
        let (concurrent, sequential) = measure(&host, &target, rounds).await;
        let (c25, c50, c75) = quartiles(concurrent);
        let (s25, s50, s75) = quartiles(sequential);
        println!("| {latency} ms | concurrent (`--selftest`) | {c25:.1} | {c50:.1} | {c75:.1} |");
        println!("| {latency} ms | one after another | {s25:.1} | {s50:.1} | {s75:.1} |");
        println!(
            "| {latency} ms | ratio of medians | | {:.2}x | |",
            s50 / c50
        );
    }
}

async fn measure(host: &Host, target: &Target, rounds: usize) -> (Vec<Duration>, Vec<Duration>) {
    let mut concurrent = Vec::with_capacity(rounds);
    let mut sequential = Vec::with_capacity(rounds);
    for round in 0..=rounds {
        for mode in [Concurrency::Concurrent, Concurrency::Sequential] {
            let started = Instant::now();
            let report = run(host, target.clone(), mode).await;
            let took = started.elapsed();
            assert!(report.healthy, "selftest failed: {report:?}");
            if round > 0 {
                match mode {
                    Concurrency::Concurrent => concurrent.push(took),
                    Concurrency::Sequential => sequential.push(took),
                }
            }
        }
    }
    (concurrent, sequential)
}
