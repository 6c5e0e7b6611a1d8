//! Reads a container's configuration: typed property strings and indexed keys.
//!
//! `… cargo run -p proxmox-sdk --example read_config -- 100`

mod common;

use proxmox_sdk::api::nodes::GetNodesLxcConfig;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let vmid = common::vmid_arg()?;
    let client = common::client()?;
    let config = client
        .send(&GetNodesLxcConfig::new(common::node(), vmid))
        .await?;
    println!("hostname: {}", config.hostname.as_deref().unwrap_or("-"));
    if let Some(rootfs) = &config.rootfs {
        println!(
            "rootfs:   {} ({})",
            rootfs.volume,
            rootfs.size.as_deref().unwrap_or("?")
        );
    }
    for (index, net) in config.net.iter() {
        println!(
            "net{index}:     {} on {:?}, firewall {:?}",
            net.name, net.bridge, net.firewall
        );
    }
    for (index, mp) in config.mp.iter() {
        println!("mp{index}:      {} at {}", mp.volume, mp.mp);
    }
    if let Some(features) = &config.features {
        println!("features: {features}");
    }
    Ok(())
}
