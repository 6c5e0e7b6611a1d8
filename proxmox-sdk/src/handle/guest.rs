//! [`LxcHandle`] and [`QemuHandle`]: one guest on one node, with the calls people make on it.
//!
//! Both handles have the same methods, written once by `guest_handle!` below over the
//! generated request types of their kind (`GetNodesLxcConfig` for a container,
//! `GetNodesQemuConfig` for a VM, …): a method builds the generated request from the handle's
//! node and vmid and sends it, so there is no second copy of any endpoint. Reads return the
//! generated response types; calls that start a task return a [`TaskCall`] that sends and
//! waits when awaited. Anything the handles leave out is one [`Client::send`] away, with
//! [`LxcHandle::node`] and [`LxcHandle::vmid`] as its arguments.

use crate::api::nodes::{
    DeleteNodesLxcSnapshotSnapname, DeleteNodesLxcVmid, DeleteNodesQemuSnapshotSnapname,
    DeleteNodesQemuVmid, GetNodesLxcConfig, GetNodesLxcConfigResponse, GetNodesLxcSnapshot,
    GetNodesLxcSnapshotItem, GetNodesLxcStatusCurrent, GetNodesLxcStatusCurrentResponse,
    GetNodesQemuConfig, GetNodesQemuConfigResponse, GetNodesQemuSnapshot, GetNodesQemuSnapshotItem,
    GetNodesQemuStatusCurrent, GetNodesQemuStatusCurrentResponse, PostNodesLxcClone,
    PostNodesLxcMigrate, PostNodesLxcSnapshot, PostNodesLxcSnapshotRollback,
    PostNodesLxcStatusReboot, PostNodesLxcStatusShutdown, PostNodesLxcStatusStart,
    PostNodesLxcStatusStop, PostNodesQemuClone, PostNodesQemuMigrate, PostNodesQemuSnapshot,
    PostNodesQemuSnapshotRollback, PostNodesQemuStatusReboot, PostNodesQemuStatusShutdown,
    PostNodesQemuStatusStart, PostNodesQemuStatusStop,
};
use crate::client::Client;
use crate::error::Error;
use crate::wire::changes;

use super::call::TaskCall;

/// Writes one handle type and its methods over the generated request types of one kind.
macro_rules! guest_handle {
    (
        $(#[$doc:meta])*
        $handle:ident, $what:literal {
            status: $status:ident => $status_response:ident,
            config: $config:ident => $config_response:ident,
            snapshots: $snapshots:ident => $snapshot_item:ident,
            start: $start:ident,
            stop: $stop:ident,
            shutdown: $shutdown:ident,
            reboot: $reboot:ident,
            snapshot: $snapshot:ident,
            rollback: $rollback:ident,
            delete_snapshot: $delete_snapshot:ident,
            clone: $clone:ident,
            migrate: $migrate:ident,
            delete: $delete:ident,
        }
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $handle {
            client: Client,
            node: String,
            vmid: u32,
        }

        impl $handle {
            pub(crate) fn new(client: &Client, node: &str, vmid: u32) -> Self {
                Self {
                    client: client.clone(),
                    node: node.to_owned(),
                    vmid,
                }
            }

            /// The node this handle sends its calls to.
            pub fn node(&self) -> &str {
                &self.node
            }

            /// The guest's id.
            pub fn vmid(&self) -> u32 {
                self.vmid
            }

            #[doc = concat!("The ", $what, "'s current status (`", stringify!($status), "`).")]
            ///
            /// # Errors
            /// As [`Client::send`].
            pub async fn status(&self) -> Result<$status_response, Error> {
                self.client.send(&$status::new(&self.node, self.vmid)).await
            }

            #[doc = concat!("The ", $what, "'s configuration (`", stringify!($config), "`).")]
            ///
            /// # Errors
            /// As [`Client::send`].
            pub async fn config(&self) -> Result<$config_response, Error> {
                self.client.send(&$config::new(&self.node, self.vmid)).await
            }

            /// Reads the configuration, lets `change` edit it, and writes back only the keys
            /// that differ ([`wire::changes`](crate::wire::changes())) with the digest of the
            /// read, so PVE refuses the write if someone else changed the configuration in
            /// between. Returns whether anything was written (nothing is sent when `change`
            /// changed nothing).
            ///
            /// # Errors
            /// As [`Client::send`]; PVE answers a 500 on a digest mismatch.
            pub async fn update(
                &self,
                change: impl FnOnce(&mut $config_response),
            ) -> Result<bool, Error> {
                let before = self.config().await?;
                let mut wanted = before.clone();
                change(&mut wanted);
                let update = changes(
                    &before.to_put(&self.node, self.vmid),
                    wanted.to_put(&self.node, self.vmid),
                );
                if update.is_unchanged() {
                    return Ok(false);
                }
                self.client.send(&update).await?;
                Ok(true)
            }

            #[doc = concat!("Starts the ", $what, " (`", stringify!($start), "`).")]
            pub fn start(&self) -> TaskCall<$start> {
                TaskCall::new(&self.client, $start::new(&self.node, self.vmid))
            }

            #[doc = concat!("Stops the ", $what, " at once, without a clean shutdown (`", stringify!($stop), "`).")]
            pub fn stop(&self) -> TaskCall<$stop> {
                TaskCall::new(&self.client, $stop::new(&self.node, self.vmid))
            }

            #[doc = concat!("Shuts the ", $what, " down cleanly (`", stringify!($shutdown), "`).")]
            pub fn shutdown(&self) -> TaskCall<$shutdown> {
                TaskCall::new(&self.client, $shutdown::new(&self.node, self.vmid))
            }

            #[doc = concat!("Reboots the ", $what, " (`", stringify!($reboot), "`).")]
            pub fn reboot(&self) -> TaskCall<$reboot> {
                TaskCall::new(&self.client, $reboot::new(&self.node, self.vmid))
            }

            #[doc = concat!("The ", $what, "'s snapshots, `current` included (`", stringify!($snapshots), "`).")]
            ///
            /// # Errors
            /// As [`Client::send`].
            pub async fn snapshots(&self) -> Result<Vec<$snapshot_item>, Error> {
                self.client.send(&$snapshots::new(&self.node, self.vmid)).await
            }

            #[doc = concat!("Takes a snapshot named `name` (`", stringify!($snapshot), "`).")]
            pub fn snapshot(&self, name: impl Into<String>) -> TaskCall<$snapshot> {
                TaskCall::new(&self.client, $snapshot::new(&self.node, self.vmid, name))
            }

            #[doc = concat!("Rolls the ", $what, " back to snapshot `name` (`", stringify!($rollback), "`).")]
            pub fn rollback(&self, name: impl Into<String>) -> TaskCall<$rollback> {
                TaskCall::new(&self.client, $rollback::new(&self.node, self.vmid, name))
            }

            #[doc = concat!("Deletes snapshot `name` (`", stringify!($delete_snapshot), "`).")]
            pub fn delete_snapshot(&self, name: impl Into<String>) -> TaskCall<$delete_snapshot> {
                TaskCall::new(
                    &self.client,
                    $delete_snapshot::new(&self.node, self.vmid, name),
                )
            }

            #[doc = concat!("Clones the ", $what, " as `newid` (`", stringify!($clone), "`; target node, storage, `full` … via [`TaskCall::with`]).")]
            pub fn clone_to(&self, newid: u32) -> TaskCall<$clone> {
                TaskCall::new(&self.client, $clone::new(&self.node, self.vmid, newid))
            }

            #[doc = concat!("Migrates the ", $what, " to node `target` (`", stringify!($migrate), "`). This handle keeps naming the old node; a located [`Guest`](super::Guest) follows the move.")]
            pub fn migrate(&self, target: impl Into<String>) -> TaskCall<$migrate> {
                TaskCall::new(&self.client, $migrate::new(&self.node, self.vmid, target))
            }

            #[doc = concat!("Destroys the ", $what, " and its volumes (`", stringify!($delete), "`; `purge` and the rest via [`TaskCall::with`]).")]
            pub fn delete(&self) -> TaskCall<$delete> {
                TaskCall::new(&self.client, $delete::new(&self.node, self.vmid))
            }
        }
    };
}

guest_handle! {
    /// A container on one node: `client.node("pve1").lxc(100)`.
    ///
    /// ```no_run
    /// # async fn demo(client: proxmox_sdk::Client) -> Result<(), proxmox_sdk::Error> {
    /// let ct = client.node("pve1").lxc(100);
    /// ct.snapshot("before-upgrade").await?;
    /// ct.update(|config| config.memory = Some(2048)).await?;
    /// ct.reboot().await?;
    /// println!("{:?}", ct.status().await?.status);
    /// # Ok(()) }
    /// ```
    LxcHandle, "container" {
        status: GetNodesLxcStatusCurrent => GetNodesLxcStatusCurrentResponse,
        config: GetNodesLxcConfig => GetNodesLxcConfigResponse,
        snapshots: GetNodesLxcSnapshot => GetNodesLxcSnapshotItem,
        start: PostNodesLxcStatusStart,
        stop: PostNodesLxcStatusStop,
        shutdown: PostNodesLxcStatusShutdown,
        reboot: PostNodesLxcStatusReboot,
        snapshot: PostNodesLxcSnapshot,
        rollback: PostNodesLxcSnapshotRollback,
        delete_snapshot: DeleteNodesLxcSnapshotSnapname,
        clone: PostNodesLxcClone,
        migrate: PostNodesLxcMigrate,
        delete: DeleteNodesLxcVmid,
    }
}

guest_handle! {
    /// A virtual machine on one node: `client.node("pve1").qemu(100)`.
    ///
    /// ```no_run
    /// # async fn demo(client: proxmox_sdk::Client) -> Result<(), proxmox_sdk::Error> {
    /// let vm = client.node("pve1").qemu(100);
    /// vm.shutdown().await?;
    /// vm.update(|config| config.cores = Some(4)).await?;
    /// vm.start().await?;
    /// # Ok(()) }
    /// ```
    QemuHandle, "VM" {
        status: GetNodesQemuStatusCurrent => GetNodesQemuStatusCurrentResponse,
        config: GetNodesQemuConfig => GetNodesQemuConfigResponse,
        snapshots: GetNodesQemuSnapshot => GetNodesQemuSnapshotItem,
        start: PostNodesQemuStatusStart,
        stop: PostNodesQemuStatusStop,
        shutdown: PostNodesQemuStatusShutdown,
        reboot: PostNodesQemuStatusReboot,
        snapshot: PostNodesQemuSnapshot,
        rollback: PostNodesQemuSnapshotRollback,
        delete_snapshot: DeleteNodesQemuSnapshotSnapname,
        clone: PostNodesQemuClone,
        migrate: PostNodesQemuMigrate,
        delete: DeleteNodesQemuVmid,
    }
}
