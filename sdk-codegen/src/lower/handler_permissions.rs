//! `handler-permissions.json` folded into the endpoints' permissions: the checks a handler
//! makes in its own code join the schema's check (`and`), or stand alone where the schema says
//! only `user: all`. Either way the endpoint's permission becomes [`Permission::InHandler`],
//! naming where the handler makes its part.

use std::collections::BTreeMap;

use super::LowerError;
use super::permissions::check_of;
use crate::ir::{Check, Endpoint, Permission};
use crate::model::{Format, MethodDef, SchemaSet};

const FILE: &str = "handler-permissions.json";

/// The one placeholder modifier: `{param:target}` stands for the target storage of each item
/// of a storage map (`dst` or `src:dst` → `dst`); the SDK's `required_permissions()` reads it.
const TARGET: &str = "target";

/// The only format `{param:target}` may read.
const STORAGE_MAP: &str = "storage-pair-list";

/// Folds every entry into its endpoint. With `strict`, an entry naming no method, a method
/// named twice, or an entry for a method the schema already restricts to `root@pam` or opens
/// to the world is an error naming the entry.
pub(super) fn fold(
    set: &SchemaSet,
    endpoints: &mut [Endpoint],
    strict: bool,
) -> Result<(), LowerError> {
    let Some(file) = &set.handler_permissions else {
        return Ok(());
    };
    let mut by_site: BTreeMap<(String, String), usize> = BTreeMap::new();
    for (i, e) in endpoints.iter().enumerate() {
        by_site.insert((e.method.as_str().to_string(), e.path.clone()), i);
    }
    let mut seen = BTreeMap::new();
    for entry in &file.methods {
        let site = format!("{FILE}: {} {}", entry.method, entry.path);
        let key = (entry.method.clone(), entry.path.clone());
        let Some(&i) = by_site.get(&key) else {
            if strict {
                return Err(LowerError::new(site, "names no method of the schema"));
            }
            continue;
        };
        if seen.insert(key, ()).is_some() && strict {
            return Err(LowerError::new(site, "names the method a second time"));
        }
        let handler = check_of(&entry.check, &site)?;
        if let Some(def) = method_def(set, &entry.method, &entry.path) {
            placeholders(&handler, def, &site)?;
        }
        let e = &mut endpoints[i];
        let check = match &e.permission {
            Permission::AnyUser => handler,
            Permission::Check(schema) => Check::And(vec![schema.clone(), handler]),
            Permission::InHandler { .. } => continue,
            other if strict => {
                return Err(LowerError::new(
                    site,
                    format!("the schema's permission is {other:?}, which a handler cannot widen"),
                ));
            }
            _ => continue,
        };
        e.permission = Permission::InHandler {
            check,
            source: entry.source.clone(),
            note: entry.note.clone(),
        };
    }
    if strict {
        for r in &file.reviewed {
            let site = format!("{FILE}: reviewed {} {}", r.method, r.path);
            let key = (r.method.clone(), r.path.clone());
            if !by_site.contains_key(&key) {
                return Err(LowerError::new(site, "names no method of the schema"));
            }
            if seen.contains_key(&key) {
                return Err(LowerError::new(site, "has a check entry as well"));
            }
        }
    }
    Ok(())
}

fn method_def<'a>(set: &'a SchemaSet, method: &str, path: &str) -> Option<&'a MethodDef> {
    set.api
        .methods
        .iter()
        .find(|m| m.method == method && m.path == path)
}

/// Every `{name}` of the check's ACL paths names a parameter of the method, and every
/// `{name:target}` a storage map (format `storage-pair-list`); anything else is an error.
fn placeholders(check: &Check, def: &MethodDef, site: &str) -> Result<(), LowerError> {
    match check {
        Check::Perm { path, .. } => {
            for piece in path.split('{').skip(1) {
                let name = piece.split('}').next().unwrap_or_default();
                placeholder(name, def, site)?;
            }
            Ok(())
        }
        Check::And(checks) | Check::Or(checks) => {
            checks.iter().try_for_each(|c| placeholders(c, def, site))
        }
        Check::When { check, .. } => placeholders(check, def, site),
        _ => Ok(()),
    }
}

fn placeholder(name: &str, def: &MethodDef, site: &str) -> Result<(), LowerError> {
    let (param, modifier) = match name.split_once(':') {
        Some((param, modifier)) => (param, Some(modifier)),
        None => (name, None),
    };
    let prop = def
        .parameters
        .properties
        .as_ref()
        .and_then(|props| props.get(param))
        .ok_or_else(|| {
            LowerError::new(
                site,
                format!("ACL path placeholder `{{{name}}}`: no parameter `{param}`"),
            )
        })?;
    match modifier {
        None => Ok(()),
        Some(TARGET) if matches!(&prop.format, Some(Format::Named(f)) if f == STORAGE_MAP) => {
            Ok(())
        }
        Some(TARGET) => Err(LowerError::new(
            site,
            format!(
                "`{{{name}}}`: `:{TARGET}` reads a `{STORAGE_MAP}` parameter, `{param}` is not one"
            ),
        )),
        Some(other) => Err(LowerError::new(
            site,
            format!("`{{{name}}}`: unknown placeholder modifier `:{other}` (only `:{TARGET}`)"),
        )),
    }
}
