//! Has a node fetch an ISO (or a container template) from a URL itself, the SHA-256 checked by
//! PVE, and waits for the download task.
//!
//! `… cargo run -p proxmox-sdk --example download_url -- URL SHA256 [storage]`
//!
//! The file is named after the URL's last segment; PVE refuses a name it would have to rename
//! and an extension that does not fit the content, and the SDK does so before asking.

mod common;

use proxmox_sdk::api::nodes::PostNodesStorageDownloadUrl;
use proxmox_sdk::api::types::{StorageChecksumAlgorithm, StorageContent};
use proxmox_sdk::task::WaitOptions;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: download_url URL SHA256 [STORAGE]";
    let url = args.next().ok_or(usage)?;
    let sha256 = args.next().ok_or(usage)?;
    let storage = args.next().unwrap_or_else(|| "local".into());
    let file_name = url
        .rsplit('/')
        .next()
        .filter(|name| !name.is_empty())
        .ok_or("the URL does not end in a file name")?
        .to_owned();
    let content = if file_name.contains(".tar.") {
        StorageContent::Vztmpl
    } else {
        StorageContent::Iso
    };

    let client = common::client()?;
    let request =
        PostNodesStorageDownloadUrl::new(common::node(), &storage, content, &file_name, &url)
            .checksum(sha256)
            .checksum_algorithm(StorageChecksumAlgorithm::Sha256);
    let (upid, outcome) = client
        .download_url(&request, WaitOptions::default())
        .await?;
    println!(
        "{storage}: {file_name} downloaded by task {upid}: {:?}",
        outcome.exit_status
    );
    Ok(())
}
