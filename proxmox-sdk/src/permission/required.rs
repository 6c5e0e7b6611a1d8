//! [`Required`]: an endpoint's requirement resolved for one concrete request.

use super::placeholder::placeholder_values;
use super::requirement::{privilege, substitute};
use super::wording;
use super::{Check, Permission};
use crate::api::Privilege;

/// What one request needs, with its ACL paths filled in from the request's parameters
/// ([`Endpoint::required_permissions`](crate::Endpoint::required_permissions)).
///
/// * A parameter used in a path and given several values (a `vmid` list, the `vms` of
///   `startall`) needs the privilege on every one of them: [`Required::All`].
/// * A storage map (`targetstorage` of a migration: `dst` or `src:dst` items) needs the
///   privilege on each target storage `dst`; the identity map `1` names none (an empty
///   [`Required::All`]: nothing to hold).
/// * A parameter the request leaves out stays a `{placeholder}` in the path: the server then
///   checks whatever it uses instead (the default backup storage, the storages the disks are
///   on), which the request alone cannot name.
/// * A schema check with `require_param` whose parameter is left out can never pass (PVE
///   refuses it): inside an `or` the alternative is dropped; elsewhere it is an empty
///   [`Required::Any`]. A handler check that applies only with a parameter
///   ([`Check::When`]) is dropped when the parameter is left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Required {
    /// One privilege on one ACL path.
    Privilege {
        /// The ACL path, e.g. `/vms/100`.
        path: String,
        /// The privilege.
        privilege: Privilege,
    },
    /// Every one must hold.
    All(Vec<Required>),
    /// At least one must hold (none can when the list is empty).
    Any(Vec<Required>),
    /// A check on users, groups or the right to change ACLs, which names no single path and
    /// privilege; its wording, with paths filled in.
    Other(String),
    /// Nothing beyond being authenticated (`user: all`).
    AnyUser,
    /// Nothing at all, not even authentication (`user: world`).
    World,
    /// Only `root@pam`.
    RootOnly,
}

impl Required {
    /// `permission` with `{param}` placeholders filled by `lookup` (every value a parameter
    /// has; none when the request leaves it out).
    pub fn of(permission: &Permission, lookup: &dyn Fn(&str) -> Vec<String>) -> Self {
        match permission {
            Permission::Check(check) | Permission::InHandler { check, .. } => {
                resolve(check, lookup).unwrap_or(Required::All(Vec::new()))
            }
            Permission::AnyUser => Required::AnyUser,
            Permission::World => Required::World,
            Permission::RootOnly => Required::RootOnly,
        }
    }

    /// Every `(path, privilege)` pair named anywhere, in order, without repeats (alternatives
    /// included: this is what a role would need to pass every branch).
    pub fn pairs(&self) -> Vec<(String, Privilege)> {
        let mut out = Vec::new();
        self.collect(&mut out);
        out
    }

    fn collect(&self, out: &mut Vec<(String, Privilege)>) {
        match self {
            Required::Privilege { path, privilege } => {
                let pair = (path.clone(), privilege.clone());
                if !out.contains(&pair) {
                    out.push(pair);
                }
            }
            Required::All(items) | Required::Any(items) => {
                items.iter().for_each(|r| r.collect(out));
            }
            Required::Other(_) | Required::AnyUser | Required::World | Required::RootOnly => {}
        }
    }
}

/// The requirement of `check`; `None` when it does not apply to this request (a
/// [`Check::When`] whose parameter is left out).
fn resolve(check: &Check, lookup: &dyn Fn(&str) -> Vec<String>) -> Option<Required> {
    Some(match check {
        Check::Perm {
            path,
            privileges,
            any,
            require_param,
        } => {
            if require_param.is_some_and(|p| lookup(p).is_empty()) {
                return Some(Required::Any(Vec::new()));
            }
            let per_path = paths(path, lookup).into_iter().map(|path| {
                let each = privileges.iter().map(|p| Required::Privilege {
                    path: path.clone(),
                    privilege: privilege(p),
                });
                let each: Vec<Required> = each.collect();
                if *any {
                    one_or(each, Required::Any)
                } else {
                    one_or(each, Required::All)
                }
            });
            one_or(per_path.collect(), Required::All)
        }
        Check::And(checks) => {
            let parts = merged(checks, lookup, |r| match r {
                Required::All(inner) => Ok(inner),
                other => Err(other),
            });
            if parts.is_empty() {
                return None;
            }
            one_or(parts, Required::All)
        }
        Check::Or(checks) => {
            let branches = merged(checks, lookup, |r| match r {
                Required::Any(inner) => Ok(inner),
                other => Err(other),
            });
            one_or(branches, Required::Any)
        }
        Check::When { param, check } => {
            if lookup(param).is_empty() {
                return None;
            }
            return resolve(check, lookup);
        }
        other => {
            let first = |name: &str| lookup(name).into_iter().next();
            Required::Other(wording::check(other, &|path| substitute(path, &first)))
        }
    })
}

/// The sub-checks that apply, each resolved; a group of the same kind (`split` gives its
/// items) is merged into the list rather than nested.
fn merged(
    checks: &[Check],
    lookup: &dyn Fn(&str) -> Vec<String>,
    split: fn(Required) -> Result<Vec<Required>, Required>,
) -> Vec<Required> {
    let mut out = Vec::new();
    for part in checks.iter().filter_map(|c| resolve(c, lookup)) {
        match split(part) {
            Ok(items) => out.extend(items),
            Err(single) => out.push(single),
        }
    }
    out
}

/// A single item as itself, several as `group(items)`.
fn one_or(mut items: Vec<Required>, group: fn(Vec<Required>) -> Required) -> Required {
    if items.len() == 1 {
        items.remove(0)
    } else {
        group(items)
    }
}

/// The concrete paths of a template: one per value of its (first multi-valued) placeholder.
fn paths(template: &str, lookup: &dyn Fn(&str) -> Vec<String>) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let literal = &rest[..open];
        let name = &rest[open + 1..open + close];
        let values = match placeholder_values(name, lookup) {
            // Given, but naming nothing to check (a storage map of `1`): no path at all.
            Some(values) if values.is_empty() => return Vec::new(),
            Some(values) => values,
            None => vec![format!("{{{name}}}")],
        };
        out = out
            .iter()
            .flat_map(|prefix| values.iter().map(move |v| format!("{prefix}{literal}{v}")))
            .collect();
        rest = &rest[open + close + 1..];
    }
    out.into_iter().map(|p| p + rest).collect()
}

/// The `{name}`s of a path template, in order.
pub(crate) fn template_params(template: &str) -> Vec<&str> {
    template
        .split('/')
        .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .collect()
}
