//! Runs a command in a VM through the QEMU guest agent and prints its output.
//!
//! `… cargo run -p proxmox-sdk --example agent_exec -- 100 uname -a`

mod common;

use std::time::Duration;

use proxmox_sdk::api::nodes::{GetNodesQemuAgentExecStatus, PostNodesQemuAgentExec};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let vmid = common::vmid_arg()?;
    let command: Vec<String> = std::env::args().skip(2).collect();
    let (client, node) = (common::client()?, common::node());
    let started = client
        .send(&PostNodesQemuAgentExec::new(&node, vmid, command))
        .await?;
    let status = loop {
        let status = client
            .send(&GetNodesQemuAgentExecStatus::new(&node, vmid, started.pid))
            .await?;
        if status.exited {
            break status;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    print!("{}", status.out_data.unwrap_or_default());
    eprint!("{}", status.err_data.unwrap_or_default());
    std::process::exit(
        status
            .exitcode
            .and_then(|c| i32::try_from(c).ok())
            .unwrap_or(1),
    );
}
