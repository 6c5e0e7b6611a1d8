//! Shared by the examples: a client from `PVE_URL`, `PVE_TOKEN` (`user@realm!id=secret`) and
//! `PVE_FINGERPRINT` (the host's SHA-256 certificate fingerprint, `AA:BB:…`).

use proxmox_sdk::Client;
use proxmox_sdk::tls::TlsTrust;

/// Builds the token client most examples use, from the environment.
#[allow(dead_code)] // not the examples that log in with a password
pub(crate) fn client() -> Result<Client, Box<dyn std::error::Error>> {
    let url = std::env::var("PVE_URL").unwrap_or_else(|_| "https://127.0.0.1:8006".into());
    let token = std::env::var("PVE_TOKEN").map_err(|_| "set PVE_TOKEN to user@realm!id=secret")?;
    let (id, secret) = token
        .rsplit_once('=')
        .ok_or("PVE_TOKEN must look like user@realm!id=secret")?;
    let pin = std::env::var("PVE_FINGERPRINT")
        .map_err(|_| "set PVE_FINGERPRINT (see the pin_fingerprint example)")?;
    Ok(Client::builder(&url)?
        .token(id, secret)
        .trust(TlsTrust::Fingerprints(vec![pin.parse()?]))
        .build()?)
}

/// A ticket-login client from `PVE_URL`, `PVE_USER`, `PVE_PASSWORD` and `PVE_FINGERPRINT`
/// (consoles need a ticket; TFA answers one).
#[allow(dead_code)] // only the examples that log in with a password
pub(crate) fn ticket_client() -> Result<Client, Box<dyn std::error::Error>> {
    let var = |name: &str| std::env::var(name).map_err(|_| format!("set {name}"));
    Ok(Client::builder(&var("PVE_URL")?)?
        .ticket_login(var("PVE_USER")?, var("PVE_PASSWORD")?)
        .trust(TlsTrust::Fingerprints(vec![
            var("PVE_FINGERPRINT")?.parse()?,
        ]))
        .build()?)
}

/// The node to work on (`PVE_NODE`, default `pve`).
#[allow(dead_code)] // not every example works on one node
pub(crate) fn node() -> String {
    std::env::var("PVE_NODE").unwrap_or_else(|_| "pve".into())
}

/// The guest id given as the first argument (default 100).
#[allow(dead_code)] // not every example takes a guest id
pub(crate) fn vmid_arg() -> Result<u32, std::num::ParseIntError> {
    std::env::args()
        .nth(1)
        .unwrap_or_else(|| "100".into())
        .parse()
}
