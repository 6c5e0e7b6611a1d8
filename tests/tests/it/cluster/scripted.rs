//! Several endpoints through scripted transports: one ticket login serves every node, a write
//! refused by a dead node's connection moves on while a broken one does not, and the cluster's
//! endpoints and pins are learned from `/cluster/status` and `/nodes`.

use std::sync::{Arc, Mutex};

use proxmox_sdk::client::{NodeEndpoint, RetryPolicy};
use proxmox_sdk::testing::{Expect, ScriptedTransport, respond};
use proxmox_sdk::tls::TlsTrust;
use proxmox_sdk::transport::{BoxFuture, HttpRequest, HttpResponse, Transport, TransportError};
use proxmox_sdk::{Client, Error, HttpMethod};

/// What reached a node: host, path below `/api2/json`, cookie.
type Seen = Arc<Mutex<Vec<(String, String, Option<String>)>>>;

/// pve1 refuses connections (or, with `cut`, drops them after the request was sent); pve2
/// logs in and answers every call. Records `(host, path, cookie)` of what reached pve2.
#[derive(Debug, Clone, Default)]
struct TwoNodes {
    cut: bool,
    /// pve2 refuses connections too.
    all_down: bool,
    seen: Seen,
}

impl Transport for TwoNodes {
    fn execute(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        Box::pin(async move {
            let url = request.url.clone();
            let host = url.split('/').nth(2).unwrap_or("").to_owned();
            let path = url.split("/api2/json").nth(1).unwrap_or("").to_owned();
            let cookie = request
                .headers
                .get("cookie")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            self.seen
                .lock()
                .unwrap()
                .push((host.clone(), path.clone(), cookie));
            if host.starts_with("pve1") || self.all_down {
                return Err(if self.cut {
                    TransportError::Interrupted("connection reset".into())
                } else {
                    TransportError::Connect("connection refused".into())
                });
            }
            Ok(if path == "/access/ticket" {
                respond::ticket("ops@pve")
            } else {
                respond::data("UPID:pve2:0000A1B2:0012C3D4:6B0EFF0B:vzstart:100:ops@pve:")
            })
        })
    }
}

fn cluster(transport: TwoNodes) -> Client {
    Client::builder("https://pve1.test:8006")
        .unwrap()
        .endpoints(["https://pve2.test:8006"])
        .ticket_login("ops@pve", "pw")
        .retry(RetryPolicy::disabled())
        .transport(transport)
        .build()
        .unwrap()
}

/// pve1 and pve2 behind `transport`, with an API token.
fn token_cluster(transport: impl Transport + 'static, retry: RetryPolicy) -> Client {
    Client::builder("https://pve1.test:8006")
        .unwrap()
        .endpoints(["https://pve2.test:8006"])
        .token("ops@pve!t", "00000000-0000-4000-8000-000000000000")
        .retry(retry)
        .transport(transport)
        .build()
        .unwrap()
}

#[tokio::test]
async fn one_ticket_serves_every_node_and_a_refused_connection_moves_on() {
    let transport = TwoNodes::default();
    let client = cluster(transport.clone());
    for _ in 0..2 {
        client
            .raw(HttpMethod::Post, "/nodes/pve2/lxc/100/status/start", &[])
            .await
            .expect("served by pve2");
    }
    let seen = transport.seen.lock().unwrap().clone();
    let at = |host: &str| seen.iter().filter(|(h, _, _)| h.starts_with(host)).count();
    // pve1 was tried once (the login), then backed off: sticky on pve2.
    assert_eq!(at("pve1"), 1, "{seen:?}");
    let logins: Vec<_> = seen
        .iter()
        .filter(|(_, p, _)| p == "/access/ticket")
        .collect();
    assert_eq!(
        logins.len(),
        2,
        "one refused at pve1, one at pve2: {seen:?}"
    );
    let starts: Vec<_> = seen
        .iter()
        .filter(|(_, p, _)| p.ends_with("/start"))
        .collect();
    assert_eq!(starts.len(), 2);
    for (host, _, cookie) in starts {
        assert!(host.starts_with("pve2"));
        assert!(
            cookie
                .as_deref()
                .is_some_and(|c| c.starts_with("PVEAuthCookie=PVE:ops@pve:"))
        );
    }
    assert_eq!(client.endpoint(), "https://pve2.test:8006");
}

#[tokio::test]
async fn a_write_whose_connection_broke_after_sending_is_not_moved() {
    let transport = TwoNodes {
        cut: true,
        ..TwoNodes::default()
    };
    let client = token_cluster(transport.clone(), RetryPolicy::disabled());
    let err = client
        .raw(HttpMethod::Post, "/nodes/pve1/lxc/100/status/start", &[])
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Interrupted(_)), "{err:?}");
    let seen = transport.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1, "sent once, to pve1 only: {seen:?}");
    // A GET changes nothing: it moves on.
    client
        .raw(HttpMethod::Get, "/version", &[])
        .await
        .expect("served by pve2");
    let seen = transport.seen.lock().unwrap().clone();
    assert_eq!(
        seen.iter()
            .filter(|(h, _, _)| h.starts_with("pve2"))
            .count(),
        1
    );
}

#[tokio::test]
async fn endpoints_and_pins_are_learned_from_the_cluster() {
    let fp = "AB:".repeat(31) + "AB";
    let script = ScriptedTransport::new()
        .expect(Expect::get("/cluster/status").respond(respond::data(serde_json::json!([
            {"type": "cluster", "id": "cluster", "name": "lab", "nodes": 3, "quorate": 1, "version": 3},
            {"type": "node", "id": "node/pve2", "name": "pve2", "ip": "10.0.0.2", "local": 0, "online": 1, "nodeid": 2},
            {"type": "node", "id": "node/pve1", "name": "pve1", "ip": "10.0.0.1", "local": 1, "online": 1, "nodeid": 1},
            {"type": "node", "id": "node/pve3", "name": "pve3", "ip": "fd00::3", "local": 0, "online": 0, "nodeid": 3},
            {"type": "node", "id": "node/pve4", "name": "pve4", "local": 0, "online": 0, "nodeid": 4},
        ]))))
        .expect(Expect::get("/nodes").respond(respond::data(serde_json::json!([
            {"node": "pve1", "status": "online", "ssl_fingerprint": fp},
            {"node": "pve2", "status": "online", "ssl_fingerprint": "not a fingerprint"},
            {"node": "pve3", "status": "offline"},
        ]))));
    let found = script
        .client()
        .discover_endpoints(8006)
        .await
        .expect("discovered");
    script.finish();
    let summary: Vec<(&str, Option<&str>, bool)> = found
        .iter()
        .map(|e| (e.url(), e.node(), e.tls_trust().is_some()))
        .collect();
    assert_eq!(
        summary,
        [
            ("https://10.0.0.1:8006", Some("pve1"), true),
            ("https://10.0.0.2:8006", Some("pve2"), false),
            ("https://[fd00::3]:8006", Some("pve3"), false),
        ]
    );
    assert_eq!(
        found[0].tls_trust(),
        Some(&TlsTrust::Fingerprints(vec![fp.parse().unwrap()]))
    );
    let _: Vec<NodeEndpoint> = found;
}

#[tokio::test(start_paused = true)]
async fn with_every_endpoint_down_the_retry_policy_still_ends_the_call() {
    let transport = TwoNodes {
        all_down: true,
        ..TwoNodes::default()
    };
    let client = token_cluster(transport.clone(), RetryPolicy::default().max_attempts(3));
    let err = client
        .raw(HttpMethod::Get, "/version", &[])
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Connect(_)), "{err:?}");
    // Both endpoints once (the move does not count as a retry), then the policy's two retries.
    assert_eq!(transport.seen.lock().unwrap().len(), 4);
}

/// Two nodes whose state the test switches: a refused connection while `down`.
#[derive(Debug, Clone, Default)]
struct Switchable {
    down: Arc<Mutex<[bool; 2]>>,
    served: Seen,
}

impl Transport for Switchable {
    fn execute(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        Box::pin(async move {
            let node = usize::from(request.url.contains("pve2"));
            if self.down.lock().unwrap()[node] {
                return Err(TransportError::Connect("connection refused".into()));
            }
            self.served.lock().unwrap().push((
                format!("pve{}", node + 1),
                request.url.clone(),
                None,
            ));
            Ok(respond::data(
                serde_json::json!({"version": "9.1.4", "release": "9.1", "repoid": "x"}),
            ))
        })
    }
}

#[tokio::test(start_paused = true)]
async fn a_revived_endpoint_serves_again_when_the_current_one_fails() {
    let transport = Switchable::default();
    let client = token_cluster(transport.clone(), RetryPolicy::disabled());
    let served_by = |t: &Switchable| t.served.lock().unwrap().last().map(|s| s.0.clone());

    *transport.down.lock().unwrap() = [true, false];
    client
        .raw(HttpMethod::Get, "/version", &[])
        .await
        .expect("pve2 serves");
    assert_eq!(served_by(&transport).as_deref(), Some("pve2"));
    // pve1 is back, but pve2 is healthy: the client stays.
    *transport.down.lock().unwrap() = [false, false];
    client
        .raw(HttpMethod::Get, "/version", &[])
        .await
        .expect("pve2 serves");
    assert_eq!(served_by(&transport).as_deref(), Some("pve2"));
    // pve2 goes down: the revived pve1 serves again.
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    *transport.down.lock().unwrap() = [false, true];
    client
        .raw(HttpMethod::Get, "/version", &[])
        .await
        .expect("pve1 serves");
    assert_eq!(served_by(&transport).as_deref(), Some("pve1"));
    assert_eq!(client.endpoint(), "https://pve1.test:8006");
}
