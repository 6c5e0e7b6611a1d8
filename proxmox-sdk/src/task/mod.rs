//! Worker tasks: what async calls return.

mod started;

pub use started::TaskStarted;
