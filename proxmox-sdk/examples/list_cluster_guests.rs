//! Lists every VM and container of the cluster (one call to `/cluster/resources`), with the
//! node each runs on.
//!
//! `PVE_URL=https://pve1:8006 PVE_TOKEN='user@pve!id=secret' PVE_FINGERPRINT=AA:… \
//!  cargo run -p proxmox-sdk --example list_cluster_guests`

mod common;

use proxmox_sdk::api::cluster::{GetClusterResources, GetClusterResourcesItem};
use proxmox_sdk::{Client, Error};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    list_cluster_guests(&common::client()?).await?;
    Ok(())
}

/// Prints one line per guest and returns them.
pub(crate) async fn list_cluster_guests(
    client: &Client,
) -> Result<Vec<GetClusterResourcesItem>, Error> {
    let guests = client.send(&GetClusterResources::new().kind("vm")).await?;
    for guest in &guests {
        println!(
            "{:>6} {:<6} {:<20} {:<10} {}",
            guest.vmid.unwrap_or_default(),
            guest.kind().as_str(),
            guest.name.as_deref().unwrap_or("-"),
            guest.node.as_deref().unwrap_or("-"),
            guest.status.as_deref().unwrap_or("-"),
        );
    }
    Ok(guests)
}
