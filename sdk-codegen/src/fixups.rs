//! Stage 2, fixups: one named function per upstream quirk.
//!
//! Each fixup rewrites the parsed model in place and returns how many places it changed.
//! Lowering (stage 3) refuses the unnormalized shapes outright, so a new quirk in a future PVE
//! release fails the build with the path of the offending definition instead of generating
//! something wrong. In strict mode (used for the pinned schema) a fixup that changes nothing is
//! an error too: the quirk is gone upstream and the fixup should be deleted.

use serde_json::Value;

use crate::model::{Additional, ApiSchema, Format, PropDef};

/// A named normalization step.
pub struct Fixup {
    /// Short name shown in reports and errors.
    pub name: &'static str,
    /// What upstream quirk it handles.
    pub fixes: &'static str,
    /// Which schemas have the quirk.
    pub seen_in: SeenIn,
    /// Applies the fixup, returning the number of changed places.
    pub apply: fn(&mut ApiSchema) -> usize,
}

/// Which schemas a quirk is known in; decides how staleness is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeenIn {
    /// The pinned schema has it: in strict mode the fixup must change something.
    Pinned,
    /// Only older releases have it: the upstream-versions test checks it still fires there.
    OlderOnly,
}

/// All fixups, in the order they run.
pub const FIXUPS: &[Fixup] = &[
    Fixup {
        name: "perl-regex-wrapper",
        seen_in: SeenIn::Pinned,
        fixes: "patterns stringified by Perl as `(?^:…)`/`(?^i:…)`; rewritten to `(?:…)`/`(?i:…)`",
        apply: perl_regex_wrapper,
    },
    Fixup {
        name: "numbers-as-strings",
        seen_in: SeenIn::Pinned,
        fixes: "`minimum`/`maximum`/`minLength`/`maxLength` written as JSON strings (`\"0\"`)",
        apply: numbers_as_strings,
    },
    Fixup {
        name: "flags-as-strings",
        seen_in: SeenIn::Pinned,
        fixes: "`optional`/`default_key` written as the strings `\"1\"`/`\"0\"`",
        apply: flags_as_strings,
    },
    Fixup {
        name: "untyped-definitions",
        seen_in: SeenIn::Pinned,
        fixes: "definitions without `type`: objects (`properties`), arrays (`items`), strings (`enum`), \
                or no shape at all (`{}`), which becomes `any`",
        apply: untyped_definitions,
    },
    Fixup {
        name: "array-without-items",
        seen_in: SeenIn::Pinned,
        fixes: "`type: array` without `items`; the items become `any`",
        apply: array_without_items,
    },
    Fixup {
        name: "privilege-not-a-list",
        fixes: "a `perm` check naming one privilege as a bare string instead of a list (PVE 7.4)",
        seen_in: SeenIn::OlderOnly,
        apply: privilege_not_a_list,
    },
];

/// How many places each fixup changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FixupReport {
    /// (fixup name, places changed), in run order.
    pub applied: Vec<(&'static str, usize)>,
    /// (fixup name, the `METHOD /path` of every method it changed), for fixups that fired.
    pub sites: Vec<(&'static str, Vec<String>)>,
}

/// A fixup that no longer finds anything to fix (strict mode only).
#[derive(Debug, thiserror::Error)]
#[error(
    "fixup `{name}` changed nothing: upstream no longer has the quirk it handles ({fixes}); remove it"
)]
pub struct StaleFixup {
    /// The fixup's name.
    pub name: &'static str,
    /// What it was for.
    pub fixes: &'static str,
}

/// Runs every fixup. With `strict`, a fixup that changes nothing is an error.
///
/// # Errors
/// [`StaleFixup`] in strict mode.
pub fn run_all(schema: &mut ApiSchema, strict: bool) -> Result<FixupReport, StaleFixup> {
    let mut report = FixupReport::default();
    for fixup in FIXUPS {
        let (hits, sites) = apply_per_method(schema, fixup.apply);
        if strict && hits == 0 && fixup.seen_in == SeenIn::Pinned {
            return Err(StaleFixup {
                name: fixup.name,
                fixes: fixup.fixes,
            });
        }
        report.applied.push((fixup.name, hits));
        if !sites.is_empty() {
            report.sites.push((fixup.name, sites));
        }
    }
    Ok(report)
}

/// Runs `apply` on one method at a time, so the report can say where it changed something.
fn apply_per_method(
    schema: &mut ApiSchema,
    apply: fn(&mut ApiSchema) -> usize,
) -> (usize, Vec<String>) {
    let mut single = ApiSchema {
        schema_format: schema.schema_format,
        pve_version: String::new(),
        methods: Vec::with_capacity(1),
        paths_without_methods: Vec::new(),
    };
    let mut hits = 0;
    let mut sites = Vec::new();
    for method in &mut schema.methods {
        single
            .methods
            .push(std::mem::replace(method, placeholder()));
        let here = apply(&mut single);
        *method = single.methods.pop().expect("the method just pushed");
        if here > 0 {
            hits += here;
            sites.push(format!("{} {}", method.method, method.path));
        }
    }
    (hits, sites)
}

fn placeholder() -> crate::model::MethodDef {
    crate::model::MethodDef {
        path: String::new(),
        method: String::new(),
        name: String::new(),
        allowtoken: None,
        protected: None,
        proxyto: None,
        download_allowed: None,
        expose_credentials: None,
        parameters: PropDef::default(),
        returns: PropDef::default(),
        permissions: None,
        other: Default::default(),
    }
}

/// Calls `f` on every definition below every method's parameters (not the parameter object
/// itself, which never carries a `type`) and returns, including nested properties, array
/// items, inline property-string sub-keys, `oneOf` variants and map value schemas.
pub fn for_each_def(schema: &mut ApiSchema, f: &mut dyn FnMut(&mut PropDef) -> usize) -> usize {
    let mut hits = 0;
    for method in &mut schema.methods {
        if let Some(props) = &mut method.parameters.properties {
            for def in props.values_mut() {
                hits += visit(def, f);
            }
        }
        hits += visit(&mut method.returns, f);
    }
    hits
}

fn visit(def: &mut PropDef, f: &mut dyn FnMut(&mut PropDef) -> usize) -> usize {
    let mut hits = f(def);
    if let Some(props) = &mut def.properties {
        for d in props.values_mut() {
            hits += visit(d, f);
        }
    }
    if let Some(Format::Inline(keys)) = &mut def.format {
        for d in keys.values_mut() {
            hits += visit(d, f);
        }
    }
    if let Some(items) = &mut def.items {
        hits += visit(items, f);
    }
    if let Some(variants) = &mut def.one_of {
        for d in variants {
            hits += visit(d, f);
        }
    }
    if let Some(Additional::Schema(inner)) = &mut def.additional_properties {
        hits += visit(inner, f);
    }
    hits
}

fn perl_regex_wrapper(schema: &mut ApiSchema) -> usize {
    for_each_def(schema, &mut |def| match &def.pattern {
        Some(p) if p.starts_with("(?^") => {
            def.pattern = Some(format!("(?{}", &p[3..]));
            1
        }
        _ => 0,
    })
}

fn string_to_number(v: &mut Option<Value>) -> usize {
    let Some(Value::String(s)) = v else { return 0 };
    let parsed = s
        .trim()
        .parse::<i64>()
        .map(Value::from)
        .or_else(|_| s.trim().parse::<f64>().map(Value::from));
    match parsed {
        Ok(n) => {
            *v = Some(n);
            1
        }
        Err(_) => 0,
    }
}

fn numbers_as_strings(schema: &mut ApiSchema) -> usize {
    for_each_def(schema, &mut |def| {
        string_to_number(&mut def.minimum)
            + string_to_number(&mut def.maximum)
            + string_to_number(&mut def.min_length)
            + string_to_number(&mut def.max_length)
    })
}

fn string_flag(v: &mut Option<Value>) -> usize {
    let Some(Value::String(s)) = v else { return 0 };
    let flag = match s.trim() {
        "1" => 1,
        "0" | "" => 0,
        _ => return 0,
    };
    *v = Some(Value::from(flag));
    1
}

fn flags_as_strings(schema: &mut ApiSchema) -> usize {
    for_each_def(schema, &mut |def| {
        string_flag(&mut def.optional) + string_flag(&mut def.default_key)
    })
}

fn untyped_definitions(schema: &mut ApiSchema) -> usize {
    for_each_def(schema, &mut |def| {
        if def.ty.is_some() || def.alias.is_some() {
            return 0;
        }
        let inferred = if def.properties.is_some()
            || matches!(def.additional_properties, Some(Additional::Schema(_)))
        {
            "object"
        } else if def.items.is_some() {
            "array"
        } else if def.enum_values.is_some() || def.pattern.is_some() || def.format.is_some() {
            "string"
        } else {
            "any"
        };
        def.ty = Some(inferred.into());
        1
    })
}

fn array_without_items(schema: &mut ApiSchema) -> usize {
    for_each_def(schema, &mut |def| {
        if def.ty.as_deref() == Some("array") && def.items.is_none() {
            def.items = Some(Box::new(PropDef {
                ty: Some("any".into()),
                ..PropDef::default()
            }));
            1
        } else {
            0
        }
    })
}

fn privilege_not_a_list(schema: &mut ApiSchema) -> usize {
    fn fix(check: &mut Value) -> usize {
        let Value::Array(items) = check else { return 0 };
        match items.first().and_then(Value::as_str) {
            Some("and" | "or") => items.iter_mut().skip(1).map(fix).sum(),
            Some("perm") => match items.get_mut(2) {
                Some(privs @ Value::String(_)) => {
                    *privs = Value::Array(vec![privs.take()]);
                    1
                }
                _ => 0,
            },
            _ => 0,
        }
    }
    schema
        .methods
        .iter_mut()
        .filter_map(|m| m.permissions.as_mut().and_then(|p| p.check.as_mut()))
        .map(fix)
        .sum()
}
