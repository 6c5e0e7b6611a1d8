//! Task log pages: numbered lines plus the log's total line count.
//!
//! `GET /nodes/{node}/tasks/{upid}/log` skips `start` lines and returns up to `limit` of the
//! rest (`limit = 0`: all of them), each with its 1-based line number `n`, and the number of
//! lines the log has in the envelope's `total`. Following a running task therefore means
//! asking again with `start` = the last `n` received.
//!
//! Two answers are not log lines: an empty log reads as one line `no content`, and a log file
//! the node cannot open as one line `unable to open file - …`. [`TaskLog::is_placeholder`]
//! recognises both.

use crate::api::nodes::GetNodesTasksLogItem;

/// The prefix PVE's `log_warn` puts on every warning it counts in `WARNINGS: <n>`.
const WARNING_PREFIX: &str = "WARN: ";

/// One line of a task log.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TaskLogLine {
    /// The 1-based line number.
    pub n: u64,
    /// The text, without a line break.
    pub text: String,
}

impl TaskLogLine {
    /// `true` for a warning PVE counted in the exit status (`WARN: …`).
    pub fn is_warning(&self) -> bool {
        self.text.starts_with(WARNING_PREFIX)
    }
}

/// One page of a task log.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TaskLog {
    /// The lines returned, in order.
    pub lines: Vec<TaskLogLine>,
    /// How many lines the whole log had when the page was read: the envelope's `total`,
    /// which PVE always sends (an emulator or a proxy might not).
    pub total: Option<u64>,
}

impl TaskLog {
    /// Builds a page from the decoded response and the envelope's `total`.
    pub(crate) fn from_items(items: Vec<GetNodesTasksLogItem>, total: Option<u64>) -> Self {
        let lines = items
            .into_iter()
            .map(|item| TaskLogLine {
                // Line numbers are positive; a nonsensical one sorts first and is never
                // mistaken for progress.
                n: u64::try_from(item.n).unwrap_or(0),
                text: item.t,
            })
            .collect();
        Self { lines, total }
    }

    /// Whether lines may follow this page, which was read from `start` with `limit`: the
    /// total says so, or — without one — the page came back full.
    pub(crate) fn more_after(&self, start: u64, limit: u64) -> bool {
        let read = self.lines.len() as u64;
        match self.total {
            Some(total) => start.saturating_add(read) < total,
            None => limit != 0 && read >= limit,
        }
    }

    /// `true` when the page is PVE's stand-in for a log with no lines (`no content`) or one
    /// it cannot open (`unable to open file - …`), rather than real log lines.
    pub fn is_placeholder(&self) -> bool {
        match self.lines.as_slice() {
            [only] => {
                only.n == 1
                    && self.total.unwrap_or(1) <= 1
                    && (only.text == "no content"
                        || only.text.starts_with("unable to open file - "))
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(n: i64, t: &str) -> GetNodesTasksLogItem {
        crate::wire::de::from_value(serde_json::json!({"n": n, "t": t})).unwrap()
    }

    #[test]
    fn more_lines_follow_by_the_total_or_a_full_page() {
        let page = TaskLog::from_items(vec![item(3, "c"), item(4, "d")], Some(9));
        assert_eq!(
            page.lines[0],
            TaskLogLine {
                n: 3,
                text: "c".into()
            }
        );
        assert!(page.more_after(2, 2));
        assert!(!page.more_after(7, 2));
        let no_total = TaskLog::from_items(vec![item(3, "c"), item(4, "d")], None);
        assert!(no_total.more_after(2, 2));
        assert!(!no_total.more_after(2, 3));
        assert!(!no_total.more_after(2, 0));
    }

    #[test]
    fn placeholders_are_recognised() {
        let empty = TaskLog::from_items(vec![item(1, "no content")], Some(1));
        assert!(empty.is_placeholder());
        let unopenable = TaskLog::from_items(
            vec![item(1, "unable to open file - No such file or directory")],
            Some(1),
        );
        assert!(unopenable.is_placeholder());
        let real = TaskLog::from_items(vec![item(1, "starting")], Some(1));
        assert!(!real.is_placeholder());
        let later = TaskLog::from_items(vec![item(2, "no content")], Some(2));
        assert!(!later.is_placeholder());
    }

    #[test]
    fn warnings_are_the_lines_pve_counted() {
        let warn = TaskLogLine {
            n: 1,
            text: "WARN: no efidisk configured".into(),
        };
        let other = TaskLogLine {
            n: 2,
            text: "WARNING: something else".into(),
        };
        assert!(warn.is_warning());
        assert!(!other.is_warning());
    }
}
