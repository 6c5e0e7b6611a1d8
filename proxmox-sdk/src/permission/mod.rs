//! Permissions, in one place: what an endpoint requires, and what PVE says was missing.
//!
//! * **The requirement** ([`Permission`], [`Check`]): the schema's `permissions` block of
//!   every generated endpoint (`<Endpoint>::INFO.permission`), so a caller can ask what a call
//!   needs before making it and resolve its ACL paths for concrete parameters
//!   ([`Permission::resolve`]). Privileges are stored by name and read back as typed
//!   [`Privilege`](crate::Privilege) values ([`Check::privileges`],
//!   [`Permission::privileges`]); a name this SDK's enum does not know (bindings generated for
//!   another PVE release) becomes `Privilege::UnknownValue`.
//! * **For one request** ([`Required`]): `request.required_permissions()` fills the ACL
//!   paths from the request's own parameters and gives concrete `(path, privilege)` pairs,
//!   keeping `and`/`or` alternatives as such. Where the schema says only `user: all`, or its
//!   check is not all the handler checks, the reviewed `schema/handler-permissions.json` adds
//!   the handler's own checks ([`Permission::InHandler`]).
//! * **The refusal** ([`PermissionDenied`], [`MissingPermission`]): a `Permission check failed …`
//!   text, from a 403's body or reason phrase or from a task's exit status, read into the
//!   missing privileges and the ACL path.
//!
//! A requirement is worded by the same code that wrote the generated docs' `**Permission:**`
//! lines (`sdk_codegen::wording`, compiled into this crate at build time), so the text a
//! program prints and the text in the docs cannot drift apart:
//!
//! ```
//! use proxmox_sdk::Endpoint;
//! use proxmox_sdk::api::nodes::PostNodesLxcSnapshot;
//!
//! let needs = PostNodesLxcSnapshot::INFO
//!     .permission
//!     .resolve(&|param| (param == "vmid").then(|| "100".to_owned()));
//! assert_eq!(needs, "`VM.Snapshot` on `/vms/100`");
//! ```
//!
//! and a request resolves its own requirement into typed pairs:
//!
//! ```
//! use proxmox_sdk::api::nodes::PostNodesQemuStatusStart;
//! use proxmox_sdk::{Endpoint, Privilege};
//!
//! let needs = PostNodesQemuStatusStart::new("pve1", 100).required_permissions();
//! assert_eq!(needs.pairs(), vec![("/vms/100".to_string(), Privilege::VmPowerMgmt)]);
//! ```

mod denied;
mod placeholder;
mod required;
mod requirement;
mod wording;

pub use denied::{MissingPermission, PermissionDenied};
pub(crate) use placeholder::list_items;
pub use required::Required;
pub(crate) use required::template_params;
pub use requirement::{Check, Permission};
