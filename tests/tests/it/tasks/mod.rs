//! Tasks: the single task calls, `wait_task` against scripted nodes and over real HTTP, and
//! the task-starting endpoints the agent relies on.

mod calls;
mod endpoints;
mod http;
mod script;
mod wait;
