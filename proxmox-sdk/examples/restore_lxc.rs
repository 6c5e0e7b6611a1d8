//! Restores a container from a vzdump backup and waits for the restore task.
//!
//! `… cargo run -p proxmox-sdk --example restore_lxc -- 100 \
//!  local:backup/vzdump-lxc-100-2025_01_01-00_00_00.tar.zst local-lvm`
//!
//! Arguments: the container id, the backup volume, and the target storage (default
//! `local-lvm`). An existing container with that id is overwritten (`force`).

mod common;

use proxmox_sdk::api::nodes::PostNodesLxc;
use proxmox_sdk::task::WaitOptions;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let vmid = common::vmid_arg()?;
    let backup = std::env::args()
        .nth(2)
        .ok_or("pass the backup volume, e.g. local:backup/vzdump-lxc-100-….tar.zst")?;
    let storage = std::env::args()
        .nth(3)
        .unwrap_or_else(|| "local-lvm".into());
    let client = common::client()?;
    let request = PostNodesLxc::new(common::node(), backup, vmid)
        .restore(true)
        .force(true)
        .storage(storage);
    let upid = client.send(&request).await?;
    println!("restoring {vmid} as task {upid}");
    let options = WaitOptions::default().on_progress(|line| println!("  | {}", line.text));
    match client.wait_task(&upid, options).await {
        Ok(outcome) => println!("restored: {:?}", outcome.exit_status),
        Err(e) => {
            eprintln!("the restore failed: {e}");
            for line in e.log_tail() {
                eprintln!("  | {}", line.text);
            }
            std::process::exit(1);
        }
    }
    Ok(())
}
