//! Guests found by vmid: [`Client::locate`] and the [`Guest`] handle.
//!
//! A vmid is unique in the cluster, but calls about a guest go to the node that holds it, and
//! guests move (migration, HA). [`Client::locate`] asks `GET /cluster/resources?type=vm`
//! once for every guest of the cluster and keeps the answer for a short time
//! ([`ClientBuilder::location_ttl`](crate::ClientBuilder::location_ttl), default
//! [`DEFAULT_LOCATION_TTL`]), shared by all handles of one client. A [`Guest`] looks its
//! node up for every call, so a stale answer is at most that old; and when a node answers
//! that the guest's configuration does not exist there (it moved away, or was removed and
//! recreated elsewhere), the handle reads the table again and sends the call once more to
//! where the guest is now. That resend is safe: PVE checks the configuration file before it
//! does anything. After [`Guest::migrate`] the entry is dropped, so the next call asks again.

use std::collections::HashMap;
use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

use crate::api::cluster::GetClusterResources;
use crate::api::types::{ClusterResourcesType, ClusterType};
use crate::client::Client;
use crate::error::{Error, FailureKind};
use crate::task::{TaskOutcome, WaitOptions};

use super::guest::{LxcHandle, QemuHandle};

/// How long [`Client::locate`] trusts one reading of `/cluster/resources` by default.
pub const DEFAULT_LOCATION_TTL: Duration = Duration::from_secs(5);

/// Whether a guest is a container or a virtual machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GuestKind {
    /// An LXC container (`/nodes/{node}/lxc/{vmid}`).
    Lxc,
    /// A QEMU virtual machine (`/nodes/{node}/qemu/{vmid}`).
    Qemu,
}

/// Where a guest is: its kind and its node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// Container or VM.
    pub kind: GuestKind,
    /// The node that holds it.
    pub node: String,
}

/// The node-bound handle of a located guest.
#[derive(Debug, Clone)]
pub enum Located {
    /// A container.
    Lxc(LxcHandle),
    /// A virtual machine.
    Qemu(QemuHandle),
}

/// The client's table of guest locations (one per client, shared by its clones).
#[derive(Debug)]
pub(crate) struct Locations {
    ttl: Duration,
    table: std::sync::Mutex<Option<Table>>,
    /// Held while `/cluster/resources` is read, so concurrent lookups read it once.
    refreshing: tokio::sync::Mutex<()>,
}

#[derive(Debug)]
struct Table {
    read_at: Instant,
    guests: HashMap<u32, Location>,
}

impl Locations {
    pub(crate) fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            table: std::sync::Mutex::new(None),
            refreshing: tokio::sync::Mutex::new(()),
        }
    }

    /// The fresh table's entry for `vmid`, with when the table was read; `None` when the
    /// table is missing, too old, or read before `newer_than`.
    fn cached(
        &self,
        vmid: u32,
        newer_than: Option<Instant>,
    ) -> Option<(Option<Location>, Instant)> {
        let table = self
            .table
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let table = table.as_ref()?;
        let fresh = table.read_at.elapsed() < self.ttl;
        let new_enough = newer_than.is_none_or(|at| table.read_at > at);
        (fresh && new_enough).then(|| (table.guests.get(&vmid).cloned(), table.read_at))
    }

    /// Where `vmid` is, reading `/cluster/resources` when the table is stale or was read at
    /// or before `newer_than` (the reading that just proved wrong).
    async fn locate(
        &self,
        client: &Client,
        vmid: u32,
        newer_than: Option<Instant>,
    ) -> Result<(Location, Instant), Error> {
        let found = match self.cached(vmid, newer_than) {
            Some(hit) => hit,
            None => {
                let _one_reader = self.refreshing.lock().await;
                // Someone else may have read it while this lookup waited.
                match self.cached(vmid, newer_than) {
                    Some(hit) => hit,
                    None => self.read(client, vmid).await?,
                }
            }
        };
        match found {
            (Some(location), read_at) => Ok((location, read_at)),
            (None, _) => Err(Error::NoSuchGuest { vmid }),
        }
    }

    async fn read(&self, client: &Client, vmid: u32) -> Result<(Option<Location>, Instant), Error> {
        let request = GetClusterResources::new().r#type(ClusterResourcesType::Vm);
        let rows = client.send(&request).await?;
        let read_at = Instant::now();
        let guests: HashMap<u32, Location> = rows
            .into_iter()
            .filter_map(|row| {
                let kind = match row.r#type {
                    ClusterType::Lxc => GuestKind::Lxc,
                    ClusterType::Qemu => GuestKind::Qemu,
                    _ => return None,
                };
                Some((
                    row.vmid?,
                    Location {
                        kind,
                        node: row.node?,
                    },
                ))
            })
            .collect();
        tracing::debug!(guests = guests.len(), "read the guest locations");
        let found = guests.get(&vmid).cloned();
        *self
            .table
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(Table { read_at, guests });
        Ok((found, read_at))
    }

    /// Drops `vmid`'s entry (it moved).
    fn forget(&self, vmid: u32) {
        let mut table = self
            .table
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(table) = table.as_mut() {
            table.guests.remove(&vmid);
        }
    }
}

/// Whether `error` may mean the guest is not on the node the call went to: a refused call
/// of kind [`FailureKind::NotFound`] (PVE's `Configuration file 'nodes/pve1/lxc/100.conf'
/// does not exist`, answered by the handler's checks before it does anything). A failed
/// *task* never is: the call was accepted there.
fn guest_may_have_moved(error: &Error) -> bool {
    matches!(error, Error::Api(_)) && error.failure_kind() == Some(FailureKind::NotFound)
}

/// A guest found by vmid, wherever it runs: `client.locate(100).await?`.
///
/// ```no_run
/// # async fn demo(client: proxmox_sdk::Client) -> Result<(), proxmox_sdk::Error> {
/// let guest = client.locate(100).await?;
/// guest.snapshot("before-upgrade").await?;
/// guest.migrate("pve2").await?;
/// guest.start().await?; // asks where it is now
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Guest {
    client: Client,
    vmid: u32,
    options: WaitOptions,
}

/// Calls one method of both handle kinds on the guest's current node, with what it returns.
macro_rules! on_either {
    ($guest:expr, |$handle:ident| $call:expr) => {
        $guest
            .on_located(|located| async move {
                match located {
                    Located::Lxc($handle) => $call.options($guest.options.clone()).await,
                    Located::Qemu($handle) => $call.options($guest.options.clone()).await,
                }
            })
            .await
    };
}

impl Guest {
    pub(crate) async fn locate(client: &Client, vmid: u32) -> Result<Self, Error> {
        client.locations().locate(client, vmid, None).await?;
        Ok(Self {
            client: client.clone(),
            vmid,
            options: WaitOptions::default(),
        })
    }

    /// How this handle waits for the tasks it starts (default [`WaitOptions::default`]).
    pub fn wait_options(mut self, options: WaitOptions) -> Self {
        self.options = options;
        self
    }

    /// The guest's id.
    pub fn vmid(&self) -> u32 {
        self.vmid
    }

    /// Where the guest is now (from the client's table; read again when it is stale).
    ///
    /// # Errors
    /// [`Error::NoSuchGuest`] when the cluster lists no guest `vmid`; as [`Client::send`].
    pub async fn location(&self) -> Result<Location, Error> {
        Ok(self
            .client
            .locations()
            .locate(&self.client, self.vmid, None)
            .await?
            .0)
    }

    /// The node-bound handle for where the guest is now, for the calls of one kind
    /// (`config`, `update`, `status` …).
    ///
    /// # Errors
    /// As [`Guest::location`].
    pub async fn resolve(&self) -> Result<Located, Error> {
        Ok(self.handle(&self.location().await?))
    }

    fn handle(&self, location: &Location) -> Located {
        let node = self.client.node(location.node.as_str());
        match location.kind {
            GuestKind::Lxc => Located::Lxc(node.lxc(self.vmid)),
            GuestKind::Qemu => Located::Qemu(node.qemu(self.vmid)),
        }
    }

    /// Runs `call` where the guest is; once more, after a fresh lookup, when that node
    /// answered "not found" and the guest is now on another node.
    async fn on_located<T, F, Fut>(&self, call: F) -> Result<T, Error>
    where
        F: Fn(Located) -> Fut,
        Fut: Future<Output = Result<T, Error>>,
    {
        let locations = self.client.locations();
        let (location, read_at) = locations.locate(&self.client, self.vmid, None).await?;
        match call(self.handle(&location)).await {
            Err(error) if guest_may_have_moved(&error) => {
                tracing::debug!(vmid = self.vmid, node = %location.node, "not found on its node; looking again");
                let (now, _) = locations
                    .locate(&self.client, self.vmid, Some(read_at))
                    .await?;
                if now == location {
                    // Something else is missing (a snapshot, a storage): the answer stands.
                    return Err(error);
                }
                call(self.handle(&now)).await
            }
            other => other,
        }
    }

    /// Starts the guest and waits for the task.
    ///
    /// # Errors
    /// As [`Client::run`]; [`Error::NoSuchGuest`] when the guest is gone.
    pub async fn start(&self) -> Result<TaskOutcome, Error> {
        on_either!(self, |h| h.start())
    }

    /// Stops the guest at once and waits for the task.
    ///
    /// # Errors
    /// As [`Guest::start`].
    pub async fn stop(&self) -> Result<TaskOutcome, Error> {
        on_either!(self, |h| h.stop())
    }

    /// Shuts the guest down cleanly and waits for the task.
    ///
    /// # Errors
    /// As [`Guest::start`].
    pub async fn shutdown(&self) -> Result<TaskOutcome, Error> {
        on_either!(self, |h| h.shutdown())
    }

    /// Reboots the guest and waits for the task.
    ///
    /// # Errors
    /// As [`Guest::start`].
    pub async fn reboot(&self) -> Result<TaskOutcome, Error> {
        on_either!(self, |h| h.reboot())
    }

    /// Takes snapshot `name` and waits for the task.
    ///
    /// # Errors
    /// As [`Guest::start`].
    pub async fn snapshot(&self, name: &str) -> Result<TaskOutcome, Error> {
        on_either!(self, |h| h.snapshot(name))
    }

    /// Rolls back to snapshot `name` and waits for the task.
    ///
    /// # Errors
    /// As [`Guest::start`].
    pub async fn rollback(&self, name: &str) -> Result<TaskOutcome, Error> {
        on_either!(self, |h| h.rollback(name))
    }

    /// Deletes snapshot `name` and waits for the task.
    ///
    /// # Errors
    /// As [`Guest::start`].
    pub async fn delete_snapshot(&self, name: &str) -> Result<TaskOutcome, Error> {
        on_either!(self, |h| h.delete_snapshot(name))
    }

    /// Migrates the guest to node `target` (offline; for a running guest use the node-bound
    /// handle's `migrate` with `online`/`restart` set) and waits for the task; the next call
    /// looks the guest up again.
    ///
    /// # Errors
    /// As [`Guest::start`].
    pub async fn migrate(&self, target: &str) -> Result<TaskOutcome, Error> {
        let outcome = on_either!(self, |h| h.migrate(target));
        self.client.locations().forget(self.vmid);
        outcome
    }

    /// Destroys the guest and waits for the task.
    ///
    /// # Errors
    /// As [`Guest::start`].
    pub async fn delete(&self) -> Result<TaskOutcome, Error> {
        let outcome = on_either!(self, |h| h.delete());
        self.client.locations().forget(self.vmid);
        outcome
    }
}
