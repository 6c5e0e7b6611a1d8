//! The shared enums and property strings of a schema, found, grouped and named before any
//! endpoint is lowered, so every endpoint that uses one refers to the same type.

use std::collections::{BTreeMap, BTreeSet};

use super::LowerError;
use super::collide::{PROPERTY_STRING_METHODS, disambiguate, name_setters};
use super::facts::{facts, limits, scalar};
use super::fields::TYPES_MODULE;
use super::lenient;
use super::shared::{self, EnumShape, Group, PsShape, Use};
use crate::ir::{EnumDef, Field, PropertyStringDef, Stats, Ty, TypeDef};
use crate::model::{Additional, MethodDef, PropDef};
use crate::naming;

/// Shared enums and property strings, found before any endpoint is lowered.
pub(super) struct SharedTypes {
    pub(super) enum_names: BTreeMap<String, String>,
    pub(super) ps_names: BTreeMap<String, String>,
    pub(super) types: BTreeMap<(String, String), TypeDef>,
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

pub(super) fn base_key(wire: &str) -> &str {
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
        let limits = limits(def, &ty);
        fields.push(Field {
            wire: key.clone(),
            ident: naming::field_ident(key),
            setter: naming::field_ident(key),
            alias: None,
            ty,
            optional: shared::truthy(def.optional.as_ref()),
            indexed_max: None,
            secret: false,
            limits,
            facts: facts(def),
        });
    }
    disambiguate(&mut fields, &site, stats);
    name_setters(&mut fields, PROPERTY_STRING_METHODS);
    Ok(PropertyStringDef {
        name: group.name.clone(),
        fields,
        default_key,
        key_aliases,
        aliases,
        used_by: sites(&group.uses),
    })
}
