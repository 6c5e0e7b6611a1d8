//! Takes a snapshot of a container, lists its snapshots, rolls back to it and deletes it;
//! every step waits for its task.
//!
//! `… cargo run -p proxmox-sdk --example snapshot_rollback -- 100`

mod common;

use proxmox_sdk::{Client, Error};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let vmid = common::vmid_arg()?;
    snapshot_rollback(&common::client()?, &common::node(), vmid).await?;
    Ok(())
}

/// Snapshot, list, rollback, delete; returns the snapshot names seen in the list.
pub(crate) async fn snapshot_rollback(
    client: &Client,
    node: &str,
    vmid: u32,
) -> Result<Vec<String>, Error> {
    let ct = client.node(node).lxc(vmid);
    ct.snapshot("before-upgrade").await?;
    let names: Vec<String> = ct.snapshots().await?.into_iter().map(|s| s.name).collect();
    println!("snapshots: {}", names.join(", "));
    ct.rollback("before-upgrade").await?;
    ct.delete_snapshot("before-upgrade").await?;
    Ok(names)
}
