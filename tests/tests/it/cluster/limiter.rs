//! The per-node in-flight limit under 200 concurrent calls: the transport never sees more
//! calls at once than the limit allows (fewer still for `protected` calls, which PVE hands to
//! its 3 pvedaemon workers), a dropped queued call gives its slot up, and a queued call that
//! reaches the client's timeout fails unsent.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http::HeaderMap;
use proxmox_sdk::api::nodes::PostNodesLxcStatusStart;
use proxmox_sdk::api::version::GetVersion;
use proxmox_sdk::client::{InFlightLimit, RetryPolicy};
use proxmox_sdk::transport::{BoxFuture, HttpRequest, HttpResponse, Transport, TransportError};
use proxmox_sdk::{Client, Error};
use tokio::task::JoinSet;

/// Answers every call after `delay` (or never), counting the calls in flight.
#[derive(Debug, Default)]
struct Gauge {
    now: AtomicUsize,
    max: AtomicUsize,
    seen: AtomicUsize,
    delay_ms: u64,
    hang: bool,
}

/// The transport handed to the client: a handle on the shared gauge.
#[derive(Debug)]
struct Probe(Arc<Gauge>);

impl Transport for Probe {
    fn execute(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        let gauge = &self.0;
        Box::pin(async move {
            gauge.seen.fetch_add(1, Ordering::SeqCst);
            let now = gauge.now.fetch_add(1, Ordering::SeqCst) + 1;
            gauge.max.fetch_max(now, Ordering::SeqCst);
            if gauge.hang {
                std::future::pending::<()>().await;
            }
            tokio::time::sleep(Duration::from_millis(gauge.delay_ms)).await;
            gauge.now.fetch_sub(1, Ordering::SeqCst);
            let body = if request.url.ends_with("/version") {
                r#"{"data":{"version":"9.1.4","release":"9.1","repoid":"x"}}"#
            } else {
                r#"{"data":"UPID:pve1:0000A1B2:0012C3D4:6B0EFF0B:vzstart:100:root@pam:"}"#
            };
            Ok(HttpResponse {
                status: 200,
                reason: None,
                headers: HeaderMap::new(),
                body: Bytes::from_static(body.as_bytes()),
            })
        })
    }
}

fn client(gauge: &Arc<Gauge>, limit: InFlightLimit, timeout: Duration) -> Client {
    Client::builder("https://pve1.test:8006")
        .unwrap()
        .token("sdk@pve!limit", "00000000-0000-4000-8000-000000000000")
        .retry(RetryPolicy::disabled())
        .timeout(timeout)
        .limit_in_flight(limit)
        .transport(Probe(Arc::clone(gauge)))
        .build()
        .unwrap()
}

#[tokio::test(start_paused = true)]
async fn two_hundred_concurrent_calls_never_exceed_the_limits() {
    let gauge = Arc::new(Gauge {
        delay_ms: 20,
        ..Gauge::default()
    });
    let limit = InFlightLimit::new(8, 3);
    let client = client(&gauge, limit, Duration::from_secs(600));

    // Protected calls only: the pvedaemon lane is the bound.
    let mut calls = JoinSet::new();
    for vmid in 0..200 {
        let client = client.clone();
        calls.spawn(async move {
            client
                .send(&PostNodesLxcStatusStart::new("pve1", 100 + vmid))
                .await
        });
    }
    while let Some(done) = calls.join_next().await {
        done.unwrap().expect("call");
    }
    assert_eq!(gauge.seen.load(Ordering::SeqCst), 200);
    assert_eq!(gauge.max.load(Ordering::SeqCst), 3);

    // Mixed: at most 8 at once, however many are protected.
    gauge.max.store(0, Ordering::SeqCst);
    let mut calls = JoinSet::new();
    for n in 0..200 {
        let client = client.clone();
        calls.spawn(async move {
            if n % 2 == 0 {
                client.send(&GetVersion::new()).await.map(drop)
            } else {
                client
                    .send(&PostNodesLxcStatusStart::new("pve1", 100))
                    .await
                    .map(drop)
            }
        });
    }
    while let Some(done) = calls.join_next().await {
        done.unwrap().expect("call");
    }
    assert_eq!(gauge.seen.load(Ordering::SeqCst), 400);
    assert_eq!(gauge.max.load(Ordering::SeqCst), 8);
}

#[tokio::test(start_paused = true)]
async fn a_queued_call_times_out_unsent_and_a_dropped_call_frees_its_slot() {
    let gauge = Arc::new(Gauge {
        hang: true,
        ..Gauge::default()
    });
    let client = client(&gauge, InFlightLimit::new(1, 1), Duration::from_secs(5));
    // The first call takes the only slot and hangs.
    let first = tokio::spawn({
        let client = client.clone();
        async move { client.send(&GetVersion::new()).await }
    });
    tokio::time::sleep(Duration::from_millis(10)).await;
    assert_eq!(gauge.seen.load(Ordering::SeqCst), 1);
    // The second waits for it until the client's timeout, and was never sent.
    let err = client.send(&GetVersion::new()).await.unwrap_err();
    assert!(matches!(err, Error::Timeout { sent: false, .. }), "{err:?}");
    assert!(!err.may_have_been_processed());
    assert_eq!(gauge.seen.load(Ordering::SeqCst), 1);
    // Dropping the hung call frees the slot: the next call is sent.
    first.abort();
    let _ = first.await;
    let next = tokio::spawn({
        let client = client.clone();
        async move { client.send(&GetVersion::new()).await }
    });
    tokio::time::sleep(Duration::from_millis(10)).await;
    assert_eq!(gauge.seen.load(Ordering::SeqCst), 2);
    next.abort();
}
