//! A pin learned by a refresh is what the new endpoint's TLS verifies against: two real HTTPS
//! servers on loopback (`127.0.0.1` and `127.0.0.2`, same port, each its own self-signed
//! certificate), the client pinned to the first only.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use proxmox_sdk::client::RetryPolicy;
use proxmox_sdk::tls::{Fingerprint, TlsTrust};
use proxmox_sdk::{Client, Error, HttpMethod};
use serde_json::json;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

use crate::client::support::read_request;

/// One HTTPS server answering by path below `/api2/json` (`(status line, JSON body)`), and
/// counting the requests it read.
struct Node {
    fingerprint: Fingerprint,
    port: u16,
    seen: Arc<Mutex<Vec<String>>>,
}

impl Node {
    /// `None` when `ip:port` cannot be bound (then the test says so and skips).
    async fn start(
        ip: &str,
        port: u16,
        answers: HashMap<&'static str, (String, String)>,
    ) -> Option<Self> {
        let (config, fingerprint) = sdk_tests::tls::self_signed_server();
        let acceptor = TlsAcceptor::from(config);
        let listener = match TcpListener::bind((ip, port)).await {
            Ok(listener) => listener,
            Err(error) => {
                eprintln!("SKIP: cannot bind {ip}:{port} ({error})");
                return None;
            }
        };
        let port = listener.local_addr().ok()?.port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = Arc::clone(&seen);
        let answers = Arc::new(answers);
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let (acceptor, answers, record) =
                    (acceptor.clone(), Arc::clone(&answers), Arc::clone(&record));
                tokio::spawn(async move {
                    let Ok(mut tls) = acceptor.accept(tcp).await else {
                        return;
                    };
                    let Some(head) = read_request(&mut tls).await else {
                        return;
                    };
                    let path = head.split(' ').nth(1).unwrap_or("");
                    let path = path.strip_prefix("/api2/json").unwrap_or(path).to_owned();
                    record.lock().unwrap().push(path.clone());
                    let (status, body) = answers
                        .get(path.as_str())
                        .cloned()
                        .unwrap_or(("404 Not Found".into(), "{\"data\":null}".into()));
                    let answer = format!(
                        "HTTP/1.1 {status}\r\ncontent-type: application/json;charset=UTF-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = tls.write_all(answer.as_bytes()).await;
                    let _ = tls.shutdown().await;
                });
            }
        });
        Some(Self {
            fingerprint,
            port,
            seen,
        })
    }

    fn served(&self, path: &str) -> usize {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .filter(|p| *p == path)
            .count()
    }
}

/// pve1 at `127.0.0.1` (the client's only endpoint, pinned) reports pve2 at `127.0.0.2`
/// with the fingerprint `pve2_pin(pve2's real one)`, and answers `/version` with a 595 so
/// the call moves on; pve2 answers `/version`. Returns the result of that call.
async fn call_after_refresh(
    pve2_pin: impl Fn(&Fingerprint) -> String,
) -> Option<(Result<serde_json::Value, Error>, Node)> {
    let version = json!({"data": {"version": "9.1.4", "release": "9.1", "repoid": "x"}});
    // pve2 first, on an ephemeral port; pve1 then on the same port of 127.0.0.1.
    let pve2 = Node::start(
        "127.0.0.2",
        0,
        HashMap::from([("/version", ("200 OK".to_owned(), version.to_string()))]),
    )
    .await?;
    let status = json!({"data": [
        {"type": "node", "id": "node/pve1", "name": "pve1", "ip": "127.0.0.1", "local": 1, "online": 1, "nodeid": 1},
        {"type": "node", "id": "node/pve2", "name": "pve2", "ip": "127.0.0.2", "local": 0, "online": 1, "nodeid": 2},
    ]});
    let nodes = json!({"data": [
        {"node": "pve1", "status": "online"},
        {"node": "pve2", "status": "online", "ssl_fingerprint": pve2_pin(&pve2.fingerprint)},
    ]});
    let proxy_failed = json!({"data": null});
    let pve1 = Node::start(
        "127.0.0.1",
        pve2.port,
        HashMap::from([
            ("/cluster/status", ("200 OK".to_owned(), status.to_string())),
            ("/nodes", ("200 OK".to_owned(), nodes.to_string())),
            (
                "/version",
                (
                    "595 Errors during connection establishment, proxy handler failed".to_owned(),
                    proxy_failed.to_string(),
                ),
            ),
        ]),
    )
    .await?;
    let client = Client::builder(&format!("https://127.0.0.1:{}", pve1.port))
        .unwrap()
        .trust(TlsTrust::Fingerprints(vec![pve1.fingerprint]))
        .token("ops@pve!t", "00000000-0000-4000-8000-000000000000")
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap();
    let refresh = client.refresh_endpoints().await.expect("refreshed");
    assert!(refresh.pins_learned, "read over a pinned connection");
    assert_eq!(refresh.added, [format!("https://127.0.0.2:{}", pve1.port)]);
    let result = client.raw(HttpMethod::Get, "/version", &[]).await;
    assert_eq!(pve1.served("/version"), 1);
    Some((result, pve2))
}

#[tokio::test]
async fn a_learned_pin_is_what_the_new_endpoint_verifies_against() {
    let Some((result, pve2)) = call_after_refresh(|real| real.to_string()).await else {
        return;
    };
    result.expect("pve2 serves over its learned pin");
    assert_eq!(pve2.served("/version"), 1);
}

#[tokio::test]
async fn a_learned_pin_that_does_not_match_refuses_the_node() {
    // The builder's own pin (pve1's) would not fit either: only the learned one counts.
    let wrong = "AB:".repeat(31) + "AB";
    let Some((result, pve2)) = call_after_refresh(|_| wrong.clone()).await else {
        return;
    };
    let err = result.unwrap_err();
    assert!(matches!(err, Error::Tls { .. }), "{err:?}");
    assert_eq!(
        pve2.served("/version"),
        0,
        "nothing sent to a refused server"
    );
}
