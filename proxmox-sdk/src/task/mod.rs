//! Worker tasks: what async calls return, and waiting for them.
//!
//! Most calls that change a guest (start, stop, snapshot, restore, backup, …) answer at once
//! with a [`Upid`](crate::Upid) and do the work in a background task on the node named in
//! it. The permission checks of that work may only run inside the task, so a call that
//! returned a UPID has not succeeded yet: wait for the task.
//!
//! * [`Client::run`](crate::Client::run) sends a call that starts a task and waits for it in
//!   one step; it accepts only endpoints whose response is a task ([`TaskResponse`]).
//! * [`Client::wait_task`](crate::Client::wait_task) polls until the task ends, quickly at
//!   first and then at most once a second ([`WaitOptions`]), and returns a [`TaskOutcome`]
//!   or a [`TaskError`]: a failed task carries its [`ExitStatus`], the end of its log and
//!   the missing privilege of a permission failure.
//! * [`Client::task_status`](crate::Client::task_status),
//!   [`task_log`](crate::Client::task_log), [`task_log_tail`](crate::Client::task_log_tail),
//!   [`list_tasks`](crate::Client::list_tasks) and [`stop_task`](crate::Client::stop_task)
//!   are the single calls underneath.
//!
//! A task ends with one of three exit statuses ([`ExitStatus`]): `OK`, `WARNINGS: <n>`
//! (success; [`WarningsPolicy`] decides whether the wait agrees), or an error text.

mod calls;
mod error;
mod follow;
mod log;
mod options;
mod outcome;
mod run;
mod started;
mod status;
mod wait;

pub use calls::{TaskList, TaskListEntry};
pub use error::{StatusFailure, TaskError};
pub use log::{TaskLog, TaskLogLine};
pub use options::{ProgressFn, WaitOptions, WarningsPolicy};
pub use outcome::{StopAttempt, TaskFailure, TaskOutcome, TaskTimeout};
pub use run::{RunOutcome, TaskResponse};
pub use started::TaskStarted;
pub use status::{ExitKind, ExitStatus, TaskState, TaskStatus};
