//! The fenced root backend of felhom-agent.
//!
//! Almost everything the agent does on a Proxmox host goes through the scoped API token.
//! Four things cannot, and only those four live here, each documenting why:
//!
//! | operation | runs |
//! |---|---|
//! | [`Privileged::create_golden_lxc`] | `nsenter --mount=/proc/1/ns/mnt -- pct create VMID TEMPLATE … --unprivileged 1 --features keyctl=1,nesting=1` |
//! | [`Privileged::mount_usb_by_uuid`] | `nsenter --mount=/proc/1/ns/mnt -- mount -i -t TYPE -o nodev,nosuid,noexec -- /dev/disk/by-uuid/UUID DIR` (USB disks only) |
//! | [`Privileged::smart`] | `smartctl --json=c -a DEVICE` |
//! | [`Privileged::sensors`] | `sensors -j` |
//!
//! # The rules
//!
//! - **Arguments are types.** An operation takes only validated values ([`Vmid`],
//!   [`TemplateVolid`], [`BlockDevice`], [`MountPoint`], …); a bad value is an
//!   [`InvalidArgument`] naming the argument, raised before any process exists.
//! - **Argv, never a shell**; absolute program paths (`pct` and `mount` through
//!   [`NSENTER`], so they act on the host's mount namespace, not the service sandbox's); a cleared environment with `LC_ALL=C`;
//!   `/` as working directory; each command in its own process group, killed at its time
//!   limit; stdout bounded and parsed as JSON where the tool has it, stderr kept (bounded)
//!   as diagnostics; each tool's exit status read its own way (smartctl's bit mask,
//!   `sensors`' "no sensors").
//! - **Modes.** [`Mode::Sudo`] runs `sudo -n -- PROGRAM …` for an unprivileged agent and
//!   `dist/sudoers` allows exactly these command lines ([`dist::SUDOERS`]); a refusal is
//!   [`Error::SudoRefused`] naming the sudoers rule. [`Mode::Direct`] runs the same argv as
//!   root (dev/CI).
//! - **The fence.** This crate depends on no HTTP, TLS, socket or SDK crate (`tests/fence.rs`
//!   checks the dependency graph) and its `clippy.toml` forbids the std and tokio socket
//!   types; the SDK in turn cannot spawn a process. The two halves of the agent cannot
//!   blur into each other without a red CI.
//!
//! # Example
//!
//! ```no_run
//! use felhom_privileged::{BlockDevice, Mode, Privileged};
//!
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! let mode: Mode = "sudo".parse()?;
//! let privileged = Privileged::new(mode);
//! let disk: BlockDevice = "/dev/nvme0n1".parse()?;
//! let report = privileged.smart(&disk).await?;
//! println!("{:?} {:?}", report.model, report.health);
//! let readings = privileged.sensors().await?;
//! println!("{} sensor chips", readings.chips.len());
//! # Ok(())
//! # }
//! ```
//!
//! Tests substitute the [`Runner`]: `Privileged::with_runner(Mode::Sudo, my_runner)`.

mod args;
pub mod dist;
mod error;
mod exec;
mod mode;
mod ops;

#[cfg(test)]
mod tests;

pub use args::{
    Argument, BlockDevice, Bridge, Cores, FsType, FsUuid, GoldenLxc, Hostname, InvalidArgument,
    MemoryMib, MountPoint, Net0, Net0Ip, Problem, RootfsGib, StorageId, TemplateVolid, UsbMount,
    VlanTag, Vmid,
};
pub use error::{Error, Operation, SudoRefusal};
pub use exec::{
    Command, ENVIRONMENT, Exit, NSENTER, NSENTER_ARGS, Output, Program, RunError, Runner, SUDO,
    SystemRunner,
};
pub use mode::{Mode, UnknownMode};
pub use ops::lxc::GoldenLxcCreated;
pub use ops::mount::Mounted;
pub use ops::sensors::{Chip, SensorReadings};
pub use ops::smart::{Health, SmartExit, SmartReport};
pub use ops::{Privileged, time_limit};
