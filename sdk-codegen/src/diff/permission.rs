//! Permission changes spelled out: which privileges an endpoint's check names, on which ACL
//! path, before and after.

use std::collections::BTreeSet;

use super::{Change, Kind, PrivilegeOnPath};
use crate::emit::docs;
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
    // The same text the endpoint docs show.
    let (old_text, new_text) = (docs::permission(old), docs::permission(new));
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
    detail.push(format!("was {old_text}, now {new_text}"));
    let mut c = Change::new(Kind::PermissionChanged, item.to_string(), detail.join("; "))
        .values(old_text, new_text);
    c.privileges_added = added;
    c.privileges_removed = removed;
    Some(c)
}

/// Every privilege a permission names, with its path.
pub(super) fn privileges(p: &Permission) -> BTreeSet<PrivilegeOnPath> {
    let mut out = BTreeSet::new();
    if let Permission::Check(c) | Permission::InHandler { check: c, .. } = p {
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
        Check::When { check, .. } => collect(check, out),
        Check::UseridParam(_) | Check::PermModify(_) => {}
    }
}
