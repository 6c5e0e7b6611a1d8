//! Lists the containers on a node with their status and memory.
//!
//! `PVE_URL=https://pve1:8006 PVE_TOKEN='user@pve!id=secret' PVE_FINGERPRINT=AA:… PVE_NODE=pve1 \
//!  cargo run -p proxmox-sdk --example list_guests`

mod common;

use proxmox_sdk::api::nodes::GetNodesLxc;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = common::client()?;
    for ct in client.send(&GetNodesLxc::new(common::node())).await? {
        let name = ct.name.as_deref().unwrap_or("-");
        let mem = ct.maxmem.map(|b| b / (1024 * 1024)).unwrap_or_default();
        println!("{:>6} {:<20} {:<8} {mem} MiB", ct.vmid, name, ct.status);
    }
    Ok(())
}
