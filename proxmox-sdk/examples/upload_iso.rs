//! Uploads an ISO (or a container template, or a disk image to import) to a storage, with a
//! progress line, the SHA-256 checked by PVE, and a wait for the task that stores it.
//!
//! `… cargo run -p proxmox-sdk --example upload_iso -- debian-13.iso [storage] [sha256]`
//!
//! Without a SHA-256 argument the file is read once first to compute it (a pre-pass), so PVE
//! still verifies what it stored.

mod common;

use std::io::Write as _;
use std::time::Duration;

use proxmox_sdk::api::types::StorageContent;
use proxmox_sdk::task::WaitOptions;
use proxmox_sdk::upload::{self, Upload};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or("usage: upload_iso FILE [STORAGE] [SHA256]")?;
    let storage = args.next().unwrap_or_else(|| "local".into());
    let content = if path.ends_with(".iso") || path.ends_with(".img") {
        StorageContent::Iso
    } else if path.contains(".tar.") {
        StorageContent::Vztmpl
    } else {
        StorageContent::Import
    };
    let sha256 = match args.next() {
        Some(given) => given,
        None => {
            eprintln!("computing the SHA-256 of {path} …");
            upload::sha256_file(&path).await?
        }
    };
    let client = common::client()?;
    let upload = Upload::from_file(common::node(), &storage, content, &path)
        .await?
        .sha256(&sha256)
        .timeout(Duration::from_secs(2 * 60 * 60));
    let total = upload_len(&path)?;
    let upload = upload.progress(move |sent| {
        let percent = (sent * 100).checked_div(total).unwrap_or(100);
        eprint!("\r{sent} of {total} bytes ({percent}%)");
        let _ = std::io::stderr().flush();
    });
    let (uploaded, outcome) = client
        .upload_and_wait(upload, WaitOptions::default())
        .await?;
    eprintln!();
    println!(
        "stored {} as {} bytes (sha256 {}) by task {}: {:?}",
        uploaded.volid, uploaded.bytes, uploaded.sha256, uploaded.upid, outcome.exit_status
    );
    Ok(())
}

fn upload_len(path: &str) -> std::io::Result<u64> {
    Ok(std::fs::metadata(path)?.len())
}
