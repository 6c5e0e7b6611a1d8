//! The single integration-test binary: every cross-crate and end-to-end test is a module here.

mod generated;
mod tasks;
mod wire;
