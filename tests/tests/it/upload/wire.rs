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
    let upload = sink::generated_iso("debian-13.iso", len as u64)
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
    let upload =
        sink::generated_iso("big.iso", len as u64).progress(move |n| seen.lock().unwrap().push(n));

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

#[tokio::test]
async fn a_verified_file_upload_sends_its_sha256_first_and_exactly_its_bytes() {
    // Several chunks of the file's reading thread, with a short last one.
    let data: Vec<u8> = (0..600_011u32).map(|i| (i % 251) as u8 ^ 0x5a).collect();
    let dir = std::env::temp_dir().join(format!("sdk-upload-wire-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("alpine-3.22.iso");
    std::fs::write(&path, &data).unwrap();
    let sha = sink::hex(&Sha256::digest(&data));

    let (origin, received) = sink::start().await;
    let upload = Upload::from_file_verified("pve1", "local", StorageContent::Iso, &path)
        .await
        .expect("the file");
    let uploaded = sink::client(&origin).upload(upload).await.expect("upload");
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(uploaded.bytes, data.len() as u64);
    assert_eq!(uploaded.sha256, sha);

    let got = received.lock().unwrap().clone().expect("upload received");
    let boundary = got
        .header("content-type")
        .and_then(|t| t.strip_prefix("multipart/form-data; boundary="))
        .expect("multipart")
        .to_owned();
    let mut expected = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"content\"\r\n\r\niso\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"checksum-algorithm\"\r\n\r\nsha256\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"checksum\"\r\n\r\n{sha}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"filename\"; filename=\"alpine-3.22.iso\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    expected.extend_from_slice(&data);
    expected.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    assert_eq!(
        got.header("content-length"),
        Some(expected.len().to_string().as_str())
    );
    assert!(
        got.body == expected,
        "the multipart body differs from the expected bytes"
    );
}

#[tokio::test]
async fn a_file_that_shrinks_before_it_is_sent_fails_the_upload_with_both_lengths() {
    let dir = std::env::temp_dir().join(format!("sdk-upload-shrink-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("shrinks.iso");
    std::fs::write(&path, vec![1u8; 400_000]).unwrap();
    let upload = Upload::from_file("pve1", "local", StorageContent::Iso, &path)
        .await
        .expect("the file");
    // Cut short after its length was taken, as a file being rewritten would be.
    std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .unwrap()
        .set_len(1_000)
        .unwrap();

    let (origin, received) = sink::start().await;
    let err = sink::client(&origin)
        .upload(upload)
        .await
        .expect_err("a short file");
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(matches!(err, proxmox_sdk::Error::Interrupted(_)), "{err:?}");
    let chain = std::iter::successors(Some(&err as &dyn std::error::Error), |e| e.source())
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(": ");
    assert!(
        chain.contains("the upload source ended after 1000 of its 400000 bytes"),
        "{chain}"
    );
    // The server got at most a body cut short: never its announced length, never the
    // closing delimiter.
    if let Some(got) = received.lock().unwrap().as_ref() {
        let announced: u64 = got.header("content-length").unwrap().parse().unwrap();
        assert!(got.body_len < announced, "{} of {announced}", got.body_len);
        assert!(!got.body.ends_with(b"--\r\n"));
    }
}
