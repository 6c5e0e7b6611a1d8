//! The mutations of the host API layer. Each one that PVE runs as a worker returns the task's
//! [`Upid`] as soon as the task started; the work is done only when the task ended `OK` — wait
//! with [`Host::wait_task`] or use [`Host::run`].

use proxmox_sdk::api::nodes::{
    DeleteNodesLxcSnapshotSnapname, PostNodesLxcSnapshot, PostNodesLxcSnapshotRollback,
    PostNodesLxcStatusStart, PostNodesLxcStatusStop, PutNodesLxcConfig,
};
use proxmox_sdk::{Error, TaskStarted, Upid};

use super::checks;
use super::restore::{VzdumpMode, vzdump_request};
use super::{Host, RestoreLxc};

impl Host {
    /// `POST /nodes/{node}/lxc` with `restore=1`: creates a container from a backup (task
    /// `vzrestore`). The schema leaves the check to the handler: `VM.Allocate` on
    /// `/vms/{vmid}`, `Datastore.AllocateSpace` on each target storage, access to the archive,
    /// and `SDN.Use` on the bridges of the restored NICs (checked inside the task).
    ///
    /// # Errors
    /// The call's [`Error`]; a missing `VM.Allocate` is a bare `Permission check failed` 403.
    pub async fn restore_lxc(&self, restore: &RestoreLxc) -> Result<Upid, Error> {
        checks::vmid(restore.vmid())?;
        self.client.send(&restore.request(&self.node)).await
    }

    /// `POST /nodes/{node}/vzdump` of one guest to `storage` (task `vzdump`). Checked by the
    /// handler: `VM.Backup` on `/vms/{vmid}` and `Datastore.AllocateSpace` on
    /// `/storage/{storage}`.
    ///
    /// PVE answers `OK` instead of a UPID when the guest is not on this node (nothing to do
    /// here): that is [`TaskStarted::Done`]; [`Host::run`] reports it as
    /// [`RunError::NoTask`](super::RunError::NoTask).
    ///
    /// # Errors
    /// The call's [`Error`].
    pub async fn vzdump(
        &self,
        vmid: u32,
        storage: &str,
        mode: VzdumpMode,
    ) -> Result<TaskStarted, Error> {
        let (vmid, storage) = (checks::vmid(vmid)?, checks::storage_id(storage)?);
        self.client
            .send(&vzdump_request(&self.node, vmid, storage, mode))
            .await
    }

    /// `POST /nodes/{node}/lxc/{vmid}/snapshot` (task `vzsnapshot`). Needs `VM.Snapshot` on
    /// `/vms/{vmid}`.
    ///
    /// # Errors
    /// The call's [`Error`]; a name PVE does not accept (`[a-z][a-z0-9_]+`, at most 40) is a
    /// 400 naming `snapname`.
    pub async fn snapshot(&self, vmid: u32, name: &str) -> Result<Upid, Error> {
        let (vmid, name) = (checks::vmid(vmid)?, checks::snapshot_name(name)?);
        self.client
            .send(&PostNodesLxcSnapshot::new(&self.node, vmid, name))
            .await
    }

    /// `POST /nodes/{node}/lxc/{vmid}/snapshot/{snapname}/rollback` (task `vzrollback`). Needs
    /// `VM.Snapshot` or `VM.Snapshot.Rollback` on `/vms/{vmid}`. A running container is
    /// stopped by the rollback.
    ///
    /// # Errors
    /// The call's [`Error`].
    pub async fn rollback(&self, vmid: u32, name: &str) -> Result<Upid, Error> {
        let (vmid, name) = (checks::vmid(vmid)?, checks::snapshot_name(name)?);
        self.client
            .send(&PostNodesLxcSnapshotRollback::new(&self.node, vmid, name))
            .await
    }

    /// `DELETE /nodes/{node}/lxc/{vmid}/snapshot/{snapname}` (task `vzdelsnapshot`). Needs
    /// `VM.Snapshot` on `/vms/{vmid}`.
    ///
    /// # Errors
    /// The call's [`Error`].
    pub async fn delete_snapshot(&self, vmid: u32, name: &str) -> Result<Upid, Error> {
        let (vmid, name) = (checks::vmid(vmid)?, checks::snapshot_name(name)?);
        self.client
            .send(&DeleteNodesLxcSnapshotSnapname::new(&self.node, vmid, name))
            .await
    }

    /// `POST /nodes/{node}/lxc/{vmid}/status/start` (task `vzstart`). Needs `VM.PowerMgmt` on
    /// `/vms/{vmid}`.
    ///
    /// # Errors
    /// The call's [`Error`].
    pub async fn start(&self, vmid: u32) -> Result<Upid, Error> {
        let vmid = checks::vmid(vmid)?;
        self.client
            .send(&PostNodesLxcStatusStart::new(&self.node, vmid))
            .await
    }

    /// `POST /nodes/{node}/lxc/{vmid}/status/stop` (task `vzstop`): an immediate stop, not a
    /// clean shutdown. Needs `VM.PowerMgmt` on `/vms/{vmid}`.
    ///
    /// # Errors
    /// The call's [`Error`].
    pub async fn stop(&self, vmid: u32) -> Result<Upid, Error> {
        let vmid = checks::vmid(vmid)?;
        self.client
            .send(&PostNodesLxcStatusStop::new(&self.node, vmid))
            .await
    }

    /// `PUT /nodes/{node}/lxc/{vmid}/config`: changes a container's configuration.
    ///
    /// **Synchronous**, unlike the other mutations: the schema says PVE answers `null` once the
    /// change is written (LXC has no asynchronous config call), so there is no task to wait for
    /// and the change is done when this returns `Ok`. `edit` fills in the request, whose node
    /// and vmid are this host's; pass the `digest` of the config you read so PVE refuses the
    /// write if someone else changed it meanwhile (see [`Host::update_config`]).
    ///
    /// Needs any of `VM.Config.Disk`, `VM.Config.CPU`, `VM.Config.Memory`,
    /// `VM.Config.Network`, `VM.Config.Options` on `/vms/{vmid}` (the handler checks the one
    /// for each key changed), and `SDN.Use` for a NIC's bridge.
    ///
    /// # Errors
    /// The call's [`Error`]; a stale digest is a 500 (`detected modified configuration`).
    pub async fn set_config(
        &self,
        vmid: u32,
        edit: impl FnOnce(PutNodesLxcConfig) -> PutNodesLxcConfig,
    ) -> Result<(), Error> {
        let request = edit(PutNodesLxcConfig::new(&self.node, checks::vmid(vmid)?));
        self.client.send(&request).await
    }

    /// Read-modify-write of a container's configuration: reads it, lets `edit` change the
    /// typed config, and sends only the keys that changed (removed keys as `delete`) with the
    /// digest of the read. Synchronous like [`Host::set_config`]; needs `VM.Audit` and the
    /// privileges of the keys changed.
    ///
    /// # Errors
    /// The read's or the write's [`Error`].
    pub async fn update_config(
        &self,
        vmid: u32,
        edit: impl FnOnce(&mut proxmox_sdk::api::nodes::GetNodesLxcConfigResponse),
    ) -> Result<(), Error> {
        let before = self.guest_config(checks::vmid(vmid)?).await?;
        let mut after = before.clone();
        edit(&mut after);
        let update = proxmox_sdk::wire::changes(
            &before.to_put(&self.node, vmid),
            after.to_put(&self.node, vmid),
        );
        self.client.send(&update).await
    }
}
