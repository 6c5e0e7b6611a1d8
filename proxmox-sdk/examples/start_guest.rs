//! Starts a container and waits for the start task to end, printing its log as it grows.
//!
//! `… cargo run -p proxmox-sdk --example start_guest -- 100`

mod common;

use proxmox_sdk::task::WaitOptions;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let vmid = common::vmid_arg()?;
    let client = common::client()?;
    let options = WaitOptions::default().on_progress(|line| println!("  | {}", line.text));
    // A failed task comes back as `Error::Task`, with its exit status, log tail and any
    // missing privilege; its `Debug` (what `main` prints) is one line per fact.
    let outcome = client
        .node(common::node())
        .lxc(vmid)
        .start()
        .options(options)
        .await?;
    println!("started as task {}: {}", outcome.upid, outcome.exit_status);
    Ok(())
}
