//! Permission changes spelled out: which privileges an endpoint's check names, on which ACL
//! path, before and after.

use std::collections::BTreeSet;

use super::{Change, Kind, PrivilegeOnPath};
use crate::ir::{Check, Permission};

/// The ACL path reported for `userid-group` checks, which have none of their own.
const USER_GROUP_PATH: &str = "(user/group)";

/// A `permission_changed` change, or `None` when the checks are equal.
pub(super) fn change(old: &Permission, new: &Permission, item: &str) -> Option<Change> {
    if old == new {
        return None;
    }
    let (before, after) = (privileges(old), privileges(new));
    let added: Vec<PrivilegeOnPath> = after.difference(&before).cloned().collect();
    let removed: Vec<PrivilegeOnPath> = before.difference(&after).cloned().collect();
    let (old_text, new_text) = (describe(old), describe(new));
    let mut detail = Vec::new();
    let list = |sign: &str, l: &[PrivilegeOnPath]| -> String {
        let parts: Vec<String> = l
            .iter()
            .map(|p| format!("{sign} {} on {}", p.privilege, p.path))
            .collect();
        parts.join(", ")
    };
    if !removed.is_empty() {
        detail.push(format!("no longer checked: {}", list("-", &removed)));
    }
    if !added.is_empty() {
        detail.push(format!("now checked: {}", list("+", &added)));
    }
    detail.push(format!("was `{old_text}`, now `{new_text}`"));
    let mut c = Change::new(Kind::PermissionChanged, item.to_string(), detail.join("; "))
        .values(old_text, new_text);
    c.privileges_added = added;
    c.privileges_removed = removed;
    Some(c)
}

/// Every privilege a permission names, with its path.
pub(super) fn privileges(p: &Permission) -> BTreeSet<PrivilegeOnPath> {
    let mut out = BTreeSet::new();
    if let Permission::Check(c) = p {
        collect(c, &mut out);
    }
    out
}

fn collect(c: &Check, out: &mut BTreeSet<PrivilegeOnPath>) {
    let mut add = |path: &str, privs: &[String]| {
        for p in privs {
            out.insert(PrivilegeOnPath {
                path: path.to_string(),
                privilege: p.clone(),
            });
        }
    };
    match c {
        Check::Perm {
            path, privileges, ..
        } => add(path, privileges),
        Check::UseridGroup { privileges, .. } => add(USER_GROUP_PATH, privileges),
        Check::And(cs) | Check::Or(cs) => cs.iter().for_each(|c| collect(c, out)),
        Check::UseridParam(_) | Check::PermModify(_) => {}
    }
}

/// A permission as one line of text.
pub fn describe(p: &Permission) -> String {
    match p {
        Permission::Check(c) => check(c),
        Permission::AnyUser => "any authenticated user".into(),
        Permission::World => "anyone, without login".into(),
        Permission::RootOnly => "root@pam only".into(),
    }
}

fn check(c: &Check) -> String {
    match c {
        Check::Perm {
            path,
            privileges,
            any,
            require_param,
        } => {
            let list = privileges.join(", ");
            let what = if *any && privileges.len() > 1 {
                format!("any of {list}")
            } else if privileges.len() > 1 {
                format!("all of {list}")
            } else {
                list
            };
            let when = require_param
                .as_ref()
                .map(|p| format!(" (when `{p}` is given)"))
                .unwrap_or_default();
            format!("{what} on {path}{when}")
        }
        Check::And(cs) => join("and", cs),
        Check::Or(cs) => join("or", cs),
        Check::UseridGroup {
            privileges,
            groups_param,
        } => {
            let g = groups_param
                .as_ref()
                .map(|g| format!(", groups checked for {g}"))
                .unwrap_or_default();
            format!("{} on the user's groups{g}", privileges.join(", "))
        }
        Check::UseridParam(w) => format!("userid-param {w}"),
        Check::PermModify(p) => format!("may modify permissions on {p}"),
    }
}

fn join(op: &str, cs: &[Check]) -> String {
    let parts: Vec<String> = cs.iter().map(check).collect();
    format!("({})", parts.join(&format!(" {op} ")))
}
