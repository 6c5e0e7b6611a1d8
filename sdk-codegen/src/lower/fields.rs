//! Lowering of values: schema definitions → [`Ty`], [`Field`] and named types.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::LowerError;
pub(super) use super::collide::disambiguate;
use super::lenient::{self, DEFAULT_INDEX_MAX, KNOWN_FORMATS, REVIEWED_ATTRIBUTES};
use super::shared::{self, EnumShape, Group, PsShape, Use};
use crate::ir::{EnumDef, Facts, Field, PropertyStringDef, Stats, StructDef, Ty, TypeDef};
use crate::model::{Additional, Format, MethodDef, PropDef, SchemaSet};
use crate::naming;

/// The module shared enums and property strings are emitted into.
pub const TYPES_MODULE: &str = "types";

/// Parameters and fields whose text has a richer type than the schema states (reviewed table):
/// `(wire name, type)`, applied where the schema says `string`.
const TYPE_OVERRIDES: &[(&str, Ty)] = &[
    // Task ids: `/nodes/{node}/tasks/{upid}/…` and the `upid` field of task listings.
    ("upid", Ty::Upid),
];

/// Fields holding credentials, whose values `Debug` never prints (reviewed table):
/// `(wire name, path fragment the rule is limited to, or "" for everywhere)`.
const SECRET_FIELDS: &[(&str, &str)] = &[
    ("password", ""),
    ("confirmation-password", ""),
    ("cipassword", ""),
    ("otp", ""),
    ("totp", ""),
    ("recovery", ""),
    ("tfa-challenge", ""),
    ("ticket", ""),
    ("vncticket", ""),
    ("CSRFPreventionToken", ""),
    ("token", ""),
    ("secret", ""),
    ("encryption-key", ""),
    ("keyring", ""),
    ("eab-hmac-key", ""),
    ("client-key", ""),
    ("corosync_authkey", ""),
    // The secret of a newly created API token.
    ("value", "/access/users/{userid}/token/"),
];

fn is_secret(wire: &str, path: &str) -> bool {
    SECRET_FIELDS
        .iter()
        .any(|(w, scope)| *w == wire && path.contains(scope))
}

/// Shared enums and property strings, found before any endpoint is lowered.
pub(super) struct SharedTypes {
    enum_names: BTreeMap<String, String>,
    ps_names: BTreeMap<String, String>,
    types: BTreeMap<(String, String), TypeDef>,
}

impl SharedTypes {
    /// Collects every enum and inline property string of the schema, groups and names them.
    pub(super) fn build(
        methods: &[MethodDef],
        taken: &mut BTreeSet<String>,
        stats: &mut Stats,
        strict: bool,
    ) -> Result<Self, LowerError> {
        let mut enum_uses = Vec::new();
        let mut ps_uses = Vec::new();
        for m in methods {
            let site = format!("{} {}", m.method, m.path);
            for (k, d) in m.parameters.properties.iter().flatten() {
                collect(d, k, &m.path, &site, &mut enum_uses, &mut ps_uses);
            }
            // The root of `returns` has no property name; only what is below it is shared.
            for (k, d) in m.returns.properties.iter().flatten() {
                collect(d, k, &m.path, &site, &mut enum_uses, &mut ps_uses);
            }
            if let Some(items) = &m.returns.items {
                for (k, d) in items.properties.iter().flatten() {
                    collect(d, k, &m.path, &site, &mut enum_uses, &mut ps_uses);
                }
            }
        }
        let (ps_groups, ps_lookup) = shared::group(
            ps_uses,
            shared::property_strings_compatible,
            taken,
            &mut stats.suffixed_names,
        );
        let mut types = BTreeMap::new();
        let mut ps_names = BTreeMap::new();
        for (sig, index) in ps_lookup {
            ps_names.insert(sig, ps_groups[index].name.clone());
        }
        for group in &ps_groups {
            let def = property_string_def(group, taken, &mut types, stats, strict)?;
            types.insert(
                (TYPES_MODULE.to_string(), def.name.clone()),
                TypeDef::PropertyString(def),
            );
        }
        let (enum_groups, enum_lookup) = shared::group(
            enum_uses,
            shared::enums_compatible,
            taken,
            &mut stats.suffixed_names,
        );
        let mut enum_names = BTreeMap::new();
        for (sig, index) in enum_lookup {
            enum_names.insert(sig, enum_groups[index].name.clone());
        }
        for group in &enum_groups {
            let def = enum_def(
                group.name.clone(),
                &shared::merged_values(group),
                sites(&group.uses),
            );
            types.insert(
                (TYPES_MODULE.to_string(), def.name.clone()),
                TypeDef::Enum(def),
            );
        }
        Ok(Self {
            enum_names,
            ps_names,
            types,
        })
    }
}

fn sites<T>(uses: &[Use<T>]) -> Vec<String> {
    let mut out: Vec<String> = uses.iter().map(|u| u.site.clone()).collect();
    out.sort();
    out.dedup();
    out
}

fn base_key(wire: &str) -> &str {
    wire.strip_suffix("[n]").unwrap_or(wire)
}

fn collect(
    def: &PropDef,
    key: &str,
    path: &str,
    site: &str,
    enums: &mut Vec<Use<EnumShape>>,
    pss: &mut Vec<Use<PsShape>>,
) {
    let key = base_key(key);
    let mk = |shape| Use {
        key: key.to_string(),
        path: path.to_string(),
        site: site.to_string(),
        shape,
    };
    if let Some(keys) = shared::inline_format(def) {
        pss.push(mk(keys.clone()));
        return;
    }
    if def.ty.as_deref() == Some("string") {
        if let Some(values) = shared::enum_values(def) {
            enums.push(Use {
                key: key.to_string(),
                path: path.to_string(),
                site: site.to_string(),
                shape: values,
            });
        }
    }
    if let Some(items) = &def.items {
        collect(items, key, path, site, enums, pss);
    }
    for (k, d) in def.properties.iter().flatten() {
        collect(d, k, path, site, enums, pss);
    }
    if let Some(Additional::Schema(inner)) = &def.additional_properties {
        collect(inner, key, path, site, enums, pss);
    }
    for variant in def.one_of.iter().flatten() {
        collect(variant, key, path, site, enums, pss);
    }
}

fn enum_def(name: String, values: &[String], used_by: Vec<String>) -> EnumDef {
    let mut taken = BTreeSet::from(["UnknownValue".to_string()]);
    let variants = values
        .iter()
        .map(|v| {
            (
                v.clone(),
                naming::unique(naming::variant_name(v), &mut taken),
            )
        })
        .collect();
    EnumDef {
        name,
        variants,
        used_by,
    }
}

fn property_string_def(
    group: &Group<PsShape>,
    taken: &mut BTreeSet<String>,
    types: &mut BTreeMap<(String, String), TypeDef>,
    stats: &mut Stats,
    strict: bool,
) -> Result<PropertyStringDef, LowerError> {
    let merged = shared::merged_subkeys(group);
    let site = format!(
        "{} (property string `{}`)",
        group.uses[0].site, group.uses[0].key
    );
    let mut default_key = None;
    let mut key_aliases = Vec::new();
    let mut aliases = Vec::new();
    let mut fields = Vec::new();
    for (key, def) in &merged {
        if let Some(target) = &def.alias {
            match &def.key_alias {
                Some(key_field) => {
                    key_aliases.push((key.clone(), key_field.clone(), target.clone()))
                }
                None => aliases.push((key.clone(), target.clone())),
            }
            continue;
        }
        if shared::truthy(def.default_key.as_ref()) {
            default_key = Some(key.clone());
        }
        let ty = match (def.ty.as_deref(), shared::enum_values(def)) {
            (Some("string"), Some(values)) => {
                let name = naming::unique(format!("{}{}", group.name, naming::pascal(key)), taken);
                let e = enum_def(
                    name.clone(),
                    &values,
                    vec![format!("`{}` property strings", group.name)],
                );
                types.insert((TYPES_MODULE.to_string(), name.clone()), TypeDef::Enum(e));
                Ty::Named(TYPES_MODULE.to_string(), name)
            }
            (Some(t), _) => match scalar(def, t) {
                Some(ty) => ty,
                None => {
                    lenient::unreviewed(
                        strict,
                        stats,
                        "pve-api.json",
                        &site,
                        format!(
                            "sub-key `{key}` has type `{t}`, which a property string cannot hold"
                        ),
                        "typed as String",
                    )?;
                    Ty::String
                }
            },
            (None, _) => {
                lenient::unreviewed(
                    strict,
                    stats,
                    "pve-api.json",
                    &site,
                    format!("sub-key `{key}` has no type"),
                    "typed as String",
                )?;
                Ty::String
            }
        };
        fields.push(Field {
            wire: key.clone(),
            ident: naming::field_ident(key),
            ty,
            optional: shared::truthy(def.optional.as_ref()),
            indexed_max: None,
            secret: false,
            facts: facts(def),
        });
    }
    disambiguate(&mut fields, &site, stats);
    Ok(PropertyStringDef {
        name: group.name.clone(),
        fields,
        default_key,
        key_aliases,
        aliases,
        used_by: sites(&group.uses),
    })
}

/// Scalar types (also used for property-string sub-keys).
fn scalar(def: &PropDef, ty: &str) -> Option<Ty> {
    Some(match ty {
        "boolean" => Ty::Bool,
        "integer" => integer(def),
        "number" => Ty::F64,
        "string" => Ty::String,
        _ => return None,
    })
}

/// `u32` when the bounds allow, `u64` for other non-negative integers, else `i64`.
fn integer(def: &PropDef) -> Ty {
    let min = def.minimum.as_ref().and_then(Value::as_f64);
    let max = def.maximum.as_ref().and_then(Value::as_f64);
    match (min, max) {
        (Some(lo), Some(hi)) if lo >= 0.0 && hi <= f64::from(u32::MAX) => Ty::U32,
        (Some(lo), _) if lo >= 0.0 => Ty::U64,
        _ => Ty::I64,
    }
}

/// Schema facts for docs.
pub(super) fn facts(def: &PropDef) -> Facts {
    let format = match &def.format {
        Some(Format::Named(n)) => Some(n.clone()),
        Some(Format::Inline(_)) => Some("property string".into()),
        None => None,
    };
    Facts {
        ty: def.ty.clone().unwrap_or_default(),
        format,
        pattern: def.pattern.clone(),
        minimum: def.minimum.clone(),
        maximum: def.maximum.clone(),
        min_length: def.min_length.clone(),
        max_length: def.max_length.clone(),
        default: def.default.clone(),
        requires: def
            .requires
            .as_ref()
            .and_then(Value::as_str)
            .map(str::to_string),
        renderer: def
            .renderer
            .as_ref()
            .and_then(Value::as_str)
            .map(str::to_string),
        instance_types: match &def.instance_types {
            Some(Value::Array(v)) => v
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
            _ => Vec::new(),
        },
        enum_values: shared::enum_values(def).unwrap_or_default(),
    }
}

/// Lowers fields and responses, creating response structs as it goes.
pub(super) struct FieldLowering<'a> {
    set: &'a SchemaSet,
    shared: SharedTypes,
    stats: Stats,
    strict: bool,
    /// Endpoint type names: a generated struct never takes one.
    endpoint_names: BTreeSet<(String, String)>,
    /// Structs whose fields are being lowered.
    building: BTreeSet<(String, String)>,
}

/// Where a value sits, for naming nested types and for error messages.
struct Ctx<'c> {
    module: &'c str,
    owner: &'c str,
    key: &'c str,
    site: &'c str,
    path: &'c str,
}

impl<'a> FieldLowering<'a> {
    /// Starts lowering with the shared types already known.
    pub(super) fn new(
        set: &'a SchemaSet,
        shared: SharedTypes,
        stats: Stats,
        strict: bool,
        endpoint_names: BTreeSet<(String, String)>,
    ) -> Self {
        Self {
            set,
            shared,
            stats,
            strict,
            endpoint_names,
            building: BTreeSet::new(),
        }
    }

    /// Whether a request can send a value of `ty` as form parameters: scalars, text, lists,
    /// enums and property strings, arrays of those (repeated keys), JSON values; not `()`,
    /// maps or response structs.
    pub(super) fn sendable(&self, ty: &Ty) -> bool {
        match ty {
            Ty::Unit | Ty::Map(_) => false,
            Ty::List(t) | Ty::Vec(t) => self.sendable(t),
            Ty::Named(m, n) => !matches!(
                self.shared.types.get(&(m.clone(), n.clone())),
                Some(TypeDef::Struct(_)) | None
            ),
            _ => true,
        }
    }

    /// `history.json` of the schema set.
    pub(super) fn history(&self) -> Option<&'a crate::history::History> {
        self.set.history.as_ref()
    }

    fn name_taken(&self, module: &str, name: &str) -> bool {
        let key = (module.to_string(), name.to_string());
        self.shared.types.contains_key(&key)
            || self.endpoint_names.contains(&key)
            || self.building.contains(&key)
    }

    /// A strict-mode error, or a `fallback:` report line (see [`lenient`]).
    pub(super) fn unreviewed(
        &mut self,
        file: &str,
        site: &str,
        problem: String,
        fallback: &str,
    ) -> Result<(), LowerError> {
        lenient::unreviewed(self.strict, &mut self.stats, file, site, problem, fallback)
    }

    /// Mutable access to the statistics.
    pub(super) fn stats_mut(&mut self) -> &mut Stats {
        &mut self.stats
    }

    /// All named types and the statistics.
    pub(super) fn finish(self) -> (BTreeMap<(String, String), TypeDef>, Stats) {
        (self.shared.types, self.stats)
    }

    /// Lowers one parameter or property.
    pub(super) fn field(
        &mut self,
        def: &PropDef,
        wire: &str,
        module: &str,
        owner: &str,
        site: &str,
        path: &str,
    ) -> Result<Field, LowerError> {
        let key = base_key(wire);
        let indexed_max = if wire.ends_with("[n]") {
            Some(self.index_max(key, path, site, owner)?)
        } else {
            None
        };
        let ctx = Ctx {
            module,
            owner,
            key,
            site,
            path,
        };
        let mut ty = self.ty_of(def, &ctx)?;
        if ty == Ty::String {
            if let Some((_, over)) = TYPE_OVERRIDES.iter().find(|(w, _)| *w == wire) {
                ty = over.clone();
            }
        }
        Ok(Field {
            wire: key.to_string(),
            ident: naming::field_ident(wire),
            ty,
            optional: shared::truthy(def.optional.as_ref()) || indexed_max.is_some(),
            indexed_max,
            secret: is_secret(key, path),
            facts: facts(def),
        })
    }

    /// Lowers the `returns` schema of an endpoint.
    pub(super) fn response(
        &mut self,
        def: &PropDef,
        module: &str,
        endpoint: &str,
        site: &str,
        path: &str,
    ) -> Result<Ty, LowerError> {
        let ctx = Ctx {
            module,
            owner: endpoint,
            key: "",
            site,
            path,
        };
        match def.ty.as_deref() {
            Some("object") if has_properties(def) => self.structure(
                def,
                &format!("{endpoint}Response"),
                &ctx,
                format!("Response of `{site}`."),
            ),
            Some("array") => {
                let items = def.items.as_deref().cloned().unwrap_or_default();
                if items.ty.as_deref() == Some("object") && has_properties(&items) {
                    let item = self.structure(
                        &items,
                        &format!("{endpoint}Item"),
                        &ctx,
                        format!("One item of the response of `{site}`."),
                    )?;
                    Ok(Ty::Vec(Box::new(item)))
                } else {
                    let inner = self.ty_of(&items, &Ctx { key: "item", ..ctx })?;
                    Ok(Ty::Vec(Box::new(inner)))
                }
            }
            Some("string") if shared::enum_values(def).is_some() => Ok(Ty::String),
            _ => self.ty_of(def, &ctx),
        }
    }

    fn index_max(
        &mut self,
        key: &str,
        path: &str,
        site: &str,
        owner: &str,
    ) -> Result<u32, LowerError> {
        let found = self
            .set
            .indexed
            .families
            .iter()
            .find(|f| f.key == key && path.starts_with(&f.scope))
            .map(|f| f.max);
        if let Some(max) = found {
            return Ok(max);
        }
        self.unreviewed(
            "indexed-keys.json",
            site,
            format!("indexed family `{key}[n]` of `{owner}` has no reviewed range for this path"),
            &format!("`{key}0`..`{key}{DEFAULT_INDEX_MAX}` (Indexed<T, {DEFAULT_INDEX_MAX}>)"),
        )?;
        Ok(DEFAULT_INDEX_MAX)
    }

    fn value_fallback(&mut self, ctx: &Ctx<'_>) -> Ty {
        self.stats.value_fallbacks += 1;
        let key = if ctx.key.is_empty() {
            "(response)"
        } else {
            ctx.key
        };
        self.stats
            .value_fallback_sites
            .push(format!("{}: {}.{key}", ctx.site, ctx.owner));
        Ty::Value
    }

    fn ty_of(&mut self, def: &PropDef, ctx: &Ctx<'_>) -> Result<Ty, LowerError> {
        self.review_keywords(def, ctx)?;
        if let Some(keys) = shared::inline_format(def) {
            let sig = shared::signature(ctx.path, ctx.key, keys);
            if let Some(name) = self.shared.ps_names.get(&sig) {
                return Ok(Ty::Named(TYPES_MODULE.to_string(), name.clone()));
            }
            // Only where shared types are not collected (the root of a response).
            self.unreviewed(
                "pve-api.json",
                ctx.site,
                format!(
                    "{} of `{}` is a property string without a name",
                    named(ctx),
                    ctx.owner
                ),
                "typed as String",
            )?;
            return Ok(Ty::String);
        }
        if let Some(variants) = &def.one_of {
            return self.one_of(def, variants, ctx);
        }
        let Some(ty) = def.ty.as_deref() else {
            self.unreviewed(
                "pve-api.json",
                ctx.site,
                format!("property `{}` of `{}` has no type", ctx.key, ctx.owner),
                "typed as serde_json::Value",
            )?;
            return Ok(self.value_fallback(ctx));
        };
        match ty {
            "string" => {
                if let Some(values) = shared::enum_values(def) {
                    let sig = shared::signature(ctx.path, ctx.key, &values);
                    if let Some(name) = self.shared.enum_names.get(&sig) {
                        return Ok(Ty::Named(TYPES_MODULE.to_string(), name.clone()));
                    }
                    // Only where shared types are not collected (the root of a response).
                    self.unreviewed(
                        "pve-api.json",
                        ctx.site,
                        format!(
                            "{} of `{}` is an enum without a name",
                            named(ctx),
                            ctx.owner
                        ),
                        "typed as String",
                    )?;
                    return Ok(Ty::String);
                }
                match &def.format {
                    Some(Format::Named(f)) if f == "pve-vmid-list" => {
                        Ok(Ty::List(Box::new(Ty::U32)))
                    }
                    Some(Format::Named(f)) if f.ends_with("-list") => {
                        Ok(Ty::List(Box::new(Ty::String)))
                    }
                    _ => Ok(Ty::String),
                }
            }
            "boolean" | "integer" | "number" => Ok(scalar(def, ty).expect("scalar type")),
            "array" => {
                let Some(items) = def.items.as_deref() else {
                    self.unreviewed(
                        "pve-api.json",
                        ctx.site,
                        format!("array `{}` of `{}` has no items", ctx.key, ctx.owner),
                        "typed as Vec<serde_json::Value>",
                    )?;
                    return Ok(Ty::Vec(Box::new(self.value_fallback(ctx))));
                };
                let item = if items.ty.as_deref() == Some("object") && has_properties(items) {
                    let name = format!("{}{}Item", ctx.owner, type_part(ctx.key));
                    let context = format!("One item of `{}` in `{}`.", ctx.key, ctx.site);
                    self.structure(items, &name, ctx, context)?
                } else {
                    self.ty_of(items, ctx)?
                };
                Ok(Ty::Vec(Box::new(item)))
            }
            "object" => {
                if has_properties(def) {
                    let name = format!("{}{}", ctx.owner, type_part(ctx.key));
                    let context = format!("The `{}` object in `{}`.", ctx.key, ctx.site);
                    self.structure(def, &name, ctx, context)
                } else if let Some(Additional::Schema(values)) = &def.additional_properties {
                    let inner = if values.ty.as_deref() == Some("object") && has_properties(values)
                    {
                        let name = format!("{}{}Value", ctx.owner, type_part(ctx.key));
                        let context =
                            format!("One value of the `{}` map in `{}`.", ctx.key, ctx.site);
                        self.structure(values, &name, ctx, context)?
                    } else {
                        self.ty_of(values, ctx)?
                    };
                    Ok(Ty::Map(Box::new(inner)))
                } else {
                    Ok(self.value_fallback(ctx))
                }
            }
            "null" => Ok(Ty::Unit),
            "any" => Ok(self.value_fallback(ctx)),
            other => {
                self.unreviewed(
                    "pve-api.json",
                    ctx.site,
                    format!(
                        "property `{}` of `{}` has unknown type `{other}`",
                        ctx.key, ctx.owner
                    ),
                    "typed as serde_json::Value",
                )?;
                Ok(self.value_fallback(ctx))
            }
        }
    }

    /// `oneOf`: one type when every variant lowers to the same type, else plain text.
    fn one_of(
        &mut self,
        def: &PropDef,
        variants: &[PropDef],
        ctx: &Ctx<'_>,
    ) -> Result<Ty, LowerError> {
        let mut lowered = BTreeSet::new();
        for v in variants {
            lowered.insert(self.ty_of(v, ctx)?);
        }
        if lowered.len() == 1 {
            return Ok(lowered.into_iter().next().expect("one element"));
        }
        self.stats
            .untyped_variants
            .push(format!("{}: {}", ctx.site, ctx.key));
        Ok(match def.ty.as_deref() {
            Some("array") => Ty::Vec(Box::new(Ty::String)),
            _ => Ty::String,
        })
    }

    fn structure(
        &mut self,
        def: &PropDef,
        name: &str,
        ctx: &Ctx<'_>,
        context: String,
    ) -> Result<Ty, LowerError> {
        let mut name = name.to_string();
        if self.name_taken(ctx.module, &name) {
            let renamed = (2..)
                .map(|i| format!("{name}{i}"))
                .find(|n| !self.name_taken(ctx.module, n))
                .expect("an unbounded range always yields a free name");
            let of = if ctx.key.is_empty() {
                "the response".to_string()
            } else {
                format!("property `{}`", ctx.key)
            };
            self.stats.suffixed_names.push(format!(
                "{}: type `{name}` ({of}) renamed to `{renamed}`",
                ctx.site
            ));
            name = renamed;
        }
        let name = name.as_str();
        let key = (ctx.module.to_string(), name.to_string());
        // Taken while its fields are lowered, so a nested object never gets its own name.
        self.building.insert(key.clone());
        let mut fields = Vec::new();
        for (wire, d) in def.properties.iter().flatten() {
            fields.push(self.field(d, wire, ctx.module, name, ctx.site, ctx.path)?);
        }
        self.building.remove(&key);
        disambiguate(&mut fields, ctx.site, &mut self.stats);
        self.shared.types.insert(
            key,
            TypeDef::Struct(StructDef {
                name: name.to_string(),
                fields,
                context,
            }),
        );
        Ok(Ty::Named(ctx.module.to_string(), name.to_string()))
    }
}

fn has_properties(def: &PropDef) -> bool {
    def.properties.as_ref().is_some_and(|p| !p.is_empty())
}

impl FieldLowering<'_> {
    /// Unknown keywords and formats: reviewed in strict mode, reported otherwise.
    fn review_keywords(&mut self, def: &PropDef, ctx: &Ctx<'_>) -> Result<(), LowerError> {
        for key in def.other.keys() {
            if !REVIEWED_ATTRIBUTES.contains(&key.as_str()) {
                self.unreviewed(
                    "pve-api.json",
                    ctx.site,
                    format!(
                        "property `{}` of `{}` has unknown attribute `{key}`",
                        ctx.key, ctx.owner
                    ),
                    "ignored",
                )?;
            }
        }
        if let Some(Format::Named(f)) = &def.format {
            if !KNOWN_FORMATS.contains(&f.as_str()) {
                let as_what = if f.ends_with("-list") {
                    "a `*-list` format: typed as List<String>"
                } else {
                    "typed by its `type`"
                };
                self.unreviewed(
                    "pve-api.json",
                    ctx.site,
                    format!(
                        "property `{}` of `{}` has unknown format `{f}`",
                        ctx.key, ctx.owner
                    ),
                    as_what,
                )?;
            }
        }
        Ok(())
    }
}

/// `the response`, or the property's name in backticks.
fn named(ctx: &Ctx<'_>) -> String {
    if ctx.key.is_empty() {
        "the response".into()
    } else {
        format!("`{}`", ctx.key)
    }
}

/// A property name as part of a type name: PascalCase, or spelled out when that is empty
/// (`-` → `X2D`), so a nested type never repeats its parent's name.
fn type_part(key: &str) -> String {
    let p = naming::pascal(key);
    if p.is_empty() && !key.is_empty() {
        naming::variant_name(key)
    } else {
        p
    }
}
