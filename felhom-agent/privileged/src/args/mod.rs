//! Validated arguments: every value that reaches a root command is one of these types.
//!
//! A value is checked once, when its type is built, and the type then only hands out the
//! canonical text that goes into argv. The checks are allowlists (what a value *may* contain),
//! never denylists, so a value can never carry an option (`-x`), a shell metacharacter, a NUL,
//! a newline, a path traversal or a lookalike Unicode character into a root command — and since
//! argv is passed without a shell, quoting never matters. Each refusal is an
//! [`InvalidArgument`] that names the argument and the rule it broke, never the hostile text
//! itself (it may be meant for a log line).

mod disk;
mod guest;

pub use disk::{BlockDevice, FsType, FsUuid, MountPoint, UsbMount};
pub use guest::{
    Bridge, Cores, GoldenLxc, Hostname, MemoryMib, Net0, Net0Ip, RootfsGib, StorageId,
    TemplateVolid, VlanTag, Vmid,
};

/// Which argument was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Argument {
    /// The guest id of `pct create`.
    Vmid,
    /// The `storage:vztmpl/file` template volume id.
    Template,
    /// The container hostname.
    Hostname,
    /// The storage that holds the root filesystem.
    Storage,
    /// The root filesystem size in GiB.
    RootfsSize,
    /// The memory size in MiB.
    Memory,
    /// The number of CPU cores.
    Cores,
    /// The bridge of `net0`.
    Bridge,
    /// The static IPv4 address of `net0`.
    Ip,
    /// The IPv4 gateway of `net0`.
    Gateway,
    /// The VLAN tag of `net0`.
    VlanTag,
    /// The filesystem UUID of the disk to mount.
    Uuid,
    /// The filesystem type to mount.
    FsType,
    /// The directory to mount on.
    Mountpoint,
    /// The block device to read SMART data from.
    Device,
}

impl Argument {
    /// The argument's name as the agent's configuration and CLI spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Argument::Vmid => "vmid",
            Argument::Template => "template",
            Argument::Hostname => "hostname",
            Argument::Storage => "storage",
            Argument::RootfsSize => "rootfs_gib",
            Argument::Memory => "memory_mib",
            Argument::Cores => "cores",
            Argument::Bridge => "bridge",
            Argument::Ip => "ip",
            Argument::Gateway => "gateway",
            Argument::VlanTag => "vlan_tag",
            Argument::Uuid => "uuid",
            Argument::FsType => "fs_type",
            Argument::Mountpoint => "mountpoint",
            Argument::Device => "device",
        }
    }
}

impl std::fmt::Display for Argument {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The rule a refused argument broke.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// The value is empty.
    Empty,
    /// The value is longer than `max` bytes.
    TooLong {
        /// The longest accepted value, in bytes.
        max: usize,
    },
    /// The value starts with `-` and would be read as an option.
    LeadingDash,
    /// The value holds a NUL, newline or other control character.
    ControlCharacter,
    /// The value holds a character outside the allowed set (non-ASCII included).
    ForbiddenCharacter,
    /// The value does not have the required form.
    Malformed {
        /// The accepted form, e.g. `storage:vztmpl/file.tar.zst`.
        expected: &'static str,
    },
    /// A number outside its range (inclusive bounds).
    OutOfRange {
        /// The smallest accepted value.
        min: u64,
        /// The largest accepted value.
        max: u64,
    },
    /// A path that is not absolute.
    NotAbsolute,
    /// A path with `.`, `..`, an empty component or a trailing `/`.
    NotNormalised,
    /// A path that is not strictly below the allowed base directory.
    OutsideBase {
        /// The allowed base directory.
        base: &'static str,
    },
    /// A path that does not resolve to itself (a symlink somewhere along it).
    SymlinkEscape,
    /// A path that does not exist or is not a directory.
    NotADirectory,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Empty => f.write_str("is empty"),
            Problem::TooLong { max } => write!(f, "is longer than {max} bytes"),
            Problem::LeadingDash => f.write_str("starts with '-' (option injection)"),
            Problem::ControlCharacter => {
                f.write_str("contains a control character (NUL, newline, ...)")
            }
            Problem::ForbiddenCharacter => {
                f.write_str("contains a character outside the allowed set")
            }
            Problem::Malformed { expected } => write!(f, "is not of the form {expected}"),
            Problem::OutOfRange { min, max } => write!(f, "is outside {min}..={max}"),
            Problem::NotAbsolute => f.write_str("is not an absolute path"),
            Problem::NotNormalised => {
                f.write_str("is not a normalised path (., .., //, trailing /)")
            }
            Problem::OutsideBase { base } => write!(f, "is not below {base}"),
            Problem::SymlinkEscape => f.write_str("does not resolve to itself (symlink)"),
            Problem::NotADirectory => f.write_str("is not an existing directory"),
        }
    }
}

/// An argument refused before anything ran.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {argument}: the value {problem}")]
pub struct InvalidArgument {
    /// Which argument.
    pub argument: Argument,
    /// Which rule it broke.
    pub problem: Problem,
}

impl InvalidArgument {
    pub(crate) fn new(argument: Argument, problem: Problem) -> Self {
        InvalidArgument { argument, problem }
    }
}

/// The checks every textual argument passes first, in this order: not empty, not longer than
/// `max`, no control character, no leading `-`, and every byte in `allowed` (ASCII only, so
/// no lookalike Unicode survives).
pub(crate) fn check_text(
    argument: Argument,
    value: &str,
    max: usize,
    allowed: fn(u8) -> bool,
) -> Result<(), InvalidArgument> {
    let refuse = |problem| Err(InvalidArgument::new(argument, problem));
    if value.is_empty() {
        return refuse(Problem::Empty);
    }
    if value.len() > max {
        return refuse(Problem::TooLong { max });
    }
    if value.chars().any(char::is_control) {
        return refuse(Problem::ControlCharacter);
    }
    if value.starts_with('-') {
        return refuse(Problem::LeadingDash);
    }
    if !value.bytes().all(allowed) {
        return refuse(Problem::ForbiddenCharacter);
    }
    Ok(())
}

/// A number in `min..=max`.
pub(crate) fn check_range(
    argument: Argument,
    value: u64,
    min: u64,
    max: u64,
) -> Result<(), InvalidArgument> {
    if (min..=max).contains(&value) {
        Ok(())
    } else {
        Err(InvalidArgument::new(
            argument,
            Problem::OutOfRange { min, max },
        ))
    }
}

/// Lowercase and uppercase ASCII letters and digits.
pub(crate) fn alnum(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}
