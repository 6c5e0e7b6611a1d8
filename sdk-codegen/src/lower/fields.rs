//! Lowering of values: schema definitions → [`Ty`], [`Field`] and named types.

use std::collections::{BTreeMap, BTreeSet};

use super::LowerError;
use super::facts::{facts, limits, scalar};
use super::lenient::{self, DEFAULT_INDEX_MAX, KNOWN_FORMATS, REVIEWED_ATTRIBUTES};
use super::overrides::{TYPE_OVERRIDES, is_secret};
use super::shared::{self};
use super::shared_types::{SharedTypes, base_key};
use crate::ir::{Field, Stats, StructDef, Ty, TypeDef};
use crate::model::{Additional, Format, PropDef, SchemaSet};
use crate::naming;

pub(super) use super::collide::disambiguate;

/// The module shared enums and property strings are emitted into.
pub const TYPES_MODULE: &str = "types";

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
        let limits = limits(def, &ty);
        Ok(Field {
            wire: key.to_string(),
            ident: naming::field_ident(wire),
            setter: naming::field_ident(wire),
            alias: None,
            ty,
            optional: shared::truthy(def.optional.as_ref()) || indexed_max.is_some(),
            indexed_max,
            secret: is_secret(key, path),
            limits,
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
        super::measures::unify(&mut fields);
        super::collide::name_aliases(&mut fields, super::write_back::METHODS);
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
