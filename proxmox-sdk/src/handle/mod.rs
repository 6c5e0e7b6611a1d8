//! Handles: a node, a guest on a node, or a guest found by vmid, with the calls people make
//! on them.
//!
//! Every endpoint is a request type ([`crate::api`]) sent with [`Client::send`]; the
//! handles are a shorter way to the common ones that repeat no node or vmid and wait for the
//! tasks they start:
//!
//! ```no_run
//! # async fn demo(client: proxmox_sdk::Client) -> Result<(), proxmox_sdk::Error> {
//! let ct = client.node("pve1").lxc(100);
//! ct.snapshot("before-upgrade").await?;               // sent, and its task waited for
//! ct.update(|config| config.memory = Some(2048)).await?; // only the changed key, with the digest
//! ct.rollback("before-upgrade").await?;
//!
//! let guest = client.locate(101).await?;              // wherever 101 runs
//! guest.reboot().await?;
//! # Ok(()) }
//! ```
//!
//! * [`NodeHandle`] (`client.node("pve1")`): the node's guest lists and status, and creating
//!   guests; `.lxc(vmid)` and `.qemu(vmid)` give guest handles bound to the node.
//! * [`LxcHandle`], [`QemuHandle`]: status, config, read-modify-write `update`,
//!   start/stop/shutdown/reboot, snapshots, clone, migrate, delete. The task-starting ones
//!   return a [`TaskCall`], which runs when awaited and takes optional parameters with
//!   [`TaskCall::with`] — the generated request's own setters.
//! * [`Guest`] (`client.locate(vmid)`): the same task calls for a guest whose node is looked
//!   up in the cluster ([`locate`](self#guests-found-by-vmid)), following it when it moves.
//!
//! A task call is a value and does nothing until awaited. Its optional parameters are those
//! of its own endpoint, and its required ones are method arguments, so misuse does not
//! compile:
//!
//! ```compile_fail,E0599
//! # async fn demo(client: proxmox_sdk::Client) -> Result<(), proxmox_sdk::Error> {
//! let ct = client.node("pve1").lxc(100);
//! ct.start().with(|start| start.full(true)).await?; // `full` is a clone parameter
//! # Ok(()) }
//! ```
//!
//! ```compile_fail,E0061
//! # async fn demo(client: proxmox_sdk::Client) -> Result<(), proxmox_sdk::Error> {
//! let ct = client.node("pve1").lxc(100);
//! ct.snapshot().await?; // a snapshot needs its name
//! # Ok(()) }
//! ```
//!
//! # Guests found by vmid
//!
//! [`Client::locate`] resolves a vmid through `GET /cluster/resources` with a short cache;
//! see [`Guest`] for when it looks again.

mod call;
mod guest;
mod locate;
mod node;
#[cfg(test)]
mod tests;

pub use call::TaskCall;
pub use guest::{LxcHandle, QemuHandle};
pub use locate::{DEFAULT_LOCATION_TTL, Guest, GuestKind, Located, Location};
pub use node::NodeHandle;

pub(crate) use locate::Locations;

use crate::client::Client;
use crate::error::Error;

impl Client {
    /// A handle for node `name`: its guests, its status, creating guests.
    ///
    /// ```no_run
    /// # async fn demo(client: proxmox_sdk::Client) -> Result<(), proxmox_sdk::Error> {
    /// let vm = client.node("pve1").qemu(100);
    /// vm.start().await?;
    /// # Ok(()) }
    /// ```
    pub fn node(&self, name: impl Into<String>) -> NodeHandle {
        NodeHandle::new(self, name)
    }

    /// Finds guest `vmid` in the cluster and returns a handle that follows it from node to
    /// node. Reads `GET /cluster/resources?type=vm` unless the client read it less than
    /// [`ClientBuilder::location_ttl`](crate::ClientBuilder::location_ttl) ago.
    ///
    /// ```no_run
    /// # async fn demo(client: proxmox_sdk::Client) -> Result<(), proxmox_sdk::Error> {
    /// let guest = client.locate(100).await?;
    /// println!("100 is on {}", guest.location().await?.node);
    /// guest.shutdown().await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::NoSuchGuest`] when the cluster lists no guest `vmid`; as [`Client::send`]
    /// for the lookup.
    pub async fn locate(&self, vmid: u32) -> Result<Guest, Error> {
        Guest::locate(self, vmid).await
    }
}
