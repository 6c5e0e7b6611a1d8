//! Cross-crate integration and end-to-end tests live in `tests/`; this library holds their
//! shared helpers.

pub mod fakepve;
pub mod memory;
pub mod oracles;
pub mod process;
pub mod tls;
