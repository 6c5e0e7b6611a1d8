//! [`NodeHandle`]: one cluster node, and the guests on it.

use crate::api::nodes::{
    GetNodesLxc, GetNodesLxcItem, GetNodesQemu, GetNodesQemuItem, GetNodesStatus,
    GetNodesStatusResponse, PostNodesLxc, PostNodesQemu,
};
use crate::client::Client;
use crate::error::Error;

use super::call::TaskCall;
use super::guest::{LxcHandle, QemuHandle};

/// One node of the cluster: `client.node("pve1")`. Every call it makes, and every call of
/// the guest handles it gives out, goes to this node; task waits go to the node named in the
/// task's UPID, as [`Client::wait_task`] always does.
///
/// ```no_run
/// # async fn demo(client: proxmox_sdk::Client) -> Result<(), proxmox_sdk::Error> {
/// let node = client.node("pve1");
/// for ct in node.containers().await? {
///     println!("{} {:?}", ct.vmid, ct.status);
/// }
/// node.lxc(100).start().await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct NodeHandle {
    client: Client,
    name: String,
}

impl NodeHandle {
    pub(crate) fn new(client: &Client, name: impl Into<String>) -> Self {
        Self {
            client: client.clone(),
            name: name.into(),
        }
    }

    /// The node's name, as in `/nodes/{node}`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The container `vmid` on this node. No request is made until a call.
    pub fn lxc(&self, vmid: u32) -> LxcHandle {
        LxcHandle::new(&self.client, &self.name, vmid)
    }

    /// The virtual machine `vmid` on this node. No request is made until a call.
    pub fn qemu(&self, vmid: u32) -> QemuHandle {
        QemuHandle::new(&self.client, &self.name, vmid)
    }

    /// The node's containers (`GET /nodes/{node}/lxc`).
    ///
    /// # Errors
    /// As [`Client::send`].
    pub async fn containers(&self) -> Result<Vec<GetNodesLxcItem>, Error> {
        self.client.send(&GetNodesLxc::new(&self.name)).await
    }

    /// The node's virtual machines (`GET /nodes/{node}/qemu`).
    ///
    /// # Errors
    /// As [`Client::send`].
    pub async fn vms(&self) -> Result<Vec<GetNodesQemuItem>, Error> {
        self.client.send(&GetNodesQemu::new(&self.name)).await
    }

    /// The node's status: CPU, memory, kernel, boot mode (`GET /nodes/{node}/status`).
    ///
    /// # Errors
    /// As [`Client::send`].
    pub async fn status(&self) -> Result<GetNodesStatusResponse, Error> {
        self.client.send(&GetNodesStatus::new(&self.name)).await
    }

    /// Creates container `vmid` from `ostemplate` (a volume such as
    /// `local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst`); set `rootfs`, `net0`,
    /// `hostname` … with [`TaskCall::with`] (`POST /nodes/{node}/lxc`).
    pub fn create_lxc(&self, vmid: u32, ostemplate: impl Into<String>) -> TaskCall<PostNodesLxc> {
        TaskCall::new(
            &self.client,
            PostNodesLxc::new(&self.name, ostemplate, vmid),
        )
    }

    /// Creates virtual machine `vmid`; set disks, `net0`, `memory` … with [`TaskCall::with`]
    /// (`POST /nodes/{node}/qemu`).
    pub fn create_qemu(&self, vmid: u32) -> TaskCall<PostNodesQemu> {
        TaskCall::new(&self.client, PostNodesQemu::new(&self.name, vmid))
    }
}
