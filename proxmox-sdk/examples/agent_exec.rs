//! Waits for a VM's guest agent, runs a command in the guest and prints its output, then
//! prints the guest's OS and first IPv4 address of `net0`.
//!
//! `PVE_URL=https://pve1:8006 PVE_TOKEN='agent@pve!ops=…' PVE_FINGERPRINT=AA:… PVE_NODE=pve1 \
//!  cargo run -p proxmox-sdk --example agent_exec -- 100 uname -a`

mod common;

use std::time::Duration;

use proxmox_sdk::agent::{AgentError, IpFilter};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = common::client()?;
    let vmid = common::vmid_arg()?;
    let argv: Vec<String> = std::env::args().skip(2).collect();
    let argv: Vec<&str> = if argv.is_empty() {
        vec!["uname", "-a"]
    } else {
        argv.iter().map(String::as_str).collect()
    };
    let vm = client.agent(common::node(), vmid);
    match vm.wait_agent(Duration::from_secs(120)).await {
        Ok(()) => {}
        Err(AgentError::NotConfigured(_)) => {
            return Err(format!("VM {vmid} has no guest agent enabled (set agent: 1)").into());
        }
        Err(e) => return Err(e.into()),
    }
    let out = vm.exec(&argv, None).await?;
    print!("{}", String::from_utf8_lossy(&out.stdout));
    eprint!("{}", String::from_utf8_lossy(&out.stderr));
    if out.truncated() {
        eprintln!("(the agent truncated the output)");
    }
    println!("exit code: {:?}", out.exit_code);
    let os = vm.os_info().await?;
    println!(
        "guest OS: {}",
        os.pretty_name.as_deref().unwrap_or("unknown")
    );
    match vm.wait_ip(IpFilter::V4, Duration::from_secs(30)).await {
        Ok(ip) => println!("net0 address: {ip}"),
        Err(e) => println!("no IPv4 address on net0: {e}"),
    }
    Ok(())
}
