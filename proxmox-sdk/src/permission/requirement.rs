//! [`Permission`] and [`Check`]: an endpoint's requirement, as the schema states it.

use std::fmt;

use super::wording::{self, Worded, Words};
use crate::api::Privilege;

/// Who may call an endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Permission {
    /// The privilege check PVE runs before the handler.
    Check(Check),
    /// Any authenticated user may call it; the handler checks what it needs (`user: all`).
    AnyUser,
    /// Anyone, even without authentication (`user: world`).
    World,
    /// No `permissions` block: only `root@pam` may call it.
    RootOnly,
    /// The schema's check (or, where the schema says only `user: all`, nothing) together with
    /// what the handler checks in its own code, from the reviewed
    /// `schema/handler-permissions.json`.
    InHandler {
        /// The whole requirement.
        check: Check,
        /// Where the handler makes its part (`qemu-server src/PVE/API2/Qemu.pm, create_vm`).
        source: &'static str,
    },
}

/// A permission check expression (the `check` array of the schema).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    /// `["perm", path, [privs], "any", 1, "require_param", p]`: the privileges on the ACL path.
    Perm {
        /// ACL path template, e.g. `/vms/{vmid}`; `{name}` refers to a request parameter,
        /// `{name:target}` to the target storages of a storage-map parameter
        /// (`/storage/{targetstorage:target}`: `local:ceph` → `/storage/ceph`).
        path: &'static str,
        /// The privileges named by the check, by name (see [`Check::privileges`]).
        privileges: &'static [&'static str],
        /// `true`: any one of them suffices; `false`: all are required.
        any: bool,
        /// The check applies only when this parameter is present.
        require_param: Option<&'static str>,
    },
    /// Every sub-check must pass.
    And(&'static [Check]),
    /// At least one sub-check must pass.
    Or(&'static [Check]),
    /// `["userid-group", [privs], "groups_param", mode]`: any of the privileges on a group of
    /// the user named by `userid` (or on `/access/groups`).
    UseridGroup {
        /// The privileges named by the check, by name (see [`Check::privileges`]).
        privileges: &'static [&'static str],
        /// How the request's `groups` parameter is checked as well (`create` or `update`).
        groups_param: Option<&'static str>,
    },
    /// `["userid-param", "self"]` or `["userid-param", "Realm.AllocateUser"]`.
    UseridParam(&'static str),
    /// `["perm-modify", path]`: the caller must be allowed to change permissions on the path.
    PermModify(&'static str),
    /// A handler check that applies only when the request carries `param` (for example
    /// `Datastore.AllocateSpace` on `/storage/{storage}` when a target storage is given).
    When {
        /// The parameter.
        param: &'static str,
        /// The check.
        check: &'static Check,
    },
}

impl Permission {
    /// Every privilege the requirement names anywhere (deduplicated, in order of appearance).
    pub fn privileges(&self) -> Vec<Privilege> {
        let mut out = Vec::new();
        if let Some(check) = self.check() {
            check.collect_privileges(&mut out);
        }
        out
    }

    /// The check expression: the schema's, or the folded one of [`Permission::InHandler`].
    pub fn check(&self) -> Option<&Check> {
        match self {
            Permission::Check(check) | Permission::InHandler { check, .. } => Some(check),
            _ => None,
        }
    }

    /// The requirement with `{param}` placeholders in ACL paths replaced by `lookup(param)`.
    /// Placeholders whose parameter is unknown stay as they are.
    pub fn resolve(&self, lookup: &dyn Fn(&str) -> Option<String>) -> String {
        match self {
            Permission::Check(check) => wording::check(check, &|path| substitute(path, lookup)),
            Permission::InHandler { check, source } => wording::in_handler(
                &wording::check(check, &|path| substitute(path, lookup)),
                source,
            ),
            other => other.to_string(),
        }
    }
}

impl Check {
    /// The privileges this check names directly (not those of nested `and`/`or` checks).
    pub fn privileges(&self) -> Vec<Privilege> {
        match self {
            Check::Perm { privileges, .. } | Check::UseridGroup { privileges, .. } => {
                privileges.iter().map(|p| privilege(p)).collect()
            }
            _ => Vec::new(),
        }
    }

    fn collect_privileges(&self, out: &mut Vec<Privilege>) {
        let mut add = |privs: &[&str]| {
            for p in privs.iter().map(|p| privilege(p)) {
                if !out.contains(&p) {
                    out.push(p);
                }
            }
        };
        match self {
            Check::Perm { privileges, .. } | Check::UseridGroup { privileges, .. } => {
                add(privileges)
            }
            Check::And(checks) | Check::Or(checks) => {
                for c in *checks {
                    c.collect_privileges(out);
                }
            }
            Check::When { check, .. } => check.collect_privileges(out),
            Check::UseridParam(_) | Check::PermModify(_) => {}
        }
    }
}

pub(super) fn privilege(name: &str) -> Privilege {
    match name.parse() {
        Ok(p) => p,
        Err(never) => match never {},
    }
}

pub(super) fn substitute(template: &str, lookup: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let name = &rest[open + 1..open + close];
        out.push_str(&rest[..open]);
        let value = super::placeholder::single_value(name, lookup);
        match value {
            Some(v) => out.push_str(&v),
            None => out.push_str(&rest[open..=open + close]),
        }
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Permission::Check(check) => check.fmt(f),
            Permission::AnyUser => f.write_str(wording::ANY_USER),
            Permission::World => f.write_str(wording::WORLD),
            Permission::RootOnly => f.write_str(wording::ROOT_ONLY),
            Permission::InHandler { check, source } => {
                f.write_str(&wording::in_handler(&check.to_string(), source))
            }
        }
    }
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&wording::check(self, &|path| path.to_owned()))
    }
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
                privileges: privileges.to_vec(),
                any: *any,
                require_param: *require_param,
            },
            Check::And(checks) => Words::And(checks),
            Check::Or(checks) => Words::Or(checks),
            Check::UseridGroup {
                privileges,
                groups_param,
            } => Words::UseridGroup {
                privileges: privileges.to_vec(),
                groups_param: *groups_param,
            },
            Check::UseridParam(what) => Words::UseridParam(what),
            Check::PermModify(path) => Words::PermModify(path),
            Check::When { param, check } => Words::When { param, check },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static VM_AUDIT: [&str; 1] = ["VM.Audit"];
    static DISK_OR_CPU: [&str; 2] = ["VM.Config.Disk", "VM.Config.CPU"];
    static BOTH: [Check; 2] = [
        Check::Perm {
            path: "/vms/{vmid}",
            privileges: &VM_AUDIT,
            any: false,
            require_param: None,
        },
        Check::Perm {
            path: "/storage/{storage}",
            privileges: &DISK_OR_CPU,
            any: true,
            require_param: Some("storage"),
        },
    ];

    #[test]
    fn renders_and_resolves_paths() {
        let p = Permission::Check(Check::And(&BOTH));
        assert_eq!(
            p.to_string(),
            "(`VM.Audit` on `/vms/{vmid}`) and (`VM.Config.Disk` or `VM.Config.CPU` on `/storage/{storage}` (when `storage` is given))"
        );
        let resolved = p.resolve(&|name| (name == "vmid").then(|| "100".to_string()));
        assert!(
            resolved.starts_with("(`VM.Audit` on `/vms/100`) and (`VM.Config.Disk` or `VM.Config.CPU` on `/storage/{storage}`"),
            "{resolved}"
        );
        assert_eq!(
            p.privileges(),
            vec![
                Privilege::VmAudit,
                Privilege::VmConfigDisk,
                Privilege::VmConfigCpu
            ]
        );
        assert_eq!(Permission::RootOnly.to_string(), "`root@pam` only");
        let monitor = Check::Perm {
            path: "/",
            privileges: &["VM.Monitor"],
            any: false,
            require_param: None,
        };
        assert_eq!(
            monitor.privileges(),
            vec![Privilege::UnknownValue("VM.Monitor".into())]
        );
    }
}
