//! `create_golden_lxc`: `pct create` of the golden container with `keyctl=1`.
//!
//! **Why not the API:** PVE lets only `root@pam` set container feature flags other than
//! `nesting` (`keyctl` included) — a privilege-separated API token never can, whatever its
//! role. Per-customer containers are restored from the golden image's backup through the API
//! (a restore keeps `keyctl`), so this is the only create that needs root.

use crate::args::{GoldenLxc, Vmid};
use crate::error::{Error, Operation};
use crate::exec::Exit;
use crate::exec::Runner;
use crate::ops::{Privileged, failed};

/// A created golden container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoldenLxcCreated {
    /// Its id.
    pub vmid: Vmid,
    /// What `pct create` printed (extraction progress, SSH host keys), for the log.
    pub log: String,
}

/// `create VMID TEMPLATE --hostname … --rootfs STORAGE:GIB --memory … --cores … --net0 …
/// --unprivileged 1 --features keyctl=1,nesting=1`.
pub(crate) fn args(spec: &GoldenLxc) -> Vec<String> {
    vec![
        "create".into(),
        spec.vmid.to_string(),
        spec.template.to_string(),
        "--hostname".into(),
        spec.hostname.to_string(),
        "--rootfs".into(),
        format!("{}:{}", spec.storage, spec.rootfs_gib),
        "--memory".into(),
        spec.memory_mib.to_string(),
        "--cores".into(),
        spec.cores.to_string(),
        "--net0".into(),
        spec.net0.to_property_string(),
        "--unprivileged".into(),
        "1".into(),
        "--features".into(),
        "keyctl=1,nesting=1".into(),
    ]
}

impl<R: Runner> Privileged<R> {
    /// Creates the golden container: unprivileged, `keyctl=1,nesting=1`, not started.
    ///
    /// # Errors
    /// [`Error::VmidInUse`] when the id is taken, [`Error::SudoRefused`] without the sudoers
    /// rule, [`Error::Failed`] for any other `pct` failure, [`Error::Run`] when `pct` could
    /// not be run to completion.
    pub async fn create_golden_lxc(&self, spec: &GoldenLxc) -> Result<GoldenLxcCreated, Error> {
        let operation = Operation::CreateGoldenLxc;
        let output = self.execute(operation, args(spec)).await?;
        match output.exit {
            Exit::Code(0) => Ok(GoldenLxcCreated {
                vmid: spec.vmid,
                log: String::from_utf8_lossy(&output.stdout).into_owned(),
            }),
            _ if output.diagnostics().contains(" already exists on node ") => {
                Err(Error::VmidInUse {
                    vmid: spec.vmid.get(),
                })
            }
            _ => Err(failed(operation, &output)),
        }
    }
}
