//! The generated PVE API: one request type per endpoint, grouped by top-level path
//! (`nodes`, `cluster`, `access`, `pools`, `storage`, `version`), shared enums and property
//! strings in [`types`], and the [`Privilege`] enum.
//!
//! Generated at build time by `sdk-codegen` from the vendored schema in `schema/`; the naming
//! rules are documented in `sdk_codegen::naming`.
//!
//! # Finding the type of a path
//!
//! A request type is named after the HTTP method and the path: the method, then every literal
//! path segment, then the last path parameter when the path ends in one, each in PascalCase,
//! in the module of the first segment. So `GET /nodes/{node}/lxc/{vmid}/config` is
//! [`nodes::GetNodesLxcConfig`], `POST /nodes/{node}/qemu/{vmid}/status/start` is
//! [`nodes::PostNodesQemuStatusStart`] and `DELETE /nodes/{node}/lxc/{vmid}` is
//! [`nodes::DeleteNodesLxcVmid`]. Responses are `<Type>Response` (an object) or `<Type>Item`
//! (the objects of a list). Rustdoc's search also finds a type by `POST /nodes/{node}/qemu`,
//! by the bare path, and by the upstream handler name (`create_vm`); the table at the end of
//! this page lists every endpoint. Each type's docs link to PVE's API viewer for the path, and
//! the [`glossary`] explains the `format` names the field docs mention.
//!
//! # Parameters take what people write
//!
//! Array parameters take any iterator of items that convert into the element type, enum
//! parameters take `&str` or `String` (a value the schema does not list travels as
//! `UnknownValue`), and a field with a raw identifier has a plain second name (`kind` beside
//! `r#type`, see `sdk_codegen::naming`):
//!
//! ```
//! use proxmox_sdk::api::cluster::GetClusterResources;
//! use proxmox_sdk::api::nodes::PostNodesQemuAgentExec;
//!
//! let exec = PostNodesQemuAgentExec::new("pve1", 100, ["uname", "-a"]);
//! let vms = GetClusterResources::new().kind("vm");
//! # let _ = (exec, vms);
//! ```
//!
//! What the types still refuse: a VMID as text,
//!
//! ```compile_fail,E0308
//! let exec = proxmox_sdk::api::nodes::PostNodesQemuAgentExec::new("pve1", "100", ["uname"]);
//! ```
//!
//! numbers where the command's words go,
//!
//! ```compile_fail,E0277
//! let exec = proxmox_sdk::api::nodes::PostNodesQemuAgentExec::new("pve1", 100, [1, 2]);
//! ```
//!
//! a property string as unchecked text (build it with [`types::LxcNet::new`], or parse it),
//!
//! ```compile_fail,E0277
//! let put = proxmox_sdk::api::nodes::PutNodesLxcConfig::new("pve1", 100).net(0, "name=eth0");
//! ```
//!
//! and one enum where another is expected:
//!
//! ```compile_fail,E0277
//! use proxmox_sdk::api::types::ClusterType;
//! let vms = proxmox_sdk::api::cluster::GetClusterResources::new().kind(ClusterType::Qemu);
//! ```
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

#![doc = include_str!(concat!(env!("OUT_DIR"), "/api_paths.md"))]
#![allow(
    clippy::new_without_default,
    clippy::wrong_self_convention,
    clippy::match_single_binding
)]

include!(concat!(env!("OUT_DIR"), "/api.rs"));
