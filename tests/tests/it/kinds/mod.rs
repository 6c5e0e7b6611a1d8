//! Typed failure kinds (`FailureKind`) read the same way from an HTTP error and from a task:
//! against the 2,314 real PVE errors of fakepve's catalogue (read from the venv at test time)
//! and against fakepve answering and running tasks.

mod catalogue;
mod fakepve;
mod scripted;
