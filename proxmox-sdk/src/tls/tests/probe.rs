//! Trust on first use: `fetch_fingerprint` reads the leaf and sends nothing.

use std::time::Duration;

use tokio::net::TcpListener;

use super::support::{Ca, Identity, TestServer, get};
use crate::tls::{TlsError, TlsTrust, client_config, fetch_fingerprint, fetch_fingerprint_for_url};

const LIMIT: Duration = Duration::from_secs(30);

#[tokio::test]
async fn returns_the_leaf_fingerprint_without_sending_a_request() {
    let root = Ca::root("probe root");
    let identity = root
        .intermediate("probe intermediate")
        .issue(&["pve1.example"]);
    let mut server = TestServer::start(&identity).await;

    let fingerprint = fetch_fingerprint("127.0.0.1", server.addr.port(), LIMIT)
        .await
        .unwrap();
    assert_eq!(fingerprint, identity.fingerprint());
    let seen = server.next_connection().await;
    assert!(seen.handshake_completed);
    assert!(seen.received.is_empty(), "the probe sent bytes: {seen:?}");

    // The captured value is directly usable as a pin.
    let config = client_config(&TlsTrust::fingerprint(fingerprint)).unwrap();
    get(config, &server, "127.0.0.1").await.unwrap();
    server.next_connection().await.assert_request_with_token();
}

#[tokio::test]
async fn works_from_a_url() {
    let identity = Identity::self_signed(&["pve1.example"]);
    let mut server = TestServer::start(&identity).await;

    let url = format!("https://127.0.0.1:{}/api2/json", server.addr.port());
    assert_eq!(
        fetch_fingerprint_for_url(&url, LIMIT).await.unwrap(),
        identity.fingerprint()
    );
    assert!(server.next_connection().await.received.is_empty());
}

#[tokio::test]
async fn reports_a_refused_connection() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);

    let err = fetch_fingerprint("127.0.0.1", port, LIMIT)
        .await
        .unwrap_err();
    assert!(
        matches!(err, TlsError::Connect { port: p, .. } if p == port),
        "{err}"
    );
}

#[tokio::test]
async fn gives_up_on_a_server_that_never_answers_the_handshake() {
    // Accepts TCP connections (via the backlog) but never speaks TLS.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();

    let err = fetch_fingerprint("127.0.0.1", port, Duration::from_millis(200))
        .await
        .unwrap_err();
    assert!(matches!(err, TlsError::Timeout { .. }), "{err}");
    drop(listener);
}
