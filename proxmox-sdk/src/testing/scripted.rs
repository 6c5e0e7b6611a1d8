//! [`ScriptedTransport`]: the calls a test expects, in order, each with its canned answer.
//!
//! Every request the client sends is captured ([`CapturedRequest`]) and compared with the
//! next expected call ([`Expect`]): method, decoded path and whatever parameters the step
//! names. A match takes the step's [`Reply`]; otherwise a [`ScriptedTask`] whose UPID the
//! path names answers it; otherwise the request is *unexpected*: it is recorded and answered
//! `501` with a reason phrase naming it and the call that was expected instead, so the code
//! under test fails with an [`Error`](crate::Error) that says what happened (`501` is never
//! retried). [`ScriptedTransport::finish`] then fails the test, naming every unexpected
//! request and every expected call that never came.

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use crate::client::Client;
use crate::endpoint::HttpMethod;
use crate::transport::{BoxFuture, HttpRequest, HttpResponse, Transport, TransportError};

use super::request::CapturedRequest;
use super::respond;
use super::stream;
use super::task::ScriptedTask;

/// How a scripted call is answered.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Reply {
    /// This response (see [`respond`](super::respond) for PVE's shapes).
    Response(HttpResponse),
    /// The connection could not be made: nothing was sent ([`TransportError::Connect`]).
    ConnectFailed,
    /// The connection broke after the request was sent ([`TransportError::Interrupted`]).
    Interrupted,
    /// Never answers: the caller's future stays pending until it is dropped or times out.
    Pending,
}

impl From<HttpResponse> for Reply {
    fn from(response: HttpResponse) -> Self {
        Reply::Response(response)
    }
}

/// One expected call: method, path below `/api2/json` (decoded, without the query), the
/// parameters it must carry, and its answer (`{"data": null}` unless set).
///
/// ```
/// use proxmox_sdk::testing::{Expect, respond};
///
/// let step = Expect::post("/nodes/pve1/lxc/100/snapshot")
///     .param("snapname", "before-upgrade")
///     .respond(respond::error(403, "Permission check failed (/vms/100, VM.Snapshot)"));
/// # let _ = step;
/// ```
#[derive(Debug, Clone)]
pub struct Expect {
    method: HttpMethod,
    path: String,
    params: Vec<(String, String)>,
    body: Option<String>,
    reply: Reply,
    times: u32,
}

impl Expect {
    /// A call of `method` on `path` (below `/api2/json`, e.g. `/nodes/pve1/lxc`).
    pub fn new(method: HttpMethod, path: impl Into<String>) -> Self {
        Self {
            method,
            path: path.into(),
            params: Vec::new(),
            body: None,
            reply: Reply::Response(respond::data(serde_json::Value::Null)),
            times: 1,
        }
    }

    /// A `GET` of `path`.
    pub fn get(path: impl Into<String>) -> Self {
        Self::new(HttpMethod::Get, path)
    }

    /// A `POST` to `path`.
    pub fn post(path: impl Into<String>) -> Self {
        Self::new(HttpMethod::Post, path)
    }

    /// A `PUT` to `path`.
    pub fn put(path: impl Into<String>) -> Self {
        Self::new(HttpMethod::Put, path)
    }

    /// A `DELETE` of `path`.
    pub fn delete(path: impl Into<String>) -> Self {
        Self::new(HttpMethod::Delete, path)
    }

    /// The request must carry parameter `key` = `value` (decoded; in the query string or the
    /// form body). Other parameters are allowed.
    pub fn param(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.params.push((key.into(), value.into()));
        self
    }

    /// The form body must be exactly `body` as sent (`snapname=before&vmid=100`), with
    /// credential values reading `***`.
    pub fn body(mut self, body: impl Into<String>) -> Self {
        self.body = Some(body.into());
        self
    }

    /// Answers with `response`.
    pub fn respond(self, response: HttpResponse) -> Self {
        self.reply(Reply::Response(response))
    }

    /// Answers with `reply` (a response, a transport failure, or no answer at all).
    pub fn reply(mut self, reply: impl Into<Reply>) -> Self {
        self.reply = reply.into();
        self
    }

    /// The same call, answered the same way, `times` times in a row.
    pub fn times(mut self, times: u32) -> Self {
        self.times = times;
        self
    }

    /// Why `request` is not this call, or `None` when it is.
    fn mismatch(&self, request: &CapturedRequest) -> Option<String> {
        if request.method != self.method || request.path != self.path {
            return Some(String::new());
        }
        for (key, value) in &self.params {
            match request.param(key) {
                Some(got) if got == *value => {}
                Some(got) => return Some(format!(", but {key}={got:?}, not {value:?}")),
                None => return Some(format!(", but without {key}")),
            }
        }
        match &self.body {
            Some(body) if request.body.as_ref() != Some(body) => {
                Some(format!(", but the body was {:?}", request.body))
            }
            _ => None,
        }
    }
}

impl fmt::Display for Expect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.path)?;
        for (key, value) in &self.params {
            write!(f, " {key}={value}")?;
        }
        if let Some(body) = &self.body {
            write!(f, " body {body:?}")?;
        }
        if self.times > 1 {
            write!(f, " ({} times)", self.times)?;
        }
        Ok(())
    }
}

#[derive(Debug, Default)]
struct State {
    steps: VecDeque<Expect>,
    tasks: Vec<ScriptedTask>,
    requests: Vec<CapturedRequest>,
    unexpected: Vec<String>,
    latency: std::time::Duration,
}

/// A [`Transport`] that answers an ordered script of expected calls; see the
/// [module docs](super) for a complete test. Clones share the script and the record, so keep
/// one to inspect after handing a clone to the client.
#[derive(Clone, Default)]
pub struct ScriptedTransport {
    state: Arc<Mutex<State>>,
}

impl ScriptedTransport {
    /// An empty script: any request is unexpected until steps are added.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends an expected call.
    pub fn expect(self, step: Expect) -> Self {
        self.lock().steps.push_back(step);
        self
    }

    /// Adds a task that answers its own status, log and stop calls, in any order and between
    /// any steps.
    pub fn task(self, task: ScriptedTask) -> Self {
        self.lock().tasks.push(task);
        self
    }

    /// Every answer takes `latency` (of tokio's clock: under a paused clock no real time), so
    /// a test can drop or time out a call while it is in flight.
    pub fn latency(self, latency: std::time::Duration) -> Self {
        self.lock().latency = latency;
        self
    }

    /// A client that sends through this script: API-token authentication, no client-side
    /// retries (so a scripted failure is seen once), endpoint `https://pve1.test:8006`.
    pub fn client(&self) -> Client {
        super::client_with(self.clone())
    }

    /// Every request received so far, in order, unexpected ones included.
    pub fn requests(&self) -> Vec<CapturedRequest> {
        self.lock().requests.clone()
    }

    /// Fails the test unless every expected call came and nothing else did.
    ///
    /// # Panics
    /// With a message naming each unexpected request and each expected call that never
    /// came, in order.
    #[track_caller]
    pub fn finish(&self) {
        let state = self.lock();
        let mut problems = Vec::new();
        for request in &state.unexpected {
            problems.push(format!("unexpected request: {request}"));
        }
        for step in &state.steps {
            problems.push(format!("expected call never came: {step}"));
        }
        if !problems.is_empty() {
            panic!(
                "proxmox_sdk::testing: the script did not run as written:\n  {}",
                problems.join("\n  ")
            );
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A test that panicked while holding the lock leaves a state that is still readable.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The reply for `request`, recording it.
    fn answer(&self, request: CapturedRequest) -> Reply {
        let mut state = self.lock();
        state.requests.push(request.clone());
        let mismatch = state.steps.front().map(|step| step.mismatch(&request));
        if let Some(None) = mismatch {
            let step = state.steps.front_mut().map(|step| {
                step.times = step.times.saturating_sub(1);
                (step.times == 0, step.reply.clone())
            });
            if let Some((done, reply)) = step {
                if done {
                    state.steps.pop_front();
                }
                return reply;
            }
        }
        if let Some(reply) = state.tasks.iter_mut().find_map(|t| t.answer(&request)) {
            return reply;
        }
        let expected = match (state.steps.front(), mismatch.flatten()) {
            (Some(step), Some(why)) => format!("expected {step}{why}"),
            _ => "nothing more was expected".to_owned(),
        };
        let text = format!("{} ({expected})", request.call());
        state.unexpected.push(text.clone());
        let mut response = respond::error(
            501,
            &format!("proxmox_sdk::testing: unexpected request {text}"),
        );
        response.reason = Some(format!("unexpected request {text}"));
        Reply::Response(response)
    }
}

impl fmt::Debug for ScriptedTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("ScriptedTransport")
            .field("steps_left", &state.steps.len())
            .field("tasks", &state.tasks.len())
            .field("requests", &state.requests.len())
            .field("unexpected", &state.unexpected)
            .finish()
    }
}

impl Transport for ScriptedTransport {
    fn execute(
        &self,
        mut request: HttpRequest,
    ) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        let stream = stream::take_stream(&mut request);
        let mut captured = CapturedRequest::capture(&request);
        let latency = self.lock().latency;
        Box::pin(async move {
            // A server reads the body before it answers.
            if let Some(stream) = stream {
                captured.stream = Some(stream::drain(stream).await);
            }
            let reply = self.answer(captured);
            if !latency.is_zero() {
                tokio::time::sleep(latency).await;
            }
            match reply {
                Reply::Response(response) => Ok(response),
                Reply::ConnectFailed => Err(TransportError::Connect(
                    "proxmox_sdk::testing: scripted connection failure".into(),
                )),
                Reply::Interrupted => Err(TransportError::Interrupted(
                    "proxmox_sdk::testing: scripted broken connection".into(),
                )),
                Reply::Pending => std::future::pending().await,
            }
        })
    }
}
