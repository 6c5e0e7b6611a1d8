//! Creates a container from a template with a typed root disk and NIC, starts it, and prints
//! its network configuration as PVE stored it.
//!
//! `… cargo run -p proxmox-sdk --example create_container -- 300 local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst`

mod common;

use proxmox_sdk::api::types::{LxcNet, LxcRootfs};
use proxmox_sdk::{Client, Error};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let vmid = common::vmid_arg()?;
    let template = std::env::args()
        .nth(2)
        .ok_or("give the template volume as 2nd argument")?;
    create(&common::client()?, &common::node(), vmid, &template).await?;
    Ok(())
}

/// Creates, starts and reads back container `vmid`.
pub(crate) async fn create(
    client: &Client,
    node: &str,
    vmid: u32,
    template: &str,
) -> Result<(), Error> {
    let node = client.node(node);
    node.create_lxc(vmid, template)
        .with(|ct| {
            ct.hostname("web-2")
                .memory(1024)
                .unprivileged(true)
                .rootfs(LxcRootfs::new("local-lvm:8"))
                .net(0, LxcNet::new("eth0").bridge("vmbr0").ip("dhcp"))
        })
        .await?;
    let ct = node.lxc(vmid);
    ct.start().await?;
    let config = ct.config().await?;
    for (index, net) in config.net.iter() {
        println!("net{index}: {net}");
    }
    Ok(())
}
