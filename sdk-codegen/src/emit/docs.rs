//! Rustdoc text, written from schema facts only (never upstream prose).

use serde_json::Value;

use crate::ir::{Check, Endpoint, Facts, Field, Permission, TaskKind, Ty};
use crate::wording::{self, Worded, Words};

/// Where PVE's own API viewer shows a path (the path follows the `#`).
pub(super) const API_VIEWER: &str = "https://pve.proxmox.com/pve-docs/api-viewer/index.html#";

/// The `#[doc(alias)]`es of an endpoint type, so rustdoc's search finds it by what a user
/// knows: `GET /nodes/{node}/status`, the bare path, and the upstream handler (`create_vm`).
pub(super) fn aliases(e: &Endpoint) -> Vec<String> {
    vec![
        format!("{} {}", e.method, e.path),
        e.path.clone(),
        e.handler.clone(),
    ]
}

/// `#[doc = "..."]` lines for an endpoint type.
pub(super) fn endpoint(e: &Endpoint) -> Vec<String> {
    let mut lines = vec![format!("`{} {}`", e.method, e.path), String::new()];
    lines.push(format!("**Permission:** {}", permission(&e.permission)));
    if let Permission::InHandler {
        note: Some(note), ..
    } = &e.permission
    {
        lines.push(String::new());
        lines.push(format!("Beyond the line above: {note}"));
    }
    lines.push(String::new());
    lines.push(returns(e));
    let mut notes = Vec::new();
    if let Some(p) = &e.proxy_to {
        notes.push(format!("Runs on the node named by `{p}`."));
    }
    if e.protected {
        notes.push("Protected: pveproxy forwards it to the privileged daemon.".to_string());
    }
    if !e.allow_token {
        notes.push("Not available to API tokens: needs a ticket.".to_string());
    }
    if e.download {
        notes.push("Can stream a file download.".to_string());
    }
    if let Some(call) = &e.sent_by {
        notes.push(format!(
            "PVE takes it only as a `multipart/form-data` stream: send it with `{call}`; it is \
             not an `Endpoint`, so `Client::send` does not accept it."
        ));
    }
    if e.additional_params {
        notes.push(
            "Accepts parameters beyond the listed ones (set them with `extra_param`).".to_string(),
        );
    }
    if !notes.is_empty() {
        lines.push(String::new());
        lines.push(notes.join(" "));
    }
    lines.push(String::new());
    lines.push(format!(
        "Upstream handler name: `{}`. In the PVE API viewer: [{}]({API_VIEWER}{}).",
        e.handler, e.path, e.path
    ));
    if let Some(since) = &e.since {
        lines.push(String::new());
        lines.push(since.clone());
    }
    lines
}

fn returns(e: &Endpoint) -> String {
    match (e.task, &e.response) {
        (TaskKind::Upid, _) => {
            "**Returns** the UPID of the task it starts; wait for it with `wait_task`.".into()
        }
        (TaskKind::UpidOrOther, _) => {
            "**Returns** a UPID when it starts a task; in documented cases (nothing to do \
             on this node, or the task finished within the call's delay) it returns no UPID."
                .into()
        }
        (TaskKind::NullButForks, _) => {
            "**Returns** nothing, but starts a background task whose UPID it does not \
             return; watch the guest's config or the task list."
                .into()
        }
        (TaskKind::None, Ty::Unit) => "**Returns** nothing.".into(),
        (TaskKind::None, ty) => format!("**Returns** {}.", type_phrase(ty)),
    }
}

/// A short phrase naming a type, with a rustdoc link for generated types.
pub(super) fn type_phrase(ty: &Ty) -> String {
    match ty {
        Ty::Named(_, name) => format!("[`{name}`]"),
        Ty::Vec(inner) => format!("a list of {}", type_phrase(inner)),
        Ty::List(inner) => format!("a comma-separated list of {}", type_phrase(inner)),
        Ty::Map(inner) => format!("a map of names to {}", type_phrase(inner)),
        Ty::Value => "JSON the schema does not describe".into(),
        Ty::Bool => "a boolean".into(),
        Ty::U32 | Ty::U64 | Ty::I64 => "an integer".into(),
        Ty::F64 => "a number".into(),
        Ty::String => "a string".into(),
        Ty::Unit => "nothing".into(),
        Ty::Upid => "a UPID".into(),
        Ty::TaskStarted => "a UPID or a documented non-task answer".into(),
    }
}

/// One line describing a permission requirement (worded by [`crate::wording`], which the
/// SDK's runtime shares).
pub(crate) fn permission(p: &Permission) -> String {
    match p {
        Permission::Check(c) => wording::check(c, &|path| path.to_owned()),
        Permission::AnyUser => format!("{}.", wording::ANY_USER),
        Permission::World => format!("{}.", wording::WORLD),
        Permission::RootOnly => format!("{}.", wording::ROOT_ONLY),
        Permission::InHandler { check, source, .. } => format!(
            "{}.",
            wording::in_handler(&wording::check(check, &|path| path.to_owned()), source)
        ),
    }
}

/// The names as `&str`s.
fn names(privileges: &[String]) -> Vec<&str> {
    privileges.iter().map(String::as_str).collect()
}

impl Worded for Check {
    fn words(&self) -> Words<'_, Self> {
        match self {
            Check::Perm {
                path,
                privileges,
                any,
                require_param,
            } => Words::Perm {
                path,
                privileges: names(privileges),
                any: *any,
                require_param: require_param.as_deref(),
            },
            Check::And(checks) => Words::And(checks),
            Check::Or(checks) => Words::Or(checks),
            Check::UseridGroup {
                privileges,
                groups_param,
            } => Words::UseridGroup {
                privileges: names(privileges),
                groups_param: groups_param.as_deref(),
            },
            Check::UseridParam(what) => Words::UseridParam(what),
            Check::PermModify(path) => Words::PermModify(path),
            Check::When { param, check } => Words::When { param, check },
        }
    }
}

/// The HTML anchor of a format's entry on the glossary page.
pub(super) fn glossary_anchor(format: &str) -> String {
    format!("format-{format}")
}

fn num(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `#[doc]` text for a field: the wire name and every constraint the schema states.
pub(super) fn field(f: &Field) -> String {
    let wire = match f.indexed_max {
        Some(max) => format!("`{w}0` to `{w}{max}`", w = f.wire),
        None => format!("`{}`", f.wire),
    };
    let mut parts = vec![facts(&f.facts)];
    if f.optional && f.indexed_max.is_none() {
        parts.push("optional".into());
    }
    let parts: Vec<String> = parts.into_iter().filter(|p| !p.is_empty()).collect();
    format!("{wire}: {}.", parts.join("; "))
}

/// Constraint text for a definition (`integer, 100 to 999999999, format pve-vmid, default 0`).
pub(super) fn facts(f: &Facts) -> String {
    let mut out = Vec::new();
    if !f.ty.is_empty() {
        out.push(f.ty.clone());
    }
    match (&f.minimum, &f.maximum) {
        (Some(lo), Some(hi)) => out.push(format!("{} to {}", num(lo), num(hi))),
        (Some(lo), None) => out.push(format!("at least {}", num(lo))),
        (None, Some(hi)) => out.push(format!("at most {}", num(hi))),
        (None, None) => {}
    }
    match (&f.min_length, &f.max_length) {
        (Some(lo), Some(hi)) => out.push(format!("{} to {} characters", num(lo), num(hi))),
        (Some(lo), None) => out.push(format!("at least {} characters", num(lo))),
        (None, Some(hi)) => out.push(format!("at most {} characters", num(hi))),
        (None, None) => {}
    }
    match &f.format {
        Some(fmt) if f.format_explained => out.push(format!(
            "format [`{fmt}`](super::glossary#{})",
            glossary_anchor(fmt)
        )),
        Some(fmt) => out.push(format!("format `{fmt}`")),
        None => {}
    }
    if !f.enum_values.is_empty() {
        let values: Vec<String> = f.enum_values.iter().map(|v| format!("`{v}`")).collect();
        out.push(format!("one of {}", values.join(", ")));
    }
    if let Some(p) = &f.pattern {
        // PVE matches the pattern against the whole value (`^…$`).
        let regex = p.replace('`', "'");
        out.push(match super::pattern::describe(p) {
            Some(shape) => format!("shaped as {shape} (the whole value matches `{regex}`)"),
            None => format!("the whole value matches the Perl regular expression `{regex}`"),
        });
    }
    if let Some(d) = &f.default {
        out.push(format!("default `{}`", num(d).replace('`', "'")));
    }
    if let Some(r) = &f.requires {
        out.push(format!("requires `{r}`"));
    }
    if let Some(r) = &f.renderer {
        out.push(format!("unit: {r}"));
    }
    if !f.instance_types.is_empty() {
        out.push(format!("only for type {}", f.instance_types.join(", ")));
    }
    out.join(", ")
}
