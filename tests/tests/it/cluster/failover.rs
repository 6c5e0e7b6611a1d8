//! Failover against several fakepve servers standing for the nodes of one cluster (each its
//! own certificate, pinned per endpoint; one API token added to all). What reached each
//! server is counted from fakepve's own records, so a write sent twice cannot hide.

use std::collections::BTreeSet;

use proxmox_sdk::client::{NodeEndpoint, RetryPolicy};
use proxmox_sdk::tls::TlsTrust;
use proxmox_sdk::{Client, Error, HttpMethod};
use sdk_tests::fakepve::FakePve;
use tokio::task::JoinSet;

use super::relay::KillableRelay;

const TOKEN: &str = "cluster@pve!sdk";
/// A test secret for loopback servers; it reaches fakepve over the launcher's stdin.
const SECRET: &str = "5b0e2c1a-7d3f-4e8a-9c6b-1f2e3d4c5b6a";

async fn member() -> Option<FakePve> {
    let mut pve = FakePve::start_or_skip("basic", &[]).await?;
    let privs = [
        "VM.Audit",
        "VM.PowerMgmt",
        "VM.Snapshot",
        "Sys.Audit",
        "Pool.Allocate",
        "Pool.Audit",
    ];
    pve.control(
        serde_json::json!({"op": "add_token", "id": TOKEN, "secret": SECRET, "privs": privs}),
    )
    .await
    .expect("add token");
    Some(pve)
}

fn trust(pve: &FakePve) -> TlsTrust {
    TlsTrust::CaFile(pve.ca_pem_path.clone())
}

fn direct(pve: &FakePve) -> Client {
    Client::builder(&pve.url)
        .unwrap()
        .token(TOKEN, SECRET)
        .trust(trust(pve))
        .build()
        .unwrap()
}

/// Our pools (`fo…`) a server holds.
async fn pools(pve: &FakePve) -> BTreeSet<String> {
    let list = direct(pve)
        .raw(HttpMethod::Get, "/pools", &[])
        .await
        .expect("pools");
    list.as_array()
        .expect("a list")
        .iter()
        .filter_map(|p| p["poolid"].as_str())
        .filter(|id| id.starts_with("fo"))
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn killing_an_endpoint_under_load_sends_no_write_twice() {
    let (Some(mut a), Some(mut b)) = tokio::join!(member(), member()) else {
        return;
    };
    let relay = KillableRelay::start(&a.url).await;
    let client = Client::builder(&relay.url)
        .unwrap()
        .trust(trust(&a))
        .endpoints([NodeEndpoint::new(b.url.as_str()).trust(trust(&b))])
        .token(TOKEN, SECRET)
        .build()
        .unwrap();
    client
        .raw(HttpMethod::Get, "/version", &[])
        .await
        .expect("version");
    assert_eq!(client.endpoint(), relay.url, "sticks to the first endpoint");

    // 60 pool creations (each writes a new pool; a second request for the same id would
    // fail as `already exists` or create it on the other server), the relay killed midway.
    let mut writes = JoinSet::new();
    for n in 0..60u64 {
        let client = client.clone();
        writes.spawn(async move {
            tokio::time::sleep(std::time::Duration::from_millis(n * 4)).await;
            let id = format!("fo{n:03}");
            let result = client
                .raw(HttpMethod::Post, "/pools", &[("poolid", &id)])
                .await;
            (id, result)
        });
    }
    tokio::time::sleep(std::time::Duration::from_millis(110)).await;
    relay.kill();
    let mut results = Vec::new();
    while let Some(done) = writes.join_next().await {
        results.push(done.unwrap());
    }
    // After the kill, a new write goes to the other endpoint.
    client
        .raw(HttpMethod::Post, "/pools", &[("poolid", "foafter")])
        .await
        .expect("a write after the kill");
    assert_eq!(client.endpoint(), b.url.trim_end_matches('/'));

    let (on_a, on_b) = (pools(&a).await, pools(&b).await);
    let sent_a = a.count("POST", "/pools").await.unwrap();
    let sent_b = b.count("POST", "/pools").await.unwrap();
    // Nothing twice: no pool on both servers, and each server received exactly one request
    // per pool it holds.
    assert!(
        on_a.is_disjoint(&on_b),
        "on both: {:?}",
        on_a.intersection(&on_b).collect::<Vec<_>>()
    );
    assert_eq!(sent_a, on_a.len() as u64, "requests at a vs pools on a");
    assert_eq!(sent_b, on_b.len() as u64, "requests at b vs pools on b");
    assert!(on_b.contains("foafter"));
    let mut failed = 0;
    for (id, result) in &results {
        match result {
            Ok(_) => assert!(on_a.contains(id) ^ on_b.contains(id), "{id} succeeded once"),
            Err(err) => {
                // Only a write that may have reached a handler fails; it was not moved on.
                failed += 1;
                assert!(err.may_have_been_processed(), "{id}: {err:?}");
                assert!(
                    !on_b.contains(id),
                    "{id} failed yet reached the second endpoint"
                );
            }
        }
    }
    assert!(
        !on_a.is_empty() && on_b.len() > 1,
        "a: {}, b: {}",
        on_a.len(),
        on_b.len()
    );
    eprintln!(
        "failover: {} on a, {} on b, {failed} failed in flight",
        on_a.len(),
        on_b.len()
    );
}

#[tokio::test]
async fn a_595_moves_on_only_when_the_contacted_node_itself_failed() {
    let (Some(mut a), Some(mut b)) = tokio::join!(member(), member()) else {
        return;
    };
    let client = Client::builder(&a.url)
        .unwrap()
        .node_name("pve1")
        .trust(trust(&a))
        .endpoints([NodeEndpoint::new(b.url.as_str())
            .node_name("pve2")
            .trust(trust(&b))])
        .token(TOKEN, SECRET)
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap();

    // Seen from pve1, node pve2 (the target of the call) is down: every endpoint would
    // forward to it, so the 595 goes to the caller and nothing goes to b.
    a.control(serde_json::json!({"op": "node_offline", "node": "pve2"}))
        .await
        .unwrap();
    let err = client
        .raw(
            HttpMethod::Post,
            "/nodes/pve2/lxc/202/snapshot",
            &[("snapname", "s595")],
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::ProxyHop(api) if api.status() == 595),
        "{err:?}"
    );
    assert_eq!(
        b.count("POST", "/nodes/pve2/lxc/202/snapshot")
            .await
            .unwrap(),
        0
    );
    assert_eq!(client.endpoint(), a.url.trim_end_matches('/'));

    // pve1's own proxy answers 595 for pve1 itself: the node behind the endpoint is broken,
    // the call certainly was not processed there, so it moves on to b, once.
    a.control(serde_json::json!({"op": "node_offline", "node": "pve1"}))
        .await
        .unwrap();
    client
        .raw(
            HttpMethod::Post,
            "/nodes/pve1/lxc/201/snapshot",
            &[("snapname", "moved")],
        )
        .await
        .expect("served by the second endpoint");
    assert_eq!(
        b.count("POST", "/nodes/pve1/lxc/201/snapshot")
            .await
            .unwrap(),
        1
    );
    assert_eq!(client.endpoint(), b.url.trim_end_matches('/'));
}
