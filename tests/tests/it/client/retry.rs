//! Retries: reads are retried on transient failures, writes are never replayed once they may
//! have reached the server. Request counts come from what the server actually received.

use proxmox_sdk::api::nodes::{GetNodesLxc, PostNodesLxcStatusStart};
use proxmox_sdk::client::RetryPolicy;
use proxmox_sdk::testing::{self, Expect, ScriptedTransport, respond};
use proxmox_sdk::{Error, HttpMethod};

use super::support::*;

const LIST: &str = r#"{"data":[{"vmid":100,"status":"running"}]}"#;

fn client_for(server: &RawServer, policy: RetryPolicy) -> proxmox_sdk::Client {
    builder(&server.base)
        .token(TOKEN_ID, TOKEN_SECRET)
        .retry(policy)
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_get_is_retried_on_503_until_it_succeeds() {
    let server = RawServer::start(vec![
        http("503 Service Unavailable", ""),
        http("503 Service Unavailable", ""),
        http("200 OK", LIST),
    ])
    .await;
    let guests = client_for(&server, fast_retry().max_attempts(3))
        .send(&GetNodesLxc::new("pve1"))
        .await
        .unwrap();
    assert_eq!(guests.len(), 1);
    assert_eq!(server.count(), 3);
}

#[tokio::test]
async fn a_get_is_retried_on_lock_contention() {
    let locked = r#"{"data":null,"message":"can't lock file '/var/lock/lxc/pve-config-100.lock' - got timeout\n"}"#;
    let server = RawServer::start(vec![
        http(
            "500 can't lock file '/var/lock/lxc/pve-config-100.lock' - got timeout",
            locked,
        ),
        http("200 OK", LIST),
    ])
    .await;
    client_for(&server, fast_retry())
        .send(&GetNodesLxc::new("pve1"))
        .await
        .unwrap();
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn a_get_is_retried_on_a_proxy_hop_error() {
    let server =
        RawServer::start(vec![http("595 No route to host", ""), http("200 OK", LIST)]).await;
    client_for(&server, fast_retry())
        .send(&GetNodesLxc::new("pve1"))
        .await
        .unwrap();
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn a_get_is_not_retried_on_a_plain_500() {
    let missing = r#"{"data":null,"message":"Configuration file 'nodes/pve1/lxc/100.conf' does not exist\n"}"#;
    let server = RawServer::start(vec![http(
        "500 Configuration file 'nodes/pve1/lxc/100.conf' does not exist",
        missing,
    )])
    .await;
    let err = client_for(&server, fast_retry())
        .send(&GetNodesLxc::new("pve1"))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(500));
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn retries_stop_at_the_attempt_limit() {
    let server = RawServer::start(vec![http("503 Service Unavailable", "")]).await;
    let err = client_for(&server, fast_retry().max_attempts(4))
        .send(&GetNodesLxc::new("pve1"))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(server.count(), 4);
}

#[tokio::test]
async fn disabled_retries_send_once() {
    let server = RawServer::start(vec![
        http("503 Service Unavailable", ""),
        http("200 OK", LIST),
    ])
    .await;
    let err = client_for(&server, RetryPolicy::disabled())
        .send(&GetNodesLxc::new("pve1"))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn a_post_is_not_replayed_after_a_500() {
    let locked = r#"{"data":null,"message":"can't lock file '/var/lock/lxc/pve-config-100.lock' - got timeout\n"}"#;
    let server = RawServer::start(vec![
        http("500 got timeout", locked),
        http("200 OK", &data(serde_json::json!(UPID))),
    ])
    .await;
    let err = client_for(&server, fast_retry())
        .send(&PostNodesLxcStatusStart::new("pve1", 100))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(500));
    assert!(err.is_retryable() && err.may_have_been_processed());
    assert_eq!(server.count(), 1, "exactly one request reached the server");
}

#[tokio::test]
async fn a_post_is_not_replayed_after_the_connection_broke() {
    let server = RawServer::start(vec![
        Reply::Drop,
        http("200 OK", &data(serde_json::json!(UPID))),
    ])
    .await;
    let err = client_for(&server, fast_retry())
        .send(&PostNodesLxcStatusStart::new("pve1", 100))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Interrupted(_)), "{err:?}");
    assert!(err.may_have_been_processed());
    assert_eq!(server.count(), 1, "exactly one request reached the server");
}

#[tokio::test]
async fn a_get_is_retried_after_the_connection_broke() {
    let server = RawServer::start(vec![Reply::Drop, http("200 OK", LIST)]).await;
    client_for(&server, fast_retry())
        .send(&GetNodesLxc::new("pve1"))
        .await
        .unwrap();
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn a_post_whose_connection_never_opened_is_retried_through_a_custom_transport() {
    let path = "/nodes/pve1/lxc/100/status/start";
    let script = ScriptedTransport::new()
        .expect(Expect::post(path).reply(testing::Reply::ConnectFailed))
        .expect(Expect::post(path).respond(respond::data(UPID)));
    let client = proxmox_sdk::Client::builder("https://pve1:8006")
        .unwrap()
        .token(TOKEN_ID, TOKEN_SECRET)
        .retry(fast_retry())
        .transport(script.clone())
        .build()
        .unwrap();
    let upid = client
        .send(&PostNodesLxcStatusStart::new("pve1", 100))
        .await
        .unwrap();
    assert_eq!(upid.to_string(), UPID);
    script.finish();
    let methods: Vec<HttpMethod> = script.requests().iter().map(|r| r.method).collect();
    assert_eq!(methods, [HttpMethod::Post, HttpMethod::Post]);
}
