//! [`ScriptedTask`]: one worker task on a scripted node, for driving
//! [`Client::wait_task`](crate::Client::wait_task) without a server.
//!
//! A task answers the three calls about it the way a PVE node does: its status
//! (`GET /nodes/{node}/tasks/{upid}/status`) reads `running` for the first N polls and then
//! `stopped` with the exit status; its log (`GET …/log`) is paged by `start`/`limit` with the
//! line count in `total` (`limit=0` reads to the end; an empty log is PVE's single
//! `no content` line); and a stop (`DELETE /nodes/{node}/tasks/{upid}`) answers `null` and
//! ends a still-running task with `received interrupt`, as a worker's signal handler does.
//! Add it to a [`ScriptedTransport`](super::ScriptedTransport) with
//! [`task`](super::ScriptedTransport::task); the wait's pauses cost no real time under
//! tokio's paused clock (`#[tokio::test(start_paused = true)]`).

use serde_json::{Value, json};

use crate::endpoint::HttpMethod;
use crate::transport::HttpResponse;
use crate::upid::Upid;

use super::request::CapturedRequest;
use super::respond;

/// The exit status of a task stopped by `DELETE /nodes/{node}/tasks/{upid}`.
const INTERRUPTED: &str = "received interrupt";

/// A scripted worker task: `running` for a number of status polls, then stopped with an exit
/// status, and a log.
///
/// ```
/// use proxmox_sdk::testing::{ScriptedTask, upid};
///
/// let task = ScriptedTask::new(upid("pve1", "vzdump", "100"))
///     .running(3)
///     .log(["INFO: starting new backup job", "WARN: skipped volume mp0", "TASK WARNINGS: 1"])
///     .exit("WARNINGS: 1");
/// # let _ = task;
/// ```
#[derive(Debug, Clone)]
pub struct ScriptedTask {
    upid: Upid,
    running_polls: u64,
    exit: String,
    log: Vec<String>,
    polls: u64,
    stopped_by_request: bool,
}

impl ScriptedTask {
    /// A task that has already ended with `OK` and has an empty log.
    pub fn new(upid: Upid) -> Self {
        Self {
            upid,
            running_polls: 0,
            exit: "OK".to_owned(),
            log: Vec::new(),
            polls: 0,
            stopped_by_request: false,
        }
    }

    /// The first `polls` status reads answer `running`.
    pub fn running(mut self, polls: u64) -> Self {
        self.running_polls = polls;
        self
    }

    /// Every status read answers `running` (until the task is stopped by a `DELETE`).
    pub fn never_ends(self) -> Self {
        self.running(u64::MAX)
    }

    /// The exit status once stopped, as PVE writes it: `OK`, `WARNINGS: 2`, or an error text
    /// such as `command 'lxc-start' failed: exit code 1`.
    pub fn exit(mut self, exit_status: impl Into<String>) -> Self {
        self.exit = exit_status.into();
        self
    }

    /// The task's log, one entry per line (numbered from 1).
    pub fn log(mut self, lines: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.log = lines.into_iter().map(Into::into).collect();
        self
    }

    /// The task's UPID.
    pub fn upid(&self) -> &Upid {
        &self.upid
    }

    /// Answers `request` when it is about this task.
    pub(crate) fn answer(&mut self, request: &CapturedRequest) -> Option<HttpResponse> {
        let base = format!("/nodes/{}/tasks/{}", self.upid.node(), self.upid);
        let rest = request.path.strip_prefix(&base)?;
        match (request.method, rest) {
            (HttpMethod::Get, "/status") => Some(self.status()),
            (HttpMethod::Get, "/log") => Some(self.log_page(request)),
            (HttpMethod::Delete, "") => {
                if self.polls < self.running_polls {
                    self.stopped_by_request = true;
                }
                Some(respond::data(Value::Null))
            }
            _ => None,
        }
    }

    fn status(&mut self) -> HttpResponse {
        let running = !self.stopped_by_request && self.polls < self.running_polls;
        self.polls = self.polls.saturating_add(1);
        let upid = &self.upid;
        let mut status = json!({
            "upid": upid.as_str(),
            "node": upid.node(),
            "pid": upid.pid(),
            "pstart": upid.pstart(),
            "starttime": upid.starttime(),
            "type": upid.worker_type(),
            "id": upid.worker_id().unwrap_or_default(),
            "user": upid.user(),
            "status": if running { "running" } else { "stopped" },
        });
        if let Some(token) = upid.token() {
            status["tokenid"] = json!(token);
        }
        if !running {
            let exit = if self.stopped_by_request {
                INTERRUPTED
            } else {
                &self.exit
            };
            status["exitstatus"] = json!(exit);
        }
        respond::data(status)
    }

    fn log_page(&self, request: &CapturedRequest) -> HttpResponse {
        let number = |key: &str, default: u64| {
            request
                .param(key)
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(default)
        };
        if self.log.is_empty() {
            return respond::data_with_total([json!({"n": 1, "t": "no content"})], 1);
        }
        let start = usize::try_from(number("start", 0)).unwrap_or(usize::MAX);
        let limit = match number("limit", 50) {
            0 => usize::MAX,
            limit => usize::try_from(limit).unwrap_or(usize::MAX),
        };
        let page: Vec<Value> = self
            .log
            .iter()
            .enumerate()
            .skip(start)
            .take(limit)
            .map(|(i, text)| json!({"n": i + 1, "t": text}))
            .collect();
        respond::data_with_total(page, self.log.len() as u64)
    }
}
