//! The comparison itself: endpoints by `METHOD /path`, named types by `(module, name)`, fields
//! by Rust identifier, variants by Rust name.

use std::collections::BTreeMap;

use super::{Change, EndpointCounts, Kind, permission};
use crate::ir::{Api, Endpoint, Field, TaskKind, Ty, TypeDef};
use crate::naming;

pub(super) fn compare(old: &Api, new: &Api) -> (Vec<Change>, EndpointCounts) {
    let mut out = Vec::new();
    let mut counts = EndpointCounts::default();
    let index = |api: &Api| -> BTreeMap<String, usize> {
        api.endpoints
            .iter()
            .enumerate()
            .map(|(i, e)| (site(e), i))
            .collect()
    };
    let (oi, ni) = (index(old), index(new));
    for (key, &n) in &ni {
        let e = &new.endpoints[n];
        match oi.get(key) {
            None => {
                counts.added += 1;
                out.push(
                    Change::new(Kind::EndpointAdded, item(e), "endpoint added".into()).at(key),
                );
            }
            Some(&o) => {
                let before = out.len();
                endpoint(&old.endpoints[o], e, &mut out);
                if out.len() > before {
                    counts.changed += 1;
                }
            }
        }
    }
    for (key, &o) in &oi {
        if !ni.contains_key(key) {
            counts.removed += 1;
            let e = &old.endpoints[o];
            out.push(
                Change::new(Kind::EndpointRemoved, item(e), "endpoint removed".into()).at(key),
            );
        }
    }
    types(old, new, &mut out);
    privileges(&old.privileges, &new.privileges, &mut out);
    (out, counts)
}

fn site(e: &Endpoint) -> String {
    format!("{} {}", e.method, e.path)
}

fn item(e: &Endpoint) -> String {
    format!("{}::{}", e.module, e.name)
}

/// The Rust type of a field as the generated code spells it (seen from outside the crate).
pub(super) fn field_rust(f: &Field) -> String {
    let inner = rust(&f.ty);
    match f.indexed_max {
        Some(max) => format!("Indexed<{inner}, {max}>"),
        None if f.optional => format!("Option<{inner}>"),
        None => inner,
    }
}

/// The Rust type of a value.
pub(super) fn rust(t: &Ty) -> String {
    match t {
        Ty::Bool => "bool".into(),
        Ty::U32 => "u32".into(),
        Ty::U64 => "u64".into(),
        Ty::I64 => "i64".into(),
        Ty::F64 => "f64".into(),
        Ty::String => "String".into(),
        Ty::List(i) => format!("List<{}>", rust(i)),
        Ty::Vec(i) => format!("Vec<{}>", rust(i)),
        Ty::Map(i) => format!("BTreeMap<String, {}>", rust(i)),
        Ty::Named(m, n) => format!("{m}::{n}"),
        Ty::Value => "Value".into(),
        Ty::Unit => "()".into(),
        Ty::Upid => "Upid".into(),
        Ty::TaskStarted => "TaskStarted".into(),
    }
}

fn by_ident<'a>(fields: impl Iterator<Item = &'a Field>) -> BTreeMap<&'a str, &'a Field> {
    fields.map(|f| (f.ident.as_str(), f)).collect()
}

fn endpoint(old: &Endpoint, new: &Endpoint, out: &mut Vec<Change>) {
    let at = site(new);
    let owner = item(new);
    let of = by_ident(old.path_params.iter().chain(&old.params));
    let nf = by_ident(new.path_params.iter().chain(&new.params));
    for (id, n) in &nf {
        let name = format!("{owner}::{}", naming::unraw(id));
        match of.get(id) {
            None if n.optional => out.push(
                Change::new(
                    Kind::OptionalParameterAdded,
                    name,
                    format!("optional parameter `{}` added ({})", n.wire, field_rust(n)),
                )
                .at(&at),
            ),
            None => out.push(
                Change::new(
                    Kind::RequiredParameterAdded,
                    name,
                    format!(
                        "required parameter `{}` added: `new()` takes it ({})",
                        n.wire,
                        rust(&n.ty)
                    ),
                )
                .at(&at),
            ),
            Some(o) => parameter(o, n, &name, &at, out),
        }
    }
    for (id, o) in &of {
        if !nf.contains_key(id) {
            let how = if o.optional {
                "its setter and field are gone"
            } else {
                "`new()` no longer takes it"
            };
            out.push(
                Change::new(
                    Kind::ParameterRemoved,
                    format!("{owner}::{}", naming::unraw(id)),
                    format!("parameter `{}` removed: {how}", o.wire),
                )
                .at(&at),
            );
        }
    }
    if old.response != new.response {
        out.push(
            Change::new(
                Kind::ResponseTypeChanged,
                format!("{owner}::Response"),
                format!(
                    "`Response` is now `{}` (was `{}`)",
                    rust(&new.response),
                    rust(&old.response)
                ),
            )
            .values(rust(&old.response), rust(&new.response))
            .at(&at),
        );
    }
    if let Some(c) = permission::change(&old.permission, &new.permission, &owner) {
        out.push(c.at(&at));
    }
    let mut info = Vec::new();
    if old.protected != new.protected {
        info.push(format!("protected: {} → {}", old.protected, new.protected));
    }
    if old.allow_token != new.allow_token {
        info.push(format!(
            "API tokens allowed: {} → {}",
            old.allow_token, new.allow_token
        ));
    }
    if old.proxy_to != new.proxy_to {
        info.push(format!(
            "proxied to the node in: {:?} → {:?}",
            old.proxy_to, new.proxy_to
        ));
    }
    if old.task != new.task {
        info.push(format!("task: {} → {}", task(old.task), task(new.task)));
    }
    if !info.is_empty() {
        out.push(Change::new(Kind::EndpointInfoChanged, owner, info.join("; ")).at(&at));
    }
}

fn task(t: TaskKind) -> &'static str {
    match t {
        TaskKind::None => "none",
        TaskKind::Upid => "returns a UPID",
        TaskKind::UpidOrOther => "returns a UPID or something else",
        TaskKind::NullButForks => "returns null but starts a task",
    }
}

fn parameter(o: &Field, n: &Field, name: &str, at: &str, out: &mut Vec<Change>) {
    let (ot, nt) = (field_rust(o), field_rust(n));
    if o.optional != n.optional && o.indexed_max.is_none() && n.indexed_max.is_none() {
        let (kind, how) = if n.optional {
            (Kind::ParameterBecameOptional, "`new()` no longer takes it")
        } else {
            (Kind::ParameterBecameRequired, "`new()` takes it")
        };
        out.push(
            Change::new(
                kind,
                name.to_string(),
                format!("parameter `{}`: {how}; field `{nt}` (was `{ot}`)", n.wire),
            )
            .values(ot, nt)
            .at(at),
        );
    } else if ot != nt {
        out.push(
            Change::new(
                Kind::ParameterTypeChanged,
                name.to_string(),
                format!("parameter `{}` is now `{nt}` (was `{ot}`)", n.wire),
            )
            .values(ot, nt)
            .at(at),
        );
    }
    if let Some(c) = constraints(o, n, name) {
        out.push(c.at(at));
    }
}

fn constraints(o: &Field, n: &Field, name: &str) -> Option<Change> {
    let (a, b) = (&o.facts, &n.facts);
    let mut what = Vec::new();
    let mut note = |label: &str, x: String, y: String| {
        if x != y {
            what.push(format!("{label} {x} → {y}"));
        }
    };
    let show = |v: &Option<serde_json::Value>| v.as_ref().map_or("-".into(), |v| v.to_string());
    let text = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    note("format", text(&a.format), text(&b.format));
    note("pattern", text(&a.pattern), text(&b.pattern));
    note("minimum", show(&a.minimum), show(&b.minimum));
    note("maximum", show(&a.maximum), show(&b.maximum));
    note("minLength", show(&a.min_length), show(&b.min_length));
    note("maxLength", show(&a.max_length), show(&b.max_length));
    note("default", show(&a.default), show(&b.default));
    note("requires", text(&a.requires), text(&b.requires));
    if o.secret != n.secret {
        what.push(format!("hidden from Debug: {} → {}", o.secret, n.secret));
    }
    (!what.is_empty()).then(|| {
        Change::new(
            Kind::ConstraintsChanged,
            name.to_string(),
            format!("`{}`: {}", n.wire, what.join("; ")),
        )
    })
}

fn kind_word(t: &TypeDef) -> &'static str {
    match t {
        TypeDef::Struct(_) => "a struct",
        TypeDef::Enum(_) => "an enum",
        TypeDef::PropertyString(_) => "a property string",
    }
}

fn types(old: &Api, new: &Api, out: &mut Vec<Change>) {
    for ((m, name), n) in &new.types {
        let path = format!("{m}::{name}");
        match old.types.get(&(m.clone(), name.clone())) {
            None => out.push(Change::new(
                Kind::TypeAdded,
                path,
                format!("{} added", kind_word(n).split_once(' ').map_or("", |x| x.1)),
            )),
            Some(o) => type_def(o, n, &path, out),
        }
    }
    for ((m, name), o) in &old.types {
        if !new.types.contains_key(&(m.clone(), name.clone())) {
            out.push(Change::new(
                Kind::TypeRemoved,
                format!("{m}::{name}"),
                format!(
                    "{} removed",
                    kind_word(o).split_once(' ').map_or("", |x| x.1)
                ),
            ));
        }
    }
}

fn type_def(o: &TypeDef, n: &TypeDef, path: &str, out: &mut Vec<Change>) {
    match (o, n) {
        (TypeDef::Struct(a), TypeDef::Struct(b)) => fields(&a.fields, &b.fields, path, false, out),
        (TypeDef::PropertyString(a), TypeDef::PropertyString(b)) => {
            fields(&a.fields, &b.fields, path, true, out)
        }
        (TypeDef::Enum(a), TypeDef::Enum(b)) => {
            let names = |e: &crate::ir::EnumDef| -> BTreeMap<String, String> {
                e.variants
                    .iter()
                    .map(|(w, v)| (v.clone(), w.clone()))
                    .collect()
            };
            variants(&names(a), &names(b), path, out);
        }
        _ => out.push(
            Change::new(
                Kind::TypeKindChanged,
                path.to_string(),
                format!("now {} (was {})", kind_word(n), kind_word(o)),
            )
            .values(kind_word(o).into(), kind_word(n).into()),
        ),
    }
}

/// Fields of a response struct, or keys of a property string (`keys`).
fn fields(old: &[Field], new: &[Field], path: &str, keys: bool, out: &mut Vec<Change>) {
    let (of, nf) = (by_ident(old.iter()), by_ident(new.iter()));
    let what = if keys { "key" } else { "field" };
    for (id, n) in &nf {
        let name = format!("{path}::{}", naming::unraw(id));
        let Some(o) = of.get(id) else {
            let kind = match (keys, n.optional) {
                (false, _) => Kind::FieldAdded,
                (true, true) => Kind::OptionalKeyAdded,
                (true, false) => Kind::RequiredKeyAdded,
            };
            let ctor = if kind == Kind::RequiredKeyAdded {
                ": `new()` takes it"
            } else {
                ""
            };
            out.push(Change::new(
                kind,
                name,
                format!("{what} `{}` added ({}){ctor}", n.wire, field_rust(n)),
            ));
            continue;
        };
        let (ot, nt) = (field_rust(o), field_rust(n));
        if ot != nt {
            let kind = if keys {
                Kind::KeyTypeChanged
            } else {
                Kind::FieldTypeChanged
            };
            out.push(
                Change::new(
                    kind,
                    name.clone(),
                    format!("{what} `{}` is now `{nt}` (was `{ot}`)", n.wire),
                )
                .values(ot, nt),
            );
        }
        if let Some(c) = constraints(o, n, &name) {
            out.push(c);
        }
    }
    for (id, o) in &of {
        if !nf.contains_key(id) {
            let kind = if keys {
                Kind::KeyRemoved
            } else {
                Kind::FieldRemoved
            };
            out.push(Change::new(
                kind,
                format!("{path}::{}", naming::unraw(id)),
                format!("{what} `{}` removed", o.wire),
            ));
        }
    }
}

/// Variants by Rust name → wire value.
fn variants(
    old: &BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
    path: &str,
    out: &mut Vec<Change>,
) {
    for (v, wire) in new {
        if !old.contains_key(v) {
            out.push(Change::new(
                Kind::VariantAdded,
                format!("{path}::{v}"),
                format!("variant `{v}` (`{wire}`) added"),
            ));
        }
    }
    for (v, wire) in old {
        if !new.contains_key(v) {
            out.push(Change::new(
                Kind::VariantRemoved,
                format!("{path}::{v}"),
                format!(
                    "variant `{v}` (`{wire}`) removed; the value now decodes as `UnknownValue`"
                ),
            ));
        }
    }
}

fn privileges(old: &[String], new: &[String], out: &mut Vec<Change>) {
    let map = |list: &[String]| -> BTreeMap<String, String> {
        list.iter()
            .map(|p| (naming::pascal(p), p.clone()))
            .collect()
    };
    variants(&map(old), &map(new), "Privilege", out);
}
