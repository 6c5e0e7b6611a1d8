//! A peer that stops reading: the upload ends at its stall timeout or its timeout, or when its
//! future is dropped, and leaves no thread behind; uploads streaming meanwhile do not hold the
//! slots of the calls that need pvedaemon.

use std::time::Duration;

use proxmox_sdk::Error;
use proxmox_sdk::api::types::StorageContent;
use proxmox_sdk::upload::Upload;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::sink;

/// The upload threads (`upload-read`, `upload-sha256`) alive in this process. nextest runs
/// each test in a process of its own; under `cargo test` other tests' uploads may show too.
fn upload_threads() -> usize {
    std::fs::read_dir("/proc/self/task")
        .map(|tasks| {
            tasks
                .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("comm")).ok())
                .filter(|name| name.starts_with("upload-"))
                .count()
        })
        .unwrap_or(0)
}

/// Waits (up to 3 s) until no upload thread is left; returns how many are.
async fn threads_left() -> usize {
    for _ in 0..30 {
        if upload_threads() == 0 {
            return 0;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    upload_threads()
}

/// Reads a request head; `None` when the client went away first.
async fn read_head(socket: &mut TcpStream) -> Option<String> {
    let mut buf = vec![0u8; 16 * 1024];
    let mut pending = Vec::new();
    loop {
        let n = socket.read(&mut buf).await.ok().filter(|n| *n > 0)?;
        pending.extend_from_slice(&buf[..n]);
        if let Some(at) = pending.windows(4).position(|w| w == b"\r\n\r\n") {
            return Some(String::from_utf8_lossy(&pending[..at]).into_owned());
        }
    }
}

/// A server that grants the privilege check and answers any other call at once, but reads
/// only the head of an upload and then nothing more (the connection stays open).
async fn stalling_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let origin = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((mut socket, _)) = listener.accept().await {
            let Some(head) = read_head(&mut socket).await else {
                continue;
            };
            if head.contains("/upload ") {
                held.push(socket);
                continue;
            }
            let data = if head.contains("/access/permissions") {
                r#"{"/":{"Datastore.AllocateTemplate":1}}"#.to_owned()
            } else {
                format!("\"{}\"", sink::UPID)
            };
            let body = format!("{{\"data\":{data}}}");
            let answer = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = socket.write_all(answer.as_bytes()).await;
        }
    });
    origin
}

#[tokio::test]
async fn an_upload_to_a_peer_that_stopped_reading_times_out_and_leaves_no_thread() {
    let origin = stalling_server().await;
    let dir = std::env::temp_dir().join(format!("sdk-stalled-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("stalled.iso");
    std::fs::File::create(&path)
        .unwrap()
        .set_len(256 << 20)
        .unwrap();
    let upload = Upload::from_file("pve1", "local", StorageContent::Iso, &path)
        .await
        .unwrap()
        .timeout(Duration::from_secs(2));
    let err = sink::client(&origin).upload(upload).await.unwrap_err();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(matches!(err, Error::Timeout { sent: true, .. }), "{err:?}");
    assert_eq!(
        threads_left().await,
        0,
        "threads left after a timed-out upload"
    );
}

#[tokio::test]
async fn a_peer_that_stops_taking_bytes_ends_the_upload_at_its_stall_timeout() {
    let origin = stalling_server().await;
    let upload = sink::generated_iso("big.iso", 1 << 30).stall_timeout(Duration::from_secs(1));
    let started = std::time::Instant::now();
    let err = sink::client(&origin).upload(upload).await.unwrap_err();
    // Not the six hours of the upload timeout.
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
    let Error::Timeout {
        sent: true,
        source: Some(why),
    } = &err
    else {
        panic!("{err:?}")
    };
    assert!(why.to_string().contains("made no progress for 1s"), "{why}");
    assert_eq!(
        threads_left().await,
        0,
        "threads left after a stalled upload"
    );
}

#[tokio::test]
async fn a_dropped_upload_to_a_peer_that_stopped_reading_leaves_no_thread() {
    let origin = stalling_server().await;
    let client = sink::client(&origin);
    let during = tokio::time::timeout(
        Duration::from_secs(1),
        client.upload(sink::generated_iso("big.iso", 1 << 30)),
    );
    assert!(during.await.is_err(), "the upload cannot finish");
    assert_eq!(
        threads_left().await,
        0,
        "threads left after a dropped upload"
    );
}

#[tokio::test]
async fn streaming_uploads_leave_the_protected_slots_to_other_calls() {
    use proxmox_sdk::client::InFlightLimit;
    let origin = stalling_server().await;
    let client = proxmox_sdk::Client::builder(&origin)
        .unwrap()
        .allow_insecure_http()
        .token("uploader@pve!up", "0b7a4d52-6f1c-4b0e-9d43-7a1f52c3e901")
        .limit_in_flight(InFlightLimit::default())
        .timeout(Duration::from_secs(3))
        .build()
        .unwrap();
    // As many uploads as the protected lane has slots (3 by default), all stuck streaming.
    let uploads: Vec<_> = (0..3)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(
                async move { client.upload(sink::generated_iso("big.iso", 1 << 30)).await },
            )
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let start = proxmox_sdk::api::nodes::PostNodesQemuStatusStart::new("pve1", 100);
    let started = client.send(&start).await;
    for upload in uploads {
        upload.abort();
    }
    assert!(started.is_ok(), "{started:?}");
}
