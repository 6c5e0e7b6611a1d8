//! Argument checks the host layer makes before anything is sent. The generated request types
//! check body parameters; these cover the path parameters PVE would otherwise refuse only after
//! the request arrived (or, for a vmid, route to another guest's ACL path).

use proxmox_sdk::Error;
use proxmox_sdk::wire::ParamError;

/// PVE's vmid range (`pve-vmid`).
pub const VMID_RANGE: std::ops::RangeInclusive<u32> = 100..=999_999_999;

fn invalid(name: &str, problem: String) -> Error {
    Error::InvalidParameter(ParamError::Invalid {
        name: name.to_owned(),
        problem,
    })
}

/// A vmid in PVE's range.
pub(super) fn vmid(vmid: u32) -> Result<u32, Error> {
    if VMID_RANGE.contains(&vmid) {
        Ok(vmid)
    } else {
        Err(invalid(
            "vmid",
            format!("{vmid} is outside PVE's range 100 to 999999999"),
        ))
    }
}

/// A snapshot name PVE accepts (`pve-configid`, at most 40 characters): a letter, then
/// letters, digits and `_`, two characters at least.
pub(super) fn snapshot_name(name: &str) -> Result<&str, Error> {
    let mut chars = name.chars();
    let ok = name.len() >= 2
        && name.len() <= 40
        && chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ok {
        Ok(name)
    } else {
        Err(invalid(
            "snapname",
            "a snapshot name is 2 to 40 characters: a letter, then letters, digits or `_`"
                .to_owned(),
        ))
    }
}

/// A storage id PVE accepts (`pve-storage-id`): a letter, then letters, digits, `-`, `_`, `.`,
/// ending in a letter or digit.
pub(super) fn storage_id(id: &str) -> Result<&str, Error> {
    let bytes = id.as_bytes();
    let ok = !bytes.is_empty()
        && bytes[0].is_ascii_alphabetic()
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && bytes[bytes.len() - 1].is_ascii_alphanumeric();
    if ok {
        Ok(id)
    } else {
        Err(invalid(
            "storage",
            format!(
                "{id:?} is not a PVE storage id (a letter, then letters, digits, `-`, `_`, `.`)"
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_parameters_are_checked_before_sending() {
        assert!(vmid(100).is_ok() && vmid(999_999_999).is_ok());
        assert!(vmid(99).is_err() && vmid(1_000_000_000).is_err() && vmid(0).is_err());
        assert!(snapshot_name("before_upgrade").is_ok());
        for bad in [
            "x",
            "1abc",
            "a-b",
            "a b",
            "../x",
            "",
            &"a".repeat(41),
            "a\n",
        ] {
            assert!(
                matches!(snapshot_name(bad), Err(Error::InvalidParameter(_))),
                "{bad:?}"
            );
        }
        assert!(storage_id("local-lvm").is_ok() && storage_id("nfs.backup").is_ok());
        for bad in ["", "-x", "x-", "a/b", "a b", "local:backup"] {
            assert!(storage_id(bad).is_err(), "{bad:?}");
        }
    }
}
