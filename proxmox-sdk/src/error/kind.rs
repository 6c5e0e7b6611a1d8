//! [`FailureKind`]: what PVE's error text says went wrong, read by one table.
//!
//! PVE reports almost every failure as a 500 (or as a task's exit status) with a prose
//! message: there is no 404 for a missing guest and no 409 for a held lock. The same texts
//! arrive over both paths — a handler that dies before forking gives the HTTP error, one that
//! dies inside its worker gives the task's `exitstatus`, often behind a wrapper such as
//! `clone failed: ` or `unable to restore CT 100 - `. [`FailureKind::classify`] reads such a
//! text with the table in this file, and both [`Error::failure_kind`](crate::Error::failure_kind)
//! and [`TaskError::failure_kind`](crate::task::TaskError::failure_kind) use it, so one
//! `match` covers a call and a task.

use std::fmt;

/// A failure PVE reports often enough that callers branch on it.
///
/// ```
/// use proxmox_sdk::error::{FailureKind, LockKind};
///
/// let text = "clone failed: CT is locked (backup)";
/// assert_eq!(FailureKind::classify(text), Some(FailureKind::Locked(LockKind::Backup)));
/// let text = "can't lock file '/run/lock/lxc/pve-config-204.lock' - got timeout";
/// assert_eq!(FailureKind::classify(text), Some(FailureKind::LockTimeout));
/// assert!(FailureKind::LockTimeout.is_retryable());
/// assert_eq!(FailureKind::classify("VM quit/powerdown failed - got timeout"), None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FailureKind {
    /// The object does not exist: `Configuration file 'nodes/pve1/lxc/999.conf' does not
    /// exist`, `no such user ('x@pve')`, `storage 'nfs' does not exist`.
    NotFound,
    /// The object exists already: `CT 300 already exists on node 'pve1'`,
    /// `snapshot name 'before' already used`.
    AlreadyExists,
    /// The guest carries a lock left by an operation (`VM is locked (backup)`): nothing was
    /// done. The lock goes away when that operation ends; a lock left by a crashed operation
    /// stays until someone removes it, so this is not retried by itself.
    Locked(LockKind),
    /// Another operation held the guest's config lock (or a cluster lock) for the whole wait
    /// (`can't lock file '…' - got timeout`): nothing was done, and the same request may
    /// simply be made again. [`FailureKind::is_retryable`] says so.
    LockTimeout,
    /// The cluster has no quorum (`cluster not ready - no quorum?`); `/etc/pve` is read-only.
    NoQuorum,
    /// The QEMU guest agent does not answer (`QEMU guest agent is not running`).
    AgentNotRunning,
    /// The VM has no guest agent configured (`No QEMU guest agent configured`).
    AgentNotConfigured,
    /// The guest is not running (`CT 300 not running`).
    NotRunning,
    /// The guest (or the operation) is running already (`VM 100 already running`).
    AlreadyRunning,
    /// The configuration changed since it was read (a stale `digest`): `detected modified
    /// configuration - file changed by other user? Try again.`
    ConfigChanged,
    /// A permission check failed (a 403, or `403 Permission check failed (…)` inside a task);
    /// the parsed details are in `permission_denied()` of the error.
    PermissionDenied,
    /// The contacted node could not reach the node the call is for (595, e.g. `No route to
    /// host`): nothing was done there.
    NodeUnreachable,
}

impl FailureKind {
    /// Reads an error text (an HTTP error's message, a task's exit status, one parameter
    /// error of a 400). `None` when the text is none of the kinds. Total and cheap: a linear
    /// scan of the text per rule, no allocation unless a lock kind is unknown.
    pub fn classify(text: &str) -> Option<FailureKind> {
        RULES.iter().find_map(|row| row.find(text))
    }

    /// Whether the same request may simply be made again: `true` only for
    /// [`FailureKind::LockTimeout`], which PVE raises before doing any of the work — at the
    /// POST as well as inside a task.
    pub fn is_retryable(&self) -> bool {
        matches!(self, FailureKind::LockTimeout)
    }
}

impl fmt::Display for FailureKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FailureKind::NotFound => f.write_str("not found"),
            FailureKind::AlreadyExists => f.write_str("already exists"),
            FailureKind::Locked(lock) => write!(f, "locked ({lock})"),
            FailureKind::LockTimeout => f.write_str("lock timeout"),
            FailureKind::NoQuorum => f.write_str("no quorum"),
            FailureKind::AgentNotRunning => f.write_str("guest agent not running"),
            FailureKind::AgentNotConfigured => f.write_str("no guest agent configured"),
            FailureKind::NotRunning => f.write_str("not running"),
            FailureKind::AlreadyRunning => f.write_str("already running"),
            FailureKind::ConfigChanged => f.write_str("configuration changed meanwhile"),
            FailureKind::PermissionDenied => f.write_str("permission denied"),
            FailureKind::NodeUnreachable => f.write_str("node unreachable"),
        }
    }
}

/// The `lock` a guest config carries (`lock: backup`), as PVE's `is locked (…)` names it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LockKind {
    /// `backup`: vzdump runs.
    Backup,
    /// `clone`: the guest is being cloned (source or target).
    Clone,
    /// `copy`: a full clone copies the disks (LXC).
    Copy,
    /// `create`: the guest is being created or restored.
    Create,
    /// `destroyed`: the guest is being destroyed.
    Destroyed,
    /// `disk`: a disk operation (LXC).
    Disk,
    /// `fstrim`: `pct fstrim` runs.
    Fstrim,
    /// `migrate`: a migration runs.
    Migrate,
    /// `mounted`: the container's volumes are mounted by `pct mount`.
    Mounted,
    /// `rollback`: a snapshot rollback runs.
    Rollback,
    /// `snapshot`: a snapshot is being taken.
    Snapshot,
    /// `snapshot-delete`: a snapshot is being removed.
    SnapshotDelete,
    /// `suspended`: the VM is hibernated.
    Suspended,
    /// `suspending`: the VM is being hibernated.
    Suspending,
    /// Any other lock name, as sent (bounded).
    Other(String),
}

impl LockKind {
    /// Reads a lock name as PVE writes it (`backup`, `snapshot-delete`, …).
    pub fn parse(name: &str) -> LockKind {
        match name {
            "backup" => LockKind::Backup,
            "clone" => LockKind::Clone,
            "copy" => LockKind::Copy,
            "create" => LockKind::Create,
            "destroyed" => LockKind::Destroyed,
            "disk" => LockKind::Disk,
            "fstrim" => LockKind::Fstrim,
            "migrate" => LockKind::Migrate,
            "mounted" => LockKind::Mounted,
            "rollback" => LockKind::Rollback,
            "snapshot" => LockKind::Snapshot,
            "snapshot-delete" => LockKind::SnapshotDelete,
            "suspended" => LockKind::Suspended,
            "suspending" => LockKind::Suspending,
            other => LockKind::Other(super::bound(other, super::MAX_NAME)),
        }
    }

    /// The name as PVE writes it.
    pub fn as_str(&self) -> &str {
        match self {
            LockKind::Backup => "backup",
            LockKind::Clone => "clone",
            LockKind::Copy => "copy",
            LockKind::Create => "create",
            LockKind::Destroyed => "destroyed",
            LockKind::Disk => "disk",
            LockKind::Fstrim => "fstrim",
            LockKind::Migrate => "migrate",
            LockKind::Mounted => "mounted",
            LockKind::Rollback => "rollback",
            LockKind::Snapshot => "snapshot",
            LockKind::SnapshotDelete => "snapshot-delete",
            LockKind::Suspended => "suspended",
            LockKind::Suspending => "suspending",
            LockKind::Other(name) => name,
        }
    }
}

impl fmt::Display for LockKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One row of the table.
enum Row {
    /// A text with its own reading.
    Read(fn(&str) -> Option<FailureKind>),
    /// The kind, when the text contains any of the phrases (ASCII case ignored).
    Phrases(FailureKind, &'static [&'static str]),
}

impl Row {
    fn find(&self, text: &str) -> Option<FailureKind> {
        match self {
            Row::Read(read) => read(text),
            Row::Phrases(kind, any) => any
                .iter()
                .any(|p| contains_ignore_ascii_case(text, p))
                .then(|| kind.clone()),
        }
    }
}

/// The table, first match wins. The order matters where a text holds two phrases: a lock
/// timeout inside `unable to create CT 100 - …` is a lock timeout, a permission failure
/// naming a missing pool is a permission failure, the guest-agent texts come before the
/// generic `not running`.
const RULES: &[Row] = &[
    Row::Read(lock_timeout),
    Row::Read(locked),
    Row::Phrases(FailureKind::NoQuorum, &["no quorum"]),
    Row::Phrases(
        FailureKind::AgentNotRunning,
        &["guest agent is not running"],
    ),
    Row::Phrases(
        FailureKind::AgentNotConfigured,
        &["no qemu guest agent configured"],
    ),
    Row::Phrases(
        FailureKind::ConfigChanged,
        &["file changed by other user", "file change by other user"],
    ),
    Row::Phrases(FailureKind::PermissionDenied, &["permission check failed"]),
    Row::Phrases(
        FailureKind::AlreadyExists,
        &["already exists", "already exist ", "already used"],
    ),
    Row::Phrases(FailureKind::AlreadyRunning, &["already running"]),
    Row::Phrases(FailureKind::NotRunning, &[" not running"]),
    Row::Phrases(
        FailureKind::NotFound,
        &["does not exist", "doesn't exist", "no such ", "not found"],
    ),
];

/// `can't lock file '…' - got timeout` (pve-common's `lock_file`), and the cluster file
/// system's `cfs-lock '…' error: got lock request timeout`. A bare `got timeout` is not one:
/// `VM quit/powerdown failed - got timeout` is a shutdown that took too long.
fn lock_timeout(text: &str) -> Option<FailureKind> {
    let file_lock = contains_ignore_ascii_case(text, "can't lock file")
        && contains_ignore_ascii_case(text, "got timeout");
    (file_lock || contains_ignore_ascii_case(text, "got lock request timeout"))
        .then_some(FailureKind::LockTimeout)
}

/// `<VM|CT> is locked (<lock>)`, also behind a wrapper, and PVE's `{guest} is locked ({lock})`
/// with any guest word before it.
fn locked(text: &str) -> Option<FailureKind> {
    const MARK: &str = " is locked (";
    let at = text.find(MARK)?;
    let rest = &text[at + MARK.len()..];
    let name = &rest[..rest.find(')')?];
    let valid = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    valid.then(|| FailureKind::Locked(LockKind::parse(name)))
}

fn contains_ignore_ascii_case(text: &str, phrase: &str) -> bool {
    let (hay, needle) = (text.as_bytes(), phrase.as_bytes());
    needle.is_empty()
        || hay
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(text: &str) -> Option<FailureKind> {
        FailureKind::classify(text)
    }

    #[test]
    fn pve_texts_give_their_kind() {
        let cases: &[(&str, FailureKind)] = &[
            (
                "Configuration file 'nodes/pve1/lxc/999.conf' does not exist",
                FailureKind::NotFound,
            ),
            (
                "Configuration file 'nodes/pve1/qemu-server/100.conf' does not exist\n",
                FailureKind::NotFound,
            ),
            ("no such user ('x@pve')", FailureKind::NotFound),
            ("snapshot 'before' does not exist", FailureKind::NotFound),
            (
                "unable to restore CT 300 - volume 'local:backup/x.tar.zst' does not exist",
                FailureKind::NotFound,
            ),
            (
                "CT 300 already exists on node 'pve1'",
                FailureKind::AlreadyExists,
            ),
            ("VM 100 already exists", FailureKind::AlreadyExists),
            (
                "snapshot name 'before' already used",
                FailureKind::AlreadyExists,
            ),
            (
                "CT is locked (backup)",
                FailureKind::Locked(LockKind::Backup),
            ),
            (
                "VM is locked (migrate)",
                FailureKind::Locked(LockKind::Migrate),
            ),
            (
                "clone failed: CT is locked (snapshot-delete)",
                FailureKind::Locked(LockKind::SnapshotDelete),
            ),
            (
                "VM is locked (something-new)",
                FailureKind::Locked(LockKind::Other("something-new".into())),
            ),
            (
                "can't lock file '/run/lock/lxc/pve-config-204.lock' - got timeout",
                FailureKind::LockTimeout,
            ),
            (
                "can't lock file '/var/lock/qemu-server/lock-100.conf' - got timeout\n",
                FailureKind::LockTimeout,
            ),
            (
                "unable to create CT 101 - can't lock file '/run/lock/lxc/pve-config-101.lock' - got timeout",
                FailureKind::LockTimeout,
            ),
            (
                "cfs-lock 'file-user_cfg' error: got lock request timeout",
                FailureKind::LockTimeout,
            ),
            ("cluster not ready - no quorum?", FailureKind::NoQuorum),
            (
                "QEMU guest agent is not running",
                FailureKind::AgentNotRunning,
            ),
            (
                "No QEMU guest agent configured",
                FailureKind::AgentNotConfigured,
            ),
            ("CT 300 not running", FailureKind::NotRunning),
            ("VM 100 already running", FailureKind::AlreadyRunning),
            (
                "detected modified configuration - file changed by other user? Try again.",
                FailureKind::ConfigChanged,
            ),
            (
                "checksum mismatch (file change by other user?)",
                FailureKind::ConfigChanged,
            ),
            (
                "unable to restore CT 100 - 403 Permission check failed (/sdn/zones/localnetwork/vmbr0, SDN.Use)",
                FailureKind::PermissionDenied,
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(kind(text).as_ref(), Some(expected), "{text:?}");
        }
    }

    #[test]
    fn texts_that_only_look_alike_are_none() {
        for text in [
            "VM quit/powerdown failed - got timeout",
            "invalid lock token provided!",
            "tfa config lock cannot be acquired while holding user config lock",
            "Path /mnt/x exists, but is not a directory",
            "VM is locked ()",
            "VM is locked (back up)",
            "VM is locked (backup",
            "command 'lxc-start -n 100' failed: exit code 1",
            "OK",
            "",
        ] {
            assert_eq!(kind(text), None, "{text:?}");
        }
    }

    #[test]
    fn only_a_lock_timeout_is_retryable() {
        assert!(FailureKind::LockTimeout.is_retryable());
        for other in [
            FailureKind::Locked(LockKind::Backup),
            FailureKind::NotFound,
            FailureKind::NoQuorum,
            FailureKind::AlreadyExists,
        ] {
            assert!(!other.is_retryable(), "{other}");
        }
    }

    #[test]
    fn lock_names_round_trip_and_unknown_ones_are_bounded() {
        for name in [
            "backup",
            "snapshot-delete",
            "suspending",
            "mounted",
            "new-lock",
        ] {
            assert_eq!(LockKind::parse(name).as_str(), name);
        }
        let long = "x".repeat(10_000);
        let LockKind::Other(kept) = LockKind::parse(&long) else {
            panic!("an unknown name is Other");
        };
        assert!(kept.len() < 1_000, "{}", kept.len());
        // A huge text with the marker still classifies without trouble.
        let text = format!("CT is locked ({long})");
        assert!(matches!(
            kind(&text),
            Some(FailureKind::Locked(LockKind::Other(_)))
        ));
    }
}
