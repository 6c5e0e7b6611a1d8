//! Starts a container and waits for the start task to end.
//!
//! `… cargo run -p proxmox-sdk --example start_guest -- 100`

mod common;

use proxmox_sdk::api::nodes::PostNodesLxcStatusStart;
use proxmox_sdk::task::WaitOptions;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let vmid = common::vmid_arg()?;
    let client = common::client()?;
    let upid = client
        .send(&PostNodesLxcStatusStart::new(common::node(), vmid))
        .await?;
    println!(
        "started {} on {} as task {upid}",
        upid.worker_type(),
        upid.node()
    );
    let options = WaitOptions::default().on_progress(|line| println!("  | {}", line.text));
    match client.wait_task(&upid, options).await {
        Ok(outcome) => println!("done: {:?}", outcome.exit_status),
        Err(e) => {
            eprintln!("the start task failed: {e}");
            if !e.missing_privileges().is_empty() {
                eprintln!("missing privileges: {:?}", e.missing_privileges());
            }
            std::process::exit(1);
        }
    }
    Ok(())
}
