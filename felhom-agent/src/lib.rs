//! felhom-agent: the host agent that owns all Proxmox interaction on a PVE host.
//!
//! Slice 1: configuration ([`config`]), the typed host API layer later slices call
//! ([`proxmox::Host`]), the read-only `--selftest` and the reversible `--selftest=task`
//! ([`selftest`]), their reports ([`report`]) and logging ([`logging`]). The root operations the
//! API cannot do live in the separate `felhom-privileged` crate; this crate never starts a
//! process (`clippy.toml`).

pub mod cli;
pub mod config;
pub mod exit;
pub mod logging;
pub mod proxmox;
pub mod report;
pub mod selftest;
