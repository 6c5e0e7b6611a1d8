//! The host API layer: everything the agent does on its Proxmox host, through one
//! [`proxmox_sdk::Client`] bound to this host's node ([`Host`]).
//!
//! # Routing: API or root
//!
//! The agent has two backends and a fixed rule for which one does what. The fence is
//! structural: this crate cannot start a process (`clippy.toml` forbids `Command::new`, CI
//! denies warnings), and the root backend (`felhom-privileged`, in `privileged/`) has no HTTP,
//! TLS or SDK dependency, so it cannot make an API call.
//!
//! | operation | backend | how |
//! |---|---|---|
//! | version, nodes, node status | API | `GET /version`, `GET /nodes`, `GET /nodes/{node}/status` |
//! | list guests, guest status and config | API | `GET /nodes/{node}/lxc`, `…/lxc/{vmid}/status/current`, `…/config` |
//! | storage, node storage, storage content | API | `GET /storage`, `GET /nodes/{node}/storage`, `…/storage/{storage}/content` |
//! | create a customer container | API | **restore** from a backup: `POST /nodes/{node}/lxc` with `restore=1` (keeps `keyctl`) |
//! | backup | API | `POST /nodes/{node}/vzdump` |
//! | snapshot, rollback, delete snapshot | API | `…/lxc/{vmid}/snapshot[/{snapname}[/rollback]]` |
//! | start, stop | API | `…/lxc/{vmid}/status/{start,stop}` |
//! | change a container's config | API | `PUT …/lxc/{vmid}/config` (synchronous) |
//! | wait for a task | API | `GET /nodes/{node}/tasks/{upid}/status` and `…/log` |
//! | create the golden image with `keyctl=1` | root | `pct create … --features keyctl=1,nesting=1`: only `root@pam` may set `keyctl`, no token can |
//! | mount a USB disk by UUID | root | `mount`: not a PVE API operation |
//! | SMART and sensor readings | root | `smartctl`, `sensors`: not exposed by the API |
//!
//! Every mutation that PVE runs as a worker returns the task's [`Upid`](proxmox_sdk::Upid);
//! authorization can fail inside the task rather than at the `POST`, so a mutation is done
//! only when its task ended `OK` ([`Host::run`]).
//!
//! Errors are the SDK's own: [`proxmox_sdk::Error`] for a call (a 403 names the missing
//! privilege, [`Error::missing_privileges`](proxmox_sdk::Error::missing_privileges)) and
//! [`TaskError`](proxmox_sdk::task::TaskError) for a task that failed (the privilege parsed from
//! its exit status). [`RunError`] holds one or the other, unchanged.

mod calls;
mod checks;
mod host;
mod mutations;
mod permissions;
mod reads;
mod restore;
mod role;
mod run;

pub use calls::{API_CALLS, ApiCall};
pub use checks::VMID_RANGE;
pub use host::Host;
pub use permissions::EffectivePermissions;
pub use restore::{RestoreLxc, VzdumpMode};
pub use role::{AGENT_ROLE, RoleCheck, role_check_path};
pub use run::{RunError, StartsTask};
