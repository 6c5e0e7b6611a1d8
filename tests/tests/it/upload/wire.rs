//! The bytes of an upload as a local HTTP server receives them.

use std::sync::{Arc, Mutex};

use proxmox_sdk::api::types::StorageContent;
use proxmox_sdk::upload::Upload;
use sha2::{Digest, Sha256};

use super::sink::{self, Generated, UPID};

#[tokio::test]
async fn the_server_receives_exactly_the_fields_then_the_file_then_the_closing_delimiter() {
    let (origin, received) = sink::start().await;
    let len = 300_007;
    let file = Generated::bytes(len);
    let sha = sink::hex(&Sha256::digest(&file));
    let progress = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&progress);
    let upload = Upload::new(
        "pve1",
        "local",
        StorageContent::Iso,
        "debian-13.iso",
        Generated::new(len as u64),
        len as u64,
    )
    .sha256(&sha)
    .progress(move |n| seen.lock().unwrap().push(n));

    let uploaded = sink::client(&origin).upload(upload).await.expect("upload");
    assert_eq!(uploaded.upid.to_string(), UPID);
    assert_eq!(uploaded.bytes, len as u64);
    assert_eq!(uploaded.sha256, sha);

    let got = received
        .lock()
        .unwrap()
        .clone()
        .expect("the sink got the upload");
    assert!(
        got.head
            .starts_with("POST /api2/json/nodes/pve1/storage/local/upload HTTP/1.1\r\n"),
        "{}",
        got.head
    );
    let content_type = got.header("content-type").expect("content type");
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .expect("multipart with an unquoted boundary");
    assert_eq!(
        got.header("transfer-encoding"),
        None,
        "PVE refuses chunked bodies"
    );
    let mut expected = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"content\"\r\n\r\niso\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"checksum-algorithm\"\r\n\r\nsha256\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"checksum\"\r\n\r\n{sha}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"filename\"; filename=\"debian-13.iso\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    expected.extend_from_slice(&file);
    expected.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    assert_eq!(
        got.header("content-length"),
        Some(expected.len().to_string().as_str())
    );
    assert_eq!(got.body_len, expected.len() as u64);
    assert!(
        got.body == expected,
        "the multipart body differs from the expected bytes"
    );
    assert!(
        got.header("authorization")
            .is_some_and(|a| a.starts_with("PVEAPIToken=uploader@pve!up="))
    );

    let reports = progress.lock().unwrap().clone();
    assert_eq!(reports.last(), Some(&(len as u64)));
    assert!(
        reports.windows(2).all(|w| w[0] < w[1]),
        "progress only grows"
    );
}

#[tokio::test]
async fn without_a_checksum_only_content_precedes_the_file() {
    let (origin, received) = sink::start().await;
    let upload = Upload::new(
        "pve1",
        "local",
        StorageContent::Vztmpl,
        "a.tar.zst",
        &b"xyz"[..],
        3,
    );
    sink::client(&origin).upload(upload).await.expect("upload");
    let got = received.lock().unwrap().clone().expect("upload received");
    let text = String::from_utf8(got.body).unwrap();
    let boundary = text[2..text.find("\r\n").unwrap()].to_owned();
    assert_eq!(
        text,
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"content\"\r\n\r\nvztmpl\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"filename\"; filename=\"a.tar.zst\"\r\n\
             Content-Type: application/octet-stream\r\n\r\nxyz\r\n--{boundary}--\r\n"
        )
    );
}

#[tokio::test]
async fn the_digest_of_a_stream_of_many_chunks_is_that_of_its_bytes() {
    // 5 MiB and a bit: ten and more chunks of the body, more than the hasher's queue holds.
    let (origin, received) = sink::start().await;
    let len = (5 << 20) + 12_345;
    let sha = sink::hex(&Sha256::digest(Generated::bytes(len)));
    let progress = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&progress);
    let upload = Upload::new(
        "pve1",
        "local",
        StorageContent::Iso,
        "big.iso",
        Generated::new(len as u64),
        len as u64,
    )
    .progress(move |n| seen.lock().unwrap().push(n));

    let uploaded = sink::client(&origin).upload(upload).await.expect("upload");
    assert_eq!(uploaded.bytes, len as u64);
    assert_eq!(uploaded.sha256, sha);
    let got = received.lock().unwrap().clone().expect("the sink got it");
    let marker = b"Content-Type: application/octet-stream\r\n\r\n";
    let start = got
        .body
        .windows(marker.len())
        .position(|w| w == marker)
        .expect("the file part")
        + marker.len();
    // The sink keeps only the body's start but hashes all of it: fields, file, closing line.
    let boundary = got
        .header("content-type")
        .and_then(|t| t.strip_prefix("multipart/form-data; boundary="))
        .expect("multipart")
        .to_owned();
    let mut whole = Sha256::new();
    whole.update(&got.body[..start]);
    whole.update(Generated::bytes(len));
    whole.update(format!("\r\n--{boundary}--\r\n"));
    assert_eq!(
        got.body_sha256,
        sink::hex(&whole.finalize()),
        "the server received the fields, exactly the file, then the closing delimiter"
    );
    let reports = progress.lock().unwrap().clone();
    assert!(reports.len() > 10, "{} progress reports", reports.len());
    assert_eq!(reports.last(), Some(&(len as u64)));
    assert!(
        reports.windows(2).all(|w| w[0] < w[1]),
        "progress only grows"
    );
}
