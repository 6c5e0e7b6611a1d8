//! Moves a container's first NIC to another bridge: reads the configuration, changes one
//! field of the typed `net0`, and writes back only that key, guarded by the digest.
//!
//! `… cargo run -p proxmox-sdk --example change_bridge -- 100 vmbr1`

mod common;

use proxmox_sdk::{Client, Error};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let vmid = common::vmid_arg()?;
    let bridge = std::env::args()
        .nth(2)
        .ok_or("give the bridge as 2nd argument")?;
    change_bridge(&common::client()?, &common::node(), vmid, &bridge).await?;
    Ok(())
}

/// Sets the bridge of `net0`; `false` when it already was `bridge`.
pub(crate) async fn change_bridge(
    client: &Client,
    node: &str,
    vmid: u32,
    bridge: &str,
) -> Result<bool, Error> {
    let ct = client.node(node).lxc(vmid);
    let changed = ct
        .update(|config| {
            if let Some(net0) = config.net.get_mut(0) {
                net0.bridge = Some(bridge.to_owned());
            }
        })
        .await?;
    println!(
        "net0 {}",
        if changed {
            "moved"
        } else {
            "was already there"
        }
    );
    Ok(changed)
}
