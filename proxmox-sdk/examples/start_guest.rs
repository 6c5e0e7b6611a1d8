//! Starts a container; the call returns the task's UPID.
//!
//! `… cargo run -p proxmox-sdk --example start_guest -- 100`

mod common;

use proxmox_sdk::api::nodes::PostNodesLxcStatusStart;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let vmid: u32 = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "100".into())
        .parse()?;
    let client = common::client()?;
    let upid = client
        .send(&PostNodesLxcStatusStart::new(common::node(), vmid))
        .await?;
    println!(
        "started {} on {} as task {upid}",
        upid.worker_type(),
        upid.node()
    );
    Ok(())
}
