//! `diff`: what moving from one schema to another changes in the **generated Rust API**, each
//! change classed by its effect on code that compiles against the old bindings today.
//!
//! Both schemas are lowered to the [`crate::ir`] first, so the comparison sees what a user of
//! `proxmox-sdk` sees: endpoint types, constructor arguments, setters and fields with their Rust
//! types, response types, enum variants, property-string keys and each endpoint's permission
//! check. Upstream noise that does not reach the generated code (key order, prose) never shows.
//!
//! # Classes
//!
//! The classes follow the Cargo SemVer reference, as `cargo-semver-checks` applies it. The
//! generated request, response and property-string structs and all generated enums are
//! `#[non_exhaustive]`, which is what makes additions minor:
//!
//! | class | changes |
//! |---|---|
//! | `major` | an endpoint or type removed; a required parameter added (the constructor gains an argument); a parameter, field, key or variant removed; a parameter becoming required or optional (constructor and field type change); any Rust type changed (parameter, field, key, `Endpoint::Response`, `Indexed` range) |
//! | `minor` | an endpoint or type added; an optional parameter, a response field, an optional property-string key or an enum variant added |
//! | `patch` | nothing that changes what compiles: the permission check an endpoint documents and reports (privileges added or removed, on which ACL path), the endpoint's `protected`/`allowtoken`/`proxyto`/task facts, and value constraints shown in the docs (pattern, bounds, default, format) |
//!
//! A permission change is `patch` for the compiler, but it is often what breaks a deployment
//! (a token without the new privilege gets 403): the report lists every one.
//!
//! # JSON shape (`sdk-codegen diff --json`)
//!
//! ```json
//! {
//!   "old_version": "8.4.2",
//!   "new_version": "9.1.4",
//!   "class": "major",
//!   "counts": { "major": 1, "minor": 2, "patch": 1 },
//!   "endpoints": { "added": 1, "removed": 1, "changed": 1 },
//!   "changes": [
//!     {
//!       "class": "patch",
//!       "kind": "permission_changed",
//!       "endpoint": "GET /nodes/{node}/qemu/{vmid}/agent/info",
//!       "item": "nodes::GetNodesQemuAgentInfo",
//!       "old": "`VM.Monitor` on `/vms/{vmid}`",
//!       "new": "`VM.GuestAgent.Audit` or `VM.GuestAgent.Unrestricted` on `/vms/{vmid}`",
//!       "privileges_added": [{ "path": "/vms/{vmid}", "privilege": "VM.GuestAgent.Audit" }],
//!       "privileges_removed": [{ "path": "/vms/{vmid}", "privilege": "VM.Monitor" }],
//!       "detail": "no longer checked: - VM.Monitor on /vms/{vmid}; now checked: + …"
//!     }
//!   ]
//! }
//! ```
//!
//! - `class` (top level) is the largest class of all changes, i.e. the crate version bump
//!   (`"none"` when nothing changed); `counts` has all three keys.
//! - `endpoints.changed` counts endpoints present in both with at least one change of any class.
//! - Each change has `class` (`major`/`minor`/`patch`), `kind` (one of [`Kind`], snake case),
//!   `item` (the Rust path: `module::Type`, `module::Type::field`, `types::Enum::Variant`) and
//!   `detail` (one readable sentence). `endpoint` (`METHOD /path`) is present for changes of an
//!   endpoint's request type; `old`/`new` (Rust types, or the permission check as the endpoint
//!   docs word it) when a value changed; `privileges_added`/`privileges_removed` only for
//!   `permission_changed`, and only when non-empty.
//! - Changes are sorted by class (major first), then endpoint or item.

mod compare;
mod input;
mod permission;
mod render;

use serde::Serialize;

use crate::ir::Api;

pub use input::{InputError, load, load_as};

/// The effect of a change on code that compiles against the old bindings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Class {
    /// Such code may stop compiling.
    Major,
    /// New API; existing code keeps compiling.
    Minor,
    /// Nothing that affects compilation.
    Patch,
}

impl Class {
    /// `major`, `minor` or `patch`.
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Major => "major",
            Class::Minor => "minor",
            Class::Patch => "patch",
        }
    }
}

/// What kind of change; the class follows from it (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A new endpoint type.
    EndpointAdded,
    /// An endpoint type is gone.
    EndpointRemoved,
    /// A required parameter: `new()` gains an argument.
    RequiredParameterAdded,
    /// An optional parameter: a new setter and field.
    OptionalParameterAdded,
    /// A parameter (its field, and its setter or constructor argument) is gone.
    ParameterRemoved,
    /// An optional parameter became required.
    ParameterBecameRequired,
    /// A required parameter became optional.
    ParameterBecameOptional,
    /// A parameter's Rust type changed.
    ParameterTypeChanged,
    /// `Endpoint::Response` changed.
    ResponseTypeChanged,
    /// A new named type (struct, enum or property string).
    TypeAdded,
    /// A named type is gone.
    TypeRemoved,
    /// A named type became another kind of type (struct ↔ enum ↔ property string).
    TypeKindChanged,
    /// A response struct gained a field.
    FieldAdded,
    /// A response struct lost a field.
    FieldRemoved,
    /// A response field's Rust type changed (including `T` ↔ `Option<T>`).
    FieldTypeChanged,
    /// A property string gained a required key: its `new()` gains an argument.
    RequiredKeyAdded,
    /// A property string gained an optional key.
    OptionalKeyAdded,
    /// A property string lost a key.
    KeyRemoved,
    /// A property-string key's Rust type changed.
    KeyTypeChanged,
    /// An enum gained a variant.
    VariantAdded,
    /// An enum lost a variant.
    VariantRemoved,
    /// The permission check of an endpoint changed.
    PermissionChanged,
    /// `protected`, `allowtoken`, `proxyto` or the task kind of an endpoint changed.
    EndpointInfoChanged,
    /// Constraints of a value shown in the docs changed.
    ConstraintsChanged,
}

impl Kind {
    /// The class of this kind of change.
    pub fn class(self) -> Class {
        use Kind::*;
        match self {
            EndpointRemoved
            | RequiredParameterAdded
            | ParameterRemoved
            | ParameterBecameRequired
            | ParameterBecameOptional
            | ParameterTypeChanged
            | ResponseTypeChanged
            | TypeRemoved
            | TypeKindChanged
            | FieldRemoved
            | FieldTypeChanged
            | RequiredKeyAdded
            | KeyRemoved
            | KeyTypeChanged
            | VariantRemoved => Class::Major,
            EndpointAdded
            | OptionalParameterAdded
            | TypeAdded
            | FieldAdded
            | OptionalKeyAdded
            | VariantAdded => Class::Minor,
            PermissionChanged | EndpointInfoChanged | ConstraintsChanged => Class::Patch,
        }
    }
}

/// A privilege on an ACL path, as a permission check names it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct PrivilegeOnPath {
    /// ACL path template (`/vms/{vmid}`), or `(user/group)` for `userid-group` checks.
    pub path: String,
    /// Privilege name (`VM.Monitor`).
    pub privilege: String,
}

/// One change of the generated API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// Effect on code that compiles today.
    pub class: Class,
    /// What changed.
    pub kind: Kind,
    /// `METHOD /path`, for changes of an endpoint's request type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// Rust path of the item (`nodes::GetNodesQemu`, `nodes::GetNodesQemu::full`).
    pub item: String,
    /// The old value (Rust type, or permission check), when a value changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<String>,
    /// The new value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<String>,
    /// Privileges the new check names that the old one did not.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub privileges_added: Vec<PrivilegeOnPath>,
    /// Privileges the old check named that the new one does not.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub privileges_removed: Vec<PrivilegeOnPath>,
    /// One readable sentence.
    pub detail: String,
}

impl Change {
    pub(crate) fn new(kind: Kind, item: String, detail: String) -> Self {
        Self {
            class: kind.class(),
            kind,
            endpoint: None,
            item,
            old: None,
            new: None,
            privileges_added: Vec::new(),
            privileges_removed: Vec::new(),
            detail,
        }
    }

    pub(crate) fn values(mut self, old: String, new: String) -> Self {
        self.old = Some(old);
        self.new = Some(new);
        self
    }

    pub(crate) fn at(mut self, endpoint: &str) -> Self {
        self.endpoint = Some(endpoint.to_string());
        self
    }
}

/// Everything that differs between two generated APIs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiDiff {
    /// PVE version of the old schema.
    pub old_version: String,
    /// PVE version of the new schema.
    pub new_version: String,
    /// Every change, sorted by class, then endpoint or item.
    pub changes: Vec<Change>,
    /// Endpoint counts.
    pub endpoints: EndpointCounts,
}

/// How many endpoints were added, removed, or changed in any way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct EndpointCounts {
    /// Only in the new schema.
    pub added: usize,
    /// Only in the old schema.
    pub removed: usize,
    /// In both, with at least one change.
    pub changed: usize,
}

impl ApiDiff {
    /// The largest class of any change: the version bump the crate needs (`None`: no change).
    pub fn bump(&self) -> Option<Class> {
        self.changes.iter().map(|c| c.class).min()
    }

    /// How many changes have `class`.
    pub fn count(&self, class: Class) -> usize {
        self.changes.iter().filter(|c| c.class == class).count()
    }

    /// The changes of one kind.
    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = &Change> + '_ {
        self.changes.iter().filter(move |c| c.kind == kind)
    }

    /// The changes of one endpoint (`METHOD /path`).
    pub fn of_endpoint<'a>(&'a self, endpoint: &'a str) -> impl Iterator<Item = &'a Change> + 'a {
        self.changes
            .iter()
            .filter(move |c| c.endpoint.as_deref() == Some(endpoint))
    }
}

/// Compares two generated APIs.
pub fn diff(old: &Api, new: &Api) -> ApiDiff {
    let (mut changes, endpoints) = compare::compare(old, new);
    changes.sort_by_cached_key(|c| {
        (
            c.class,
            c.endpoint.clone(),
            render::heading(c),
            c.item.clone(),
            c.kind,
        )
    });
    ApiDiff {
        old_version: old.pve_version.clone(),
        new_version: new.pve_version.clone(),
        changes,
        endpoints,
    }
}
