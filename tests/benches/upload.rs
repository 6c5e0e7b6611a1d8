//! Upload throughput and peak memory: the SDK's streamed upload against `curl -F` and
//! proxmoxer, to the same local HTTPS sink, in the same run.
//!
//! Run: `cargo bench -p sdk-tests --bench upload` (`UPLOAD_BENCH_RUNS=5` runs per client and
//! size; proxmoxer needs `.venv-fakepve/bin/pip install proxmoxer==2.3.0 requests
//! requests-toolbelt` and is skipped, with a notice, without it).
//!
//! **What is compared.** Each run uploads a file of 256 MiB and one of 1 GiB (sparse files in
//! cargo's target temp dir, so every client reads the same page-cached zeros) as
//! `POST /api2/json/nodes/pve1/storage/local/upload`, `multipart/form-data` with `content=iso`:
//!
//! * **sdk**: a fresh process of this benchmark (`--child-file`) running
//!   `Client::upload(Upload::from_file(…))` with a token and a certificate pin;
//! * **sdk-reader**: the same with `Upload::new` over a `tokio::fs::File` (`--child-reader`):
//!   the path of any caller's reader, read on the sending task;
//! * **curl**: `curl -k -F content=iso -F filename=@FILE` (7.88, OpenSSL), the physical
//!   baseline: a C client writing the file to a TLS socket;
//! * **proxmoxer**: 2.3.0's `nodes(n).storage(s).upload.post(content=…, filename=file)` over
//!   requests, driven by `tests/benches/upload_proxmoxer.py`; it streams only when
//!   `requests-toolbelt` is installed (otherwise requests builds the whole form in memory).
//!
//! Every client runs in its own process, one after another, with the order rotated between
//! runs. Each reports the seconds from just before its upload call to the answer (curl's
//! include its process start, a few ms) and its peak resident memory (`VmHWM` of the SDK
//! child; `ru_maxrss` of the curl process and of the proxmoxer interpreter).
//!
//! **The sink** runs on its own thread and tokio runtime in this process (hyper 1 HTTP/1.1 over
//! tokio-rustls, rcgen certificate), counts the body's bytes and answers a UPID.
//!
//! Results go into `BENCHMARKS.md` ("Upload: streamed multipart vs curl and proxmoxer").

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use proxmox_sdk::Client;
use proxmox_sdk::api::types::StorageContent;
use proxmox_sdk::tls::{Fingerprint, TlsTrust};
use proxmox_sdk::upload::Upload;
use sdk_tests::fakepve;
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

const TOKEN_ID: &str = "bench@pve!upload";
const TOKEN_SECRET: &str = "5f0c1d2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f";
const UPID: &str = "UPID:pve1:00001234:00005678:65A1B2C3:imgcopy::bench@pve!upload:";
const SIZES: [(u64, &str); 2] = [(256 << 20, "256 MiB"), (1 << 30, "1 GiB")];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--list") {
        return; // `cargo test --benches` lists benches; nothing to list here.
    }
    if let Some(how) = args.get(1).and_then(|a| a.strip_prefix("--child-")) {
        child_sdk(how, &args[2], &args[3], &args[4]);
        return;
    }
    let runs: usize = std::env::var("UPLOAD_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let sink = Sink::start();
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let files: Vec<PathBuf> = SIZES
        .iter()
        .map(|(len, _)| sparse_file(&dir, *len))
        .collect();
    // Read each file once before the first client does: the first read of a sparse file fills
    // the page cache (zeroing every page), which would otherwise be charged to whichever
    // client happens to go first in run 0.
    for file in &files {
        warm_page_cache(file);
    }
    let python = fakepve::workspace_root().join(".venv-fakepve/bin/python");
    let proxmoxer = Command::new(&python)
        .args(["-c", "import proxmoxer"])
        .output()
        .is_ok_and(|o| o.status.success());
    // "curl" stays second: the ratios are against it.
    let mut clients = vec!["sdk", "curl", "sdk-reader"];
    if proxmoxer {
        clients.push("proxmoxer");
    } else {
        println!(
            "NOTICE: proxmoxer is not installed in {}: skipped (see the module docs)",
            python.display()
        );
    }
    // results[client][size] = [(seconds, peak KiB, CPU seconds)]
    let mut results = vec![vec![Vec::new(); SIZES.len()]; clients.len()];
    for run in 0..runs {
        for (s, file) in files.iter().enumerate() {
            for k in 0..clients.len() {
                let c = (k + run) % clients.len();
                let (secs, peak, cpu) = match clients[c] {
                    "sdk" => run_sdk("file", &sink, file),
                    "sdk-reader" => run_sdk("reader", &sink, file),
                    "curl" => run_curl(&sink, file),
                    _ => run_proxmoxer(&python, &sink, file),
                };
                let received = sink.take_bytes();
                assert!(
                    received > SIZES[s].0,
                    "{}: the sink got {received} bytes",
                    clients[c]
                );
                eprintln!(
                    "run {run} {} {}: {secs:.3} s, {cpu:.2} s CPU, {peak} KiB",
                    SIZES[s].1, clients[c]
                );
                results[c][s].push((secs, peak, cpu));
            }
        }
    }
    report(&clients, &results, runs);
}

/// One upload's measurements: seconds, peak KiB, CPU seconds.
type Sample = (f64, u64, f64);

fn report(clients: &[&str], results: &[Vec<Vec<Sample>>], runs: usize) {
    println!("\n{runs} runs per client and size; medians\n");
    println!(
        "| client | size | throughput (MiB/s) | vs curl | CPU s per GiB | vs curl | peak RSS (MiB) |"
    );
    println!("|---|---|---|---|---|---|---|");
    for (s, (len, label)) in SIZES.iter().enumerate() {
        let gib = *len as f64 / (1u64 << 30) as f64;
        let pick = |c: usize, f: fn(&Sample) -> f64| {
            let mut v: Vec<f64> = results[c][s].iter().map(f).collect();
            median(&mut v)
        };
        let rate = |c: usize| gib * 1024.0 / pick(c, |r| r.0);
        let cpu = |c: usize| pick(c, |r| r.2) / gib;
        for (c, name) in clients.iter().enumerate() {
            println!(
                "| {name} | {label} | {:.0} | {:.2}× | {:.2} | {:.2}× | {:.1} |",
                rate(c),
                rate(c) / rate(1),
                cpu(c),
                cpu(c) / cpu(1),
                pick(c, |r| r.1 as f64) / 1024.0
            );
        }
    }
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

fn sparse_file(dir: &Path, len: u64) -> PathBuf {
    let path = dir.join(format!("upload-bench-{len}.iso"));
    let file = std::fs::File::create(&path).expect("create bench file");
    file.set_len(len).expect("size bench file");
    path
}

fn warm_page_cache(path: &Path) {
    use std::io::Read;
    let mut file = std::fs::File::open(path).expect("open bench file");
    let mut buf = vec![0; 1 << 20];
    while file.read(&mut buf).expect("read bench file") > 0 {}
}

/// `seconds=… peak_kib=… cpu=…` from a child's output.
fn parse_child(what: &str, output: &std::process::Output) -> Sample {
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{what} failed: {text}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let field = |key: &str| {
        text.split_whitespace()
            .find_map(|w| w.strip_prefix(key))
            .unwrap_or_else(|| panic!("{what}: no {key} in {text:?}"))
            .to_owned()
    };
    (
        field("seconds=").parse().expect("seconds"),
        field("peak_kib=").parse().expect("peak"),
        field("cpu=").parse().expect("cpu"),
    )
}

fn run_sdk(how: &str, sink: &Sink, file: &Path) -> Sample {
    let output = Command::new(std::env::current_exe().expect("bench binary"))
        .arg(format!("--child-{how}"))
        .args([&sink.origin(), &sink.fingerprint.to_string()])
        .arg(file)
        .output()
        .expect("run the SDK child");
    parse_child("sdk", &output)
}

fn run_curl(sink: &Sink, file: &Path) -> Sample {
    // A Python wrapper only to read curl's peak RSS (`ru_maxrss` of the waited child).
    const WRAP: &str = "import resource, subprocess, sys, time\n\
        t = time.monotonic(); subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)\n\
        s = time.monotonic() - t\n\
        r = resource.getrusage(resource.RUSAGE_CHILDREN)\n\
        print(f'seconds={s} peak_kib={r.ru_maxrss} cpu={r.ru_utime + r.ru_stime}')";
    let output = Command::new("python3")
        .args(["-c", WRAP, "curl", "-k", "-sS", "--fail", "-o", "/dev/null"])
        .arg("-H")
        .arg(format!(
            "Authorization: PVEAPIToken={TOKEN_ID}={TOKEN_SECRET}"
        ))
        .args(["-F", "content=iso", "-F"])
        .arg(format!("filename=@{};filename=bench.iso", file.display()))
        .arg(sink.upload_url())
        .output()
        .expect("run curl");
    parse_child("curl", &output)
}

fn run_proxmoxer(python: &Path, sink: &Sink, file: &Path) -> Sample {
    let script = fakepve::workspace_root().join("tests/benches/upload_proxmoxer.py");
    let output = Command::new(python)
        .arg(script)
        .args([
            "--port",
            &sink.addr.port().to_string(),
            "--token-id",
            TOKEN_ID,
        ])
        .arg("--file")
        .arg(file)
        .env("UPLOAD_BENCH_TOKEN_SECRET", TOKEN_SECRET)
        .output()
        .expect("run proxmoxer");
    parse_child("proxmoxer", &output)
}

/// The SDK side, in its own process: one upload, then its time and peak memory. `how` is
/// `file` (`Upload::from_file`) or `reader` (`Upload::new` over a tokio `File`).
fn child_sdk(how: &str, origin: &str, fingerprint: &str, file: &str) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let secs = runtime.block_on(async {
        let pin: Fingerprint = fingerprint.parse().expect("fingerprint");
        let client = Client::builder(origin)
            .expect("origin")
            .token(TOKEN_ID, TOKEN_SECRET)
            .trust(TlsTrust::Fingerprints(vec![pin]))
            .build()
            .expect("client");
        let upload = if how == "reader" {
            let reader = tokio::fs::File::open(file).await.expect("bench file");
            let len = reader.metadata().await.expect("bench file").len();
            Upload::new(
                "pve1",
                "local",
                StorageContent::Iso,
                "bench.iso",
                reader,
                len,
            )
        } else {
            Upload::from_file("pve1", "local", StorageContent::Iso, file)
                .await
                .expect("bench file")
        };
        let started = Instant::now();
        client.upload(upload).await.expect("upload");
        started.elapsed().as_secs_f64()
    });
    let peak = sdk_tests::memory::peak_rss_kib();
    // utime and stime, fields 14 and 15 of /proc/self/stat, in clock ticks (100 per second).
    let stat = std::fs::read_to_string("/proc/self/stat").expect("/proc/self/stat");
    let after_name = &stat[stat.rfind(')').expect("stat") + 2..];
    let ticks: Vec<u64> = after_name
        .split_whitespace()
        .skip(11)
        .take(2)
        .map(|t| t.parse().expect("ticks"))
        .collect();
    let cpu = (ticks[0] + ticks[1]) as f64 / 100.0;
    println!("seconds={secs} peak_kib={peak} cpu={cpu}");
}

/// The HTTPS sink on its own thread and runtime.
struct Sink {
    addr: SocketAddr,
    fingerprint: Fingerprint,
    received: Arc<AtomicU64>,
}

impl Sink {
    fn start() -> Self {
        let (config, fingerprint) = sdk_tests::tls::self_signed_server();
        let acceptor = TlsAcceptor::from(config);
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("sink runtime");
        let listener = runtime
            .block_on(TcpListener::bind("127.0.0.1:0"))
            .expect("bind");
        let addr = listener.local_addr().expect("address");
        let received = Arc::new(AtomicU64::new(0));
        let counted = Arc::clone(&received);
        std::thread::spawn(move || runtime.block_on(accept_loop(listener, acceptor, counted)));
        Self {
            addr,
            fingerprint,
            received,
        }
    }

    fn origin(&self) -> String {
        format!("https://{}", self.addr)
    }

    fn upload_url(&self) -> String {
        format!(
            "{}/api2/json/nodes/pve1/storage/local/upload",
            self.origin()
        )
    }

    fn take_bytes(&self) -> u64 {
        self.received.swap(0, Ordering::SeqCst)
    }
}

async fn accept_loop(listener: TcpListener, acceptor: TlsAcceptor, received: Arc<AtomicU64>) {
    loop {
        let Ok((tcp, _)) = listener.accept().await else {
            continue;
        };
        let _ = tcp.set_nodelay(true);
        let acceptor = acceptor.clone();
        let received = Arc::clone(&received);
        tokio::spawn(async move {
            let Ok(tls) = acceptor.accept(tcp).await else {
                return;
            };
            let service = hyper::service::service_fn(move |request: Request<Incoming>| {
                let received = Arc::clone(&received);
                async move {
                    let mut body = request.into_body();
                    while let Some(Ok(frame)) = body.frame().await {
                        if let Some(data) = frame.data_ref() {
                            received.fetch_add(data.len() as u64, Ordering::Relaxed);
                        }
                    }
                    let answer = Bytes::from(format!("{{\"data\":\"{UPID}\"}}"));
                    Ok::<_, Infallible>(
                        Response::builder()
                            .header("content-type", "application/json")
                            .body(Full::new(answer))
                            .expect("response"),
                    )
                }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(tls), service)
                .await;
        });
    }
}
