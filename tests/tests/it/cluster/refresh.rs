//! A running client refreshes its endpoint list from `/cluster/status` and `/nodes`, through
//! scripted transports: a learned node serves the next failover, a removed one is never
//! picked again, and a refresh that fails keeps the list.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use proxmox_sdk::client::RetryPolicy;
use proxmox_sdk::testing::respond;
use proxmox_sdk::transport::{BoxFuture, HttpRequest, HttpResponse, Transport, TransportError};
use proxmox_sdk::{Client, Error, HttpMethod};
use serde_json::json;

/// Hosts that refuse connections, what each host served, and the `/cluster/status` answer.
#[derive(Debug, Clone)]
struct Cluster {
    down: Arc<Mutex<HashSet<String>>>,
    /// `(host, path)` of every request that reached a host that is up.
    served: Arc<Mutex<Vec<(String, String)>>>,
    status: Arc<Mutex<HttpResponse>>,
}

impl Cluster {
    fn new(status: HttpResponse) -> Self {
        Self {
            down: Arc::default(),
            served: Arc::default(),
            status: Arc::new(Mutex::new(status)),
        }
    }

    fn set_down(&self, hosts: &[&str]) {
        *self.down.lock().unwrap() = hosts.iter().map(|h| (*h).to_owned()).collect();
    }

    /// Hosts that served `path`, in order.
    fn served(&self, path: &str) -> Vec<String> {
        (self.served.lock().unwrap().iter())
            .filter(|(_, p)| p == path)
            .map(|(h, _)| h.clone())
            .collect()
    }
}

impl Transport for Cluster {
    fn execute(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        Box::pin(async move {
            let host = request.url.split('/').nth(2).unwrap_or("").to_owned();
            let path = request
                .url
                .split("/api2/json")
                .nth(1)
                .unwrap_or("")
                .to_owned();
            if self.down.lock().unwrap().contains(&host) {
                return Err(TransportError::Connect("connection refused".into()));
            }
            self.served.lock().unwrap().push((host, path.clone()));
            if path == "/slow" {
                tokio::time::sleep(std::time::Duration::from_secs(10)).await;
            }
            Ok(match path.as_str() {
                "/cluster/status" => self.status.lock().unwrap().clone(),
                "/nodes" => respond::data(json!([
                    {"node": "pve1", "status": "online"},
                    {"node": "pve2", "status": "online"},
                    {"node": "pve3", "status": "online"},
                ])),
                _ => respond::data(json!({"version": "9.1.4", "release": "9.1", "repoid": "x"})),
            })
        })
    }
}

/// `/cluster/status` listing these `(name, ip)` nodes, the first one local.
fn status(nodes: &[(&str, &str)]) -> HttpResponse {
    let mut entries = vec![
        json!({"type": "cluster", "id": "cluster", "name": "lab", "nodes": nodes.len(), "quorate": 1, "version": 3}),
    ];
    for (i, (name, ip)) in nodes.iter().enumerate() {
        entries.push(json!({"type": "node", "id": format!("node/{name}"), "name": name, "ip": ip, "local": u8::from(i == 0), "online": 1, "nodeid": i + 1}));
    }
    respond::data(entries)
}

/// pve1 (named) and, optionally, pve2 behind `transport`.
fn client(transport: &Cluster, with_pve2: bool) -> Client {
    let mut builder = Client::builder("https://pve1.test:8006")
        .unwrap()
        .node_name("pve1");
    if with_pve2 {
        builder = builder
            .endpoints([
                proxmox_sdk::client::NodeEndpoint::new("https://pve2.test:8006").node_name("pve2"),
            ]);
    }
    builder
        .token("ops@pve!t", "00000000-0000-4000-8000-000000000000")
        .retry(RetryPolicy::disabled())
        .transport(transport.clone())
        .build()
        .unwrap()
}

async fn version(client: &Client) -> Result<serde_json::Value, Error> {
    client.raw(HttpMethod::Get, "/version", &[]).await
}

#[tokio::test(start_paused = true)]
async fn a_learned_node_serves_the_next_failover() {
    let cluster = Cluster::new(status(&[("pve1", "10.0.0.1"), ("pve3", "10.0.0.3")]));
    let client = client(&cluster, false);
    let refresh = client.refresh_endpoints().await.expect("refreshed");
    // pve1 is kept as written (same node name); pve3 is new, at the builder URL's port.
    assert_eq!(refresh.added, ["https://10.0.0.3:8006"]);
    assert!(refresh.removed.is_empty(), "{refresh:?}");
    assert_eq!(refresh.endpoints, 2);
    assert_eq!(client.endpoint(), "https://pve1.test:8006", "still sticky");
    assert_eq!(cluster.served("/cluster/status"), ["pve1.test:8006"]);

    cluster.set_down(&["pve1.test:8006"]);
    version(&client).await.expect("pve3 serves");
    assert_eq!(cluster.served("/version"), ["10.0.0.3:8006"]);
    assert_eq!(client.endpoint(), "https://10.0.0.3:8006");
}

#[tokio::test(start_paused = true)]
async fn a_removed_node_is_no_longer_picked() {
    let cluster = Cluster::new(status(&[("pve1", "10.0.0.1")]));
    let client = client(&cluster, true);
    let refresh = client.refresh_endpoints().await.expect("refreshed");
    assert_eq!(refresh.removed, ["https://pve2.test:8006"]);
    assert!(refresh.added.is_empty(), "{refresh:?}");
    assert_eq!(refresh.endpoints, 1);

    // With pve1 down there is nowhere else to go: pve2 is not tried.
    cluster.set_down(&["pve1.test:8006"]);
    let err = version(&client).await.unwrap_err();
    assert!(matches!(err, Error::Connect(_)), "{err:?}");
    assert!(cluster.served("/version").is_empty());
}

#[tokio::test(start_paused = true)]
async fn the_sticky_node_stays_preferred_after_a_refresh() {
    let cluster = Cluster::new(status(&[("pve1", "10.0.0.1"), ("pve2", "10.0.0.2")]));
    let client = client(&cluster, true);
    cluster.set_down(&["pve1.test:8006"]);
    version(&client).await.expect("pve2 serves");
    assert_eq!(client.endpoint(), "https://pve2.test:8006");
    cluster.set_down(&[]);
    // The refresh itself goes to pve2; both stay, pve2 stays sticky.
    let refresh = client.refresh_endpoints().await.expect("refreshed");
    assert!(
        refresh.added.is_empty() && refresh.removed.is_empty(),
        "{refresh:?}"
    );
    assert_eq!(client.endpoint(), "https://pve2.test:8006");
    // pve1 is still backing off from its failure (its health was kept): pve2 serves.
    version(&client).await.expect("pve2 serves");
    assert_eq!(
        cluster.served("/version"),
        ["pve2.test:8006", "pve2.test:8006"]
    );
}

#[tokio::test(start_paused = true)]
async fn a_call_in_flight_keeps_its_node_through_a_refresh() {
    let cluster = Cluster::new(status(&[("pve1", "10.0.0.1")]));
    let client = client(&cluster, true);
    cluster.set_down(&["pve1.test:8006"]);
    let slow = tokio::spawn({
        let client = client.clone();
        async move { client.raw(HttpMethod::Get, "/slow", &[]).await }
    });
    while cluster.served("/slow").is_empty() {
        tokio::task::yield_now().await;
    }
    cluster.set_down(&[]);
    // pve2 (serving the slow call) answers that only pve1 is left.
    let refresh = client.refresh_endpoints().await.expect("refreshed");
    assert_eq!(refresh.removed, ["https://pve2.test:8006"]);
    slow.await.unwrap().expect("finished where it started");
    assert_eq!(cluster.served("/slow"), ["pve2.test:8006"]);
    version(&client).await.expect("pve1 serves");
    assert_eq!(cluster.served("/version"), ["pve1.test:8006"]);
}

#[tokio::test(start_paused = true)]
async fn a_failed_refresh_keeps_the_list() {
    let cluster = Cluster::new(respond::error(500, "cluster not ready - no quorum?"));
    let client = client(&cluster, true);
    let err = client.refresh_endpoints().await.unwrap_err();
    assert!(matches!(err, Error::Api(_)), "{err:?}");

    // An answer that does not decode.
    *cluster.status.lock().unwrap() = respond::data(json!({"not": "a list"}));
    let err = client.refresh_endpoints().await.unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");

    // No node with an address: kept, and said so.
    *cluster.status.lock().unwrap() = respond::data(json!([
        {"type": "node", "id": "node/pve9", "name": "pve9", "local": 0, "online": 0, "nodeid": 9},
    ]));
    let refresh = client.refresh_endpoints().await.expect("answered");
    assert_eq!(refresh.endpoints, 2);
    assert!(
        refresh.added.is_empty() && refresh.removed.is_empty(),
        "{refresh:?}"
    );

    // Both endpoints are still there: pve1 down moves on to pve2.
    cluster.set_down(&["pve1.test:8006"]);
    version(&client).await.expect("pve2 serves");
    assert_eq!(cluster.served("/version"), ["pve2.test:8006"]);
}

#[tokio::test(start_paused = true)]
async fn a_periodic_refresh_learns_nodes_in_the_background() {
    let cluster = Cluster::new(status(&[("pve1", "10.0.0.1"), ("pve3", "10.0.0.3")]));
    let client = Client::builder("https://pve1.test:8006")
        .unwrap()
        .node_name("pve1")
        .refresh_endpoints(std::time::Duration::from_secs(60))
        .token("ops@pve!t", "00000000-0000-4000-8000-000000000000")
        .retry(RetryPolicy::disabled())
        .transport(cluster.clone())
        .build()
        .unwrap();
    assert!(
        cluster.served("/cluster/status").is_empty(),
        "not before one period"
    );
    tokio::time::sleep(std::time::Duration::from_secs(61)).await;
    assert_eq!(cluster.served("/cluster/status").len(), 1);
    cluster.set_down(&["pve1.test:8006"]);
    version(&client).await.expect("the learned pve3 serves");
    assert_eq!(cluster.served("/version"), ["10.0.0.3:8006"]);
}

#[test]
fn a_periodic_refresh_needs_a_runtime_and_a_period() {
    let cluster = Cluster::new(status(&[]));
    let build = |every| {
        Client::builder("https://pve1.test:8006")
            .unwrap()
            .refresh_endpoints(every)
            .transport(cluster.clone())
            .build()
    };
    let err = build(std::time::Duration::from_secs(60)).unwrap_err();
    assert!(matches!(err, Error::Config { .. }), "{err:?}");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let _guard = runtime.enter();
    let err = build(std::time::Duration::ZERO).unwrap_err();
    assert!(matches!(err, Error::Config { .. }), "{err:?}");
}
