//! The single integration-test binary: every cross-crate and end-to-end test is a module here.

mod agent;
mod client;
mod cluster;
mod console;
mod dependencies;
mod e2e;
mod faults;
#[macro_use] // `generated_code!`, for every module of generated code
mod generated;
mod golden_variants;
mod kinds;
mod malformed;
mod props;
mod required_permissions;
mod tasks;
mod upload;
mod wire;
