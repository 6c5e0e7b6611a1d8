//! Permission blocks → [`Permission`], and the privilege list.

use std::collections::BTreeSet;

use serde_json::Value;

use super::LowerError;
use crate::ir::{Check, Permission};
use crate::model::{PermissionsDef, SchemaSet};

/// Lowers a method's `permissions` block (absent: root only).
pub(super) fn lower(perms: Option<&PermissionsDef>, site: &str) -> Result<Permission, LowerError> {
    let Some(perms) = perms else {
        return Ok(Permission::RootOnly);
    };
    match (&perms.check, perms.user.as_deref()) {
        (Some(check), _) => Ok(Permission::Check(check_of(check, site)?)),
        (None, Some("all")) => Ok(Permission::AnyUser),
        (None, Some("world")) => Ok(Permission::World),
        (None, Some(other)) => Err(LowerError::new(
            site,
            format!("unknown permissions.user `{other}`"),
        )),
        (None, None) => Err(LowerError::new(
            site,
            "permissions block with neither `check` nor `user`",
        )),
    }
}

pub(super) fn check_of(v: &Value, site: &str) -> Result<Check, LowerError> {
    let bad = |what: &str| LowerError::new(site, format!("permission check {what}: {v}"));
    let items = v.as_array().ok_or_else(|| bad("is not an array"))?;
    let head = items
        .first()
        .and_then(Value::as_str)
        .ok_or_else(|| bad("has no operator"))?;
    let rest = &items[1..];
    match head {
        "and" | "or" => {
            let subs = rest
                .iter()
                .map(|c| check_of(c, site))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(if head == "and" {
                Check::And(subs)
            } else {
                Check::Or(subs)
            })
        }
        "perm" => {
            let path = rest
                .first()
                .and_then(Value::as_str)
                .ok_or_else(|| bad("has no ACL path"))?;
            let privileges = privs(rest.get(1), site, v)?;
            let opts = options(&rest[2.min(rest.len())..], site, v)?;
            let mut any = false;
            let mut require_param = None;
            for (k, val) in opts {
                match k.as_str() {
                    "any" => any = super::shared::truthy(Some(&val)),
                    "require_param" => require_param = val.as_str().map(str::to_string),
                    other => return Err(bad(&format!("has unknown option `{other}`"))),
                }
            }
            Ok(Check::Perm {
                path: path.to_string(),
                privileges,
                any,
                require_param,
            })
        }
        "userid-group" => {
            let privileges = privs(rest.first(), site, v)?;
            let mut groups_param = None;
            for (k, val) in options(&rest[1.min(rest.len())..], site, v)? {
                match k.as_str() {
                    "groups_param" => groups_param = val.as_str().map(str::to_string),
                    other => return Err(bad(&format!("has unknown option `{other}`"))),
                }
            }
            Ok(Check::UseridGroup {
                privileges,
                groups_param,
            })
        }
        "userid-param" => {
            let what = rest
                .first()
                .and_then(Value::as_str)
                .ok_or_else(|| bad("has no argument"))?;
            Ok(Check::UseridParam(what.to_string()))
        }
        "perm-modify" => {
            let path = rest
                .first()
                .and_then(Value::as_str)
                .ok_or_else(|| bad("has no path"))?;
            Ok(Check::PermModify(path.to_string()))
        }
        "when" => {
            let (Some(param), Some(inner), 2) = (
                rest.first().and_then(Value::as_str),
                rest.get(1),
                rest.len(),
            ) else {
                return Err(bad("is not `[\"when\", param, check]`"));
            };
            Ok(Check::When {
                param: param.to_string(),
                check: Box::new(check_of(inner, site)?),
            })
        }
        other => Err(bad(&format!("has unknown operator `{other}`"))),
    }
}

fn privs(v: Option<&Value>, site: &str, whole: &Value) -> Result<Vec<String>, LowerError> {
    let list = v.and_then(Value::as_array).ok_or_else(|| {
        LowerError::new(
            site,
            format!("permission check has no privilege list: {whole}"),
        )
    })?;
    list.iter()
        .map(|p| {
            p.as_str()
                .map(str::to_string)
                .ok_or_else(|| LowerError::new(site, format!("privilege is not a string: {whole}")))
        })
        .collect()
}

fn options(rest: &[Value], site: &str, whole: &Value) -> Result<Vec<(String, Value)>, LowerError> {
    if rest.len() % 2 != 0 {
        return Err(LowerError::new(
            site,
            format!("permission check options are not key/value pairs: {whole}"),
        ));
    }
    rest.chunks(2)
        .map(|pair| match &pair[0] {
            Value::String(k) => Ok((k.clone(), pair[1].clone())),
            _ => Err(LowerError::new(
                site,
                format!("permission check option key is not a string: {whole}"),
            )),
        })
        .collect()
}

fn collect(check: &Check, out: &mut BTreeSet<String>) {
    match check {
        Check::Perm { privileges, .. } | Check::UseridGroup { privileges, .. } => {
            out.extend(privileges.iter().cloned())
        }
        Check::And(c) | Check::Or(c) => c.iter().for_each(|c| collect(c, out)),
        Check::UseridParam(p) if p.contains('.') => {
            out.insert(p.clone());
        }
        Check::When { check, .. } => collect(check, out),
        Check::UseridParam(_) | Check::PermModify(_) => {}
    }
}

/// The privileges of the `Privilege` enum: the reviewed list plus any name a check uses. In
/// strict mode a check naming a privilege missing from the list is an error.
pub(super) fn privilege_names(set: &SchemaSet, strict: bool) -> Result<Vec<String>, LowerError> {
    let listed: BTreeSet<String> = set.privileges.privileges.iter().cloned().collect();
    let mut used = BTreeSet::new();
    for m in &set.api.methods {
        let site = format!("{} {}", m.method, m.path);
        match lower(m.permissions.as_ref(), &site) {
            Ok(Permission::Check(c)) => collect(&c, &mut used),
            Ok(_) => {}
            // Reported (or refused) when the endpoint is lowered.
            Err(_) if !strict => {}
            Err(e) => return Err(e),
        }
    }
    if strict {
        if let Some(missing) = used.difference(&listed).next() {
            return Err(LowerError::new(
                "privileges.json",
                format!("the schema's checks name `{missing}`, which the list lacks"),
            ));
        }
    }
    Ok(listed.union(&used).cloned().collect())
}
