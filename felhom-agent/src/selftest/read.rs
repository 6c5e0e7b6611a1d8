//! `--selftest`: the read-only health check. It sends `GET` requests only.
//!
//! `GET /version` goes first: when the host cannot be reached, refuses the certificate or the
//! token, nothing else is tried. Then the independent reads run concurrently (nodes, node
//! status, LXC and QEMU guests, storage, node storage, permissions), then the content of every
//! active storage of this node.

use proxmox_sdk::api::nodes::GetNodesStorageItem;
use serde::Serialize;

use super::step::{MissingPrivilege, StepError, StepReport, read_step};
use super::{Target, TlsHelp};
use crate::exit::ExitCode;
use crate::proxmox::{AGENT_ROLE, EffectivePermissions, Host, role_check_path};

/// Whether independent reads run at the same time (the default) or one after another (for
/// the benchmark that measures the difference).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Concurrency {
    /// Independent reads in flight together.
    #[default]
    Concurrent,
    /// One read at a time, in report order.
    Sequential,
}

/// The result of `--selftest`.
#[derive(Debug, Clone, Serialize)]
pub struct ReadReport {
    /// `"read"`.
    pub selftest: &'static str,
    /// What was checked.
    pub target: Target,
    /// Whether every step succeeded.
    pub healthy: bool,
    /// The process exit code this report stands for.
    pub exit_code: ExitCode,
    /// The steps, in report order.
    pub steps: Vec<StepReport>,
    /// Every missing privilege named by any step.
    pub missing_privileges: Vec<MissingPrivilege>,
    /// The presented fingerprint, when TLS verification failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls: Option<TlsHelp>,
}

/// Runs the read-only selftest against `host`.
pub async fn run(host: &Host, target: Target, concurrency: Concurrency) -> ReadReport {
    let version = read_step("version", host.version(), |v| {
        Ok(format!(
            "PVE {} (release {}, repository {})",
            v.version, v.release, v.repoid
        ))
    })
    .await;
    let tls = match &version.error {
        Some(error) => TlsHelp::for_error(error, &host.client().endpoint()).await,
        None => None,
    };
    let blocked = version.report.error.as_ref().is_some_and(|e| {
        matches!(
            e.exit_code,
            ExitCode::Connection | ExitCode::Auth | ExitCode::Usage
        )
    });
    let mut steps = vec![version.report];
    if blocked {
        return finish(target, steps, tls);
    }

    // The node list before the node-scoped reads: with a wrong node name they would all fail.
    let node = host.node().to_owned();
    let nodes = read_step("nodes", host.nodes(), |nodes| check_node(nodes, &node)).await;
    let wrong_node = nodes
        .report
        .error
        .as_ref()
        .is_some_and(|e| e.exit_code == ExitCode::Usage);
    steps.push(nodes.report);
    if wrong_node {
        return finish(target, steps, tls);
    }
    let status = read_step("node status", host.node_status(), |s| {
        Ok(format!(
            "{}: {} CPU(s), memory {} of {} used, {}",
            host.node(),
            s.cpuinfo.cpus,
            bytes(s.memory.used),
            bytes(s.memory.total),
            s.pveversion
        ))
    });
    let lxc = read_step("lxc guests", host.list_lxc(), |guests| {
        let running = guests
            .iter()
            .filter(|g| g.status.as_str() == "running")
            .count();
        Ok(format!("{} container(s), {running} running", guests.len()))
    });
    let qemu = read_step("qemu guests", host.list_qemu(), |guests| {
        let running = guests
            .iter()
            .filter(|g| g.status.as_str() == "running")
            .count();
        Ok(format!(
            "{} virtual machine(s), {running} running",
            guests.len()
        ))
    });
    let storage = read_step("storage", host.list_storage(), |list| {
        Ok(format!(
            "{} storage definition(s): {}",
            list.len(),
            names(list.iter().map(|s| s.storage.as_str()))
        ))
    });
    let node_storage = read_step("node storage", host.node_storage(), |list| {
        let active = list.iter().filter(|s| s.active == Some(true)).count();
        Ok(format!(
            "{} storage(s) on {}, {active} active",
            list.len(),
            host.node()
        ))
    });
    let perms = read_step("permissions", host.permissions(), |perms| {
        permission_summary(perms, host.node())
    });

    let (status, lxc, qemu, storage, node_storage, perms) = match concurrency {
        Concurrency::Concurrent => tokio::join!(status, lxc, qemu, storage, node_storage, perms),
        Concurrency::Sequential => (
            status.await,
            lxc.await,
            qemu.await,
            storage.await,
            node_storage.await,
            perms.await,
        ),
    };
    let active: Vec<GetNodesStorageItem> = node_storage
        .value
        .iter()
        .flatten()
        .filter(|s| s.active == Some(true))
        .cloned()
        .collect();
    steps.extend([
        status.report,
        lxc.report,
        qemu.report,
        storage.report,
        node_storage.report,
    ]);
    steps.extend(contents(host, &active, concurrency).await);
    steps.push(perms.report);
    finish(target, steps, tls)
}

/// The configured node must be one of the cluster's, and online.
fn check_node(
    nodes: &[proxmox_sdk::api::nodes::GetNodesItem],
    node: &str,
) -> Result<String, StepError> {
    let Some(this) = nodes.iter().find(|n| n.node == node) else {
        let hint = nodes
            .iter()
            .find(|n| n.node.eq_ignore_ascii_case(node))
            .map(|n| {
                format!(
                    " (node names are case-sensitive: did you mean {:?}?)",
                    n.node
                )
            })
            .unwrap_or_default();
        return Err(StepError::other(
            ExitCode::Usage,
            format!(
                "the configured node {node:?} is not among the cluster's nodes ({}){hint}; set proxmox.node to this host's node name",
                names(nodes.iter().map(|n| n.node.as_str()))
            ),
        ));
    };
    if this.status.as_str() != "online" {
        return Err(StepError::other(
            ExitCode::Failure,
            format!("node {node} is {}", this.status.as_str()),
        ));
    }
    let list: Vec<String> = nodes
        .iter()
        .map(|n| format!("{} {}", n.node, n.status.as_str()))
        .collect();
    Ok(format!("{} node(s): {}", nodes.len(), list.join(", ")))
}

/// The content of each active storage, in storage order.
async fn contents(
    host: &Host,
    active: &[GetNodesStorageItem],
    concurrency: Concurrency,
) -> Vec<StepReport> {
    let content_step = |host: Host, storage: String| async move {
        let name = format!("content {storage}");
        read_step(&name, host.storage_content(&storage), |volumes| {
            let count = |kind: &str| volumes.iter().filter(|v| content_kind(v) == kind).count();
            Ok(format!(
                "{} volume(s): {} backup, {} template, {} image",
                volumes.len(),
                count("backup"),
                count("vztmpl"),
                count("images") + count("rootdir"),
            ))
        })
        .await
        .report
    };
    let mut reports = Vec::with_capacity(active.len());
    match concurrency {
        Concurrency::Sequential => {
            for s in active {
                reports.push(content_step(host.clone(), s.storage.clone()).await);
            }
        }
        Concurrency::Concurrent => {
            // All in flight at once; awaited in storage order, so the report keeps it.
            let running: Vec<_> = active
                .iter()
                .map(|s| tokio::spawn(content_step(host.clone(), s.storage.clone())))
                .collect();
            for (s, handle) in active.iter().zip(running) {
                reports.push(handle.await.unwrap_or_else(|err| {
                    StepReport::failed(
                        format!("content {}", s.storage),
                        std::time::Duration::ZERO,
                        StepError::other(ExitCode::Failure, format!("the step panicked: {err}")),
                    )
                }));
            }
        }
    }
    reports
}

/// Compares the token's effective permissions with the agent's role.
fn permission_summary(perms: &EffectivePermissions, node: &str) -> Result<String, StepError> {
    let missing: Vec<MissingPrivilege> = AGENT_ROLE
        .iter()
        .filter_map(|privilege| {
            let path = role_check_path(privilege, node);
            (!perms.holds(&path, privilege.as_str())).then(|| MissingPrivilege {
                privilege: privilege.as_str().to_owned(),
                path: Some(path),
                any_of: false,
            })
        })
        .collect();
    if missing.is_empty() {
        return Ok(format!(
            "the token holds all {} privileges of the FelhomAgent role",
            AGENT_ROLE.len()
        ));
    }
    let list: Vec<String> = missing
        .iter()
        .map(|m| format!("{} on {}", m.privilege, m.path.as_deref().unwrap_or("/")))
        .collect();
    let mut error = StepError::other(
        ExitCode::Auth,
        format!(
            "the token lacks {} of the {} privileges of the FelhomAgent role: {}",
            missing.len(),
            AGENT_ROLE.len(),
            list.join(", ")
        ),
    );
    error.missing = missing;
    Err(error)
}

/// Builds the report: the exit code, the missing privileges and the TLS help.
fn finish(target: Target, steps: Vec<StepReport>, tls: Option<TlsHelp>) -> ReadReport {
    let exit_code = steps
        .iter()
        .fold(ExitCode::Healthy, |code, s| code.worst(s.exit_code()));
    let mut missing_privileges: Vec<MissingPrivilege> = Vec::new();
    for m in steps
        .iter()
        .filter_map(|s| s.error.as_ref())
        .flat_map(|e| e.missing.iter())
    {
        if !missing_privileges.contains(m) {
            missing_privileges.push(m.clone());
        }
    }
    ReadReport {
        selftest: "read",
        target,
        healthy: exit_code == ExitCode::Healthy,
        exit_code,
        steps,
        missing_privileges,
        tls,
    }
}

/// The content type of a volume: PVE's `content` key, or else what the volume id says.
fn content_kind(volume: &proxmox_sdk::api::nodes::GetNodesStorageContentItem) -> &str {
    if let Some(kind) = volume.extra.get("content").and_then(|v| v.as_str()) {
        return kind;
    }
    let (_, name) = volume.volid.split_once(':').unwrap_or(("", &volume.volid));
    match name.split_once('/') {
        Some((kind @ ("backup" | "vztmpl" | "iso" | "snippets" | "import"), _)) => kind,
        _ => "images",
    }
}

fn names<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let list: Vec<&str> = names.collect();
    if list.is_empty() {
        "none".to_owned()
    } else {
        list.join(", ")
    }
}

/// A byte count as GiB/MiB.
fn bytes(n: i64) -> String {
    const GIB: f64 = 1024.0 * 1024.0 * 1024.0;
    format!("{:.1} GiB", n as f64 / GIB)
}
