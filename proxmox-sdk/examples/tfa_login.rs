//! Logs in with user name and password, answers a TOTP challenge when the account has a
//! second factor, and reads the cluster status with the ticket.
//!
//! `PVE_URL=https://pve1:8006 PVE_USER=alice@pve PVE_PASSWORD=… PVE_FINGERPRINT=AA:… \
//!  cargo run -p proxmox-sdk --example tfa_login`
//!
//! The TOTP code is read from standard input when the server asks for one.

mod common;

use proxmox_sdk::Error;
use proxmox_sdk::api::cluster::GetClusterStatus;
use proxmox_sdk::client::TfaAnswer;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = common::ticket_client()?;
    match client.login().await {
        Ok(()) => println!("logged in (no second factor)"),
        Err(Error::TfaRequired(challenge)) => {
            println!(
                "{} needs a second factor ({:?}); TOTP code:",
                challenge.username(),
                challenge.methods()
            );
            let mut code = String::new();
            std::io::stdin().read_line(&mut code)?;
            client
                .complete_tfa(&challenge, TfaAnswer::totp(code.trim().to_string()))
                .await?;
            println!("logged in with TOTP");
        }
        Err(e) => return Err(e.into()),
    }
    for entry in client.send(&GetClusterStatus::new()).await? {
        println!("{} {}", entry.r#type, entry.name);
    }
    Ok(())
}
