//! Finds which privilege a call needs, before making it and after a 403: the permission check
//! every endpoint type carries (from PVE's schema), with its ACL path filled in.
//!
//! `… cargo run -p proxmox-sdk --example required_privilege -- 100`

mod common;

use proxmox_sdk::Endpoint;
use proxmox_sdk::api::nodes::{GetNodesQemuAgentInfo, PostNodesQemuStatusStart};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let vmid = common::vmid_arg()?;
    let node = common::node();

    // Before the call: the check, with `{vmid}` resolved for this request.
    let info = <PostNodesQemuStatusStart as Endpoint>::INFO;
    let vmid_text = vmid.to_string();
    let check = info
        .permission
        .resolve(&|param| (param == "vmid").then(|| vmid_text.clone()));
    println!("{} {} needs: {check}", info.method, info.path);
    println!("privileges named: {:?}", info.permission.privileges());
    let agent = <GetNodesQemuAgentInfo as Endpoint>::INFO;
    println!(
        "{} {} needs: {}",
        agent.method, agent.path, agent.permission
    );

    // After a 403: the error names what the server said was missing.
    let client = common::client()?;
    match client.send(&GetNodesQemuAgentInfo::new(node, vmid)).await {
        Ok(_) => println!("the guest agent answered: the token has the privilege"),
        Err(e) if !e.missing_privileges().is_empty() => {
            println!("refused; missing: {:?}", e.missing_privileges());
        }
        Err(e) => return Err(e.into()),
    }
    Ok(())
}
