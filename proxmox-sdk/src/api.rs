//! The generated PVE API: one request type per endpoint, grouped by top-level path
//! (`nodes`, `cluster`, `access`, `pools`, `storage`, `version`), shared enums and property
//! strings in [`types`], and the [`Privilege`] enum.
//!
//! Generated at build time by `sdk-codegen` from the vendored schema in `schema/`; the naming
//! rules are documented in `sdk_codegen::naming`.
//!
//! Generated code is held to the workspace lints (`missing_docs` included: every item is
//! documented from the schema's facts) with exactly these exceptions, each a consequence of
//! emitting every endpoint from one template. The same list guards the compile checks of the
//! generator's output in `tests/tests/it/generated.rs`; a test keeps the two equal.
//!
//! * `clippy::new_without_default`: an endpoint without required parameters still has only
//!   `new()`, like every other endpoint; a `Default` would make an unfilled request look like
//!   a meaningful value.
//! * `clippy::wrong_self_convention`: a setter is named after its parameter and takes `self`
//!   by value like every builder setter, also when the name starts with `from_` or `is_`
//!   (PVE 8.4's `from-address`, `is_mountpoint`).
//! * `clippy::match_single_binding`: a schema that names no privilege (the generator's small
//!   fixtures) still gets a `Privilege` enum, whose parser is then one catch-all arm.

#![allow(
    clippy::new_without_default,
    clippy::wrong_self_convention,
    clippy::match_single_binding
)]

include!(concat!(env!("OUT_DIR"), "/api.rs"));
