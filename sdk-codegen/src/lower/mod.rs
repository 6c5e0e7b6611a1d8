//! Stage 3, lowering: the normalized model becomes the [`crate::ir`].
//!
//! With `strict` (the vendored schema, `build.rs`), any shape nobody has reviewed is an error
//! naming the file, the endpoint and the property, so a new upstream quirk is reviewed instead
//! of slipping through. Without it (another PVE version, `sdk-codegen generate`/`diff`),
//! lowering never stops on a schema shape: [`lenient`] lists the fallback types and the report
//! lines, and names that collide in Rust are renamed by the rules in [`crate::naming`].

mod collide;
mod facts;
mod fields;
mod glossary;
mod handler_permissions;
pub mod lenient;
mod measures;
mod overrides;
mod permissions;
pub mod shared;
mod shared_types;
mod write_back;

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{Api, Endpoint, Method, Segment, Stats, TaskKind, Ty, TypeDef};
use crate::model::{MethodDef, PropDef, SchemaSet};
use crate::naming;

pub use fields::TYPES_MODULE;

/// A shape lowering does not understand, or a data file that does not match the schema.
#[derive(Debug, thiserror::Error)]
#[error("{site}: {problem}")]
pub struct LowerError {
    /// Endpoint and property (`GET /nodes/{node}/lxc: property net[n]`).
    pub site: String,
    /// What is wrong.
    pub problem: String,
}

impl LowerError {
    pub(crate) fn new(site: impl Into<String>, problem: impl Into<String>) -> Self {
        Self {
            site: site.into(),
            problem: problem.into(),
        }
    }
}

/// Lowers a fixed-up schema set. With `strict`, the reviewed data files must match the schema
/// exactly (every task entry names an existing method, every privilege in a check is listed).
///
/// # Errors
/// [`LowerError`] naming the endpoint and what is wrong.
pub fn lower(set: &SchemaSet, strict: bool) -> Result<Api, LowerError> {
    let mut stats = Stats::default();
    let privileges = permissions::privilege_names(set, strict)?;
    let tasks = task_kinds(set, strict)?;
    let mut taken: BTreeSet<String> = BTreeSet::new();
    let shared =
        shared_types::SharedTypes::build(&set.api.methods, &mut taken, &mut stats, strict)?;
    let names = endpoint_names(set, &mut stats);
    let reserved = names.values().cloned().collect();
    let mut lowering = fields::FieldLowering::new(set, shared, stats, strict, reserved);

    let mut endpoints = Vec::with_capacity(set.api.methods.len());
    for method in &set.api.methods {
        let task = tasks
            .get(&(method.method.clone(), method.path.clone()))
            .copied()
            .unwrap_or(TaskKind::None);
        let Some(http) = Method::parse(&method.method) else {
            lowering.unreviewed(
                "pve-api.json",
                &site(method),
                format!("unknown HTTP method `{}`", method.method),
                "endpoint left out",
            )?;
            continue;
        };
        let (module, name) = names[&site(method)].clone();
        endpoints.push(lower_endpoint(
            method,
            http,
            task,
            &mut lowering,
            module,
            name,
        )?);
    }
    let (mut types, stats) = lowering.finish();
    let glossary = glossary::apply(set, &mut endpoints, &mut types, strict)?;
    handler_permissions::fold(set, &mut endpoints, strict)?;
    let write_backs = write_back::pair(&endpoints, &types);
    Ok(Api {
        pve_version: set.api.pve_version.clone(),
        endpoints,
        types,
        privileges,
        write_backs,
        glossary,
        stats,
    })
}

fn site(method: &MethodDef) -> String {
    format!("{} {}", method.method, method.path)
}

/// The `returns` schema of `method`, or its reviewed replacement from
/// [`overrides::RESPONSE_OVERRIDES`].
fn response_schema(method: &MethodDef, here: &str) -> Result<PropDef, LowerError> {
    let found = overrides::RESPONSE_OVERRIDES
        .iter()
        .find(|(m, p, _)| *m == method.method && *p == method.path);
    let Some((_, _, schema)) = found else {
        return Ok(method.returns.clone());
    };
    if method.returns.properties.is_some() || method.returns.items.is_some() {
        return Err(LowerError::new(
            here,
            "the response override is no longer needed: the schema now types this response",
        ));
    }
    serde_json::from_str(schema)
        .map_err(|e| LowerError::new(here, format!("the response override is not a schema: {e}")))
}

fn lower_endpoint(
    method: &MethodDef,
    http: Method,
    task: TaskKind,
    lowering: &mut fields::FieldLowering<'_>,
    module: String,
    name: String,
) -> Result<Endpoint, LowerError> {
    let here = site(method);
    for key in method.other.keys() {
        lowering.unreviewed(
            "pve-api.json",
            &here,
            format!("the method has unknown attribute `{key}`"),
            "ignored",
        )?;
    }
    let empty = BTreeMap::new();
    let declared = method.parameters.properties.as_ref().unwrap_or(&empty);

    let mut segments = Vec::new();
    let mut path_params = Vec::new();
    let mut literal = String::new();
    let mut path_names = BTreeSet::new();
    for part in method.path.trim_start_matches('/').split('/') {
        literal.push('/');
        if naming::is_param(part) {
            segments.push(Segment::Literal(std::mem::take(&mut literal)));
            let wire = &part[1..part.len() - 1];
            path_names.insert(wire.to_string());
            let fallback = PropDef {
                ty: Some("string".into()),
                ..PropDef::default()
            };
            let def = declared.get(wire).unwrap_or(&fallback);
            let mut field = lowering.field(def, wire, &module, &name, &here, &method.path)?;
            field.optional = false;
            segments.push(Segment::Param(path_params.len()));
            path_params.push(field);
        } else {
            literal.push_str(part);
        }
    }
    if !literal.is_empty() {
        segments.push(Segment::Literal(literal));
    }

    let mut params = Vec::new();
    for (wire, def) in declared {
        if path_names.contains(wire) {
            continue;
        }
        params.push(lowering.field(def, wire, &module, &name, &here, &method.path)?);
    }
    let path_count = path_params.len();
    let mut all: Vec<_> = path_params.into_iter().chain(params).collect();
    for f in &mut all {
        if !lowering.sendable(&f.ty) {
            lowering.unreviewed(
                "pve-api.json",
                &here,
                format!(
                    "parameter `{}` has a shape a request cannot carry (`null`, an object or a map)",
                    f.wire
                ),
                "typed as serde_json::Value",
            )?;
            f.ty = Ty::Value;
        }
    }
    fields::disambiguate(&mut all, &here, lowering.stats_mut());
    collide::name_setters(&mut all, collide::REQUEST_METHODS);
    let params = all.split_off(path_count);
    let path_params = all;

    let response = match (
        task,
        lowering.response(
            &response_schema(method, &here)?,
            &module,
            &name,
            &here,
            &method.path,
        )?,
    ) {
        (TaskKind::Upid, Ty::String) => Ty::Upid,
        (TaskKind::UpidOrOther, Ty::String | Ty::Unit) => Ty::TaskStarted,
        (TaskKind::NullButForks, ty) => ty,
        (_, ty) => ty,
    };
    Ok(Endpoint {
        module,
        name,
        method: http,
        path: method.path.clone(),
        segments,
        handler: method.name.clone(),
        path_params,
        params,
        additional_params: shared::truthy(match &method.parameters.additional_properties {
            Some(crate::model::Additional::Flag(v)) => Some(v),
            _ => None,
        }),
        response,
        permission: match permissions::lower(method.permissions.as_ref(), &here) {
            Ok(p) => p,
            Err(e) => {
                lowering.unreviewed(
                    "pve-api.json",
                    &here,
                    e.problem,
                    "documented as root@pam only",
                )?;
                crate::ir::Permission::RootOnly
            }
        },
        protected: shared::truthy(method.protected.as_ref()),
        allow_token: shared::truthy(method.allowtoken.as_ref()),
        proxy_to: method
            .proxyto
            .as_ref()
            .and_then(|v| v.as_str())
            .map(str::to_string),
        task,
        download: shared::truthy(method.download_allowed.as_ref()),
        sent_by: overrides::streamed_body(&method.method, &method.path).map(str::to_owned),
        since: lowering
            .history()
            .and_then(|h| h.sentence(&method.method, &method.path)),
    })
}

/// `METHOD /path` → (module, endpoint type name), unique per module: a name already taken (in
/// path-then-method order) gets `2`, `3`, … and a report line.
fn endpoint_names(set: &SchemaSet, stats: &mut Stats) -> BTreeMap<String, (String, String)> {
    let mut taken = BTreeSet::new();
    let mut out = BTreeMap::new();
    for method in &set.api.methods {
        let here = site(method);
        let module = naming::module_of(&method.path);
        let mut name = naming::endpoint_name(&method.method, &method.path);
        if !taken.insert((module.clone(), name.clone())) {
            let renamed = (2..)
                .map(|i| format!("{name}{i}"))
                .find(|n| taken.insert((module.clone(), n.clone())))
                .expect("an unbounded range always yields a free name");
            stats.suffixed_names.push(format!(
                "{here}: endpoint type `{module}::{name}` renamed to `{renamed}`"
            ));
            name = renamed;
        }
        out.insert(here, (module, name));
    }
    out
}

fn task_kinds(
    set: &SchemaSet,
    strict: bool,
) -> Result<BTreeMap<(String, String), TaskKind>, LowerError> {
    let known: BTreeSet<(String, String)> = set
        .api
        .methods
        .iter()
        .map(|m| (m.method.clone(), m.path.clone()))
        .collect();
    let mut out = BTreeMap::new();
    for t in &set.tasks.methods {
        let kind = match t.kind.as_str() {
            "upid" => TaskKind::Upid,
            "upid-or-other" => TaskKind::UpidOrOther,
            "null-but-forks" => TaskKind::NullButForks,
            other => {
                return Err(LowerError::new(
                    format!("tasks.json: {} {}", t.method, t.path),
                    format!("unknown kind `{other}`"),
                ));
            }
        };
        let key = (t.method.clone(), t.path.clone());
        if strict && !known.contains(&key) {
            return Err(LowerError::new(
                format!("tasks.json: {} {}", t.method, t.path),
                "no such method in pve-api.json",
            ));
        }
        out.insert(key, kind);
    }
    Ok(out)
}

/// Every named type of an [`Api`] in a module.
pub fn types_in<'a>(api: &'a Api, module: &'a str) -> impl Iterator<Item = &'a TypeDef> + 'a {
    api.types
        .iter()
        .filter(move |((m, _), _)| m == module)
        .map(|(_, t)| t)
}
