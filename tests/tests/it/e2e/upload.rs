//! Uploads and server-side downloads against fakepve: the file arrives in the storage's
//! content list with its size, the task is waited, ticket login works for uploads, and content
//! PVE does not take is refused before anything reaches the server.

use proxmox_sdk::api::nodes::{GetNodesStorageContent, PostNodesStorageDownloadUrl};
use proxmox_sdk::api::types::{StorageChecksumAlgorithm, StorageContent};
use proxmox_sdk::task::{ExitStatus, WaitOptions};
use proxmox_sdk::tls::{Fingerprint, TlsTrust};
use proxmox_sdk::upload::{TransferError, Upload};
use proxmox_sdk::{Client, Error};
use sdk_tests::fakepve::FakePve;
use sdk_tests::fakepve_or_skip;
use sha2::{Digest, Sha256};

use crate::upload::sink::{Generated, hex};

fn builder(pve: &FakePve) -> proxmox_sdk::ClientBuilder {
    let pin: Fingerprint = pve.fingerprint.parse().expect("scenario fingerprint");
    Client::builder(&pve.url)
        .expect("url")
        .trust(TlsTrust::Fingerprints(vec![pin]))
}

fn uploader(pve: &FakePve) -> Client {
    let id = pve.extra["upload_token"].as_str().expect("upload token id");
    let token = pve
        .tokens
        .iter()
        .find(|t| t.id == id)
        .expect("upload token");
    builder(pve)
        .token(&token.id, token.secret.expose())
        .build()
        .expect("client")
}

/// The size of `volid` in the storage's content list, if it is listed.
async fn listed_size(client: &Client, node: &str, volid: &str) -> Option<u64> {
    let content = client
        .send(&GetNodesStorageContent::new(node, "local"))
        .await
        .expect("content");
    content
        .iter()
        .find(|c| c.volid == volid)
        .map(|c| c.size as u64)
}

#[tokio::test]
async fn an_uploaded_iso_is_listed_with_its_size_after_the_task() {
    let pve = fakepve_or_skip!("storage");
    let client = uploader(&pve);
    let len = 3 * 1024 * 1024 + 17;
    let sha = hex(&Sha256::digest(Generated::bytes(len)));
    let upload = Upload::new(
        &pve.node,
        "local",
        StorageContent::Iso,
        "sdk-upload.iso",
        Generated::new(len as u64),
        len as u64,
    )
    .sha256(&sha);
    let (uploaded, outcome) = client
        .upload_and_wait(upload, WaitOptions::default())
        .await
        .expect("upload and task");
    assert_eq!(outcome.exit_status, ExitStatus::Ok);
    assert_eq!(uploaded.upid.node(), pve.node);
    assert_eq!(uploaded.sha256, sha);
    assert_eq!(
        listed_size(&client, &pve.node, "local:iso/sdk-upload.iso").await,
        Some(len as u64)
    );
}

#[tokio::test]
async fn a_ticket_login_uploads_a_template_too() {
    let pve = fakepve_or_skip!("storage");
    let client = builder(&pve)
        .ticket_login(&pve.user, pve.password.expose())
        .build()
        .expect("client");
    let upload = Upload::new(
        &pve.node,
        "local",
        StorageContent::Vztmpl,
        "alpine-3.22.tar.xz",
        &b"not really a template"[..],
        21,
    );
    let uploaded = client.upload(upload).await.expect("upload");
    client
        .wait_task(&uploaded.upid, WaitOptions::default())
        .await
        .expect("task");
    assert_eq!(
        listed_size(&client, &pve.node, "local:vztmpl/alpine-3.22.tar.xz").await,
        Some(21)
    );
}

#[tokio::test]
async fn snippets_never_reach_the_server() {
    let mut pve = fakepve_or_skip!("storage");
    let client = uploader(&pve);
    let snippets: StorageContent = "snippets".parse().unwrap();
    let upload = Upload::new(
        &pve.node,
        "local",
        snippets,
        "user.yaml",
        &b"#cloud-config"[..],
        13,
    );
    let err = client.upload(upload).await.unwrap_err();
    assert!(matches!(err, Error::InvalidParameter(_)), "{err:?}");
    assert_eq!(pve.count("POST", "/upload").await.expect("count"), 0);
}

#[tokio::test]
async fn download_url_starts_the_fetch_and_waits_for_it() {
    let pve = fakepve_or_skip!("storage");
    let client = uploader(&pve);
    let request = PostNodesStorageDownloadUrl::new(
        &pve.node,
        "local",
        StorageContent::Iso,
        "fetched.iso",
        "https://example.invalid/fetched.iso",
    )
    .checksum("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    .checksum_algorithm(StorageChecksumAlgorithm::Sha256);
    let (upid, outcome) = client
        .download_url(&request, WaitOptions::default())
        .await
        .expect("download");
    assert_eq!(outcome.exit_status, ExitStatus::Ok);
    assert_eq!(upid.node(), pve.node);
    assert!(
        listed_size(&client, &pve.node, "local:iso/fetched.iso")
            .await
            .is_some()
    );

    // A checksum without its algorithm is refused before sending.
    let half = PostNodesStorageDownloadUrl::new(
        &pve.node,
        "local",
        StorageContent::Iso,
        "half.iso",
        "https://example.invalid/half.iso",
    )
    .checksum("00");
    let err = client
        .download_url(&half, WaitOptions::default())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, TransferError::Start(Error::InvalidParameter(_))),
        "{err:?}"
    );
}
