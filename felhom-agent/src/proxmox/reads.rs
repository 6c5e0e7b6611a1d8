//! The read calls of the host API layer. None of them changes anything on the host.

use proxmox_sdk::Error;
use proxmox_sdk::api::access::GetAccessPermissions;
use proxmox_sdk::api::nodes::{
    GetNodes, GetNodesItem, GetNodesLxc, GetNodesLxcConfig, GetNodesLxcConfigResponse,
    GetNodesLxcItem, GetNodesLxcSnapshot, GetNodesLxcSnapshotItem, GetNodesLxcStatusCurrent,
    GetNodesLxcStatusCurrentResponse, GetNodesQemu, GetNodesQemuItem, GetNodesStatus,
    GetNodesStatusResponse, GetNodesStorage, GetNodesStorageContent, GetNodesStorageContentItem,
    GetNodesStorageItem,
};
use proxmox_sdk::api::storage::{GetStorage, GetStorageItem};
use proxmox_sdk::api::version::{GetVersion, GetVersionResponse};

use super::{EffectivePermissions, Host, checks};

impl Host {
    /// `GET /version`: the PVE release. Any authenticated user.
    ///
    /// # Errors
    /// The call's [`Error`].
    pub async fn version(&self) -> Result<GetVersionResponse, Error> {
        self.client.send(&GetVersion::new()).await
    }

    /// `GET /nodes`: the cluster's nodes, with `ssl_fingerprint` and (for online nodes)
    /// load. Any authenticated user; the list holds the nodes the token may audit.
    ///
    /// # Errors
    /// The call's [`Error`].
    pub async fn nodes(&self) -> Result<Vec<GetNodesItem>, Error> {
        self.client.send(&GetNodes::new()).await
    }

    /// `GET /nodes/{node}/status` of this node. Needs `Sys.Audit` on `/nodes/{node}`.
    ///
    /// # Errors
    /// The call's [`Error`]; a 403 names `Sys.Audit`.
    pub async fn node_status(&self) -> Result<GetNodesStatusResponse, Error> {
        self.client.send(&GetNodesStatus::new(&self.node)).await
    }

    /// `GET /nodes/{node}/lxc`: this node's containers. Any authenticated user; the list holds
    /// only the guests the token has `VM.Audit` on (none: an empty list, not a 403).
    ///
    /// # Errors
    /// The call's [`Error`].
    pub async fn list_lxc(&self) -> Result<Vec<GetNodesLxcItem>, Error> {
        self.client.send(&GetNodesLxc::new(&self.node)).await
    }

    /// `GET /nodes/{node}/qemu`: this node's virtual machines, filtered by `VM.Audit` like
    /// [`Host::list_lxc`].
    ///
    /// # Errors
    /// The call's [`Error`].
    pub async fn list_qemu(&self) -> Result<Vec<GetNodesQemuItem>, Error> {
        self.client.send(&GetNodesQemu::new(&self.node)).await
    }

    /// `GET /nodes/{node}/lxc/{vmid}/status/current`: state, lock and usage of a container.
    /// Needs `VM.Audit` on `/vms/{vmid}`.
    ///
    /// # Errors
    /// The call's [`Error`]; a container that is not on this node is a 500
    /// (`Configuration file … does not exist`).
    pub async fn guest_status(&self, vmid: u32) -> Result<GetNodesLxcStatusCurrentResponse, Error> {
        self.client
            .send(&GetNodesLxcStatusCurrent::new(
                &self.node,
                checks::vmid(vmid)?,
            ))
            .await
    }

    /// `GET /nodes/{node}/lxc/{vmid}/config`: a container's configuration, typed
    /// (`net0`, `rootfs`, `features` …) with its `digest`. Needs `VM.Audit` on `/vms/{vmid}`.
    ///
    /// # Errors
    /// The call's [`Error`].
    pub async fn guest_config(&self, vmid: u32) -> Result<GetNodesLxcConfigResponse, Error> {
        self.client
            .send(&GetNodesLxcConfig::new(&self.node, checks::vmid(vmid)?))
            .await
    }

    /// `GET /nodes/{node}/lxc/{vmid}/snapshot`: a container's snapshots, including the
    /// pseudo entry `current`. Needs `VM.Audit` on `/vms/{vmid}`.
    ///
    /// # Errors
    /// The call's [`Error`].
    pub async fn list_snapshots(&self, vmid: u32) -> Result<Vec<GetNodesLxcSnapshotItem>, Error> {
        self.client
            .send(&GetNodesLxcSnapshot::new(&self.node, checks::vmid(vmid)?))
            .await
    }

    /// `GET /storage`: the cluster's storage definitions. Any authenticated user; the list holds
    /// the storages the token may audit.
    ///
    /// # Errors
    /// The call's [`Error`].
    pub async fn list_storage(&self) -> Result<Vec<GetStorageItem>, Error> {
        self.client.send(&GetStorage::new()).await
    }

    /// `GET /nodes/{node}/storage`: this node's storages with usage and `active`/`enabled`.
    /// Any authenticated user; filtered by `Datastore.Audit`/`Datastore.AllocateSpace`.
    ///
    /// # Errors
    /// The call's [`Error`].
    pub async fn node_storage(&self) -> Result<Vec<GetNodesStorageItem>, Error> {
        self.client.send(&GetNodesStorage::new(&self.node)).await
    }

    /// `GET /nodes/{node}/storage/{storage}/content`: the volumes on a storage (backups,
    /// templates, disk images). Needs `Datastore.Audit` or `Datastore.AllocateSpace` on
    /// `/storage/{storage}`.
    ///
    /// # Errors
    /// The call's [`Error`].
    pub async fn storage_content(
        &self,
        storage: &str,
    ) -> Result<Vec<GetNodesStorageContentItem>, Error> {
        self.client
            .send(&GetNodesStorageContent::new(
                &self.node,
                checks::storage_id(storage)?,
            ))
            .await
    }

    /// `GET /access/permissions`: the token's effective privileges per ACL path. Any
    /// authenticated user (for its own permissions).
    ///
    /// # Errors
    /// The call's [`Error`]; [`Error::Decode`] when the answer is not a map of paths to
    /// privilege maps.
    pub async fn permissions(&self) -> Result<EffectivePermissions, Error> {
        let value = self.client.send(&GetAccessPermissions::new()).await?;
        EffectivePermissions::from_value(value).map_err(|source| Error::Decode {
            endpoint: "GET /access/permissions".to_owned(),
            path: "data".to_owned(),
            source: source.into(),
        })
    }
}
