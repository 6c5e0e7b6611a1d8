//! The options of the two creating mutations: restore a container from a backup, back one up.

use proxmox_sdk::api::nodes::{PostNodesLxc, PostNodesVzdump};
pub use proxmox_sdk::api::types::VzdumpMode;

/// A container restore: the agent's way to create a customer container (`POST
/// /nodes/{node}/lxc` with `restore=1`), which keeps the golden image's `keyctl` feature that a
/// token could not set on a fresh create.
///
/// ```
/// use felhom_agent::proxmox::RestoreLxc;
///
/// let restore = RestoreLxc::new(300, "local:backup/vzdump-lxc-9000-2026_01_15-02_00_00.tar.zst")
///     .storage("local-lvm")
///     .unique(true);
/// # let _ = restore;
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RestoreLxc {
    vmid: u32,
    archive: String,
    storage: Option<String>,
    force: bool,
    unique: bool,
    start: bool,
    pool: Option<String>,
}

impl RestoreLxc {
    /// Restores the backup volume `archive` (`storage:backup/vzdump-lxc-….tar.zst`, or a PBS
    /// volume id) as container `vmid`.
    pub fn new(vmid: u32, archive: impl Into<String>) -> Self {
        Self {
            vmid,
            archive: archive.into(),
            storage: None,
            force: false,
            unique: false,
            start: false,
            pool: None,
        }
    }

    /// The storage for the restored volumes (PVE's default: `local`).
    pub fn storage(mut self, storage: impl Into<String>) -> Self {
        self.storage = Some(storage.into());
        self
    }

    /// Overwrites an existing, stopped container with the same vmid.
    pub fn force(mut self, force: bool) -> Self {
        self.force = force;
        self
    }

    /// Gives the restored container new random MAC addresses.
    pub fn unique(mut self, unique: bool) -> Self {
        self.unique = unique;
        self
    }

    /// Starts the container once the restore finished.
    pub fn start(mut self, start: bool) -> Self {
        self.start = start;
        self
    }

    /// Adds the container to a resource pool.
    pub fn pool(mut self, pool: impl Into<String>) -> Self {
        self.pool = Some(pool.into());
        self
    }

    /// The vmid being restored.
    pub fn vmid(&self) -> u32 {
        self.vmid
    }

    /// The request for `node`: `restore=1`, the archive as `ostemplate`, and what was set.
    pub fn request(&self, node: &str) -> PostNodesLxc {
        let mut request = PostNodesLxc::new(node, self.archive.as_str(), self.vmid).restore(true);
        if let Some(storage) = &self.storage {
            request = request.storage(storage.as_str());
        }
        if self.force {
            request = request.force(true);
        }
        if self.unique {
            request = request.unique(true);
        }
        if self.start {
            request = request.start(true);
        }
        if let Some(pool) = &self.pool {
            request = request.pool(pool.as_str());
        }
        request
    }
}

/// The `vzdump` request for one guest of `node`.
pub(super) fn vzdump_request(
    node: &str,
    vmid: u32,
    storage: &str,
    mode: VzdumpMode,
) -> PostNodesVzdump {
    PostNodesVzdump::new(node)
        .vmid(vec![vmid])
        .storage(storage)
        .mode(mode)
}
