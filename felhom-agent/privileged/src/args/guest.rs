//! The arguments of `pct create`: PVE's own formats, checked here so a bad value never reaches
//! a root process. Ranges and patterns follow the PVE 9.1 schema of `POST /nodes/{node}/lxc`
//! (`pve-vmid` 100..=999999999, `dns-name`, `pve-storage-id`, `cores` 1..=8192, `memory` ≥ 16,
//! the `net[n]` bridge pattern); upper bounds the schema leaves open are ours and say so.

use std::fmt;
use std::net::Ipv4Addr;
use std::str::FromStr;

use super::{Argument, InvalidArgument, Problem, alnum, check_range, check_text};

/// A guest id in PVE's range (`pve-vmid`: 100..=999999999).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Vmid(u32);

impl Vmid {
    /// The smallest guest id PVE accepts.
    pub const MIN: u32 = 100;
    /// The largest guest id PVE accepts.
    pub const MAX: u32 = 999_999_999;

    /// Checks the range.
    ///
    /// # Errors
    /// [`Problem::OutOfRange`] for [`Argument::Vmid`].
    pub fn new(value: u64) -> Result<Self, InvalidArgument> {
        check_range(Argument::Vmid, value, Self::MIN.into(), Self::MAX.into())?;
        Ok(Vmid(value as u32))
    }

    /// The id as a number.
    pub fn get(self) -> u32 {
        self.0
    }
}

impl FromStr for Vmid {
    type Err = InvalidArgument;

    /// Decimal digits only: no sign, no spaces, no leading zero, at most 9 digits.
    fn from_str(s: &str) -> Result<Self, InvalidArgument> {
        check_text(Argument::Vmid, s, 9, |b| b.is_ascii_digit())?;
        if s.starts_with('0') {
            return Err(InvalidArgument::new(
                Argument::Vmid,
                Problem::Malformed {
                    expected: "a decimal number without leading zeros",
                },
            ));
        }
        // At most nine digits, so this cannot overflow.
        Vmid::new(s.parse().unwrap_or(u64::MAX))
    }
}

impl fmt::Display for Vmid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Declares a string newtype whose only constructor is its `FromStr` check.
macro_rules! text_newtype {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(String);

        impl $name {
            /// The canonical text that goes into argv.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

text_newtype!(
    /// A container hostname in PVE's `dns-name` form: dot-separated labels of ASCII letters,
    /// digits and inner hyphens, each 1–63 bytes, at most 253 bytes in all.
    Hostname
);

impl FromStr for Hostname {
    type Err = InvalidArgument;

    fn from_str(s: &str) -> Result<Self, InvalidArgument> {
        check_text(Argument::Hostname, s, 253, |b| {
            alnum(b) || b == b'-' || b == b'.'
        })?;
        let label_ok =
            |l: &str| !l.is_empty() && l.len() <= 63 && !l.starts_with('-') && !l.ends_with('-');
        if !s.split('.').all(label_ok) {
            return Err(InvalidArgument::new(
                Argument::Hostname,
                Problem::Malformed {
                    expected: "dot-separated labels of 1-63 letters, digits and inner '-'",
                },
            ));
        }
        Ok(Hostname(s.to_owned()))
    }
}

/// PVE's `pve-storage-id` rule: a letter, then letters, digits, `-`, `_`, `.`, ending in a
/// letter or digit (at most 64 bytes here; PVE sets no bound).
fn check_storage_id(argument: Argument, s: &str) -> Result<(), InvalidArgument> {
    check_text(argument, s, 64, |b| {
        alnum(b) || matches!(b, b'-' | b'_' | b'.')
    })?;
    let first = s.as_bytes()[0];
    let last = s.as_bytes()[s.len() - 1];
    if s.len() < 2 || !first.is_ascii_alphabetic() || !alnum(last) {
        return Err(InvalidArgument::new(
            argument,
            Problem::Malformed {
                expected: "a storage id: a letter, then [A-Za-z0-9._-], ending in a letter or digit",
            },
        ));
    }
    Ok(())
}

text_newtype!(
    /// A storage id (`pve-storage-id`), e.g. `local-lvm`.
    StorageId
);

impl FromStr for StorageId {
    type Err = InvalidArgument;

    fn from_str(s: &str) -> Result<Self, InvalidArgument> {
        check_storage_id(Argument::Storage, s)?;
        Ok(StorageId(s.to_owned()))
    }
}

text_newtype!(
    /// A container template volume id, `STORAGE:vztmpl/FILE` with `FILE` one path component
    /// of `[A-Za-z0-9._+-]` (starting with a letter or digit) ending in `.tar.gz`, `.tar.xz`,
    /// `.tar.zst` or `.tar.bz2` — the template forms PVE's storage layer accepts.
    TemplateVolid
);

const TEMPLATE_FORM: &str = "storage:vztmpl/name.tar.{gz,xz,zst,bz2}";

impl FromStr for TemplateVolid {
    type Err = InvalidArgument;

    fn from_str(s: &str) -> Result<Self, InvalidArgument> {
        let malformed = || {
            InvalidArgument::new(
                Argument::Template,
                Problem::Malformed {
                    expected: TEMPLATE_FORM,
                },
            )
        };
        check_text(Argument::Template, s, 255, |b| {
            alnum(b) || matches!(b, b'-' | b'_' | b'.' | b'+' | b':' | b'/')
        })?;
        let (storage, volume) = s.split_once(':').ok_or_else(malformed)?;
        check_storage_id(Argument::Template, storage)?;
        let file = volume.strip_prefix("vztmpl/").ok_or_else(malformed)?;
        let ext_ok = [".tar.gz", ".tar.xz", ".tar.zst", ".tar.bz2"]
            .iter()
            .any(|ext| file.len() > ext.len() && file.ends_with(ext));
        let file_ok = file
            .bytes()
            .all(|b| alnum(b) || matches!(b, b'-' | b'_' | b'.' | b'+'))
            && file.as_bytes().first().copied().is_some_and(alnum);
        if !ext_ok || !file_ok {
            return Err(malformed());
        }
        Ok(TemplateVolid(s.to_owned()))
    }
}

/// Declares a bounded integer newtype.
macro_rules! bounded_u32 {
    ($(#[$meta:meta])* $name:ident, $argument:expr, $min:expr, $max:expr) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(u32);

        impl $name {
            /// The smallest accepted value.
            pub const MIN: u32 = $min;
            /// The largest accepted value.
            pub const MAX: u32 = $max;

            /// Checks the range.
            ///
            /// # Errors
            /// [`Problem::OutOfRange`] naming this argument.
            pub fn new(value: u64) -> Result<Self, InvalidArgument> {
                check_range($argument, value, Self::MIN.into(), Self::MAX.into())?;
                Ok($name(value as u32))
            }

            /// The value.
            pub fn get(self) -> u32 {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

bounded_u32!(
    /// Root filesystem size in GiB, 1..=65536 (64 TiB; our bound, PVE has none).
    RootfsGib, Argument::RootfsSize, 1, 65_536
);
bounded_u32!(
    /// Memory in MiB, 16..=4194304 (PVE's minimum; 4 TiB is our bound).
    MemoryMib, Argument::Memory, 16, 4_194_304
);
bounded_u32!(
    /// CPU cores, 1..=8192 (PVE's range).
    Cores, Argument::Cores, 1, 8192
);

text_newtype!(
    /// A Linux bridge name for `net0`: 1–15 bytes (the kernel's interface name limit) of
    /// `[A-Za-z0-9._-]`, starting with a letter or digit — PVE's bridge pattern in ASCII.
    Bridge
);

impl FromStr for Bridge {
    type Err = InvalidArgument;

    fn from_str(s: &str) -> Result<Self, InvalidArgument> {
        check_text(Argument::Bridge, s, 15, |b| {
            alnum(b) || matches!(b, b'-' | b'_' | b'.')
        })?;
        if s.starts_with('.') {
            return Err(InvalidArgument::new(
                Argument::Bridge,
                Problem::Malformed {
                    expected: "an interface name starting with a letter or digit",
                },
            ));
        }
        Ok(Bridge(s.to_owned()))
    }
}

/// How `net0` gets its IPv4 address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Net0Ip {
    /// `ip=dhcp`.
    Dhcp,
    /// `ip=ADDRESS/PREFIX` with an optional `gw=GATEWAY`.
    Static {
        /// The address.
        address: Ipv4Addr,
        /// The prefix length, 1..=32.
        prefix: u8,
        /// The default gateway.
        gateway: Option<Ipv4Addr>,
    },
}

impl Net0Ip {
    /// A static address; the prefix must be 1..=32.
    ///
    /// # Errors
    /// [`Problem::OutOfRange`] for [`Argument::Ip`].
    pub fn fixed(
        address: Ipv4Addr,
        prefix: u8,
        gateway: Option<Ipv4Addr>,
    ) -> Result<Self, InvalidArgument> {
        check_range(Argument::Ip, prefix.into(), 1, 32)?;
        Ok(Net0Ip::Static {
            address,
            prefix,
            gateway,
        })
    }
}

/// A VLAN tag, 1..=4094.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VlanTag(u16);

impl VlanTag {
    /// Checks the range.
    ///
    /// # Errors
    /// [`Problem::OutOfRange`] for [`Argument::VlanTag`].
    pub fn new(value: u64) -> Result<Self, InvalidArgument> {
        check_range(Argument::VlanTag, value, 1, 4094)?;
        Ok(VlanTag(value as u16))
    }
}

/// The container's only network device, rendered as the `--net0` property string
/// `name=eth0,bridge=B[,firewall=1],ip=…[,gw=…][,tag=N]` (fixed key order, no other key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Net0 {
    /// The bridge to attach to.
    pub bridge: Bridge,
    /// Addressing.
    pub ip: Net0Ip,
    /// Whether PVE's firewall filters this interface.
    pub firewall: bool,
    /// An optional VLAN tag.
    pub vlan_tag: Option<VlanTag>,
}

impl Net0 {
    /// The `--net0` value.
    pub fn to_property_string(&self) -> String {
        let mut s = format!("name=eth0,bridge={}", self.bridge);
        if self.firewall {
            s.push_str(",firewall=1");
        }
        match self.ip {
            Net0Ip::Dhcp => s.push_str(",ip=dhcp"),
            Net0Ip::Static {
                address,
                prefix,
                gateway,
            } => {
                s.push_str(&format!(",ip={address}/{prefix}"));
                if let Some(gw) = gateway {
                    s.push_str(&format!(",gw={gw}"));
                }
            }
        }
        if let Some(VlanTag(tag)) = self.vlan_tag {
            s.push_str(&format!(",tag={tag}"));
        }
        s
    }
}

/// Everything `create_golden_lxc` needs. The container is always unprivileged with
/// `keyctl=1,nesting=1` (the point of the golden image); these are the choices left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoldenLxc {
    /// The new guest's id.
    pub vmid: Vmid,
    /// The OS template to unpack.
    pub template: TemplateVolid,
    /// The hostname.
    pub hostname: Hostname,
    /// Where the root filesystem is allocated.
    pub storage: StorageId,
    /// The root filesystem size.
    pub rootfs_gib: RootfsGib,
    /// Memory.
    pub memory_mib: MemoryMib,
    /// CPU cores.
    pub cores: Cores,
    /// The network device.
    pub net0: Net0,
}
