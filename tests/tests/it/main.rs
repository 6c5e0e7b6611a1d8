//! The single integration-test binary: every cross-crate and end-to-end test is a module here.

mod client;
mod e2e;
mod faults;
mod generated;
mod golden_variants;
mod malformed;
mod props;
mod tasks;
mod wire;
