//! `mount_usb_by_uuid`: mount a USB disk's filesystem below the mount base.
//!
//! **Why not the API:** mounting a host filesystem is not a Proxmox operation at all — the
//! API can register a directory as storage, but nothing in it mounts a block device.

use crate::args::{MountPoint, UsbMount};
use crate::error::{Error, Operation};
use crate::exec::{Exit, Runner};
use crate::ops::{Privileged, failed, usb};

/// A mounted filesystem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mounted {
    /// `/dev/disk/by-uuid/UUID`.
    pub device: String,
    /// Where it is mounted.
    pub mountpoint: MountPoint,
}

/// The mount options: always `nodev,nosuid,noexec`, plus `ro` when asked.
pub(crate) fn options(read_only: bool) -> &'static str {
    if read_only {
        "nodev,nosuid,noexec,ro"
    } else {
        "nodev,nosuid,noexec"
    }
}

/// `-i -t TYPE -o OPTIONS -- /dev/disk/by-uuid/UUID MOUNTPOINT`. `-i` keeps mount from running
/// any `/sbin/mount.TYPE` helper; `--` ends option parsing before the two paths.
pub(crate) fn args(request: &UsbMount) -> Vec<String> {
    vec![
        "-i".into(),
        "-t".into(),
        request.fs_type.to_string(),
        "-o".into(),
        options(request.read_only).into(),
        "--".into(),
        request.uuid.device_path(),
        request.mountpoint.to_string(),
    ]
}

impl<R: Runner> Privileged<R> {
    /// Mounts `/dev/disk/by-uuid/UUID` on the mountpoint, `nodev,nosuid,noexec`, after
    /// checking that the filesystem is on a USB-attached disk.
    ///
    /// # Errors
    /// [`Error::NoSuchFilesystem`] and [`Error::NotUsb`] before anything runs;
    /// [`Error::MountFailed`] with mount's exit code (32: the mount itself failed, e.g.
    /// already mounted, wrong type), [`Error::SudoRefused`], [`Error::Run`].
    pub async fn mount_usb_by_uuid(&self, request: &UsbMount) -> Result<Mounted, Error> {
        let operation = Operation::MountUsbByUuid;
        usb::usb_device(&self.host, &request.uuid)?;
        let output = self.execute(operation, args(request)).await?;
        match output.exit {
            Exit::Code(0) => Ok(Mounted {
                device: request.uuid.device_path(),
                mountpoint: request.mountpoint.clone(),
            }),
            Exit::Code(code) => Err(Error::MountFailed {
                code,
                stderr: output.diagnostics(),
            }),
            Exit::Signal(_) => Err(failed(operation, &output)),
        }
    }
}
