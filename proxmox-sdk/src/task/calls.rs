//! Single task calls on [`Client`]: status, log pages, the task list, stop.
//!
//! Every call about one task goes to the node named in its UPID: a task's status and log
//! exist only there, and asking another node answers `400 no such task`. pveproxy forwards
//! the call, so the client may be connected to any node of the cluster.

use crate::api::nodes::{
    DeleteNodesTasksUpid, GetNodesTasks, GetNodesTasksItem, GetNodesTasksLog, GetNodesTasksStatus,
};
use crate::client::Client;
use crate::error::Error;
use crate::upid::Upid;

use super::log::TaskLog;
use super::status::{ExitStatus, TaskStatus};

/// One page of `GET /nodes/{node}/tasks`.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskList {
    /// The tasks on the page, newest first (PVE's order).
    pub tasks: Vec<TaskListEntry>,
    /// How many tasks matched the filters in all, when the server said.
    pub total: Option<u64>,
}

/// One task of a [`TaskList`].
#[derive(Debug, Clone, PartialEq)]
pub struct TaskListEntry {
    /// The classified exit status of a finished task (the list's `status` field); `None`
    /// while it runs.
    pub exit_status: Option<ExitStatus>,
    /// The entry as received.
    pub item: GetNodesTasksItem,
}

impl TaskListEntry {
    /// The task's UPID.
    pub fn upid(&self) -> &Upid {
        &self.item.upid
    }
}

impl Client {
    /// Reads a task's status once, from the node named in `upid`.
    ///
    /// ```no_run
    /// # async fn demo(client: proxmox_sdk::Client, upid: proxmox_sdk::Upid) -> Result<(), proxmox_sdk::Error> {
    /// let status = client.task_status(&upid).await?;
    /// match status.exit_status() {
    ///     None => println!("still running"),
    ///     Some(exit) if exit.is_success() => println!("done: {exit}"),
    ///     Some(exit) => println!("failed: {exit}"),
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`Client::send`]. Right after a task was started its node may answer
    /// `400 no such task` ([`Error::BadRequest`]) for a moment; [`Client::wait_task`]
    /// tolerates that, this call does not.
    pub async fn task_status(&self, upid: &Upid) -> Result<TaskStatus, Error> {
        let request = GetNodesTasksStatus::new(upid.node(), upid.clone());
        self.send(&request).await.map(TaskStatus::from_response)
    }

    /// Reads up to `limit` lines of a task's log after skipping `start` lines; `limit = 0`
    /// reads to the end. To follow a running task, pass the last line number received as
    /// the next `start`.
    ///
    /// ```no_run
    /// # async fn demo(client: proxmox_sdk::Client, upid: proxmox_sdk::Upid) -> Result<(), proxmox_sdk::Error> {
    /// let page = client.task_log(&upid, 0, 50).await?;
    /// for line in &page.lines {
    ///     println!("{:>5} {}", line.n, line.text);
    /// }
    /// println!("{:?} lines in all", page.total);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`Client::send`].
    pub async fn task_log(&self, upid: &Upid, start: u64, limit: u64) -> Result<TaskLog, Error> {
        let request = GetNodesTasksLog::new(upid.node(), upid.clone())
            .start(start)
            .limit(limit);
        let (items, meta) = self.send_with_meta(&request).await?;
        Ok(TaskLog::from_items(items, meta.total))
    }

    /// Reads the last `lines` lines of a task's log: one request when the log is that short,
    /// two otherwise (the first learns the length). A server that sends no `total` costs a
    /// read of the whole log instead.
    ///
    /// ```no_run
    /// # async fn demo(client: proxmox_sdk::Client, upid: proxmox_sdk::Upid) -> Result<(), proxmox_sdk::Error> {
    /// for line in client.task_log_tail(&upid, 20).await?.lines {
    ///     println!("{}", line.text);
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`Client::send`].
    pub async fn task_log_tail(&self, upid: &Upid, lines: u64) -> Result<TaskLog, Error> {
        if lines == 0 {
            return Ok(TaskLog::default());
        }
        let head = self.task_log(upid, 0, lines).await?;
        if !head.more_after(0, lines) || head.is_placeholder() {
            return Ok(head);
        }
        match head.total {
            Some(total) => self.task_log(upid, total - lines, lines).await,
            None => {
                let mut all = self.task_log(upid, 0, 0).await?;
                let keep = usize::try_from(lines).unwrap_or(usize::MAX);
                let skip = all.lines.len().saturating_sub(keep);
                all.lines.drain(..skip);
                Ok(all)
            }
        }
    }

    /// Lists tasks of one node, with the filters set on `request` (`vmid`, `typefilter`,
    /// `statusfilter`, `source`, `start`/`limit` …).
    ///
    /// ```no_run
    /// # async fn demo(client: proxmox_sdk::Client) -> Result<(), proxmox_sdk::Error> {
    /// use proxmox_sdk::api::nodes::GetNodesTasks;
    ///
    /// let list = client.list_tasks(&GetNodesTasks::new("pve1").vmid(100).limit(10)).await?;
    /// for task in &list.tasks {
    ///     println!("{} {:?}", task.upid(), task.exit_status);
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`Client::send`].
    pub async fn list_tasks(&self, request: &GetNodesTasks) -> Result<TaskList, Error> {
        let (items, meta) = self.send_with_meta(request).await?;
        let tasks = items
            .into_iter()
            .map(|item| TaskListEntry {
                exit_status: item.status.as_deref().map(ExitStatus::parse),
                item,
            })
            .collect();
        Ok(TaskList {
            tasks,
            total: meta.total,
        })
    }

    /// Asks the task's node to stop it (`DELETE /nodes/{node}/tasks/{upid}`). The task ends
    /// shortly after, usually with an interrupt as its exit status; this call does not wait.
    ///
    /// ```no_run
    /// # async fn demo(client: proxmox_sdk::Client, upid: proxmox_sdk::Upid) -> Result<(), proxmox_sdk::Error> {
    /// client.stop_task(&upid).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`Client::send`]; [`Error::Forbidden`] when the caller neither owns the task nor
    /// holds `Sys.Modify` on the node.
    pub async fn stop_task(&self, upid: &Upid) -> Result<(), Error> {
        self.send(&DeleteNodesTasksUpid::new(upid.node(), upid.clone()))
            .await
    }
}
