//! What is refused before sending, and what is never sent twice.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::Duration;

use proxmox_sdk::api::nodes::PutNodesQemuConfig;
use proxmox_sdk::api::types::StorageContent;
use proxmox_sdk::client::RetryPolicy;
use proxmox_sdk::testing::CapturingTransport;
use proxmox_sdk::transport::{
    BoxFuture, HttpRequest, HttpResponse, RequestBody, Transport, TransportError,
};
use proxmox_sdk::upload::Upload;
use proxmox_sdk::wire::ParamError;
use proxmox_sdk::{Client, Error};
use tokio::io::AsyncReadExt;

use super::sink::Generated;

#[tokio::test]
async fn snippets_and_backups_are_refused_with_the_reason_and_nothing_is_sent() {
    let capture = CapturingTransport::new();
    let client = capture.client();
    for content in ["snippets", "backup"] {
        let content: StorageContent = content.parse().unwrap();
        let upload = Upload::new("pve1", "local", content, "x.bin", Generated::new(10), 10);
        let err = client.upload(upload).await.unwrap_err();
        let Error::InvalidParameter(ParamError::Invalid { name, problem }) = &err else {
            panic!("{err:?}")
        };
        assert_eq!(name, "content");
        assert!(problem.contains("cannot be uploaded"), "{problem}");
    }
    assert!(capture.requests().is_empty(), "{:?}", capture.requests());
}

#[tokio::test]
async fn a_form_body_over_64_kib_is_refused_naming_the_largest_parameter_and_nothing_is_sent() {
    let capture = CapturingTransport::new();
    let client = capture.client();
    let request = PutNodesQemuConfig::new("pve1", 100)
        .name("vm")
        .extra_param("big-value", "d".repeat(70_000));
    let err = client.send(&request).await.unwrap_err();
    let Error::InvalidParameter(ParamError::Invalid { name, problem }) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(name, "big-value");
    assert!(problem.contains("65536"), "{problem}");
    assert!(capture.requests().is_empty());

    // Just under the cap goes out.
    let request = PutNodesQemuConfig::new("pve1", 100).extra_param("big-value", "d".repeat(60_000));
    client.send(&request).await.expect("a 60 kB body is sent");
    assert_eq!(capture.requests().len(), 1);
}

/// Reads part of the stream, then fails as if the connection could not be made (the error a
/// write may be retried on).
#[derive(Debug, Default, Clone)]
struct FailsAfterReading {
    attempts: Arc<AtomicU32>,
    read: Arc<AtomicU64>,
}

impl Transport for FailsAfterReading {
    fn execute(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        Box::pin(async move {
            if request.url.contains("/access/permissions") {
                // The upload's privilege check: granted.
                let held = serde_json::json!({"/": {"Datastore.AllocateTemplate": 1}});
                return Ok(proxmox_sdk::testing::respond::data(held));
            }
            self.attempts.fetch_add(1, Ordering::SeqCst);
            if let Some(RequestBody::Stream(stream)) = request.body {
                let mut buf = vec![0; 4096];
                let n = stream.into_reader().read(&mut buf).await.unwrap_or(0);
                self.read.fetch_add(n as u64, Ordering::SeqCst);
            }
            Err(TransportError::Connect(
                "refused after the stream started".into(),
            ))
        })
    }
}

#[tokio::test]
async fn a_streamed_body_is_not_resent_after_a_connect_failure_that_would_retry_a_form() {
    let transport = FailsAfterReading::default();
    let client = Client::builder("https://pve1.test:8006")
        .unwrap()
        .token("uploader@pve!up", "secret")
        .transport(transport.clone())
        .retry(
            RetryPolicy::default()
                .max_attempts(3)
                .base_delay(Duration::from_millis(1)),
        )
        .build()
        .unwrap();

    // A form POST failing this way is retried (nothing was sent)...
    let form = proxmox_sdk::api::nodes::PostNodesQemuStatusStart::new("pve1", 100);
    assert!(matches!(client.send(&form).await, Err(Error::Connect(_))));
    assert_eq!(transport.attempts.swap(0, Ordering::SeqCst), 3);

    // ...an upload is not: its stream was handed over and partly read.
    let upload = Upload::new(
        "pve1",
        "local",
        StorageContent::Iso,
        "a.iso",
        Generated::new(1 << 20),
        1 << 20,
    );
    let err = client.upload(upload).await.unwrap_err();
    assert!(matches!(err, Error::Connect(_)), "{err:?}");
    assert_eq!(transport.attempts.load(Ordering::SeqCst), 1);
    assert!(transport.read.load(Ordering::SeqCst) > 0);
}

#[tokio::test]
async fn a_source_shorter_than_its_announced_length_fails_the_upload() {
    let (origin, _received) = super::sink::start().await;
    let client = super::sink::client(&origin);
    let upload = Upload::new(
        "pve1",
        "local",
        StorageContent::Iso,
        "a.iso",
        Generated::new(100),
        1000,
    );
    let err = client.upload(upload).await.unwrap_err();
    assert!(matches!(err, Error::Interrupted(_)), "{err:?}");
    assert!(err.may_have_been_processed());
}

#[tokio::test]
async fn the_capturing_transport_sees_the_streamed_body() {
    let capture =
        CapturingTransport::answering(proxmox_sdk::testing::respond::data(super::sink::UPID));
    let upload = Upload::new(
        "pve1",
        "local",
        StorageContent::Iso,
        "a.iso",
        &b"abc"[..],
        3,
    );
    let uploaded = capture.client().upload(upload).await.expect("upload");
    let requests = capture.requests();
    assert_eq!(requests[0].call(), "GET /access/permissions");
    let sent = &requests[1];
    assert_eq!(sent.call(), "POST /nodes/pve1/storage/local/upload");
    assert_eq!(sent.body, None);
    let stream = sent.stream.as_ref().expect("the stream was captured");
    assert_eq!(stream.read, stream.announced);
    let text = String::from_utf8(stream.head.clone()).unwrap();
    assert!(
        text.contains(
            "filename=\"a.iso\"\r\nContent-Type: application/octet-stream\r\n\r\nabc\r\n--"
        ),
        "{text}"
    );
    assert_eq!(uploaded.bytes, 3);
}

#[tokio::test]
async fn a_wrapping_capture_records_the_stream_as_the_inner_transport_reads_it() {
    let inner =
        CapturingTransport::answering(proxmox_sdk::testing::respond::data(super::sink::UPID));
    let outer = CapturingTransport::wrapping(inner.clone());
    let upload = Upload::new(
        "pve1",
        "local",
        StorageContent::Iso,
        "a.iso",
        &b"abc"[..],
        3,
    );
    outer.client().upload(upload).await.expect("upload");
    // [0] is the privilege check.
    let seen_outside = outer.requests()[1].stream.clone().expect("outer capture");
    let seen_inside = inner.requests()[1].stream.clone().expect("inner capture");
    assert_eq!(seen_outside, seen_inside);
    assert_eq!(seen_outside.read, seen_outside.announced);
    assert!(seen_outside.sha256.is_some() && seen_outside.error.is_none());
}
