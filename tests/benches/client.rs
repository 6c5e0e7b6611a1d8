//! A typed SDK call against raw reqwest + serde doing the same request, in the same run.
//!
//! Run: `cargo bench -p sdk-tests --bench client` (options below; `-- --help` lists them).
//!
//! **What is compared.** Both sides fetch `GET /api2/json/nodes/pve1/lxc` from the same local
//! HTTPS server and end with the same `Vec<GetNodesLxcItem>`:
//!
//! * **A, the SDK**: `proxmox_sdk::Client` with an API token and a certificate pin
//!   ([`TlsTrust::Fingerprints`]), calling `client.send(&GetNodesLxc::new("pve1"))`. This
//!   includes everything a real call goes through: request rendering, the auth header, the
//!   `pve_request` tracing span (no subscriber installed, as in a program that does not log),
//!   the retry loop, the transport trait, status classification and the envelope decode.
//! * **B, raw reqwest**: a `reqwest::Client` built with the *same* rustls configuration
//!   (`proxmox_sdk::tls::client_config` with the same pin, via
//!   `use_preconfigured_tls`) and the same reqwest settings the SDK uses (no redirects,
//!   https only, 10 s connect and 60 s request timeout, same user agent). Each call formats
//!   the URL from the node name, sends the same `Authorization: PVEAPIToken=…` header,
//!   checks the status, reads the body and decodes `{"data": …}` with `serde_json::from_slice`
//!   into the SDK's generated `Vec<GetNodesLxcItem>` (through `proxmox_sdk::wire::Lenient`, the
//!   lenient number-or-string decoding the generated types use). Decoding into the very same
//!   type keeps the data equally typed on both sides, so the difference is the SDK's client
//!   layer, not the decoder.
//!
//! Both clients keep their own HTTP/1.1 keep-alive pool for the whole run (the server counts
//! TLS handshakes to show the reuse).
//!
//! **The server** runs on its own thread and its own tokio runtime (hyper 1 HTTP/1.1 over
//! tokio-rustls, certificate made with rcgen at startup) and answers a ~20-container body
//! shaped like PVE's, with some numbers as strings and keys the schema does not declare. It
//! checks the method, path and token header and is identical for both sides.
//!
//! **Measurement.** After a warm-up, each round measures, for A and for B (the side that
//! goes first alternates between rounds): `--calls` sequential calls at concurrency 1 (per-call
//! latency and calls/s) and `--concurrent-calls` calls spread over `--concurrency` tasks on
//! the multi-thread runtime (calls/s). Rounds are short and many, so the two sides of a round
//! see the same machine. Reported: medians over all calls (latency) or over rounds
//! (throughput), the ratio of the two medians, and the median and quartiles of the per-round
//! A/B ratios; the SDK's cost is read from the per-round median, which cancels what other
//! load on a shared machine did between rounds.
//!
//! Results go into `BENCHMARKS.md` ("Client: typed SDK call vs raw reqwest").

#[allow(dead_code)] // each bench uses a part of the shared statistics
mod stats;

use std::convert::Infallible;
use std::hint::black_box;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use proxmox_sdk::api::nodes::{GetNodesLxc, GetNodesLxcItem};
use proxmox_sdk::tls::{self, Fingerprint, TlsTrust};
use proxmox_sdk::wire::Lenient;
use serde_json::json;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;

const NODE: &str = "pve1";
const PATH: &str = "/api2/json/nodes/pve1/lxc";
const TOKEN_ID: &str = "bench@pve!client";
const TOKEN_SECRET: &str = "4f0d1c7e-2b9a-4e55-8c31-0a6e9d2b7f13";
const USER_AGENT: &str = "proxmox-sdk-bench/1";
const GUESTS: usize = 20;

const USAGE: &str = "\
usage: cargo bench -p sdk-tests --bench client -- [options]
  --rounds N            alternating A/B rounds (default 100)
  --calls N             sequential calls per side and round at concurrency 1 (default 1000)
  --concurrent-calls N  calls per side and round at --concurrency (default 3200)
  --concurrency N       concurrent tasks for the throughput run (default 32)
  --warmup N            warm-up calls per side, at both concurrencies (default 500)
  --server-threads N    worker threads of the server's runtime (default 2)
  --client-threads N    worker threads of the measured runtime (default: available cores)
  --only sdk|reqwest    run one side alone (for profiling; no ratios)";

/// Command-line options.
struct Options {
    rounds: usize,
    calls: usize,
    concurrent_calls: usize,
    concurrency: usize,
    warmup: usize,
    server_threads: usize,
    client_threads: usize,
    only: Option<Which>,
}

impl Options {
    fn parse() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        let mut options = Self {
            rounds: 100,
            calls: 1000,
            concurrent_calls: 3200,
            concurrency: 32,
            warmup: 500,
            server_threads: 2,
            client_threads: cores,
            only: None,
        };
        let mut args = std::env::args().skip(1);
        while let Some(arg) = args.next() {
            let mut number = |name: &str| -> usize {
                let value = args.next().and_then(|v| v.parse::<usize>().ok());
                match value {
                    Some(n) if n > 0 => n,
                    _ => fail(&format!("{name} needs a positive number")),
                }
            };
            match arg.as_str() {
                "--rounds" => options.rounds = number("--rounds"),
                "--calls" => options.calls = number("--calls"),
                "--concurrent-calls" => options.concurrent_calls = number("--concurrent-calls"),
                "--concurrency" => options.concurrency = number("--concurrency"),
                "--warmup" => options.warmup = number("--warmup"),
                "--server-threads" => options.server_threads = number("--server-threads"),
                "--client-threads" => options.client_threads = number("--client-threads"),
                "--only" => {
                    options.only = match args.next().as_deref() {
                        Some("sdk") => Some(Which::Sdk),
                        Some("reqwest") => Some(Which::Raw),
                        _ => fail("--only needs `sdk` or `reqwest`"),
                    }
                }
                "--help" | "-h" => {
                    println!("{USAGE}");
                    std::process::exit(0);
                }
                // Passed by `cargo bench` to every bench binary.
                "--bench" => {}
                other => fail(&format!("unknown argument {other:?}")),
            }
        }
        options
    }
}

fn fail(message: &str) -> ! {
    eprintln!("{message}\n{USAGE}");
    std::process::exit(2)
}

// ---------------------------------------------------------------------------------------------
// The response body
// ---------------------------------------------------------------------------------------------

/// `{"data": [...]}` with `guests` containers the way PVE lists them: running and stopped
/// guests, `vmid`, `mem` and `disk` sometimes as strings, keys the schema does not declare
/// (`type`, `pid`, `swap`), and the PVE 9 pressure fields.
fn lxc_body(guests: usize) -> Bytes {
    let items: Vec<_> = (0..guests)
        .map(|i| {
            let vmid = 100 + i as u64;
            let running = i % 5 != 4;
            let mut ct = json!({
                "vmid": if i % 2 == 0 { json!(vmid) } else { json!(vmid.to_string()) },
                "name": format!("ct-{vmid}-{}", ["web", "db", "cache", "mail"][i % 4]),
                "type": "lxc",
                "status": if running { "running" } else { "stopped" },
                "cpus": 1 + (i % 4),
                "maxmem": 536_870_912u64 << (i % 3),
                "maxswap": 536_870_912u64,
                "maxdisk": 8_589_934_592u64 << (i % 2),
                "disk": (1_073_741_824u64 + 7_919 * vmid).to_string(),
                "netin": 0,
                "netout": 0,
                "diskread": 0,
                "diskwrite": 0,
                "uptime": 0,
                "cpu": 0,
                "mem": 0,
                "swap": 0,
            });
            if running {
                let fields = json!({
                    "pid": 20_000 + 17 * vmid,
                    "uptime": 86_400 * (i as u64 + 1) + 1_234,
                    "cpu": 0.001_37 * (i as f64 + 1.0),
                    "mem": (134_217_728u64 + 4_096 * vmid).to_string(),
                    "swap": 1_048_576 * (i as u64 % 3),
                    "netin": 9_876_543_210u64 / (i as u64 + 1),
                    "netout": 1_234_567_890u64 / (i as u64 + 1),
                    "diskread": 456_789_012u64 + vmid,
                    "diskwrite": 321_098_765u64 + vmid,
                    "pressurecpusome": 0.12,
                    "pressureiosome": 0.0,
                    "pressureiofull": 0.0,
                    "pressurememorysome": 0.0,
                    "pressurememoryfull": 0.0,
                });
                for (k, v) in fields.as_object().expect("object") {
                    ct[k] = v.clone();
                }
            }
            if i % 3 == 0 {
                ct["tags"] = json!("prod;customer-a");
            }
            if i == 7 {
                ct["lock"] = json!("backup");
            }
            if i == GUESTS - 1 {
                ct["template"] = json!(1);
            }
            ct
        })
        .collect();
    Bytes::from(serde_json::to_vec(&json!({ "data": items })).expect("serializes"))
}

// ---------------------------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------------------------

/// What the server answers and counts.
struct ServerState {
    body: Bytes,
    authorization: HeaderValue,
    answered: AtomicU64,
    refused: AtomicU64,
    handshakes: AtomicU64,
}

impl ServerState {
    fn answer(&self, request: &Request<Incoming>) -> Response<Full<Bytes>> {
        let authorized = request.headers().get(header::AUTHORIZATION) == Some(&self.authorization);
        let (status, body) = if request.method() != Method::GET || request.uri().path() != PATH {
            (
                StatusCode::NOT_IMPLEMENTED,
                Bytes::from_static(b"{\"data\":null}"),
            )
        } else if !authorized {
            (
                StatusCode::UNAUTHORIZED,
                Bytes::from_static(b"{\"data\":null}"),
            )
        } else {
            (StatusCode::OK, self.body.clone())
        };
        let counter = if status == StatusCode::OK {
            &self.answered
        } else {
            &self.refused
        };
        counter.fetch_add(1, Ordering::Relaxed);
        // The headers pveproxy sends with an API answer.
        Response::builder()
            .status(status)
            .header(header::CACHE_CONTROL, "max-age=0")
            .header(header::CONNECTION, "Keep-Alive")
            .header(header::PRAGMA, "no-cache")
            .header(header::SERVER, "pve-api-daemon/3.0")
            .header(header::EXPIRES, "Thu, 01 Jan 1970 00:00:00 GMT")
            .header(header::CONTENT_TYPE, "application/json;charset=UTF-8")
            .body(Full::new(body))
            .expect("valid response")
    }
}

/// A local HTTPS server on its own thread and runtime.
struct Server {
    addr: SocketAddr,
    fingerprint: Fingerprint,
    state: Arc<ServerState>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    fn start(body: Bytes, threads: usize) -> Self {
        let (config, fingerprint) = sdk_tests::tls::self_signed_server();
        let acceptor = TlsAcceptor::from(config);

        let mut authorization =
            HeaderValue::from_str(&format!("PVEAPIToken={TOKEN_ID}={TOKEN_SECRET}"))
                .expect("header value");
        authorization.set_sensitive(true);
        let state = Arc::new(ServerState {
            body,
            authorization,
            answered: AtomicU64::new(0),
            refused: AtomicU64::new(0),
            handshakes: AtomicU64::new(0),
        });

        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads)
            .thread_name("bench-server")
            .enable_all()
            .build()
            .expect("server runtime");
        let listener = runtime
            .block_on(TcpListener::bind("127.0.0.1:0"))
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local address");
        let (stop, stopped) = oneshot::channel::<()>();
        let served = Arc::clone(&state);
        let thread = std::thread::Builder::new()
            .name("bench-server-main".to_owned())
            .spawn(move || {
                runtime.block_on(async move {
                    let accepting = tokio::spawn(accept_loop(listener, acceptor, served));
                    let _ = stopped.await;
                    accepting.abort();
                });
                runtime.shutdown_timeout(Duration::from_secs(1));
            })
            .expect("server thread");
        Self {
            addr,
            fingerprint,
            state,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    fn origin(&self) -> String {
        format!("https://{}", self.addr)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn accept_loop(listener: TcpListener, acceptor: TlsAcceptor, state: Arc<ServerState>) {
    loop {
        let Ok((tcp, _)) = listener.accept().await else {
            continue;
        };
        let _ = tcp.set_nodelay(true);
        let acceptor = acceptor.clone();
        let state = Arc::clone(&state);
        tokio::spawn(async move {
            let Ok(tls) = acceptor.accept(tcp).await else {
                return;
            };
            state.handshakes.fetch_add(1, Ordering::Relaxed);
            let service = hyper::service::service_fn(move |request: Request<Incoming>| {
                let response = state.answer(&request);
                async move { Ok::<_, Infallible>(response) }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .keep_alive(true)
                .serve_connection(TokioIo::new(tls), service)
                .await;
        });
    }
}

// ---------------------------------------------------------------------------------------------
// The two sides
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Which {
    Sdk,
    Raw,
}

impl Which {
    fn label(self) -> &'static str {
        match self {
            Self::Sdk => "A: SDK",
            Self::Raw => "B: reqwest",
        }
    }
}

/// B: reqwest and serde, set up like the SDK's transport.
struct RawClient {
    http: reqwest::Client,
    origin: String,
    authorization: HeaderValue,
}

/// `{"data": …}`, as a hand-written caller would declare it.
#[derive(serde::Deserialize)]
struct Envelope<T> {
    data: T,
}

impl RawClient {
    fn new(origin: String, pin: Fingerprint) -> Self {
        let tls = tls::client_config(&TlsTrust::fingerprint(pin)).expect("TLS configuration");
        let http = reqwest::Client::builder()
            .use_preconfigured_tls(tls)
            .redirect(reqwest::redirect::Policy::none())
            .https_only(true)
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .user_agent(USER_AGENT)
            .build()
            .expect("reqwest client");
        let mut authorization =
            HeaderValue::from_str(&format!("PVEAPIToken={TOKEN_ID}={TOKEN_SECRET}"))
                .expect("header value");
        authorization.set_sensitive(true);
        Self {
            http,
            origin,
            authorization,
        }
    }

    async fn lxc(&self, node: &str) -> Result<Vec<GetNodesLxcItem>, Box<dyn std::error::Error>> {
        let url = format!("{}/api2/json/nodes/{node}/lxc", self.origin);
        let response = self
            .http
            .get(url)
            .header(header::AUTHORIZATION, self.authorization.clone())
            .send()
            .await?
            .error_for_status()?;
        let body = response.bytes().await?;
        let envelope: Envelope<Lenient<Vec<GetNodesLxcItem>>> = serde_json::from_slice(&body)?;
        Ok(envelope.data.0)
    }
}

/// One side, cheap to clone into tasks.
#[derive(Clone)]
enum Side {
    Sdk(proxmox_sdk::Client),
    Raw(Arc<RawClient>),
}

impl Side {
    /// One call; returns the number of containers decoded.
    async fn call(&self) -> usize {
        let items = match self {
            Self::Sdk(client) => client
                .send(&GetNodesLxc::new(NODE))
                .await
                .expect("SDK call"),
            Self::Raw(raw) => raw.lxc(NODE).await.expect("reqwest call"),
        };
        black_box(items).len()
    }
}

// ---------------------------------------------------------------------------------------------
// Measurement
// ---------------------------------------------------------------------------------------------

/// `calls` calls one after the other; pushes each call's latency, returns the total time.
async fn sequential(side: &Side, calls: usize, latencies: &mut Vec<Duration>) -> Duration {
    let start = Instant::now();
    for _ in 0..calls {
        let call = Instant::now();
        let n = side.call().await;
        latencies.push(call.elapsed());
        assert_eq!(n, GUESTS);
    }
    start.elapsed()
}

/// `calls` calls spread over `concurrency` tasks; returns the wall time until all are done.
async fn concurrent(side: &Side, calls: usize, concurrency: usize) -> Duration {
    let start = Instant::now();
    let mut tasks = JoinSet::new();
    for task in 0..concurrency {
        let side = side.clone();
        let share = calls / concurrency + usize::from(task < calls % concurrency);
        tasks.spawn(async move {
            for _ in 0..share {
                assert_eq!(side.call().await, GUESTS);
            }
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.expect("a benchmark task panicked");
    }
    start.elapsed()
}

/// Everything measured for one side.
#[derive(Default)]
struct Samples {
    /// Every call's latency at concurrency 1, all rounds pooled.
    latencies: Vec<Duration>,
    /// Per round: median and p90 latency at concurrency 1.
    round_median: Vec<f64>,
    round_p90: Vec<f64>,
    /// Per round: calls/s at concurrency 1 and at `--concurrency`.
    rate_1: Vec<f64>,
    rate_n: Vec<f64>,
}

impl Samples {
    async fn round(&mut self, side: &Side, options: &Options) {
        let mut latencies = Vec::with_capacity(options.calls);
        let elapsed = sequential(side, options.calls, &mut latencies).await;
        self.rate_1
            .push(options.calls as f64 / elapsed.as_secs_f64());
        let micros = stats::micros(&latencies);
        self.round_median.push(stats::median(&micros));
        self.round_p90.push(stats::quantile(&micros, 0.9));
        self.latencies.extend(latencies);
    }

    async fn concurrent_round(&mut self, side: &Side, options: &Options) {
        let elapsed = concurrent(side, options.concurrent_calls, options.concurrency).await;
        self.rate_n
            .push(options.concurrent_calls as f64 / elapsed.as_secs_f64());
    }
}

async fn run(
    sides: Vec<(Which, Side)>,
    options: Arc<Options>,
    server: Arc<ServerState>,
) -> (Vec<(Which, Samples)>, u64) {
    // Warm-up: opens the pools' connections and lets the allocator and caches settle.
    for (_, side) in &sides {
        concurrent(
            side,
            options.warmup.max(options.concurrency),
            options.concurrency,
        )
        .await;
        sequential(side, options.warmup, &mut Vec::new()).await;
    }
    let handshakes = server.handshakes.load(Ordering::Relaxed);
    let mut samples: Vec<(Which, Samples)> = sides
        .iter()
        .map(|(which, _)| (*which, Samples::default()))
        .collect();
    for round in 0..options.rounds {
        // Alternate which side goes first so neither always follows the other.
        let order: Vec<usize> = if round % 2 == 0 {
            (0..sides.len()).collect()
        } else {
            (0..sides.len()).rev().collect()
        };
        for &i in &order {
            samples[i].1.round(&sides[i].1, &options).await;
        }
        for &i in &order {
            samples[i].1.concurrent_round(&sides[i].1, &options).await;
        }
        eprintln!("round {}/{} done", round + 1, options.rounds);
    }
    (
        samples,
        server.handshakes.load(Ordering::Relaxed) - handshakes,
    )
}

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------

/// One row of the table: the value of each side and how to read the ratio.
struct Row {
    metric: String,
    unit: &'static str,
    a: f64,
    b: f64,
    /// Per-round A/B ratios.
    paired: Vec<f64>,
    /// True when smaller is better (latency), false for throughput.
    lower_is_better: bool,
}

impl Row {
    fn print(&self) {
        let at = |q: f64| stats::quantile(&self.paired, q);
        let paired_median = at(0.5);
        // From the paired ratio: it cancels what the machine did between rounds.
        let cost = if self.lower_is_better {
            paired_median - 1.0
        } else {
            1.0 / paired_median - 1.0
        };
        println!(
            "| {} | {} | {} | {:.3} | {:.3} ({:.3}–{:.3}) | {:+.1}% |",
            self.metric,
            format_value(self.a, self.unit),
            format_value(self.b, self.unit),
            self.a / self.b,
            paired_median,
            at(0.25),
            at(0.75),
            cost * 100.0,
        );
    }
}

fn format_value(value: f64, unit: &str) -> String {
    if unit == "µs" {
        format!("{value:.1} µs")
    } else {
        format!("{value:.0} {unit}")
    }
}

fn report(
    options: &Options,
    body_len: usize,
    server: &Server,
    results: &[(Which, Samples)],
    new_connections: u64,
) {
    println!(
        "body: {body_len} bytes, {GUESTS} containers; {} rounds; per side and round: {} calls at c=1, {} at c={}; \
         warm-up {}; client runtime {} worker threads, server runtime {} worker threads",
        options.rounds,
        options.calls,
        options.concurrent_calls,
        options.concurrency,
        options.warmup,
        options.client_threads,
        options.server_threads,
    );
    println!(
        "server: {} answered, {} refused; {} TLS handshakes in all, {new_connections} of them \
         during the measured rounds (the pools reuse their connections)",
        server.state.answered.load(Ordering::Relaxed),
        server.state.refused.load(Ordering::Relaxed),
        server.state.handshakes.load(Ordering::Relaxed),
    );
    println!();
    let conc = format!("c={}", options.concurrency);
    if let [(_, a), (_, b)] = results {
        let paired =
            |x: &[f64], y: &[f64]| -> Vec<f64> { x.iter().zip(y).map(|(x, y)| x / y).collect() };
        let (la, lb) = (stats::micros(&a.latencies), stats::micros(&b.latencies));
        println!(
            "| metric | A: SDK | B: reqwest | A/B | per-round A/B: median (quartiles) | SDK cost |"
        );
        println!("|---|---:|---:|---:|---:|---:|");
        let rows = [
            Row {
                metric: "c=1 latency, median".to_owned(),
                unit: "µs",
                a: stats::quantile(&la, 0.5),
                b: stats::quantile(&lb, 0.5),
                paired: paired(&a.round_median, &b.round_median),
                lower_is_better: true,
            },
            Row {
                metric: "c=1 latency, p90".to_owned(),
                unit: "µs",
                a: stats::quantile(&la, 0.9),
                b: stats::quantile(&lb, 0.9),
                paired: paired(&a.round_p90, &b.round_p90),
                lower_is_better: true,
            },
            Row {
                metric: "c=1 throughput".to_owned(),
                unit: "calls/s",
                a: stats::median(&a.rate_1),
                b: stats::median(&b.rate_1),
                paired: paired(&a.rate_1, &b.rate_1),
                lower_is_better: false,
            },
            Row {
                metric: format!("{conc} throughput"),
                unit: "calls/s",
                a: stats::median(&a.rate_n),
                b: stats::median(&b.rate_n),
                paired: paired(&a.rate_n, &b.rate_n),
                lower_is_better: false,
            },
        ];
        for row in &rows {
            row.print();
        }
        println!();
        println!(
            "A/B: ratio of the two medians. Per-round A/B: the ratio within each round (A and B \
             measured back to back), its median and quartiles over the rounds. SDK cost: from \
             the per-round median, how much slower the SDK is (positive) or faster (negative)."
        );
    } else {
        for (which, samples) in results {
            let all = stats::micros(&samples.latencies);
            println!(
                "{}: c=1 median {:.1} µs, p90 {:.1} µs, {:.0} calls/s; {conc} {:.0} calls/s",
                which.label(),
                stats::quantile(&all, 0.5),
                stats::quantile(&all, 0.9),
                stats::median(&samples.rate_1),
                stats::median(&samples.rate_n),
            );
        }
    }
}

fn main() {
    let options = Arc::new(Options::parse());
    let body = lxc_body(GUESTS);
    let server = Server::start(body.clone(), options.server_threads);
    let origin = server.origin();

    let sdk = proxmox_sdk::Client::builder(&origin)
        .expect("endpoint")
        .token(TOKEN_ID, TOKEN_SECRET)
        .trust(TlsTrust::fingerprint(server.fingerprint))
        .user_agent(USER_AGENT)
        .build()
        .expect("SDK client");
    let raw = Arc::new(RawClient::new(origin, server.fingerprint));

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(options.client_threads)
        .enable_all()
        .build()
        .expect("client runtime");

    // Both sides must decode the same data before anything is timed.
    let (typed, plain) = runtime.block_on(async {
        let typed = sdk.send(&GetNodesLxc::new(NODE)).await.expect("SDK call");
        let plain = raw.lxc(NODE).await.expect("reqwest call");
        (typed, plain)
    });
    assert_eq!(typed.len(), GUESTS);
    assert_eq!(typed, plain, "both sides must decode the same data");

    let sides: Vec<(Which, Side)> = [(Which::Sdk, Side::Sdk(sdk)), (Which::Raw, Side::Raw(raw))]
        .into_iter()
        .filter(|(which, _)| options.only.is_none_or(|only| only == *which))
        .collect();
    // The measuring loop runs as a task on a worker thread, as application code would.
    let (results, new_connections) = runtime
        .block_on(runtime.spawn(run(sides, Arc::clone(&options), Arc::clone(&server.state))))
        .expect("benchmark task");
    drop(runtime);
    assert_eq!(server.state.refused.load(Ordering::Relaxed), 0);
    report(&options, body.len(), &server, &results, new_connections);
}
