//! A scripted [`Transport`] for the host-layer tests: expected calls in order, canned answers,
//! and a record of what was sent. A call nobody expected, or one left unanswered, fails the test
//! with its method and path.

#![allow(dead_code, unreachable_pub)]

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use felhom_agent::proxmox::Host;
use http::HeaderMap;
use proxmox_sdk::Client;
use proxmox_sdk::client::{BoxFuture, HttpRequest, HttpResponse, Transport, TransportError};

pub const NODE: &str = "pve1";

/// One expected call and its answer.
pub struct Step {
    method: &'static str,
    /// The path below `/api2/json`, without the query string.
    path: String,
    answer: Answer,
}

pub enum Answer {
    Json {
        status: u16,
        reason: Option<String>,
        body: String,
    },
    /// Never answers (the caller's future stays pending until dropped).
    Hang,
}

/// The data envelope.
pub fn ok(data: serde_json::Value) -> Answer {
    Answer::Json {
        status: 200,
        reason: None,
        body: serde_json::json!({ "data": data }).to_string(),
    }
}

/// A PVE error: the message in the body and, as PVE does, its first line as the reason phrase.
pub fn error(status: u16, message: &str) -> Answer {
    Answer::Json {
        status,
        reason: Some(message.to_owned()),
        body: serde_json::json!({ "data": null, "message": format!("{message}\n") }).to_string(),
    }
}

pub fn expect(method: &'static str, path: impl Into<String>, answer: Answer) -> Step {
    Step {
        method,
        path: path.into(),
        answer,
    }
}

/// What went on the wire.
#[derive(Debug, Clone)]
pub struct Sent {
    pub method: String,
    pub path_and_query: String,
    pub body: Option<String>,
}

#[derive(Debug, Default)]
struct State {
    script: VecDeque<(String, String)>,
    sent: Vec<Sent>,
    unexpected: Vec<String>,
}

#[derive(Clone)]
pub struct Scripted {
    state: Arc<Mutex<State>>,
    answers: Arc<Mutex<VecDeque<Answer>>>,
}

impl std::fmt::Debug for Scripted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Scripted")
    }
}

impl Scripted {
    pub fn new(steps: Vec<Step>) -> Self {
        let mut script = VecDeque::new();
        let mut answers = VecDeque::new();
        for step in steps {
            script.push_back((step.method.to_owned(), step.path));
            answers.push_back(step.answer);
        }
        Self {
            state: Arc::new(Mutex::new(State {
                script,
                ..State::default()
            })),
            answers: Arc::new(Mutex::new(answers)),
        }
    }

    /// A host on [`NODE`] whose client sends through this script.
    pub fn host(&self) -> Host {
        let client = Client::builder("https://pve1.example:8006")
            .unwrap()
            .token("felhom-agent@pve!agent", "5ec2e7a1-secret")
            .transport(self.clone())
            .build()
            .unwrap();
        Host::with_client(client, NODE)
    }

    pub fn sent(&self) -> Vec<Sent> {
        self.state.lock().unwrap().sent.clone()
    }

    /// Fails the test if a call was unexpected or an expected one never came.
    pub fn finish(&self) {
        let state = self.state.lock().unwrap();
        assert!(
            state.unexpected.is_empty(),
            "unexpected calls: {:?}",
            state.unexpected
        );
        assert!(
            state.script.is_empty(),
            "expected calls that never came: {:?}",
            state.script
        );
    }
}

impl Transport for Scripted {
    fn execute(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        let method = request.method.as_str().to_owned();
        let url = request.url.clone();
        let path_and_query = url
            .split_once("/api2/json")
            .map_or(url.clone(), |(_, p)| p.to_owned());
        let path = path_and_query
            .split('?')
            .next()
            .unwrap_or_default()
            .to_owned();
        let decoded = percent_decode(&path);
        let body = request
            .body
            .as_ref()
            .map(|b| String::from_utf8_lossy(b).into_owned());
        let answer = {
            let mut state = self.state.lock().unwrap();
            state.sent.push(Sent {
                method: method.clone(),
                path_and_query,
                body,
            });
            match state.script.front() {
                Some((m, p)) if *m == method && *p == decoded => {
                    state.script.pop_front();
                    self.answers.lock().unwrap().pop_front()
                }
                _ => {
                    state.unexpected.push(format!("{method} {decoded}"));
                    None
                }
            }
        };
        Box::pin(async move {
            match answer {
                Some(Answer::Json {
                    status,
                    reason,
                    body,
                }) => Ok(HttpResponse {
                    status,
                    reason,
                    headers: HeaderMap::new(),
                    body: Bytes::from(body),
                }),
                Some(Answer::Hang) => std::future::pending().await,
                None => Ok(HttpResponse {
                    status: 599,
                    reason: Some(format!("test script: unexpected call {method} {decoded}")),
                    headers: HeaderMap::new(),
                    body: Bytes::new(),
                }),
            }
        })
    }
}

fn percent_decode(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&path[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A PVE UPID of `kind` on guest `id`.
pub fn upid(kind: &str, id: u32) -> String {
    format!("UPID:{NODE}:0000A1B2:0012C3D4:6B0EFF0B:{kind}:{id}:felhom-agent@pve!agent:")
}

/// A status answer while running.
pub fn running(upid: &str) -> Answer {
    ok(status_json(upid, None))
}

/// A status answer once stopped with `exitstatus`.
pub fn stopped(upid: &str, exitstatus: &str) -> Answer {
    ok(status_json(upid, Some(exitstatus)))
}

fn status_json(upid: &str, exit: Option<&str>) -> serde_json::Value {
    let parsed: proxmox_sdk::Upid = upid.parse().unwrap();
    let mut status = serde_json::json!({
        "upid": upid, "node": NODE, "pid": 41394, "pstart": 1229780, "starttime": 1796144907,
        "type": parsed.worker_type(), "id": parsed.worker_id().unwrap_or_default(), "user": "felhom-agent@pve", "tokenid": "agent",
        "status": if exit.is_some() { "stopped" } else { "running" },
    });
    if let Some(exit) = exit {
        status["exitstatus"] = serde_json::json!(exit);
    }
    status
}

/// The status path of `upid`.
pub fn status_path(upid: &str) -> String {
    format!("/nodes/{NODE}/tasks/{upid}/status")
}

/// The log path of `upid`.
pub fn log_path(upid: &str) -> String {
    format!("/nodes/{NODE}/tasks/{upid}/log")
}
