// The one renderer of a permission requirement's wording.
//
// This file is compiled twice: here, where the generator words each endpoint's
// `**Permission:**` doc line, and into proxmox-sdk, whose `build.rs` writes
// `PERMISSION_WORDING_SOURCE` to `$OUT_DIR` and whose `permission` module includes it for the
// `Display` of a check at run time. So the docs and the runtime cannot drift apart. The file
// depends on nothing but `std` and holds no inner attributes or `//!` docs (it is
// `include!`d); its module documentation lives in each including crate.

/// A permission check as far as its wording goes. The generator's IR check and the SDK's
/// `Check` both implement it and render through [`check`].
pub trait Worded: Sized {
    /// The parts of the check its wording names.
    fn words(&self) -> Words<'_, Self>;
}

/// The parts of a check that its wording names (the `check` expression of the schema).
pub enum Words<'a, C> {
    /// The privileges on an ACL path (`perm`).
    Perm {
        /// ACL path template, e.g. `/vms/{vmid}`.
        path: &'a str,
        /// The privilege names.
        privileges: Vec<&'a str>,
        /// Any one suffices (otherwise all are needed).
        any: bool,
        /// The check applies only when this parameter is given.
        require_param: Option<&'a str>,
    },
    /// Every sub-check must pass.
    And(&'a [C]),
    /// At least one sub-check must pass.
    Or(&'a [C]),
    /// Any of the privileges on a group of the user named by `userid` (`userid-group`).
    UseridGroup {
        /// The privilege names.
        privileges: Vec<&'a str>,
        /// How the request's `groups` parameter is checked as well (`create`/`update`).
        groups_param: Option<&'a str>,
    },
    /// `userid-param`: `self`, or the privilege needed on the realm of `userid`.
    UseridParam(&'a str),
    /// `perm-modify`: the right to change permissions on the ACL path.
    PermModify(&'a str),
    /// A check that applies only when the request carries the parameter (handler checks).
    When {
        /// The parameter.
        param: &'a str,
        /// The check.
        check: &'a C,
    },
}

/// The wording of `user: all`.
pub const ANY_USER: &str = "any authenticated user; the handler checks further";
/// The wording of `user: world`.
pub const WORLD: &str = "anyone, without authentication";
/// The wording of an endpoint without a `permissions` block.
pub const ROOT_ONLY: &str = "`root@pam` only";

/// The wording of a requirement the handler (partly) checks in its own code: the check, and
/// where the handler makes it.
pub fn in_handler(check: &str, source: &str) -> String {
    format!("{check} (with what the handler checks in its code: {source})")
}

/// One line describing `check`. `path` spells each ACL path: as the template it is, or with
/// the request's parameters filled in.
pub fn check<C: Worded>(check: &C, path: &dyn Fn(&str) -> String) -> String {
    match check.words() {
        Words::Perm {
            path: template,
            privileges,
            any,
            require_param,
        } => {
            let when = require_param
                .map(|param| format!(" (when `{param}` is given)"))
                .unwrap_or_default();
            let joiner = if any { " or " } else { " and " };
            format!(
                "{} on `{}`{when}",
                names(&privileges, joiner),
                path(template)
            )
        }
        Words::And(checks) => group(checks, " and ", path),
        Words::Or(checks) => group(checks, " or ", path),
        Words::UseridGroup {
            privileges,
            groups_param,
        } => {
            let also = groups_param
                .map(|mode| format!(", and on the groups in `groups` ({mode})"))
                .unwrap_or_default();
            format!(
                "{} on a group of `userid`{also}",
                names(&privileges, " or ")
            )
        }
        Words::UseridParam("self") => "the user named by `userid` is the caller".to_owned(),
        Words::UseridParam(privilege) => format!("`{privilege}` for the realm of `userid`"),
        Words::PermModify(template) => {
            format!("permission to modify ACLs on `{}`", path(template))
        }
        Words::When {
            param,
            check: inner,
        } => {
            format!("if `{param}` is given, {}", self::check(inner, path))
        }
    }
}

/// `` `A` or `B` ``.
fn names(privileges: &[&str], joiner: &str) -> String {
    let quoted: Vec<String> = privileges.iter().map(|p| format!("`{p}`")).collect();
    quoted.join(joiner)
}

/// `(first) and (second)`.
fn group<C: Worded>(checks: &[C], joiner: &str, path: &dyn Fn(&str) -> String) -> String {
    let parts: Vec<String> = checks
        .iter()
        .map(|c| format!("({})", check(c, path)))
        .collect();
    parts.join(joiner)
}
