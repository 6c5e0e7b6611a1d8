//! Typed decoding of a 10,000-entry `/cluster/resources` response against decoding the same
//! bytes into `serde_json::Value`, in the same run.
//!
//! Run: `cargo bench -p sdk-tests --bench decode` (add `-- --samples N` for more samples).
//! Prints the median time of each side and their ratio; numbers go into BENCHMARKS.md.

#[allow(dead_code)] // each bench uses a part of the shared statistics
mod stats;

use std::hint::black_box;
use std::time::{Duration, Instant};

use proxmox_sdk::api::cluster::GetClusterResourcesItem;
use proxmox_sdk::wire::Lenient;
use serde_json::json;

/// A realistic mix: nodes, QEMU guests, containers and storages, with some numbers as strings
/// and a field no schema declares, the way real clusters answer.
fn response(entries: usize) -> Vec<u8> {
    let mut items = Vec::with_capacity(entries);
    for i in 0..entries {
        let node = format!("pve{}", i % 16);
        let item = match i % 10 {
            0 => {
                json!({"id": format!("node/{node}"), "type": "node", "node": node, "status": "online",
                        "cpu": 0.031, "maxcpu": 64, "mem": 34359738368u64, "maxmem": 274877906944u64,
                        "disk": 12884901888u64, "maxdisk": 107374182400u64, "uptime": 8_640_000,
                        "level": "", "cgroup-mode": 2})
            }
            1..=5 => {
                json!({"id": format!("qemu/{}", 100 + i), "type": "qemu", "vmid": 100 + i, "node": node,
                            "name": format!("vm{i}"), "status": "running", "cpu": 0.0125, "maxcpu": 4,
                            "mem": "2147483648", "maxmem": 8589934592u64, "disk": 0, "maxdisk": 34359738368u64,
                            "netin": 123_456_789, "netout": 98_765_432, "diskread": 1_234_567_890,
                            "diskwrite": 987_654_321, "uptime": "86400", "template": 0, "tags": "prod;web",
                            "hastate": "started", "pool": "customers"})
            }
            6..=8 => {
                json!({"id": format!("lxc/{}", 100 + i), "type": "lxc", "vmid": format!("{}", 100 + i),
                            "node": node, "name": format!("ct{i}"), "status": "stopped", "cpu": 0,
                            "maxcpu": 2, "mem": 0, "maxmem": 536870912, "disk": "0", "maxdisk": 8589934592u64,
                            "netin": 0, "netout": 0, "diskread": 0, "diskwrite": 0, "uptime": 0,
                            "template": "0", "lock": "backup"})
            }
            _ => json!({"id": format!("storage/{node}/local-lvm"), "type": "storage", "node": node,
                        "storage": "local-lvm", "status": "available", "plugintype": "lvmthin",
                        "content": "images,rootdir", "shared": 0, "disk": 53687091200u64,
                        "maxdisk": 107374182400u64, "future-field": {"x": 1}}),
        };
        items.push(item);
    }
    serde_json::to_vec(&json!({ "data": items })).expect("serializes")
}

#[derive(serde::Deserialize)]
struct Envelope<T> {
    data: T,
}

fn measure(samples: usize, mut f: impl FnMut()) -> Duration {
    for _ in 0..3 {
        f(); // warm-up
    }
    let times: Vec<Duration> = (0..samples)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    stats::median_duration(&times)
}

fn main() {
    let samples = std::env::args()
        .skip_while(|a| a != "--samples")
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(31);
    let bytes = response(10_000);
    let typed: Envelope<Lenient<Vec<GetClusterResourcesItem>>> =
        serde_json::from_slice(&bytes).expect("typed decode");
    assert_eq!(typed.data.0.len(), 10_000);

    // Interleave the two sides so machine noise hits both alike.
    let mut typed_times = Vec::new();
    let mut value_times = Vec::new();
    for _ in 0..samples {
        typed_times.push(measure(1, || {
            let v: Envelope<Lenient<Vec<GetClusterResourcesItem>>> =
                serde_json::from_slice(black_box(&bytes)).expect("typed");
            black_box(v);
        }));
        value_times.push(measure(1, || {
            let v: serde_json::Value = serde_json::from_slice(black_box(&bytes)).expect("value");
            black_box(v);
        }));
    }
    let (t, v) = (
        stats::median_duration(&typed_times),
        stats::median_duration(&value_times),
    );
    println!(
        "input: {} bytes, 10000 entries, {samples} samples each (interleaved)",
        bytes.len()
    );
    println!(
        "typed GetClusterResourcesItem: median {:.2} ms",
        t.as_secs_f64() * 1e3
    );
    println!(
        "serde_json::Value:             median {:.2} ms",
        v.as_secs_f64() * 1e3
    );
    println!("typed / Value = {:.2}", t.as_secs_f64() / v.as_secs_f64());
}
