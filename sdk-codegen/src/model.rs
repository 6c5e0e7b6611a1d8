//! Stage 1, parse: a faithful serde model of the vendored schema folder.
//!
//! Nothing is normalized here. Quirky values (bounds as strings, `optional: "1"`, Perl regex
//! wrappers) are kept exactly as upstream wrote them in `serde_json::Value` fields; the named
//! fixups in [`crate::fixups`] turn them into the clean shapes that lowering insists on.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The whole input of the generator: the API schema plus the reviewed data files.
#[derive(Debug, Clone)]
pub struct SchemaSet {
    /// `pve-api.json`.
    pub api: ApiSchema,
    /// `privileges.json`.
    pub privileges: PrivilegeList,
    /// `indexed-keys.json`.
    pub indexed: IndexedKeys,
    /// `tasks.json`.
    pub tasks: TaskList,
    /// `history.json`, when the folder has one (since when each endpoint exists).
    pub history: Option<crate::history::History>,
    /// `formats.json`, when the folder has one: our own explanation of each `format`.
    pub formats: Option<FormatGlossary>,
    /// `handler-permissions.json`, when the folder has one: the checks handlers make in code.
    pub handler_permissions: Option<HandlerPermissions>,
}

/// `formats.json`: a reviewed one-line meaning and an example for every `format` name the
/// schema uses (our own words; the schema carries no prose).
#[derive(Debug, Clone, Deserialize)]
pub struct FormatGlossary {
    /// What the file is.
    pub about: String,
    /// Format name → explanation.
    pub formats: BTreeMap<String, FormatEntry>,
}

/// One glossary entry.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct FormatEntry {
    /// What a value of the format is, in one line.
    pub meaning: String,
    /// A value of the format.
    pub example: String,
}

/// `handler-permissions.json`: the permission checks a handler makes in its own code, for
/// methods whose schema says only `user: all`.
#[derive(Debug, Clone, Deserialize)]
pub struct HandlerPermissions {
    /// What the file is.
    pub about: String,
    /// One entry per method.
    pub methods: Vec<HandlerPermission>,
    /// Methods whose handlers were read and found to check nothing beyond the schema's
    /// check (so a reader sees they were reviewed, not forgotten).
    #[serde(default)]
    pub reviewed: Vec<ReviewedMethod>,
}

/// A method reviewed without finding a handler-level check.
#[derive(Debug, Clone, Deserialize)]
pub struct ReviewedMethod {
    /// `GET`, `POST`, `PUT` or `DELETE`.
    pub method: String,
    /// Path template.
    pub path: String,
    /// Where the handler was read (`qemu-server src/PVE/API2/Qemu.pm, destroy_vm`).
    pub source: String,
    /// What the handler does check, which is no privilege (root-only options, refusals).
    pub note: String,
}

/// The handler-level check of one method.
#[derive(Debug, Clone, Deserialize)]
pub struct HandlerPermission {
    /// `GET`, `POST`, `PUT` or `DELETE`.
    pub method: String,
    /// Path template.
    pub path: String,
    /// The check, in the schema's own `check` syntax (`["perm", "/vms/{vmid}", [...]]`).
    pub check: Value,
    /// Where the check is made (`qemu-server src/PVE/API2/Qemu.pm, create_vm`).
    pub source: String,
    /// What the check leaves out, when it is a simplification (optional).
    #[serde(default)]
    pub note: Option<String>,
}

/// Errors reading the schema folder. Each names the file.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read.
    #[error("{file}: cannot read: {source}")]
    Io {
        /// The file.
        file: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not what the generator expects.
    #[error("{file}: {source}")]
    Json {
        /// The file.
        file: String,
        /// Where and what.
        source: serde_json::Error,
    },
}

impl SchemaSet {
    /// Reads `pve-api.json`, `privileges.json`, `indexed-keys.json` and `tasks.json` from `dir`,
    /// and `history.json`, `formats.json` and `handler-permissions.json` when they are there.
    ///
    /// # Errors
    /// A missing or malformed file, named in the error.
    pub fn load(dir: &Path) -> Result<Self, LoadError> {
        Ok(Self {
            api: read_json(&dir.join("pve-api.json"))?,
            privileges: read_json(&dir.join("privileges.json"))?,
            indexed: read_json(&dir.join("indexed-keys.json"))?,
            tasks: read_json(&dir.join("tasks.json"))?,
            history: read_optional(&dir.join("history.json"))?,
            formats: read_optional(&dir.join("formats.json"))?,
            handler_permissions: read_optional(&dir.join("handler-permissions.json"))?,
        })
    }

    /// The files [`SchemaSet::load`] reads, for `cargo:rerun-if-changed`.
    pub const FILES: &'static [&'static str] = &[
        "pve-api.json",
        "privileges.json",
        "indexed-keys.json",
        "tasks.json",
        "history.json",
        "formats.json",
        "handler-permissions.json",
    ];
}

fn read_optional<T: serde::de::DeserializeOwned>(path: &Path) -> Result<Option<T>, LoadError> {
    if path.exists() {
        read_json(path).map(Some)
    } else {
        Ok(None)
    }
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, LoadError> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| LoadError::Io {
        file: file.clone(),
        source,
    })?;
    serde_json::from_slice(&bytes).map_err(|source| LoadError::Json { file, source })
}

/// `pve-api.json`: the facts-only schema written by `sdk-codegen extract`.
#[derive(Debug, Clone, Deserialize)]
pub struct ApiSchema {
    /// Format version of the file.
    pub schema_format: u64,
    /// PVE version the schema was taken from.
    pub pve_version: String,
    /// Every path + HTTP method, sorted.
    pub methods: Vec<MethodDef>,
    /// Tree nodes without methods.
    #[serde(default)]
    pub paths_without_methods: Vec<String>,
}

/// One path + HTTP method.
#[derive(Debug, Clone, Deserialize)]
pub struct MethodDef {
    /// Path template, e.g. `/nodes/{node}/lxc`.
    pub path: String,
    /// `GET`, `POST`, `PUT` or `DELETE`.
    pub method: String,
    /// Upstream handler name.
    pub name: String,
    /// `allowtoken` (0/1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowtoken: Option<Value>,
    /// `protected` (0/1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protected: Option<Value>,
    /// `proxyto`: the parameter naming the target node.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proxyto: Option<Value>,
    /// `download_allowed` (0/1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub download_allowed: Option<Value>,
    /// `expose_credentials` (0/1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expose_credentials: Option<Value>,
    /// Parameter object schema.
    pub parameters: PropDef,
    /// Return schema.
    pub returns: PropDef,
    /// Permission block; absent means root only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions: Option<PermissionsDef>,
    /// Any other key, kept so an unreviewed one is reported (see [`crate::lower::lenient`]).
    #[serde(flatten)]
    pub other: BTreeMap<String, Value>,
}

/// The `permissions` block.
#[derive(Debug, Clone, Deserialize)]
pub struct PermissionsDef {
    /// The check expression.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check: Option<Value>,
    /// `all` or `world`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
}

/// A JSON-schema-like definition as PVE writes it (parameters, returns, properties, and
/// property-string sub-keys alike).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
pub struct PropDef {
    /// `type`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub ty: Option<String>,
    /// `format`: a registered format name, or an inline property-string schema.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<Format>,
    /// `enum` (`enum: null`, seen once upstream, parses as absent).
    #[serde(default, rename = "enum", skip_serializing_if = "Option::is_none")]
    pub enum_values: Option<Value>,
    /// `pattern`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// `minimum`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum: Option<Value>,
    /// `maximum`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum: Option<Value>,
    /// `minLength`.
    #[serde(default, rename = "minLength", skip_serializing_if = "Option::is_none")]
    pub min_length: Option<Value>,
    /// `maxLength`.
    #[serde(default, rename = "maxLength", skip_serializing_if = "Option::is_none")]
    pub max_length: Option<Value>,
    /// `default`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Value>,
    /// `optional`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub optional: Option<Value>,
    /// `requires`: another parameter that must be present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requires: Option<Value>,
    /// `items` of an array.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Box<PropDef>>,
    /// `properties` of an object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<BTreeMap<String, PropDef>>,
    /// `additionalProperties`: 0/1, or the schema of every value of a map.
    #[serde(
        default,
        rename = "additionalProperties",
        skip_serializing_if = "Option::is_none"
    )]
    pub additional_properties: Option<Additional>,
    /// Property-string sub-key: the name of the key this one is an alias for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    /// Property-string sub-key: the pseudo-key's name is the value of this key.
    #[serde(default, rename = "keyAlias", skip_serializing_if = "Option::is_none")]
    pub key_alias: Option<String>,
    /// Property-string sub-key: may be written without `key=`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_key: Option<Value>,
    /// PVE 9 section-config variants: the property that selects the variant.
    #[serde(
        default,
        rename = "type-property",
        skip_serializing_if = "Option::is_none"
    )]
    pub type_property: Option<String>,
    /// PVE 9 section-config variants: the variants this property applies to.
    #[serde(
        default,
        rename = "instance-types",
        skip_serializing_if = "Option::is_none"
    )]
    pub instance_types: Option<Value>,
    /// PVE 9 section-config variants: alternative schemas.
    #[serde(default, rename = "oneOf", skip_serializing_if = "Option::is_none")]
    pub one_of: Option<Vec<PropDef>>,
    /// GUI rendering hint (`bytes`, `duration`, …): a unit fact used in docs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renderer: Option<Value>,
    /// Hyperschema links of index listings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub links: Option<Value>,
    /// Any other keyword, kept so nothing is silently ignored.
    #[serde(flatten)]
    pub other: BTreeMap<String, Value>,
}

/// `format` is either a registered format name or an inline property-string schema.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(untagged)]
pub enum Format {
    /// A registered format such as `pve-vmid` or `pve-configid-list`.
    Named(String),
    /// An inline property string: sub-key name → definition.
    Inline(BTreeMap<String, PropDef>),
}

/// `additionalProperties`: a flag, or a schema for the values of a map-like object.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(untagged)]
pub enum Additional {
    /// The values' schema (the object is a map from names to these).
    Schema(Box<PropDef>),
    /// `0`/`1`: whether unlisted keys are allowed.
    Flag(Value),
}

/// `privileges.json`.
#[derive(Debug, Clone, Deserialize)]
pub struct PrivilegeList {
    /// PVE version the list is for.
    pub pve_version: String,
    /// Every valid privilege name.
    pub privileges: Vec<String>,
}

/// `indexed-keys.json`.
#[derive(Debug, Clone, Deserialize)]
pub struct IndexedKeys {
    /// Known families.
    pub families: Vec<IndexedFamily>,
}

/// One `name[n]` family and its range.
#[derive(Debug, Clone, Deserialize)]
pub struct IndexedFamily {
    /// Path prefix the family applies to.
    pub scope: String,
    /// The key without `[n]`, e.g. `net`.
    pub key: String,
    /// Largest index.
    pub max: u32,
    /// Where the number comes from.
    #[serde(default)]
    pub source: String,
}

/// `tasks.json`.
#[derive(Debug, Clone, Deserialize)]
pub struct TaskList {
    /// Methods that start a task.
    pub methods: Vec<TaskMethod>,
}

/// One method that starts a task.
#[derive(Debug, Clone, Deserialize)]
pub struct TaskMethod {
    /// HTTP method.
    pub method: String,
    /// Path template.
    pub path: String,
    /// `upid`, `upid-or-other` or `null-but-forks`.
    pub kind: String,
}
