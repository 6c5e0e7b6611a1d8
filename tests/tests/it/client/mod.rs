//! The client core against mock servers: authentication on the wire, every error form,
//! retry safety, and credentials kept out of logs and `Debug` output.

mod auth;
mod errors;
mod limits;
mod refusals;
mod retry;
mod secrets;
mod send;
pub(crate) mod support;
