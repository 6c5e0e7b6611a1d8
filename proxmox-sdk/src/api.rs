//! The generated PVE API: one request type per endpoint, grouped by top-level path
//! (`nodes`, `cluster`, `access`, `pools`, `storage`, `version`), shared enums and property
//! strings in [`types`], and the [`Privilege`] enum.
//!
//! Generated at build time by `sdk-codegen` from the vendored schema in `schema/`; the naming
//! rules are documented in `sdk_codegen::naming`.

#![allow(clippy::all, clippy::pedantic)]
#![allow(missing_docs)]

include!(concat!(env!("OUT_DIR"), "/api.rs"));
