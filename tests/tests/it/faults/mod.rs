//! Fault injection end to end, against fakepve: retries that help, writes that are never sent
//! twice (counted on the server, and at the connection level where fakepve cannot count),
//! `wait_task` through dropped and hanging polls, an offline node, and a ticket that stops
//! being accepted mid-run. Skipped like every fakepve test when fakepve is not installed.

mod leaks;
pub(crate) mod proxy;
mod tickets;

use std::time::Duration;

use proxmox_sdk::api::nodes::{
    DeleteNodesLxcSnapshotSnapname, GetNodesLxcStatusCurrent, GetNodesStatus, PostNodesLxcSnapshot,
    PostNodesLxcStatusStart, PutNodesLxcConfig,
};
use proxmox_sdk::api::types::LxcStatus;
use proxmox_sdk::api::version::GetVersion;
use proxmox_sdk::client::RetryPolicy;
use proxmox_sdk::task::WaitOptions;
use proxmox_sdk::tls::TlsTrust;
use proxmox_sdk::{Client, Error};
use sdk_tests::fakepve::FakePve;
use sdk_tests::fakepve_or_skip;

use proxy::Relay;

/// A token client for `url` (fakepve itself or a relay in front of it).
fn agent(pve: &FakePve, url: &str, timeout: Duration) -> Client {
    Client::builder(url)
        .expect("URL")
        .token(&pve.token_id, pve.token_secret.expose())
        .trust(TlsTrust::CaFile(pve.ca_pem_path.clone()))
        .retry(RetryPolicy::default().base_delay(Duration::from_millis(10)))
        .timeout(timeout)
        .build()
        .expect("client")
}

/// The three writes of these tests, on the stopped container 201 of the `basic` scenario.
/// `PUT` changes `cores`, unless `bare` (no parameters, so no body: fakepve reads the body of
/// a hung request only after its hang, when the client has long closed the connection).
async fn write(client: &Client, method: &str, bare: bool) -> Result<(), Error> {
    match method {
        "POST" => client
            .send(&PostNodesLxcStatusStart::new("pve1", 201))
            .await
            .map(drop),
        "PUT" => {
            let mut put = PutNodesLxcConfig::new("pve1", 201);
            if !bare {
                put.cores = Some(3);
            }
            client.send(&put).await
        }
        _ => client
            .send(&DeleteNodesLxcSnapshotSnapname::new("pve1", 201, "nope"))
            .await
            .map(drop),
    }
}

/// The path each write of [`write`] goes to.
fn write_path(method: &str) -> &'static str {
    match method {
        "POST" => "/nodes/pve1/lxc/201/status/start",
        "PUT" => "/nodes/pve1/lxc/201/config",
        _ => "/nodes/pve1/lxc/201/snapshot/nope",
    }
}

#[tokio::test]
async fn a_get_meeting_two_503s_succeeds_through_retry() {
    let mut pve = fakepve_or_skip!("basic", &["--time-scale", "0"]);
    pve.fail("GET", "/nodes/pve1/status", 503, "busy", Some(2))
        .await
        .expect("inject");
    let client = agent(&pve, &pve.url.clone(), Duration::from_secs(20));
    let status = client.send(&GetNodesStatus::new("pve1")).await;
    assert!(status.is_ok(), "{status:?}");
    assert_eq!(pve.count("GET", "/nodes/pve1/status").await.unwrap(), 3);

    // The same two 503s before a write: refused once, and never resent.
    pve.fail("PUT", "/nodes/pve1/lxc/201/config", 503, "busy", Some(2))
        .await
        .expect("inject");
    let err = write(&client, "PUT", false).await.unwrap_err();
    assert_eq!(err.status(), Some(503), "{err:?}");
    assert_eq!(pve.count("PUT", write_path("PUT")).await.unwrap(), 1);
    pve.stop().await.expect("stop");
}

#[tokio::test]
async fn writes_whose_connection_drops_are_sent_once() {
    let mut pve = fakepve_or_skip!("basic", &["--time-scale", "0"]);
    let relay = Relay::start(&pve.url).await;
    pve.flaky_network(1.0, 0.0, 0.0, None).await.expect("flaky");
    for method in ["POST", "PUT", "DELETE"] {
        let before = relay.connections();
        // A fresh client: no pooled connection, so every attempt opens one.
        let client = agent(&pve, &relay.url, Duration::from_secs(20));
        let err = write(&client, method, false).await.unwrap_err();
        assert!(
            matches!(err, Error::Interrupted(_)) && err.may_have_been_processed(),
            "{method}: {err:?}"
        );
        assert_eq!(relay.connections() - before, 1, "{method} was sent again");
    }
    // The counter does see resends: a GET under the same drops is tried three times.
    let before = relay.connections();
    let client = agent(&pve, &relay.url, Duration::from_secs(20));
    let err = client.send(&GetNodesStatus::new("pve1")).await.unwrap_err();
    assert!(matches!(err, Error::Interrupted(_)), "{err:?}");
    assert_eq!(relay.connections() - before, 3);

    pve.flaky_network(0.0, 0.0, 0.0, None).await.expect("heal");
    for method in ["POST", "PUT", "DELETE"] {
        assert_eq!(pve.count(method, write_path(method)).await.unwrap(), 0);
    }
    let ct = agent(&pve, &pve.url.clone(), Duration::from_secs(20))
        .send(&GetNodesLxcStatusCurrent::new("pve1", 201))
        .await
        .expect("status");
    assert_eq!(ct.status, LxcStatus::Stopped, "a dropped start ran");
    pve.stop().await.expect("stop");
}

#[tokio::test]
async fn writes_whose_answer_never_comes_are_sent_once() {
    // `basic` runs at 0.01 real s per PVE s: a 100 s hang is one real second.
    let mut pve = fakepve_or_skip!("basic");
    let url = pve.url.clone();
    for method in ["POST", "PUT", "DELETE"] {
        pve.flaky_network(0.0, 1.0, 100.0, None)
            .await
            .expect("hang");
        let err = write(&agent(&pve, &url, Duration::from_millis(300)), method, true)
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::Timeout { sent: true, .. }),
            "{method}: {err:?}"
        );
        // fakepve handles and records a hung request when its hang ends, in arrival order. A
        // marker sent after the client gave up (so after any resend) hangs as long: once it is
        // answered, every request the client sent has been recorded.
        let marker = agent(&pve, &url, Duration::from_secs(30));
        marker.send(&GetVersion::new()).await.expect("marker");
        pve.flaky_network(0.0, 0.0, 0.0, None).await.expect("heal");
        assert_eq!(
            pve.count(method, write_path(method)).await.unwrap(),
            1,
            "{method} reached the server more than once"
        );
    }
    pve.stop().await.expect("stop");
}

#[tokio::test]
async fn wait_task_survives_dropped_polls_and_a_hanging_poll() {
    // The snapshot runs 100 PVE s = 2 real s: long enough for both kinds of trouble.
    let mut pve = fakepve_or_skip!("tasks", &["--ct-secs", "snapshot=100"]);
    let relay = Relay::start(&pve.url).await;
    let client = agent(&pve, &relay.url, Duration::from_millis(300));
    let upid = client
        .send(&PostNodesLxcSnapshot::new("pve1", 200, "through_faults"))
        .await
        .expect("snapshot starts");

    pve.flaky_network(1.0, 0.0, 0.0, None).await.expect("drop");
    let options = WaitOptions::default()
        .initial_interval(Duration::from_millis(50))
        .max_interval(Duration::from_millis(100))
        .max_transient_failures(1000);
    let waiter = {
        let (client, upid) = (client.clone(), upid.clone());
        tokio::spawn(async move { client.wait_task(&upid, options).await })
    };
    let dropping = relay.connections();
    tokio::time::sleep(Duration::from_millis(400)).await;
    let dropped = relay.connections() - dropping;
    // Polls hang now: 25 PVE s = 0.5 real s, longer than the client's 300 ms.
    pve.flaky_network(0.0, 1.0, 25.0, None).await.expect("hang");
    tokio::time::sleep(Duration::from_millis(600)).await;
    pve.flaky_network(0.0, 0.0, 0.0, None).await.expect("heal");

    let outcome = waiter
        .await
        .expect("no panic")
        .expect("the task is seen to end");
    assert!(outcome.exit_status.is_success(), "{outcome:?}");
    assert!(
        dropped >= 2,
        "polls were dropped and resent: {dropped} connections"
    );
    pve.stop().await.expect("stop");
}

#[tokio::test]
async fn an_offline_node_is_reported_as_a_proxy_hop_595() {
    let mut pve = fakepve_or_skip!("basic", &["--time-scale", "0"]);
    let client = agent(&pve, &pve.url.clone(), Duration::from_secs(20));
    client
        .send(&GetNodesStatus::new("pve2"))
        .await
        .expect("pve2 online");
    pve.control(serde_json::json!({"op": "node_offline", "node": "pve2"}))
        .await
        .expect("offline");
    let err = client.send(&GetNodesStatus::new("pve2")).await.unwrap_err();
    assert!(matches!(err, Error::ProxyHop(_)), "{err:?}");
    assert_eq!(err.status(), Some(595));
    assert!(
        !err.may_have_been_processed(),
        "595: never reached the node"
    );
    assert!(err.to_string().contains("connecting to it failed"), "{err}");
    pve.control(serde_json::json!({"op": "node_offline", "node": "pve2", "offline": false}))
        .await
        .expect("online");
    client
        .send(&GetNodesStatus::new("pve2"))
        .await
        .expect("pve2 back");
    pve.stop().await.expect("stop");
}
