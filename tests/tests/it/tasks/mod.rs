//! Tasks: the single task calls, `wait_task` against scripted nodes, over real HTTP and against
//! fakepve, and the task-starting endpoints the agent relies on.

mod calls;
mod endpoints;
mod fakepve;
mod http;
mod script;
mod wait;
