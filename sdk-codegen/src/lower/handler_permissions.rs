//! `handler-permissions.json` folded into the endpoints' permissions: the checks a handler
//! makes in its own code join the schema's check (`and`), or stand alone where the schema says
//! only `user: all`. Either way the endpoint's permission becomes [`Permission::InHandler`],
//! naming where the handler makes its part.

use std::collections::BTreeMap;

use super::LowerError;
use super::permissions::check_of;
use crate::ir::{Check, Endpoint, Permission};
use crate::model::SchemaSet;

const FILE: &str = "handler-permissions.json";

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
    Ok(())
}
