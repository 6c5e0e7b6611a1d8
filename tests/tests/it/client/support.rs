//! Shared fixtures: a client for a mock server, a catch-all mock that names unmatched calls,
//! a scripted raw TCP server for what httpmock cannot do, and a log capture.
//!
//! A real server on purpose: these fixtures test the reqwest transport on the wire (headers,
//! cookies, form bodies as bytes) and, with the raw TCP server, answers no HTTP library sends.
//! Tests of code above the transport use `proxmox_sdk::testing` instead.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use httpmock::MockServer;
use proxmox_sdk::Client;
use proxmox_sdk::client::{ClientBuilder, RetryPolicy};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub(crate) const TOKEN_ID: &str = "felhom-agent@pve!agent";
pub(crate) const TOKEN_SECRET: &str = "5e3f0c1a-7d2b-4e9f-a1c3-0b9d8e7f6a51";
pub(crate) const USER: &str = "monitor@pve";
pub(crate) const PASSWORD: &str = "pw with spaces&more=1";
pub(crate) const TICKET_1: &str = "PVE:monitor@pve:68BF3A41::dGlja2V0LW9uZS1zaWduYXR1cmU=";
pub(crate) const CSRF_1: &str = "68BF3A41:Y3NyZi1vbmUtdG9rZW4";
pub(crate) const TICKET_2: &str = "PVE:monitor@pve:68BF4851::dGlja2V0LXR3by1zaWduYXR1cmU=";
pub(crate) const CSRF_2: &str = "68BF4851:Y3NyZi10d28tdG9rZW4";
pub(crate) const UPID: &str = "UPID:pve1:000934AF:0D015579:68BF3A41:vzstart:100:monitor@pve:";

/// Retries without waiting, so tests never sleep.
pub(crate) fn fast_retry() -> RetryPolicy {
    RetryPolicy::default()
        .base_delay(Duration::ZERO)
        .jitter(false)
}

/// Mocks `POST /access/ticket` for `USER` logging in with `password` (the password, a TFA
/// answer, or the ticket being renewed), answering `status` with `body`.
pub(crate) async fn mock_ticket<'a>(
    server: &'a MockServer,
    password: &str,
    challenge: Option<&str>,
    status: u16,
    body: impl Into<String>,
) -> httpmock::Mock<'a> {
    let (expected, body) = (login_body(USER, password, challenge), body.into());
    server
        .mock_async(|when, then| {
            when.method("POST")
                .path("/api2/json/access/ticket")
                .body(expected);
            then.status(status).body(body);
        })
        .await
}

/// Mocks the password login of `USER`, answering the first ticket (`TICKET_1`, `CSRF_1`).
pub(crate) async fn mock_password_login(server: &MockServer) -> httpmock::Mock<'_> {
    mock_ticket(server, PASSWORD, None, 200, ticket_answer(TICKET_1, CSRF_1)).await
}

/// A plain-HTTP client builder for `base` (no credentials yet).
pub(crate) fn builder(base: &str) -> ClientBuilder {
    Client::builder(base)
        .expect("mock URL is valid")
        .allow_insecure_http()
        .retry(fast_retry())
        .timeout(Duration::from_secs(10))
}

/// A token-authenticated client for `server`.
pub(crate) fn token_client(server: &MockServer) -> Client {
    builder(&server.base_url())
        .token(TOKEN_ID, TOKEN_SECRET)
        .build()
        .expect("client builds")
}

/// A ticket-login client for `server`.
pub(crate) fn ticket_client(server: &MockServer) -> ClientBuilder {
    builder(&server.base_url()).ticket_login(USER, PASSWORD)
}

/// `{"data": <data>}`.
pub(crate) fn data(data: serde_json::Value) -> String {
    serde_json::json!({ "data": data }).to_string()
}

/// A login answer.
pub(crate) fn ticket_answer(ticket: &str, csrf: &str) -> String {
    data(serde_json::json!({
        "username": USER,
        "ticket": ticket,
        "CSRFPreventionToken": csrf,
        "cap": {},
    }))
}

/// The form body the client sends to `POST /access/ticket`.
pub(crate) fn login_body(user: &str, password: &str, challenge: Option<&str>) -> String {
    let mut body = format!("username={}&password={}", enc(user), enc(password));
    if let Some(c) = challenge {
        body.push_str(&format!("&tfa-challenge={}", enc(c)));
    }
    body.push_str("&new-format=1");
    body
}

/// Percent-encodes everything but `A-Z a-z 0-9 - . _ ~`, like the client.
pub(crate) fn enc(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The last mock of a test: records every call no other mock matched, answers 418, and
/// [`CatchAll::assert_none`] names those calls in the failure.
pub(crate) struct CatchAll {
    seen: Arc<Mutex<Vec<String>>>,
}

impl CatchAll {
    /// Installs it; create it after every other mock (httpmock tries mocks in creation order).
    pub(crate) async fn install(server: &MockServer) -> Self {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = Arc::clone(&seen);
        server
            .mock_async(move |when, then| {
                when.is_true(move |req| {
                    let line = format!(
                        "{} {} body={:?}",
                        req.method_str(),
                        req.uri_str(),
                        req.body_string()
                    );
                    record.lock().unwrap().push(line);
                    true
                });
                then.status(418)
                    .body(r#"{"data":null,"message":"no mock matched this call\n"}"#);
            })
            .await;
        Self { seen }
    }

    /// Fails with the list of calls no mock matched.
    pub(crate) fn assert_none(&self) {
        let seen = self.seen.lock().unwrap();
        assert!(seen.is_empty(), "calls that matched no mock: {seen:#?}");
    }

    /// How many calls no mock matched.
    pub(crate) fn count(&self) -> usize {
        self.seen.lock().unwrap().len()
    }
}

/// What the raw server does with one connection.
#[derive(Clone)]
pub(crate) enum Reply {
    /// Reads the request, writes these bytes, closes.
    Send(String),
    /// Reads the request and closes without answering (a reset after sending).
    Drop,
    /// Reads the request and never answers.
    Hang,
}

/// An HTTP/1.1 response with a free-form status line (for PVE's reason phrases and 59x).
pub(crate) fn http(status_line: &str, body: &str) -> Reply {
    Reply::Send(format!(
        "HTTP/1.1 {status_line}\r\nserver: pve-api-daemon/3.0\r\ncontent-type: application/json;charset=UTF-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    ))
}

/// A plain-text response, as pve-http-server sends for its low-level refusals (501).
pub(crate) fn text(status_line: &str, body: &str) -> Reply {
    Reply::Send(format!(
        "HTTP/1.1 {status_line}\r\ncontent-type: text/plain\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    ))
}

/// A TCP server that answers connections with a script (the last reply repeats) and records
/// every request it read.
pub(crate) struct RawServer {
    pub base: String,
    requests: Arc<Mutex<Vec<String>>>,
}

impl RawServer {
    pub(crate) async fn start(script: Vec<Reply>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&requests);
        tokio::spawn(async move {
            let mut index = 0;
            while let Ok((stream, _)) = listener.accept().await {
                let reply = script
                    .get(index)
                    .or(script.last())
                    .cloned()
                    .unwrap_or(Reply::Drop);
                index += 1;
                let seen = Arc::clone(&seen);
                tokio::spawn(serve(stream, reply, seen));
            }
        });
        Self { base, requests }
    }

    /// Every request read so far (head and body, as text).
    pub(crate) fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }

    /// How many requests arrived.
    pub(crate) fn count(&self) -> usize {
        self.requests.lock().unwrap().len()
    }
}

async fn serve(mut stream: TcpStream, reply: Reply, seen: Arc<Mutex<Vec<String>>>) {
    let Some(request) = read_request(&mut stream).await else {
        return;
    };
    seen.lock().unwrap().push(request);
    match reply {
        Reply::Send(bytes) => {
            let _ = stream.write_all(bytes.as_bytes()).await;
            let _ = stream.shutdown().await;
        }
        Reply::Drop => drop(stream),
        Reply::Hang => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            drop(stream);
        }
    }
}

/// Reads one request: the head up to the blank line, then `content-length` body bytes.
pub(crate) async fn read_request<S: AsyncReadExt + Unpin>(stream: &mut S) -> Option<String> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_lowercase();
    let length = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    while buf.len() < head_end + length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Some(String::from_utf8_lossy(&buf).into_owned())
}

/// An address where nothing listens.
pub(crate) async fn closed_port() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    format!("http://{addr}")
}

/// Records every event and span (opened, entered, closed) that passes `filter`, formatted
/// without colours, into the returned buffer, for as long as the guard lives on this thread.
pub(crate) fn capture_logs(
    filter: tracing_subscriber::filter::Targets,
) -> (LogBuffer, tracing::subscriber::DefaultGuard) {
    use tracing_subscriber::prelude::*;
    let logs = LogBuffer::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(move || writer.clone())
                .with_ansi(false)
                .with_span_events(tracing_subscriber::fmt::format::FmtSpan::FULL),
        )
        .with(filter);
    (logs, tracing::subscriber::set_default(subscriber))
}

/// Everything at TRACE, from every crate.
pub(crate) fn all_at_trace() -> tracing_subscriber::filter::Targets {
    tracing_subscriber::filter::Targets::new()
        .with_default(tracing_subscriber::filter::LevelFilter::TRACE)
}

/// Collects formatted log output in memory.
#[derive(Clone, Default)]
pub(crate) struct LogBuffer(Arc<Mutex<Vec<u8>>>);

impl LogBuffer {
    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl Write for LogBuffer {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(data);
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
