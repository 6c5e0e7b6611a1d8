//! Reading a task log incrementally: each line once, in order, remembering the tail and the
//! warnings on the way.

use std::collections::VecDeque;

use crate::client::Client;
use crate::error::Error;
use crate::upid::Upid;

use super::log::TaskLogLine;
use super::options::ProgressFn;

/// Lines asked for per log request while catching up.
const PAGE: u64 = 500;

/// Where a reader of one task's log has got to.
pub(crate) struct LogFollower {
    /// The number of the last line taken; the next request starts after it.
    last_n: u64,
    tail: VecDeque<TaskLogLine>,
    tail_len: usize,
    warnings: Vec<TaskLogLine>,
    progress: Option<ProgressFn>,
    /// Whether the whole log of the stopped task has been read.
    complete: bool,
}

impl LogFollower {
    /// A reader that keeps the last `tail_len` lines and passes new lines to `progress`.
    pub(crate) fn new(tail_len: u64, progress: Option<ProgressFn>) -> Self {
        Self {
            last_n: 0,
            tail: VecDeque::new(),
            tail_len: usize::try_from(tail_len).unwrap_or(usize::MAX),
            warnings: Vec::new(),
            progress,
            complete: false,
        }
    }

    /// Reads every line written since the last call. `stopped` says the task has ended, so
    /// the log is final and, once read, complete.
    ///
    /// While the log is still empty PVE answers a `no content` line; it is not passed on,
    /// and the next call asks again from the start.
    pub(crate) async fn catch_up(
        &mut self,
        client: &Client,
        upid: &Upid,
        stopped: bool,
    ) -> Result<(), Error> {
        loop {
            let start = self.last_n;
            let page = client.task_log(upid, start, PAGE).await?;
            if start == 0 && page.is_placeholder() {
                break;
            }
            let more = page.more_after(start, PAGE);
            for line in page.lines {
                // A line at or before the last one taken was delivered already.
                if line.n > self.last_n {
                    self.last_n = line.n;
                    self.take(line);
                }
            }
            if self.last_n == start || !more {
                break;
            }
        }
        self.complete = stopped;
        Ok(())
    }

    fn take(&mut self, line: TaskLogLine) {
        if let Some(progress) = &self.progress {
            progress(&line);
        }
        if line.is_warning() {
            self.warnings.push(line.clone());
        }
        if self.tail_len > 0 {
            if self.tail.len() == self.tail_len {
                self.tail.pop_front();
            }
            self.tail.push_back(line);
        }
    }

    /// Whether the whole final log has been read.
    pub(crate) fn is_complete(&self) -> bool {
        self.complete
    }

    /// The warning lines read so far.
    pub(crate) fn warnings(&self) -> &[TaskLogLine] {
        &self.warnings
    }

    /// The last lines read.
    pub(crate) fn tail(&self) -> Vec<TaskLogLine> {
        self.tail.iter().cloned().collect()
    }
}
