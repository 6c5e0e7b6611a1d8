//! Stage 3 output: the intermediate representation emission works from.
//!
//! Everything here is already named, typed and sorted; emission makes no decisions beyond
//! spelling. All collections are ordered (`Vec` in a defined order, `BTreeMap`), so the same
//! schema always gives the same code.

use std::collections::BTreeMap;

use serde_json::Value;

/// The whole generated API.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    /// PVE version of the schema.
    pub pve_version: String,
    /// Every endpoint, sorted by path then HTTP method.
    pub endpoints: Vec<Endpoint>,
    /// Every named type, keyed by (module, name).
    pub types: BTreeMap<(String, String), TypeDef>,
    /// Every privilege name, sorted.
    pub privileges: Vec<String>,
    /// The read-modify-write pairs: a `GET` response that builds its `PUT`/`POST` update.
    pub write_backs: Vec<WriteBack>,
    /// The explained formats the API uses (from `formats.json`), sorted by name.
    pub glossary: Vec<GlossaryEntry>,
    /// Numbers for the build report.
    pub stats: Stats,
}

/// A config read that can be written back: `<response>::to_put(…)`/`to_post(…)` builds the
/// update request from the response (paired by lowering; emission only spells it).
#[derive(Debug, Clone, PartialEq)]
pub struct WriteBack {
    /// The module of the `GET` (where the impl goes).
    pub module: String,
    /// The response struct of the `GET`.
    pub response: String,
    /// The update endpoint's type name.
    pub target: String,
    /// The update's method (`Put` or `Post`).
    pub method: Method,
    /// The update's path template.
    pub path: String,
    /// The update's path parameters, which become the method's arguments.
    pub path_params: Vec<Field>,
    /// The response fields that fill the update's required parameters, in constructor order.
    pub required_from: Vec<CopiedField>,
    /// The optional parameters copied from the response.
    pub copies: Vec<WriteBackCopy>,
}

/// A response field a write-back reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopiedField {
    /// Its identifier.
    pub ident: String,
    /// Whether its value is `Copy` (a number or boolean), so it is copied, not cloned.
    pub copy: bool,
}

/// One optional parameter of a write-back, copied from a response field.
#[derive(Debug, Clone, PartialEq)]
pub struct WriteBackCopy {
    /// The response field.
    pub from: CopiedField,
    /// The request field's identifier.
    pub to: String,
    /// The wire key (for values sent as received).
    pub wire: String,
    /// How the value is copied.
    pub how: CopyHow,
}

/// How a write-back copies one value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyHow {
    /// Same type, an indexed family: entry by entry.
    Indexed,
    /// Same type, optional in the response: as it is.
    Optional,
    /// Same type, required in the response: wrapped in `Some`.
    Required,
    /// Different types, an indexed family with a text form: each entry as received.
    IndexedAsText,
    /// Different types, optional, with a text form: as received.
    OptionalAsText,
    /// Different types, required, with a text form: as received.
    RequiredAsText,
}

/// One `format` explained in our own words (`formats.json`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GlossaryEntry {
    /// The format name (`pve-node`).
    pub format: String,
    /// What a value of it is, in one line.
    pub meaning: String,
    /// A value of it.
    pub example: String,
}

/// Counts printed by the build report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// Places where the schema gives no shape and `serde_json::Value` is used.
    pub value_fallbacks: usize,
    /// Where they are (endpoint + field path), for the report.
    pub value_fallback_sites: Vec<String>,
    /// Shared type names that needed a numeric suffix to stay unique.
    pub suffixed_names: Vec<String>,
    /// `oneOf` parameters whose variants differ, sent as plain text.
    pub untyped_variants: Vec<String>,
    /// Unreviewed shapes lowered to a fallback type (non-strict mode; see
    /// [`crate::lower::lenient`]).
    pub fallbacks: Vec<String>,
}

/// The HTTP methods of PVE's API (variants in the order of their names, so sorting by method
/// sorts as the names did).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Method {
    /// `DELETE`.
    Delete,
    /// `GET`.
    Get,
    /// `POST`.
    Post,
    /// `PUT`.
    Put,
}

impl Method {
    /// The method named `text` (`GET`, …); `None` for any other text.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "DELETE" => Some(Method::Delete),
            "GET" => Some(Method::Get),
            "POST" => Some(Method::Post),
            "PUT" => Some(Method::Put),
            _ => None,
        }
    }

    /// The name: `GET`, `POST`, `PUT` or `DELETE`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Method::Delete => "DELETE",
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
        }
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One path + HTTP method.
#[derive(Debug, Clone, PartialEq)]
pub struct Endpoint {
    /// Module (`nodes`).
    pub module: String,
    /// Type name (`GetNodesLxcConfig`).
    pub name: String,
    /// The HTTP method.
    pub method: Method,
    /// Path template.
    pub path: String,
    /// The path split into literal text and parameters.
    pub segments: Vec<Segment>,
    /// Upstream handler name.
    pub handler: String,
    /// Path parameters, in path order.
    pub path_params: Vec<Field>,
    /// Other parameters, sorted by wire name.
    pub params: Vec<Field>,
    /// Whether the schema allows parameters it does not list.
    pub additional_params: bool,
    /// The decoded `data`.
    pub response: Ty,
    /// Who may call it.
    pub permission: Permission,
    /// `protected`.
    pub protected: bool,
    /// `allowtoken`.
    pub allow_token: bool,
    /// `proxyto`.
    pub proxy_to: Option<String>,
    /// Task behaviour.
    pub task: TaskKind,
    /// `download_allowed`.
    pub download: bool,
    /// The hand-written client call that sends it, when its body cannot be a form (an
    /// upload): the request type then has no `Endpoint` impl.
    pub sent_by: Option<String>,
    /// Since when it exists, as a doc sentence (from `history.json`, when there is one).
    pub since: Option<String>,
}

/// Part of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// Literal text including slashes, e.g. `/nodes/`.
    Literal(String),
    /// A parameter: the index into `path_params`.
    Param(usize),
}

/// Whether a call starts a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskKind {
    /// No task.
    None,
    /// Always a UPID.
    Upid,
    /// A UPID or something else.
    UpidOrOther,
    /// `null`, but a task runs.
    NullButForks,
}

/// A field of a request or response struct, or a sub-key of a property string.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Name on the wire (`ignore-unpack-errors`; for indexed families the prefix `net`).
    pub wire: String,
    /// Rust identifier as source text (`ignore_unpack_errors`, `r#type`).
    pub ident: String,
    /// The builder method that sets the field: the identifier, or `with_<name>` where that
    /// would clash with a generated method (decided by lowering).
    pub setter: String,
    /// A readable second name for a raw identifier (`kind` for `r#type`; rule in
    /// [`crate::naming`]): a second setter on request and property-string types, an accessor on
    /// response structs. `None` when the field's identifier is not raw or the name is taken.
    pub alias: Option<String>,
    /// The value type (for indexed families: the element type).
    pub ty: Ty,
    /// Whether the field may be absent.
    pub optional: bool,
    /// For `name[n]` families: the largest index.
    pub indexed_max: Option<u32>,
    /// A credential: never printed by `Debug`.
    pub secret: bool,
    /// The limits the value must keep, in the form the runtime checks them (decided by
    /// lowering from the schema's facts).
    pub limits: Limits,
    /// Schema facts for the docs.
    pub facts: Facts,
}

/// What the schema allows of a value beyond its type, as the runtime checks it: bounds of a
/// number (compared as `f64`, exact for every integer up to 2^53) and the length of a text in
/// characters. Empty for every other type; request parameters are checked before sending,
/// property-string sub-keys when parsed strictly, responses never.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Limits {
    /// Smallest number allowed.
    pub min: Option<f64>,
    /// Largest number allowed.
    pub max: Option<f64>,
    /// Fewest characters allowed.
    pub min_length: Option<u64>,
    /// Most characters allowed.
    pub max_length: Option<u64>,
}

impl Limits {
    /// Whether a number has a bound.
    pub fn has_range(&self) -> bool {
        self.min.is_some() || self.max.is_some()
    }

    /// Whether a text has a length limit.
    pub fn has_length(&self) -> bool {
        self.min_length.is_some() || self.max_length.is_some()
    }
}

/// Schema facts about a value, rendered into rustdoc (never upstream prose).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    /// Upstream type word.
    pub ty: String,
    /// Registered format name.
    pub format: Option<String>,
    /// Whether the glossary explains `format` (its doc then links there).
    pub format_explained: bool,
    /// Regex the value must match.
    pub pattern: Option<String>,
    /// Lower bound.
    pub minimum: Option<Value>,
    /// Upper bound.
    pub maximum: Option<Value>,
    /// Minimum length.
    pub min_length: Option<Value>,
    /// Maximum length.
    pub max_length: Option<Value>,
    /// Default value as upstream states it.
    pub default: Option<Value>,
    /// Another parameter this one requires.
    pub requires: Option<String>,
    /// Unit hint (`bytes`, `duration`, …).
    pub renderer: Option<String>,
    /// The section-config variants the parameter applies to.
    pub instance_types: Vec<String>,
    /// Allowed values of an enum (for docs).
    pub enum_values: Vec<String>,
}

/// A Rust type for a value.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Ty {
    /// `bool`.
    Bool,
    /// `u32` (non-negative, fits 32 bits).
    U32,
    /// `u64` (non-negative).
    U64,
    /// `i64`.
    I64,
    /// `f64`.
    F64,
    /// `String`.
    String,
    /// A `*-list` format: one string on the wire, items joined by `,`.
    List(Box<Ty>),
    /// `type: array`: repeated keys in requests, a JSON array in responses.
    Vec(Box<Ty>),
    /// An object used as a map from names to values.
    Map(Box<Ty>),
    /// A generated type: (module, name).
    Named(String, String),
    /// No shape in the schema.
    Value,
    /// `type: null`.
    Unit,
    /// A task id.
    Upid,
    /// A UPID, or something else in documented cases.
    TaskStarted,
}

/// A named type.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeDef {
    /// A response object.
    Struct(StructDef),
    /// A closed set of strings with an unknown fallback.
    Enum(EnumDef),
    /// A `key=value,…` property string.
    PropertyString(PropertyStringDef),
}

/// A response object.
#[derive(Debug, Clone, PartialEq)]
pub struct StructDef {
    /// Type name.
    pub name: String,
    /// Fields sorted by wire name.
    pub fields: Vec<Field>,
    /// What the struct is, for the docs (`Response of GET /…`).
    pub context: String,
}

/// An enum.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumDef {
    /// Type name.
    pub name: String,
    /// (wire value, variant name), in schema order.
    pub variants: Vec<(String, String)>,
    /// Where it is used, for the docs.
    pub used_by: Vec<String>,
}

/// A property string.
#[derive(Debug, Clone, PartialEq)]
pub struct PropertyStringDef {
    /// Type name.
    pub name: String,
    /// Sub-keys, sorted by wire name.
    pub fields: Vec<Field>,
    /// The key that may be written without `key=`.
    pub default_key: Option<String>,
    /// `(pseudo key, key field, value field)`: `virtio=<mac>` sets `model=virtio`, `macaddr=<mac>`.
    pub key_aliases: Vec<(String, String, String)>,
    /// `(alias, target)`: a second name for a sub-key.
    pub aliases: Vec<(String, String)>,
    /// Where it is used, for the docs.
    pub used_by: Vec<String>,
}

/// Who may call an endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Permission {
    /// A check expression.
    Check(Check),
    /// `user: all`.
    AnyUser,
    /// `user: world`.
    World,
    /// No permissions block.
    RootOnly,
    /// What the handler checks in its own code (`handler-permissions.json`), folded with the
    /// schema's check (`and`) where there is one; the schema said `user: all` otherwise.
    InHandler {
        /// The whole requirement.
        check: Check,
        /// Where the handler makes its part (`qemu-server src/PVE/API2/Qemu.pm, create_vm`).
        source: String,
        /// What the entry leaves out (docs only).
        note: Option<String>,
    },
}

/// A permission check expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    /// `perm`.
    Perm {
        /// ACL path template; `{name}` is a parameter, `{name:target}` (handler checks only)
        /// the target storages of a storage-map parameter.
        path: String,
        /// Privilege names.
        privileges: Vec<String>,
        /// Any one suffices.
        any: bool,
        /// Applies only with this parameter.
        require_param: Option<String>,
    },
    /// `and`.
    And(Vec<Check>),
    /// `or`.
    Or(Vec<Check>),
    /// `userid-group`.
    UseridGroup {
        /// Privilege names.
        privileges: Vec<String>,
        /// `groups_param`: how the request's `groups` parameter is checked (`create`/`update`).
        groups_param: Option<String>,
    },
    /// `userid-param`.
    UseridParam(String),
    /// `perm-modify`.
    PermModify(String),
    /// A check that applies only when the request carries a parameter (handler checks only:
    /// `["when", "storage", check]`; the schema's own `require_param` fails when absent).
    When {
        /// The parameter.
        param: String,
        /// The check.
        check: Box<Check>,
    },
}
