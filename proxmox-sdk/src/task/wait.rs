//! [`Client::wait_task`]: poll a task until it ends, then classify how it ended.
//!
//! The wait is one future and nothing else: no task is spawned, so dropping the future stops
//! it between two requests (or aborts the request in flight) and nothing reaches the server
//! afterwards. The deadline works the same way from the inside: polling runs under
//! [`tokio::time::timeout_at`], so the request in flight when time runs out is abandoned.

use std::time::Duration;

use tokio::time::Instant;

use crate::client::Client;
use crate::error::Error;
use crate::upid::Upid;

use super::error::{StatusFailure, TaskError};
use super::follow::LogFollower;
use super::log::TaskLogLine;
use super::options::{Backoff, WaitOptions, WarningsPolicy};
use super::outcome::{StopAttempt, TaskFailure, TaskOutcome, TaskTimeout};
use super::status::{ExitStatus, TaskStatus};

/// Used when a pause would overflow the clock: far enough to be "never".
const FAR_FUTURE: Duration = Duration::from_secs(365 * 24 * 60 * 60);

impl Client {
    /// Waits until the task `upid` ends and returns how it ended.
    ///
    /// Works for any UPID, also one that was not started through this client: the status is
    /// read from the node named in the UPID. Polling starts at once and slows down from
    /// [`WaitOptions::initial_interval`] to [`WaitOptions::max_interval`]. Transient
    /// failures of a poll — connection problems, 5xx, pveproxy's 595–599, and the
    /// `400 no such task` a node may answer right after the task was started — are
    /// tolerated up to [`WaitOptions::max_transient_failures`] in a row.
    ///
    /// Dropping the returned future cancels the wait cleanly: nothing runs on in the
    /// background and no further request is sent.
    ///
    /// ```no_run
    /// # async fn demo(client: proxmox_sdk::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// use std::time::Duration;
    /// use proxmox_sdk::api::nodes::PostNodesLxcSnapshot;
    /// use proxmox_sdk::task::{TaskError, WaitOptions};
    ///
    /// let upid = client.send(&PostNodesLxcSnapshot::new("pve1", 100, "before-upgrade")).await?;
    /// let options = WaitOptions::default().timeout(Duration::from_secs(300)).stop_on_timeout(true);
    /// match client.wait_task(&upid, options).await {
    ///     Ok(outcome) => {
    ///         for warning in &outcome.warnings {
    ///             println!("warning: {}", warning.text);
    ///         }
    ///     }
    ///     Err(TaskError::Failed(failure)) => {
    ///         if let Some(denied) = &failure.permission_denied {
    ///             eprintln!("the token lacks {denied}");
    ///         }
    ///         for line in &failure.log_tail {
    ///             eprintln!("{}", line.text);
    ///         }
    ///     }
    ///     Err(other) => return Err(other.into()),
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// * [`TaskError::Failed`] when the task ended with an error exit status (or with
    ///   warnings under [`WarningsPolicy::Failure`]); it carries the exit status, the tail of
    ///   the log and, for a permission failure, the missing privilege.
    /// * [`TaskError::Timeout`] when [`WaitOptions::timeout`] expired first; it carries the
    ///   last status read and whether the task was asked to stop.
    /// * [`TaskError::Status`] when reading the status failed for a reason that is not
    ///   transient (a 403, say), or transiently too many times in a row.
    pub async fn wait_task(
        &self,
        upid: &Upid,
        options: WaitOptions,
    ) -> Result<TaskOutcome, TaskError> {
        Wait::new(self, upid, options).run().await
    }
}

/// The state of one wait.
struct Wait<'a> {
    client: &'a Client,
    upid: &'a Upid,
    options: WaitOptions,
    started: Instant,
    polls: u32,
    failures: u32,
    last: Option<TaskStatus>,
    follower: Option<LogFollower>,
}

impl<'a> Wait<'a> {
    fn new(client: &'a Client, upid: &'a Upid, options: WaitOptions) -> Self {
        let follower = options
            .progress
            .clone()
            .map(|progress| LogFollower::new(options.log_tail_lines, Some(progress)));
        Self {
            client,
            upid,
            options,
            started: Instant::now(),
            polls: 0,
            failures: 0,
            last: None,
            follower,
        }
    }

    async fn run(mut self) -> Result<TaskOutcome, TaskError> {
        let deadline = self
            .options
            .timeout
            .and_then(|timeout| self.started.checked_add(timeout));
        let status = match deadline {
            None => self.poll_until_stopped().await?,
            Some(at) => match tokio::time::timeout_at(at, self.poll_until_stopped()).await {
                Ok(polled) => polled?,
                Err(_elapsed) => match self.last.take() {
                    // The end was seen just as time ran out: report it, not a timeout.
                    Some(status) if !status.is_running() => status,
                    last => {
                        self.last = last;
                        return Err(self.timed_out().await);
                    }
                },
            },
        };
        self.finish(status).await
    }

    /// Polls until a status says the task stopped, and returns that status.
    async fn poll_until_stopped(&mut self) -> Result<TaskStatus, TaskError> {
        let mut backoff = Backoff::new(&self.options);
        loop {
            let poll_started = Instant::now();
            self.polls = self.polls.saturating_add(1);
            match self.client.task_status(self.upid).await {
                Ok(status) if !status.is_running() => {
                    tracing::debug!(upid = %self.upid, polls = self.polls, "task stopped");
                    self.last = Some(status.clone());
                    return Ok(status);
                }
                Ok(status) => {
                    self.failures = 0;
                    self.last = Some(status);
                    if let Some(follower) = &mut self.follower {
                        // Progress is best effort: a failed log read is tried again next
                        // round and never fails the wait.
                        if let Err(error) = follower.catch_up(self.client, self.upid, false).await {
                            tracing::debug!(upid = %self.upid, error = %error, "reading the task log failed");
                        }
                    }
                }
                Err(error) => self.poll_failed(error)?,
            }
            let pause = backoff.next_interval();
            let next = poll_started
                .checked_add(pause)
                .unwrap_or_else(|| poll_started + FAR_FUTURE);
            tokio::time::sleep_until(next).await;
        }
    }

    /// Counts a failed poll; an error when it is not transient or one too many.
    fn poll_failed(&mut self, error: Error) -> Result<(), TaskError> {
        self.failures = self.failures.saturating_add(1);
        let tolerated = is_transient(&error, self.last.is_some())
            && self.failures <= self.options.max_transient_failures;
        if tolerated {
            tracing::debug!(upid = %self.upid, failures = self.failures, error = %error, "task status poll failed; trying again");
            return Ok(());
        }
        Err(TaskError::Status(Box::new(StatusFailure {
            upid: self.upid.clone(),
            failures: self.failures,
            last_status: self.last.take(),
            error,
        })))
    }

    /// The timeout error, after asking the node to stop the task if so configured.
    async fn timed_out(&mut self) -> TaskError {
        let stop = if self.options.stop_on_timeout {
            match self.client.stop_task(self.upid).await {
                Ok(()) => StopAttempt::Requested,
                Err(error) => StopAttempt::Failed(error),
            }
        } else {
            StopAttempt::NotRequested
        };
        TaskError::Timeout(Box::new(TaskTimeout {
            upid: self.upid.clone(),
            waited: self.started.elapsed(),
            last_status: self.last.take(),
            stop,
            polls: self.polls,
        }))
    }

    /// Classifies the final status, reading what the log must add.
    async fn finish(mut self, status: TaskStatus) -> Result<TaskOutcome, TaskError> {
        let exit = status
            .exit_status()
            .cloned()
            .unwrap_or_else(|| ExitStatus::parse(""));
        let mut log_error = None;
        if let Some(follower) = &mut self.follower {
            if let Err(error) = follower.catch_up(self.client, self.upid, true).await {
                log_error = Some(error);
            }
        }
        match exit {
            ExitStatus::Ok => Ok(self.outcome(status, exit, Vec::new(), log_error)),
            ExitStatus::Warnings(_) => {
                let (warnings, tail, log_error) = self.whole_log(log_error).await;
                match self.options.warnings {
                    WarningsPolicy::Success => Ok(self.outcome(status, exit, warnings, log_error)),
                    WarningsPolicy::Failure => {
                        let mut failure = TaskFailure::new(status, exit, self.polls);
                        failure.warnings = bounded_lines(warnings);
                        failure.log_tail = bounded_lines(tail);
                        failure.log_error = log_error;
                        Err(TaskError::Failed(Box::new(failure)))
                    }
                }
            }
            ExitStatus::Failed(_) => {
                let (tail, log_error) = self.log_tail(log_error).await;
                let mut failure = TaskFailure::new(status, exit, self.polls);
                failure.log_tail = bounded_lines(tail);
                failure.log_error = log_error;
                Err(TaskError::Failed(Box::new(failure)))
            }
        }
    }

    /// The warnings and the tail of the whole final log.
    async fn whole_log(
        &mut self,
        log_error: Option<Error>,
    ) -> (Vec<TaskLogLine>, Vec<TaskLogLine>, Option<Error>) {
        if let Some(follower) = self.follower.as_ref().filter(|f| f.is_complete()) {
            return (follower.warnings().to_vec(), follower.tail(), log_error);
        }
        let mut reader = LogFollower::new(self.options.log_tail_lines, None);
        match reader.catch_up(self.client, self.upid, true).await {
            Ok(()) => (reader.warnings().to_vec(), reader.tail(), None),
            Err(error) => (Vec::new(), Vec::new(), Some(error)),
        }
    }

    /// The last lines of the final log.
    async fn log_tail(&mut self, log_error: Option<Error>) -> (Vec<TaskLogLine>, Option<Error>) {
        if let Some(follower) = self.follower.as_ref().filter(|f| f.is_complete()) {
            return (follower.tail(), log_error);
        }
        match self
            .client
            .task_log_tail(self.upid, self.options.log_tail_lines)
            .await
        {
            Ok(page) if page.is_placeholder() => (Vec::new(), None),
            Ok(page) => (page.lines, None),
            Err(error) => (Vec::new(), Some(error)),
        }
    }

    fn outcome(
        &self,
        status: TaskStatus,
        exit_status: ExitStatus,
        warnings: Vec<TaskLogLine>,
        log_error: Option<Error>,
    ) -> TaskOutcome {
        TaskOutcome {
            upid: self.upid.clone(),
            exit_status,
            warnings,
            status,
            polls: self.polls,
            waited: self.started.elapsed(),
            log_error,
        }
    }
}

/// Whether a failed poll may succeed later: transient errors always, and before the task was
/// first seen also 400 and 404 — a node can answer `no such task` for a moment right after
/// the task was started.
fn is_transient(error: &Error, seen: bool) -> bool {
    error.is_retryable() || (!seen && matches!(error.status(), Some(400 | 404)))
}

/// Log lines as a failure keeps them: each text bounded like every other server text an error
/// carries (a task log line is whatever the worker printed).
fn bounded_lines(mut lines: Vec<TaskLogLine>) -> Vec<TaskLogLine> {
    for line in &mut lines {
        if line.text.len() > crate::error::bounded::MAX_TEXT {
            line.text = crate::error::bounded::bound(&line.text, crate::error::bounded::MAX_TEXT);
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ApiError;
    use crate::transport::TransportError;

    fn api_error(status: u16) -> Error {
        let body = br#"{"data":null,"errors":{"upid":"no such task"}}"#;
        let api = Box::new(ApiError::from_response(status, None, body));
        match status {
            400 => Error::BadRequest(api),
            401 => Error::Unauthorized(api),
            403 => Error::Forbidden(api),
            595..=599 => Error::ProxyHop(api),
            _ => Error::Api(api),
        }
    }

    #[test]
    fn not_yet_visible_tasks_are_transient_only_before_they_were_seen() {
        for status in [400, 404] {
            assert!(is_transient(&api_error(status), false), "{status}");
            assert!(!is_transient(&api_error(status), true), "{status}");
        }
        for status in [503, 595] {
            assert!(is_transient(&api_error(status), true), "{status}");
        }
        for status in [401, 403, 500, 501] {
            assert!(!is_transient(&api_error(status), false), "{status}");
        }
        let connect: Error = TransportError::Connect("refused".into()).into();
        assert!(is_transient(&connect, true));
    }

    #[test]
    fn the_wait_future_is_send() {
        fn assert_send<T: Send>(_: &T) {}
        let client = Client::builder("https://pve1:8006")
            .unwrap()
            .build()
            .unwrap();
        let upid: Upid = "UPID:pve1:0000C346:165A0CE4:68D7279C:aptupdate::root@pam:"
            .parse()
            .unwrap();
        let wait = client.wait_task(&upid, WaitOptions::default());
        assert_send(&wait);
    }
}
