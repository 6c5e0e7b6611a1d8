//! A scripted PVE node for one task, plugged in as the client's `Transport`.
//!
//! The script says what successive status polls answer (the last answer repeats), how much of
//! the log exists after each poll, and what a stop request answers. Every request is recorded
//! with its decoded path and query; anything the script does not know answers `501` naming
//! the call, so a test can assert that nothing unexpected was sent. Replies can take a
//! simulated latency, which tokio's paused clock turns into no real waiting.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use bytes::Bytes;
use http::HeaderMap;
use proxmox_sdk::client::RetryPolicy;
use proxmox_sdk::transport::{BoxFuture, HttpRequest, HttpResponse, Transport, TransportError};
use proxmox_sdk::{Client, HttpMethod, Upid};
use serde_json::{Value, json};

/// A UPID on node `pve2`, which the tests' client (pointed at `pve1`) must route to.
pub(crate) const UPID: &str =
    "UPID:pve2:0001E240:0D015579:68BF3A41:vzsnapshot:100:felhom-agent@pve!agent:";

/// What one status poll answers.
#[derive(Debug, Clone)]
pub(crate) enum Reply {
    /// `status: running`.
    Running,
    /// `status: stopped` with this `exitstatus`.
    Stopped(&'static str),
    /// An HTTP error with this status and JSON body.
    Http(u16, &'static str),
    /// The connection cannot be made.
    Connect,
}

/// One request the node received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Seen {
    /// The method.
    pub method: HttpMethod,
    /// The decoded path below `/api2/json`.
    pub path: String,
    /// The decoded query parameters.
    pub query: Vec<(String, String)>,
}

impl Seen {
    /// The value of query parameter `key`.
    pub(crate) fn param(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug, Default)]
struct State {
    status: Vec<Reply>,
    log: Vec<String>,
    /// Lines of `log` that exist after poll k (k = 1, 2, …); the last entry repeats; empty
    /// means the whole log exists from the start.
    visible: Vec<usize>,
    latency: Duration,
    /// Leave `total` out of log answers, as some emulators do.
    no_total: bool,
    polls: usize,
    seen: Vec<Seen>,
    unscripted: Vec<Seen>,
}

/// The scripted node. Clones share state.
#[derive(Debug, Clone, Default)]
pub(crate) struct Script {
    state: Arc<Mutex<State>>,
}

impl Script {
    /// A node whose status polls answer `replies` in turn (the last one repeats).
    pub(crate) fn new(replies: impl IntoIterator<Item = Reply>) -> Self {
        let script = Self::default();
        script.lock().status = replies.into_iter().collect();
        script
    }

    /// The task's log.
    pub(crate) fn log(self, lines: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.lock().log = lines.into_iter().map(Into::into).collect();
        self
    }

    /// How many log lines exist after each poll.
    pub(crate) fn visible(self, counts: impl IntoIterator<Item = usize>) -> Self {
        self.lock().visible = counts.into_iter().collect();
        self
    }

    /// Log answers carry no `total`.
    pub(crate) fn without_total(self) -> Self {
        self.lock().no_total = true;
        self
    }

    /// Every reply takes this long.
    pub(crate) fn latency(self, latency: Duration) -> Self {
        self.lock().latency = latency;
        self
    }

    /// A client pointed at `pve1` that talks to this script, without client-side retries.
    pub(crate) fn client(&self) -> Client {
        Client::builder("https://pve1:8006")
            .expect("endpoint")
            .token(
                "felhom-agent@pve!agent",
                "2b1e4c3a-0d5f-4e6a-9b7c-8d9e0f1a2b3c",
            )
            .retry(RetryPolicy::disabled())
            .transport(self.clone())
            .build()
            .expect("client")
    }

    /// The UPID the script is about.
    pub(crate) fn upid() -> Upid {
        UPID.parse().expect("valid UPID")
    }

    /// Every request received, in order.
    pub(crate) fn seen(&self) -> Vec<Seen> {
        self.lock().seen.clone()
    }

    /// The requests whose path ends with `suffix` (`/status`, `/log`), in order.
    pub(crate) fn seen_ending(&self, suffix: &str) -> Vec<Seen> {
        self.seen()
            .into_iter()
            .filter(|s| s.path.ends_with(suffix))
            .collect()
    }

    /// Requests of `method`.
    pub(crate) fn seen_method(&self, method: HttpMethod) -> Vec<Seen> {
        self.seen()
            .into_iter()
            .filter(|s| s.method == method)
            .collect()
    }

    /// Requests the script had no answer for.
    pub(crate) fn unscripted(&self) -> Vec<Seen> {
        self.lock().unscripted.clone()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn answer(&self, request: &HttpRequest) -> (Duration, Result<HttpResponse, TransportError>) {
        let seen = decode(request);
        let mut state = self.lock();
        state.seen.push(seen.clone());
        let task_path = format!("/nodes/{}/tasks/{UPID}", Self::upid().node());
        let latency = state.latency;
        let answer = match (seen.method, seen.path.strip_prefix(&task_path)) {
            (HttpMethod::Get, Some("/status")) => {
                state.polls += 1;
                let reply = state
                    .status
                    .get(state.polls - 1)
                    .or(state.status.last())
                    .cloned()
                    .unwrap_or(Reply::Running);
                status_reply(&reply)
            }
            (HttpMethod::Get, Some("/log")) => Ok(log_reply(&state, &seen)),
            (HttpMethod::Delete, Some("")) => Ok(json_response(200, &json!({"data": null}))),
            _ => {
                state.unscripted.push(seen.clone());
                let message = format!("not scripted: {} {}", seen.method, seen.path);
                Ok(json_response(
                    501,
                    &json!({"data": null, "message": message}),
                ))
            }
        };
        (latency, answer)
    }
}

impl Transport for Script {
    fn execute(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        let (latency, answer) = self.answer(&request);
        Box::pin(async move {
            if !latency.is_zero() {
                tokio::time::sleep(latency).await;
            }
            answer
        })
    }
}

fn decode(request: &HttpRequest) -> Seen {
    let after_origin = request
        .url
        .split_once("/api2/json")
        .map_or(request.url.as_str(), |(_, rest)| rest);
    let (path, query) = after_origin.split_once('?').unwrap_or((after_origin, ""));
    let text = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8_lossy()
            .into_owned()
    };
    Seen {
        method: request.method,
        path: text(path),
        query: query
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                (text(k), text(v))
            })
            .collect(),
    }
}

fn task_json(reply: &Reply) -> Value {
    let upid = Script::upid();
    let mut status = json!({
        "upid": UPID, "node": upid.node(), "pid": upid.pid(), "pstart": upid.pstart(),
        "starttime": upid.starttime(), "type": upid.worker_type(),
        "id": upid.worker_id().unwrap_or(""), "user": upid.user(), "tokenid": "agent",
        "status": "running",
    });
    if let Reply::Stopped(exit) = reply {
        status["status"] = json!("stopped");
        status["exitstatus"] = json!(exit);
    }
    status
}

fn status_reply(reply: &Reply) -> Result<HttpResponse, TransportError> {
    match reply {
        Reply::Running | Reply::Stopped(_) => {
            Ok(json_response(200, &json!({"data": task_json(reply)})))
        }
        Reply::Http(status, body) => Ok(response(*status, Bytes::from_static(body.as_bytes()))),
        Reply::Connect => Err(TransportError::Connect("connection refused".into())),
    }
}

/// PVE's paging: skip `start` lines, return up to `limit` (0: all), `total` = lines so far;
/// an empty log is the single line `no content`.
fn log_reply(state: &State, seen: &Seen) -> HttpResponse {
    let exists = match state.visible.as_slice() {
        [] => state.log.len(),
        counts => counts[state.polls.saturating_sub(1).min(counts.len() - 1)].min(state.log.len()),
    };
    if exists == 0 {
        return json_response(
            200,
            &json!({"data": [{"n": 1, "t": "no content"}], "total": 1}),
        );
    }
    let number = |key: &str| seen.param(key).and_then(|v| v.parse::<usize>().ok());
    let start = number("start").unwrap_or(0).min(exists);
    let end = match number("limit").unwrap_or(50) {
        0 => exists,
        limit => (start + limit).min(exists),
    };
    let lines: Vec<Value> = (start..end)
        .map(|i| json!({"n": i + 1, "t": state.log[i]}))
        .collect();
    if state.no_total {
        return json_response(200, &json!({ "data": lines }));
    }
    json_response(200, &json!({"data": lines, "total": exists}))
}

fn json_response(status: u16, body: &Value) -> HttpResponse {
    response(status, Bytes::from(body.to_string()))
}

fn response(status: u16, body: Bytes) -> HttpResponse {
    HttpResponse {
        status,
        reason: None,
        headers: HeaderMap::new(),
        body,
    }
}
