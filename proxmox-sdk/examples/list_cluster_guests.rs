//! Lists every VM and container of the cluster (one call to `/cluster/resources`), with the
//! node each runs on.
//!
//! `PVE_URL=https://pve1:8006 PVE_TOKEN='user@pve!id=secret' PVE_FINGERPRINT=AA:… \
//!  cargo run -p proxmox-sdk --example list_cluster_guests`

mod common;

use proxmox_sdk::api::cluster::GetClusterResources;
use proxmox_sdk::api::types::ClusterResourcesType;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = common::client()?;
    let request = GetClusterResources::new().r#type(ClusterResourcesType::Vm);
    for guest in client.send(&request).await? {
        println!(
            "{:>6} {:<6} {:<20} {:<10} {}",
            guest.vmid.map(|v| v.to_string()).unwrap_or_default(),
            guest.r#type.as_str(),
            guest.name.as_deref().unwrap_or("-"),
            guest.node.as_deref().unwrap_or("-"),
            guest.status.as_deref().unwrap_or("-"),
        );
    }
    Ok(())
}
