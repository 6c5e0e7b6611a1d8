//! Disk arguments: the device `smartctl` reads, and the UUID, filesystem type and mountpoint
//! of a USB mount. Device paths are allowlisted by shape; mountpoints are checked lexically and
//! then against the filesystem, so a symlink planted under the base cannot redirect the mount.

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use super::{Argument, InvalidArgument, Problem, alnum, check_text};

/// A whole disk for SMART: `/dev/sdX` (`sda`…`sdzz`), `/dev/nvmeXnY` (up to three digits
/// each), or `/dev/disk/by-id/NAME` with `NAME` one component of `[A-Za-z0-9._:+-]`, at most
/// 128 bytes, starting with a letter or digit.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BlockDevice(String);

const DEVICE_FORM: &str = "/dev/sdX, /dev/nvmeXnY or /dev/disk/by-id/NAME";

impl BlockDevice {
    /// The device path.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn all_digits(s: &str, max: usize) -> bool {
    !s.is_empty() && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit())
}

impl FromStr for BlockDevice {
    type Err = InvalidArgument;

    fn from_str(s: &str) -> Result<Self, InvalidArgument> {
        check_text(Argument::Device, s, 160, |b| {
            alnum(b) || matches!(b, b'/' | b'-' | b'_' | b'.' | b':' | b'+')
        })?;
        let sd = |rest: &str| {
            (1..=2).contains(&rest.len()) && rest.bytes().all(|b| b.is_ascii_lowercase())
        };
        let nvme = |rest: &str| {
            rest.split_once('n')
                .is_some_and(|(c, n)| all_digits(c, 3) && all_digits(n, 3))
        };
        let by_id = |name: &str| {
            (1..=128).contains(&name.len())
                && name.as_bytes()[0].is_ascii_alphanumeric()
                && name
                    .bytes()
                    .all(|b| alnum(b) || matches!(b, b'-' | b'_' | b'.' | b':' | b'+'))
        };
        let ok = if let Some(name) = s.strip_prefix("/dev/disk/by-id/") {
            by_id(name)
        } else if let Some(rest) = s.strip_prefix("/dev/nvme") {
            nvme(rest)
        } else if let Some(rest) = s.strip_prefix("/dev/sd") {
            sd(rest)
        } else {
            false
        };
        if !ok {
            return Err(InvalidArgument::new(
                Argument::Device,
                Problem::Malformed {
                    expected: DEVICE_FORM,
                },
            ));
        }
        Ok(BlockDevice(s.to_owned()))
    }
}

impl fmt::Display for BlockDevice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A filesystem UUID as `/dev/disk/by-uuid/` names it: the 8-4-4-4-12 hex form (ext4, xfs,
/// btrfs) or the `XXXX-XXXX` volume serial (vfat, exfat). Case is kept as given, because the
/// link name is case-sensitive.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FsUuid(String);

impl FsUuid {
    /// The UUID text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `/dev/disk/by-uuid/UUID`.
    pub fn device_path(&self) -> String {
        format!("/dev/disk/by-uuid/{}", self.0)
    }
}

impl FromStr for FsUuid {
    type Err = InvalidArgument;

    fn from_str(s: &str) -> Result<Self, InvalidArgument> {
        check_text(Argument::Uuid, s, 36, |b| {
            b.is_ascii_hexdigit() || b == b'-'
        })?;
        let groups: Vec<usize> = s.split('-').map(str::len).collect();
        if groups != [8, 4, 4, 4, 12] && groups != [4, 4] {
            return Err(InvalidArgument::new(
                Argument::Uuid,
                Problem::Malformed {
                    expected: "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx or XXXX-XXXX (hex)",
                },
            ));
        }
        Ok(FsUuid(s.to_owned()))
    }
}

/// The filesystem types a USB disk may be mounted as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FsType {
    /// `ext4`.
    Ext4,
    /// `xfs`.
    Xfs,
    /// `btrfs`.
    Btrfs,
    /// `vfat`.
    Vfat,
    /// `exfat` (the kernel driver; `mount -i` never runs a FUSE helper).
    Exfat,
}

impl FsType {
    /// Every allowed type.
    pub const ALL: [FsType; 5] = [
        FsType::Ext4,
        FsType::Xfs,
        FsType::Btrfs,
        FsType::Vfat,
        FsType::Exfat,
    ];

    /// The `mount -t` name.
    pub fn as_str(self) -> &'static str {
        match self {
            FsType::Ext4 => "ext4",
            FsType::Xfs => "xfs",
            FsType::Btrfs => "btrfs",
            FsType::Vfat => "vfat",
            FsType::Exfat => "exfat",
        }
    }
}

impl FromStr for FsType {
    type Err = InvalidArgument;

    fn from_str(s: &str) -> Result<Self, InvalidArgument> {
        FsType::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| {
                InvalidArgument::new(
                    Argument::FsType,
                    Problem::Malformed {
                        expected: "one of ext4, xfs, btrfs, vfat, exfat",
                    },
                )
            })
    }
}

impl fmt::Display for FsType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An existing directory strictly below [`MountPoint::BASE`], one to four components deep,
/// each component 1–64 bytes of `[A-Za-z0-9._-]` starting with a letter or digit, with no
/// symlink anywhere on the path (checked when built, by resolving the path).
///
/// The base must be owned by root and not writable by the agent's user: the symlink check
/// happens before `mount` runs, and only an unwritable tree keeps it true until then.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MountPoint(String);

impl MountPoint {
    /// The only directory USB disks are mounted below; the sudoers rule names it too.
    pub const BASE: &'static str = "/mnt/felhom";

    /// Checks `path` lexically, then resolves it on this host.
    ///
    /// # Errors
    /// An [`InvalidArgument`] for [`Argument::Mountpoint`]: not absolute, not normalised,
    /// outside the base, through a symlink, or not an existing directory.
    pub fn new(path: &str) -> Result<Self, InvalidArgument> {
        Self::under(Self::BASE, path)
    }

    /// [`MountPoint::new`] with another base: the tests' temporary directories.
    pub(crate) fn under(base: &'static str, path: &str) -> Result<Self, InvalidArgument> {
        Self::check_lexically(base, path)?;
        let refuse = |problem| Err(InvalidArgument::new(Argument::Mountpoint, problem));
        match std::fs::canonicalize(Path::new(path)) {
            Ok(resolved) if resolved != Path::new(path) => refuse(Problem::SymlinkEscape),
            Ok(resolved) if resolved.is_dir() => Ok(MountPoint(path.to_owned())),
            _ => refuse(Problem::NotADirectory),
        }
    }

    /// Tests only: the lexical rules below [`MountPoint::BASE`] without looking at the disk
    /// (for argv shapes checked against `dist/sudoers` on a host without `/mnt/felhom`).
    #[cfg(test)]
    pub(crate) fn lexically(path: &str) -> Result<Self, InvalidArgument> {
        Self::check_lexically(Self::BASE, path)?;
        Ok(MountPoint(path.to_owned()))
    }

    fn check_lexically(base: &'static str, path: &str) -> Result<(), InvalidArgument> {
        let refuse = |problem| Err(InvalidArgument::new(Argument::Mountpoint, problem));
        check_text(Argument::Mountpoint, path, 512, |b| {
            alnum(b) || matches!(b, b'/' | b'-' | b'_' | b'.')
        })?;
        let Some(relative) = path.strip_prefix('/') else {
            return refuse(Problem::NotAbsolute);
        };
        if relative
            .split('/')
            .any(|c| c.is_empty() || c == "." || c == "..")
        {
            return refuse(Problem::NotNormalised);
        }
        let Some(below) = path.strip_prefix(base).and_then(|r| r.strip_prefix('/')) else {
            return refuse(Problem::OutsideBase { base });
        };
        let below: Vec<&str> = below.split('/').collect();
        let component_ok = |c: &&str| c.len() <= 64 && c.as_bytes()[0].is_ascii_alphanumeric();
        if below.len() > 4 || !below.iter().all(component_ok) {
            return refuse(Problem::Malformed {
                expected: "1-4 components of [A-Za-z0-9._-] below the base",
            });
        }
        Ok(())
    }

    /// The path.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for MountPoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Everything `mount_usb_by_uuid` needs. The mount is always `nodev,nosuid,noexec`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsbMount {
    /// The filesystem to mount, found as `/dev/disk/by-uuid/UUID`.
    pub uuid: FsUuid,
    /// Its type.
    pub fs_type: FsType,
    /// Where.
    pub mountpoint: MountPoint,
    /// Adds `ro`.
    pub read_only: bool,
}
