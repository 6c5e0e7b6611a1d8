//! Is this filesystem on a USB disk? Checked before `mount` runs, from what the agent's user
//! can read: the udev link `/dev/disk/by-uuid/UUID` names a block device (`/dev/sdb1`), and
//! that device's sysfs path (`/sys/class/block/sdb1` → `/sys/devices/…/usb2/2-1/…/sdb1`)
//! passes through a USB host controller (`usbN`) exactly when the disk is USB-attached.
//!
//! This keeps a mistaken or hostile UUID (from the hub or a bug) from mounting an internal
//! disk — a guest volume mounted a second time while the guest runs is corrupted. sudoers
//! cannot express it, so it does not bind a compromised agent, which can only mount
//! `nodev,nosuid,noexec` below `/mnt/felhom` anyway.

use std::path::{Path, PathBuf};

use crate::args::FsUuid;
use crate::error::Error;

/// Where the check looks: `/dev/disk/by-uuid` and `/sys/class/block` (tests: a fake tree).
#[derive(Debug, Clone)]
pub(crate) struct HostPaths {
    pub(crate) by_uuid: PathBuf,
    pub(crate) sys_block: PathBuf,
}

impl Default for HostPaths {
    fn default() -> Self {
        HostPaths {
            by_uuid: "/dev/disk/by-uuid".into(),
            sys_block: "/sys/class/block".into(),
        }
    }
}

fn through_usb_controller(sys_path: &Path) -> bool {
    sys_path.components().any(|c| {
        let c = c.as_os_str().to_string_lossy();
        c.strip_prefix("usb")
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    })
}

/// `Ok(/dev/NAME)` when `uuid` names a filesystem on a USB-attached block device.
pub(crate) fn usb_device(host: &HostPaths, uuid: &FsUuid) -> Result<PathBuf, Error> {
    let missing = || Error::NoSuchFilesystem {
        uuid: uuid.as_str().to_owned(),
    };
    let device = std::fs::canonicalize(host.by_uuid.join(uuid.as_str())).map_err(|_| missing())?;
    let name = device.file_name().ok_or_else(missing)?;
    let sys = std::fs::canonicalize(host.sys_block.join(name)).map_err(|_| missing())?;
    if through_usb_controller(&sys) {
        Ok(device)
    } else {
        Err(Error::NotUsb {
            uuid: uuid.as_str().to_owned(),
            device: device.display().to_string(),
        })
    }
}
