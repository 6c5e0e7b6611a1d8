//! [`ScriptedTask`]: one worker task on a scripted node, for driving
//! [`Client::wait_task`](crate::Client::wait_task) without a server.
//!
//! A task answers the three calls about it the way a PVE node does: its status
//! (`GET /nodes/{node}/tasks/{upid}/status`) reads `running` for the first N polls and then
//! `stopped` with the exit status; its log (`GET …/log`) is paged by `start`/`limit` with the
//! line count in `total` (`limit=0` reads to the end; an empty log is PVE's single
//! `no content` line); and a stop (`DELETE /nodes/{node}/tasks/{upid}`) answers `null` and
//! ends a still-running task with `received interrupt`, as a worker's signal handler does.
//!
//! Beyond that ideal run, a task can fail chosen status reads ([`ScriptedTask::status_fails`]:
//! an HTTP error, a dropped connection), let its log grow as it runs
//! ([`ScriptedTask::log_visible`]) and leave `total` out of its log pages
//! ([`ScriptedTask::without_total`]), as some emulators do. (The SDK's own task tests needed
//! these; they are here so a user's tests can drive the same cases.)
//!
//! Add it to a [`ScriptedTransport`](super::ScriptedTransport) with
//! [`task`](super::ScriptedTransport::task); the wait's pauses cost no real time under
//! tokio's paused clock (`#[tokio::test(start_paused = true)]`).

use std::ops::{Bound, RangeBounds};

use serde_json::{Value, json};

use crate::endpoint::HttpMethod;
use crate::transport::HttpResponse;
use crate::upid::Upid;

use super::request::CapturedRequest;
use super::respond;
use super::scripted::Reply;

/// The exit status of a task stopped by `DELETE /nodes/{node}/tasks/{upid}`.
const INTERRUPTED: &str = "received interrupt";

/// Which status reads (numbered from 1) a failure answers.
type Reads = (Bound<u64>, Bound<u64>);

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
    /// `(which reads, answer)`: status reads answered with something else, first match wins.
    failures: Vec<(Reads, Reply)>,
    /// Log lines that exist after each status read (the last count repeats).
    visible: Vec<usize>,
    without_total: bool,
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
            failures: Vec::new(),
            visible: Vec::new(),
            without_total: false,
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

    /// The status reads numbered `reads` (from 1; every read counts, failed ones too) answer
    /// `reply` instead of the task's status: `status_fails(2..=3, respond::error(503, "proxy
    /// busy"))`, or `status_fails(2.., Reply::ConnectFailed)` for every read from the second
    /// on. The task runs on meanwhile: [`running`](Self::running) counts these reads too.
    ///
    /// ```
    /// use proxmox_sdk::testing::{Reply, ScriptedTask, respond, upid};
    ///
    /// // A connection failure and a busy proxy before the task is seen running, then `OK`.
    /// let task = ScriptedTask::new(upid("pve1", "vzdump", "100"))
    ///     .running(3)
    ///     .status_fails(1..=1, Reply::ConnectFailed)
    ///     .status_fails(2..=2, respond::error(503, "proxy busy"));
    /// # let _ = task;
    /// ```
    pub fn status_fails(mut self, reads: impl RangeBounds<u64>, reply: impl Into<Reply>) -> Self {
        let reads = (reads.start_bound().cloned(), reads.end_bound().cloned());
        self.failures.push((reads, reply.into()));
        self
    }

    /// How many log lines exist before the first status read (`counts[0]`) and after each
    /// read k (`counts[k - 1]`; the last count repeats): a log that grows while the task runs.
    /// Without it the whole log exists from the start.
    pub fn log_visible(mut self, counts: impl IntoIterator<Item = usize>) -> Self {
        self.visible = counts.into_iter().collect();
        self
    }

    /// Log pages carry no `total` (PVE always sends it; some emulators do not).
    pub fn without_total(mut self) -> Self {
        self.without_total = true;
        self
    }

    /// The task's UPID.
    pub fn upid(&self) -> &Upid {
        &self.upid
    }

    /// Answers `request` when it is about this task.
    pub(crate) fn answer(&mut self, request: &CapturedRequest) -> Option<Reply> {
        let base = format!("/nodes/{}/tasks/{}", self.upid.node(), self.upid);
        let rest = request.path.strip_prefix(&base)?;
        match (request.method, rest) {
            (HttpMethod::Get, "/status") => {
                let read = self.polls.saturating_add(1);
                let failure = self
                    .failures
                    .iter()
                    .find(|(reads, _)| reads.contains(&read));
                match failure.map(|(_, reply)| reply.clone()) {
                    Some(reply) => {
                        self.polls = read;
                        Some(reply)
                    }
                    None => Some(Reply::Response(self.status())),
                }
            }
            (HttpMethod::Get, "/log") => Some(Reply::Response(self.log_page(request))),
            (HttpMethod::Delete, "") => {
                if self.polls < self.running_polls {
                    self.stopped_by_request = true;
                }
                Some(Reply::Response(respond::data(Value::Null)))
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
        let exists = match self.visible.as_slice() {
            [] => self.log.len(),
            counts => {
                let after = usize::try_from(self.polls).unwrap_or(usize::MAX);
                counts[after.saturating_sub(1).min(counts.len() - 1)].min(self.log.len())
            }
        };
        if exists == 0 {
            return respond::data_with_total([json!({"n": 1, "t": "no content"})], 1);
        }
        let start = usize::try_from(number("start", 0)).unwrap_or(usize::MAX);
        let limit = match number("limit", 50) {
            0 => usize::MAX,
            limit => usize::try_from(limit).unwrap_or(usize::MAX),
        };
        let page: Vec<Value> = self.log[..exists]
            .iter()
            .enumerate()
            .skip(start)
            .take(limit)
            .map(|(i, text)| json!({"n": i + 1, "t": text}))
            .collect();
        if self.without_total {
            return respond::data(page);
        }
        respond::data_with_total(page, exists as u64)
    }
}
