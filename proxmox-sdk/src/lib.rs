//! Typed async client for the Proxmox VE REST API.
//!
//! # A guided tour
//!
//! **Every endpoint is a type.** The [`api`] module holds one request type per path and HTTP
//! method of PVE's API, generated at build time from PVE's own schema (the vendored PVE 9.1
//! schema: 667 methods). The name is the method and the path:
//! `GET /nodes/{node}/lxc/{vmid}/config` is [`api::nodes::GetNodesLxcConfig`]. Required
//! parameters are constructor arguments, optional ones are setters, and [`Client::send`]
//! executes any of them, returning the typed response:
//!
//! ```no_run
//! # async fn tour(client: proxmox_sdk::Client) -> Result<(), proxmox_sdk::Error> {
//! use proxmox_sdk::api::nodes::{GetNodesLxc, GetNodesLxcConfig, PostNodesLxcSnapshot};
//!
//! let guests = client.send(&GetNodesLxc::new("pve1")).await?;          // Vec<GetNodesLxcItem>
//! let config = client.send(&GetNodesLxcConfig::new("pve1", 100)).await?;
//! let upid = client.send(&PostNodesLxcSnapshot::new("pve1", 100, "before-upgrade")).await?;
//! # let _ = (guests, config, upid); Ok(()) }
//! ```
//!
//! Leaving out a required parameter does not compile:
//!
//! ```compile_fail
//! let request = proxmox_sdk::api::nodes::GetNodesLxcConfig::new("pve1"); // no vmid
//! ```
//!
//! An upload is not a form: PVE takes it only as a `multipart/form-data` stream, so its request
//! type is no [`Endpoint`] and only [`Client::upload`] sends it ([`upload`]):
//!
//! ```compile_fail
//! # async fn demo(client: proxmox_sdk::Client) {
//! use proxmox_sdk::api::{nodes::PostNodesStorageUpload, types::StorageContent};
//! let _ = client.send(&PostNodesStorageUpload::new("pve1", "local", StorageContent::Iso, "a.iso")).await;
//! # }
//! ```
//!
//! **Handles** ([`handle`]) are the short way to the common calls: `client.node("pve1")`,
//! `.lxc(100)` / `.qemu(100)`, and `client.locate(100)` for a guest wherever it runs. They
//! build the same request types and wait for the tasks they start:
//!
//! ```no_run
//! # async fn tour(client: proxmox_sdk::Client) -> Result<(), proxmox_sdk::Error> {
//! let ct = client.node("pve1").lxc(100);
//! ct.snapshot("before-upgrade").await?;
//! ct.update(|config| config.memory = Some(2048)).await?;
//! # Ok(()) }
//! ```
//!
//! **Responses decode what real servers send** ([`wire::de`]): numbers as strings, `0`/`1`
//! booleans, `null` lists, and fields the schema does not know, which are kept in `extra` so a
//! read-modify-write loses nothing. Property strings such as `net0` are typed
//! ([`api::types::LxcNet`]), indexed keys are [`wire::Indexed`] collections, and enums keep
//! values from newer servers in `UnknownValue`.
//!
//! **Requests encode what PVE expects** ([`wire::params`]): `1`/`0`, `net0=…`, joined `-list`
//! values, repeated keys for arrays, form bodies for `POST`/`PUT`, query strings otherwise;
//! [`Endpoint::to_parts`] shows the exact bytes without any I/O.
//!
//! **Permissions are data.** `<Endpoint>::INFO.permission` is the schema's check
//! ([`Permission`]), with the checks handlers make in their own code where PVE's sources show
//! them; `request.required_permissions()` ([`Endpoint::required_permissions`]) fills in the
//! request's own `{vmid}`, `{storage}`, … into concrete `(path, privilege)` pairs. A 403 is
//! parsed into the missing [`Privilege`]s ([`Error::missing_privileges`]). Privileges are an enum, so a privilege PVE does not have is
//! a compile error:
//!
//! ```compile_fail
//! let p = proxmox_sdk::Privilege::VmConfigCpuMemory; // PVE has VM.Config.CPU and VM.Config.Memory
//! ```
//!
//! **The client** ([`client`]): API-token or ticket authentication (with renewal and TFA), strict
//! TLS trust ([`tls`]: CA file, SHA-256 fingerprint pins, or an explicit insecure mode),
//! retries only where they are safe, `tracing` spans without secrets, and one [`Error`] type that
//! says whether a failed request may have been processed.
//!
//! **Tasks** ([`task`], [`Upid`]): calls that start a worker return its [`Upid`];
//! [`Client::run`] sends such a call and waits for its task in one step, and
//! [`Client::wait_task`] waits for any UPID. `?` works across [`Client::send`],
//! [`Client::run`] and [`Client::wait_task`] in one function returning [`Error`].
//!
//! **Consoles and the guest agent**: [`Client::console`] (cargo feature `console`) opens a
//! node shell, container or VM console as an `AsyncRead + AsyncWrite` stream over the client's
//! own TLS connection ([`console`]); [`Client::agent`] waits for a VM's guest agent, runs
//! commands, reads and writes files and waits for an IP address ([`agent`]).
//!
//! **Uploads** ([`upload`]): [`Client::upload`] streams an ISO, template or disk image to a
//! storage in constant memory, with its checksum, progress and own timeout;
//! [`Client::download_url`] has the node fetch one itself.
//!
//! **Versions**: [`SCHEMA_VERSION`] is the PVE version the bindings were generated from;
//! [`Client::server_version`] asks the server (once) and warns when the major versions differ.
//!
//! **Testing your code** (cargo feature `testing`): `proxmox_sdk::testing` has a scripted and
//! a capturing transport, PVE's response shapes and scripted tasks, so a unit test can drive
//! [`Client::send`] and [`Client::wait_task`] without a server.
//!
//! # Cargo features
//!
//! Both are off by default; without them the crate has the whole API, the reqwest + rustls
//! transport, uploads and the guest agent toolkit.
//!
//! | feature | adds | dependencies it brings |
//! |---|---|---|
//! | `console` | [`console`], [`Client::console`]: websocket consoles | tokio-tungstenite, tungstenite (with sha1, rand: 15 crates) |
//! | `testing` | `proxmox_sdk::testing`: scripted and capturing transports for your tests | tokio's `test-util` |
//!
//! [`Client::upgrade`] and [`Transport::upgrade`](transport::Transport::upgrade) — the HTTP
//! upgrade a console is built on — are there with or without `console`, so a transport of
//! your own implements the same trait whatever features are enabled.
//!
// Without the feature the console items do not exist: their links point at the table above.
#![cfg_attr(not(feature = "console"), doc = "[`console`]: #cargo-features")]
#![cfg_attr(not(feature = "console"), doc = "[`Client::console`]: #cargo-features")]
#![cfg_attr(docsrs, feature(doc_cfg))]

extern crate self as proxmox_sdk;

// Unit tests: a file's own tests sit inline at its end (`#[cfg(test)] mod tests`); a folder
// module whose tests share a fixture (a TLS server, a scripted node) keeps them in its own
// `tests` submodule (`client/tests.rs`, `tls/tests/`). Cross-crate and end-to-end tests
// live in the workspace's `tests/` crate; `tests/testing_kit.rs` uses only the public API.

pub mod agent;
pub mod api;
pub mod client;
#[cfg(feature = "console")]
#[cfg_attr(docsrs, doc(cfg(feature = "console")))]
pub mod console;
pub mod endpoint;
pub mod error;
pub mod handle;
mod login;
pub mod permission;
mod secret;
pub mod task;
#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub mod testing;
pub mod tls;
pub mod transport;
pub mod upid;
pub mod upload;
pub mod wire;

pub use api::{Privilege, SCHEMA_VERSION};
pub use client::{Client, ClientBuilder};
pub use endpoint::{Endpoint, EndpointInfo, HttpMethod, TaskReturn};
pub use error::Error;
pub use permission::{Check, Permission, Required};
pub use task::TaskStarted;
pub use upid::Upid;

/// The `serde_json` this crate uses, for the JSON [`Client::raw`] returns (`Value`, `json!`),
/// so an application needs no second dependency that must match its version.
pub use serde_json;

/// The package README's Rust examples, compiled by `cargo test --doc`.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

/// Items the generated code refers to. Not a stable API.
#[doc(hidden)]
pub mod __rt {
    pub use crate::Privilege;
    pub use crate::endpoint::{Endpoint, EndpointInfo, HttpMethod, TaskReturn};
    pub use crate::permission::{Check, Permission};
    pub use crate::task::TaskStarted;
    pub use crate::upid::Upid;
    pub use crate::wire::de::{FromWire, KeySeed, index_of, missing_field, next};
    pub use crate::wire::property_string::{
        ParseMode, PropertyError, PropertyExtra, PropertyKey, PropertyPairs, PropertySpec,
        PropertyString, PropertyStringInfo, PropertyValue, PropertyWriter, ValueKind,
        fmt_property_string, property_string_round_trip,
    };
    pub use crate::wire::{
        Extra, ExtraParams, Indexed, List, ParamWriter, PathWriter, Redacted, ToParam, WireEnum,
    };
    pub use crate::{property_string_impls, wire_enum_impls};
    pub use serde;
    pub use serde_json::Value;
}
