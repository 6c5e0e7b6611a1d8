//! Trust on first use: connects, reads the certificate fingerprint the server presents, and sends
//! no HTTP request. Compare it with the host's (`pvenode cert info`) before pinning it.
//!
//! `cargo run -p proxmox-sdk --example pin_fingerprint -- https://pve1:8006`

use std::time::Duration;

use proxmox_sdk::tls::fetch_fingerprint_for_url;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "https://127.0.0.1:8006".into());
    let fingerprint = fetch_fingerprint_for_url(&url, Duration::from_secs(10)).await?;
    println!("{url} presents {fingerprint}");
    println!("pin it with PVE_FINGERPRINT={fingerprint}");
    Ok(())
}
