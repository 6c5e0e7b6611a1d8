//! Typed PVE permission failures, read from `Permission check failed …` texts.
//!
//! PVE raises every permission failure as a 403 whose message is `Permission check failed`,
//! optionally followed by ` (<what>)`. The same text reaches a client in three places: the
//! JSON body's `message` (with a trailing newline), the HTTP reason phrase (first line only),
//! and, when the check ran inside a task, the task's `exitstatus`, prefixed with `403 ` and
//! possibly by a wrapper such as `unable to restore CT 100 - `. [`PermissionDenied::parse`]
//! accepts all three.
//!
//! What `<what>` holds decides the [`MissingPermission`] variant:
//!
//! | `<what>` | variant |
//! |---|---|
//! | `/vms/100, VM.Allocate` (a check that needs all; PVE names the first one missing) | [`Privileges`](MissingPermission::Privileges), one privilege |
//! | `/, Sys.Audit\|Sys.Modify` (a check that needs any one) | `Privileges` with `any_of: true` |
//! | `/, VM.PowerMgmt, VM.Audit` (PVE 9 bulk actions), `/, VM.PowerMgmt && VM.Config.Disk` (node-wide start/stop) | `Privileges` with `any_of: false`: all are needed, at least one is missing |
//! | anything else: `user != root@pam`, `pool 'x' does not exist`, … | [`Text`](MissingPermission::Text) |
//! | nothing | [`Unspecified`](MissingPermission::Unspecified) |
//!
//! A privilege list is recognised only when `<what>` is an ACL path (starting with `/`, no
//! spaces or commas) followed by `, ` and privilege-shaped names joined by one kind of
//! separator; any other text stays [`Text`](MissingPermission::Text) so nothing is guessed.

use std::fmt;

use crate::Privilege;

/// The phrase every PVE permission failure carries.
const PHRASE: &str = "Permission check failed";

/// A permission failure reported by PVE.
///
/// ```
/// use proxmox_sdk::permission::{MissingPermission, PermissionDenied};
/// use proxmox_sdk::Privilege;
///
/// let denied = PermissionDenied::parse("Permission check failed (/vms/100, VM.Allocate)\n").unwrap();
/// assert_eq!(denied.privileges(), [Privilege::VmAllocate]);
/// assert_eq!(denied.path(), Some("/vms/100"));
/// assert_eq!(denied.to_string(), "missing VM.Allocate on /vms/100");
///
/// let in_task = "unable to restore CT 100 - 403 Permission check failed (/sdn/zones/localnetwork/vmbr0, SDN.Use)";
/// assert_eq!(PermissionDenied::parse(in_task).unwrap().privileges(), [Privilege::SdnUse]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PermissionDenied {
    /// The text it was read from, without trailing line breaks (including any `403 ` or
    /// wrapper text before the phrase).
    pub message: String,
    /// What PVE said was missing.
    pub missing: MissingPermission,
}

/// What a permission failure says is missing.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum MissingPermission {
    /// Privileges on an ACL path.
    Privileges {
        /// The normalized ACL path, e.g. `/vms/100`, `/storage/local`, `/`.
        path: String,
        /// The privileges named, in PVE's order. Names this SDK does not know are kept as
        /// [`Privilege::UnknownValue`].
        privileges: Vec<Privilege>,
        /// `true` when any one of `privileges` would have been enough (PVE joined them with
        /// `|`). `false` when all of them are needed; with a single privilege that is the
        /// first one PVE found missing, with several PVE does not say which are missing.
        any_of: bool,
    },
    /// A reason in words, e.g. `user != root@pam` or `pool 'x' does not exist`, trimmed.
    Text(String),
    /// No reason given (a bare `Permission check failed`).
    Unspecified,
}

impl PermissionDenied {
    /// Reads a permission failure from any text containing `Permission check failed`: an API
    /// error message, a reason phrase or a task exit status. `None` when the phrase is absent.
    pub fn parse(text: &str) -> Option<Self> {
        let (_, after) = text.split_once(PHRASE)?;
        let missing = match parenthesised(after) {
            Some(what) => MissingPermission::from_what(what),
            None => MissingPermission::Unspecified,
        };
        Some(Self {
            message: text.trim_end_matches(['\r', '\n']).to_owned(),
            missing,
        })
    }

    /// The privileges named, empty for [`Text`](MissingPermission::Text) and
    /// [`Unspecified`](MissingPermission::Unspecified).
    pub fn privileges(&self) -> &[Privilege] {
        match &self.missing {
            MissingPermission::Privileges { privileges, .. } => privileges,
            _ => &[],
        }
    }

    /// The ACL path, when PVE named one.
    pub fn path(&self) -> Option<&str> {
        match &self.missing {
            MissingPermission::Privileges { path, .. } => Some(path),
            _ => None,
        }
    }
}

/// The text inside the parentheses that follow the phrase, if any. The closing parenthesis is
/// the one that balances the opening one, so a wrapper's text after it is ignored; a reason
/// phrase, which stops at the first line break, may lack it, and then the rest is taken.
fn parenthesised(after: &str) -> Option<&str> {
    let inner = after.trim_start_matches([' ', '\t']).strip_prefix('(')?;
    let mut depth = 0usize;
    for (at, c) in inner.char_indices() {
        match c {
            '(' => depth += 1,
            ')' if depth == 0 => return inner.get(..at),
            ')' => depth -= 1,
            _ => {}
        }
    }
    Some(inner)
}

impl MissingPermission {
    fn from_what(what: &str) -> Self {
        let what = what.trim();
        if what.is_empty() {
            return MissingPermission::Unspecified;
        }
        Self::privileges(what).unwrap_or_else(|| MissingPermission::Text(what.to_owned()))
    }

    /// `<path>, <privs>` where privs are joined by `|` (any of), `, ` or ` && ` (all of).
    fn privileges(what: &str) -> Option<Self> {
        let (path, list) = what.split_once(", ")?;
        let path_ok =
            path.starts_with('/') && !path.contains(|c: char| c == ',' || c.is_whitespace());
        if !path_ok {
            return None;
        }
        let separators = ["|", ", ", " && "];
        let mut present = separators.iter().filter(|sep| list.contains(*sep));
        let separator = present.next();
        if present.next().is_some() {
            return None;
        }
        let names: Vec<&str> = match separator {
            Some(sep) => list.split(*sep).collect(),
            None => vec![list],
        };
        if !names.iter().all(|name| is_privilege_name(name)) {
            return None;
        }
        let privileges = names
            .into_iter()
            .map(|name| {
                // Unknown names become `Privilege::UnknownValue`; parsing cannot fail.
                let Ok(privilege) = name.parse::<Privilege>();
                privilege
            })
            .collect();
        Some(MissingPermission::Privileges {
            path: path.to_owned(),
            privileges,
            any_of: separator == Some(&"|"),
        })
    }
}

/// PVE privilege names are dotted words: `VM.Config.Disk`, `SDN.Use`.
fn is_privilege_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

impl fmt::Display for PermissionDenied {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.missing.fmt(f)
    }
}

/// One line: `missing VM.Allocate on /vms/100`, `missing one of Sys.Audit, Sys.Modify on /`,
/// `needs all of VM.PowerMgmt, VM.Audit on /`, the reason text, or
/// `permission check failed` when PVE gave none.
impl fmt::Display for MissingPermission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MissingPermission::Privileges {
                path,
                privileges,
                any_of,
            } => {
                let lead = match (privileges.len(), any_of) {
                    (1, _) => "missing",
                    (_, true) => "missing one of",
                    (_, false) => "needs all of",
                };
                f.write_str(lead)?;
                for (i, privilege) in privileges.iter().enumerate() {
                    let sep = if i == 0 { " " } else { ", " };
                    write!(f, "{sep}{privilege}")?;
                }
                write!(f, " on {path}")
            }
            MissingPermission::Text(text) => {
                for (i, line) in text
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .enumerate()
                {
                    if i > 0 {
                        f.write_str(" ")?;
                    }
                    f.write_str(line)?;
                }
                Ok(())
            }
            MissingPermission::Unspecified => f.write_str("permission check failed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn missing(text: &str) -> MissingPermission {
        match PermissionDenied::parse(text) {
            Some(denied) => denied.missing,
            None => panic!("{text:?} should parse"),
        }
    }

    fn privs(path: &str, names: &[&str], any_of: bool) -> MissingPermission {
        MissingPermission::Privileges {
            path: path.into(),
            privileges: names
                .iter()
                .map(|n| {
                    n.parse::<Privilege>()
                        .unwrap_or_else(|never| match never {})
                })
                .collect(),
            any_of,
        }
    }

    fn text(t: &str) -> MissingPermission {
        MissingPermission::Text(t.into())
    }

    #[test]
    fn every_documented_message_shape() {
        let cases = [
            // check(): the first missing privilege.
            (
                "Permission check failed (/vms/100, VM.Allocate)\n",
                privs("/vms/100", &["VM.Allocate"], false),
            ),
            // check_any(): all listed, joined by `|`.
            (
                "Permission check failed (/vms/100, VM.Config.Disk|VM.Config.CDROM|VM.Config.CPU)\n",
                privs(
                    "/vms/100",
                    &["VM.Config.Disk", "VM.Config.CDROM", "VM.Config.CPU"],
                    true,
                ),
            ),
            (
                "Permission check failed (/, Sys.Audit|Sys.Modify)",
                privs("/", &["Sys.Audit", "Sys.Modify"], true),
            ),
            // `or` checks, require_param, userid-group/userid-param, in-handler checks.
            ("Permission check failed\n", MissingPermission::Unspecified),
            ("Permission check failed", MissingPermission::Unspecified),
            // Root-only methods and unauthenticated calls.
            (
                "Permission check failed (user != root@pam)\n",
                text("user != root@pam"),
            ),
            (
                "Permission check failed (user != null)\n",
                text("user != null"),
            ),
            // check_pool_exist.
            (
                "Permission check failed (pool 'lab' does not exist)\n",
                text("pool 'lab' does not exist"),
            ),
            // userid-group with a groups parameter.
            (
                "Permission check failed (/access/groups, Group.Allocate|User.Modify)\n",
                privs("/access/groups", &["Group.Allocate", "User.Modify"], true),
            ),
            (
                "Permission check failed (/access/groups/admins, User.Modify)\n",
                privs("/access/groups/admins", &["User.Modify"], false),
            ),
            // A token calling an `allowtoken: 0` method: the reason spans two lines.
            (
                "Permission check failed (URI '/access/users/x/token/y' not available with API token, \
                 need proper ticket.\n)\n",
                text(
                    "URI '/access/users/x/token/y' not available with API token, need proper ticket.",
                ),
            ),
            // PVE 9 bulk actions: all of the listed privileges on `/`.
            (
                "Permission check failed (/, VM.PowerMgmt, VM.Audit)\n",
                privs("/", &["VM.PowerMgmt", "VM.Audit"], false),
            ),
            // Node-wide start/stop/migrate-all.
            (
                "Permission check failed (/, VM.PowerMgmt)\n",
                privs("/", &["VM.PowerMgmt"], false),
            ),
            (
                "Permission check failed (/, VM.PowerMgmt && VM.Config.Disk)\n",
                privs("/", &["VM.PowerMgmt", "VM.Config.Disk"], false),
            ),
            (
                "Permission check failed (/, VM.Migrate)\n",
                privs("/", &["VM.Migrate"], false),
            ),
            // pve-container's root-only options.
            (
                "Permission check failed (mount point type bind is only allowed for root@pam)\n",
                text("mount point type bind is only allowed for root@pam"),
            ),
            (
                "Permission check failed (configuring device passthrough is only allowed for root@pam)\n",
                text("configuring device passthrough is only allowed for root@pam"),
            ),
            (
                "Permission check failed (changing the hookscript is only allowed for root@pam)\n",
                text("changing the hookscript is only allowed for root@pam"),
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(missing(input), expected, "{input:?}");
        }
    }

    #[test]
    fn reason_phrase_keeps_only_the_first_line() {
        // The token message cut at its line break: no closing parenthesis.
        let phrase = "Permission check failed (URI '/nodes/pve1/termproxy' not available with API token, need proper ticket.";
        assert_eq!(
            missing(phrase),
            text("URI '/nodes/pve1/termproxy' not available with API token, need proper ticket.")
        );
    }

    #[test]
    fn task_exit_statuses() {
        let plain = PermissionDenied::parse(
            "403 Permission check failed (/storage/local-lvm, Datastore.AllocateSpace)",
        )
        .expect("exit status");
        assert_eq!(plain.privileges(), [Privilege::DatastoreAllocateSpace]);
        assert_eq!(plain.path(), Some("/storage/local-lvm"));
        assert_eq!(
            plain.message,
            "403 Permission check failed (/storage/local-lvm, Datastore.AllocateSpace)"
        );

        for wrapper in ["unable to restore CT 100 - ", "unable to create CT 100 - "] {
            let status = format!(
                "{wrapper}403 Permission check failed (/sdn/zones/localnetwork/vmbr0, SDN.Use)"
            );
            let denied = PermissionDenied::parse(&status).expect("wrapped exit status");
            assert_eq!(
                denied.missing,
                privs("/sdn/zones/localnetwork/vmbr0", &["SDN.Use"], false)
            );
            assert_eq!(denied.privileges(), [Privilege::SdnUse]);
            assert_eq!(denied.message, status);
        }

        // Task logs join lines with spaces; the token text then ends in " )".
        let joined = "403 Permission check failed (URI '/x' not available with API token, need proper ticket. )";
        assert_eq!(
            missing(joined),
            text("URI '/x' not available with API token, need proper ticket.")
        );
    }

    #[test]
    fn text_after_the_parentheses_is_ignored() {
        assert_eq!(
            missing("Permission check failed (/vms/100, VM.Audit) - while doing something\n"),
            privs("/vms/100", &["VM.Audit"], false)
        );
        assert_eq!(
            missing("Permission check failed (a (nested) reason) trailing"),
            text("a (nested) reason")
        );
    }

    #[test]
    fn unknown_privileges_are_kept() {
        let denied = PermissionDenied::parse(
            "Permission check failed (/mapping/usb/cam, Mapping.Teleport|VM.Audit)",
        )
        .expect("parses");
        assert_eq!(
            denied.privileges(),
            [
                Privilege::UnknownValue("Mapping.Teleport".into()),
                Privilege::VmAudit
            ]
        );
        assert_eq!(
            denied.to_string(),
            "missing one of Mapping.Teleport, VM.Audit on /mapping/usb/cam"
        );
    }

    #[test]
    fn lists_that_are_not_clean_stay_text() {
        for what in [
            "/vms/100 VM.Audit",
            "/vms/100, VM.Audit|VM.Allocate, Sys.Audit",
            "/vms/100, VM.Audit && VM.Allocate|Sys.Audit",
            "/vms/100, ",
            "/vms/100, VM Audit",
            "/vms/100, VM.Audit|",
            "/etc/pve is read-only, try again",
            "vms/100, VM.Audit",
            "/a b, VM.Audit",
        ] {
            let input = format!("Permission check failed ({what})");
            assert_eq!(missing(&input), text(what.trim()), "{input:?}");
        }
        assert_eq!(
            missing("Permission check failed ( )"),
            MissingPermission::Unspecified
        );
        assert_eq!(
            missing("Permission check failed - see log"),
            MissingPermission::Unspecified
        );
    }

    #[test]
    fn other_texts_are_not_permission_failures() {
        for input in [
            "",
            "OK",
            "WARNINGS: 2",
            "job errors",
            "permission check failed (/vms/100, VM.Audit)",
            "Permission denied",
            "streaming denied",
            "401 authentication failure",
            "Permission check fail",
        ] {
            assert_eq!(PermissionDenied::parse(input), None, "{input:?}");
        }
    }

    #[test]
    fn display_is_a_one_line_summary() {
        let show = |t: &str| {
            PermissionDenied::parse(t)
                .map(|d| d.to_string())
                .unwrap_or_default()
        };
        assert_eq!(
            show("Permission check failed (/vms/100, VM.Allocate)\n"),
            "missing VM.Allocate on /vms/100"
        );
        assert_eq!(
            show("Permission check failed (/, Sys.Audit|Sys.Modify)"),
            "missing one of Sys.Audit, Sys.Modify on /"
        );
        assert_eq!(
            show("Permission check failed (/, VM.PowerMgmt, VM.Audit)"),
            "needs all of VM.PowerMgmt, VM.Audit on /"
        );
        assert_eq!(
            show("Permission check failed (user != root@pam)\n"),
            "user != root@pam"
        );
        assert_eq!(show("Permission check failed\n"), "permission check failed");
        assert_eq!(show("Permission check failed (a\n b\n)"), "a b");
    }

    #[test]
    fn accessors_on_text_and_unspecified() {
        let denied =
            PermissionDenied::parse("Permission check failed (user != root@pam)").expect("parses");
        assert!(denied.privileges().is_empty());
        assert_eq!(denied.path(), None);
        let bare = PermissionDenied::parse("Permission check failed\r\n").expect("parses");
        assert_eq!(bare.message, "Permission check failed");
        assert!(bare.privileges().is_empty());
    }

    proptest! {
        #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn parse_never_panics(s in any::<String>()) {
            let _ = PermissionDenied::parse(&s).map(|d| d.to_string());
        }

        #[test]
        fn parse_never_panics_near_the_phrase(
            before in ".{0,10}",
            after in r"[ (),|&/a-zA-Z.\n!=']{0,40}",
        ) {
            let input = format!("{before}Permission check failed{after}");
            let denied = PermissionDenied::parse(&input);
            prop_assert!(denied.is_some());
            if let Some(denied) = denied {
                prop_assert!(!denied.to_string().contains('\n'));
            }
        }

        #[test]
        fn privilege_lists_round_trip(
            path in "/[a-z0-9/]{0,20}",
            names in proptest::collection::vec("[A-Z][a-zA-Z]{0,6}(\\.[A-Z][a-zA-Z]{0,6}){0,2}", 1..5),
            sep in prop::sample::select(vec!["|", ", ", " && "]),
        ) {
            let input = format!("403 Permission check failed ({path}, {})\n", names.join(sep));
            let denied = PermissionDenied::parse(&input);
            let expected: Vec<String> = names.clone();
            let got: Vec<String> = denied.as_ref().map(|d| d.privileges().iter().map(|p| p.to_string()).collect()).unwrap_or_default();
            prop_assert_eq!(got, expected);
            prop_assert_eq!(denied.as_ref().and_then(|d| d.path()), Some(path.as_str()));
        }
    }
}
