//! The client over real TLS: a refused pin is reported with both fingerprints, the request
//! (and its token) never reaches the server, and the failure is not retried.
//!
//! A real TLS server on purpose: certificate pinning happens in the TLS handshake, below any
//! transport fake.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use rustls::ServerConfig;
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

use super::{Client, RetryPolicy};
use crate::HttpMethod;
use crate::error::Error;
use crate::tls::{Fingerprint, TlsTrust};

const SECRET: &str = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";

/// A self-signed HTTPS server that counts connections and keeps every byte it decrypted.
struct TlsServer {
    base: String,
    fingerprint: Fingerprint,
    connections: Arc<AtomicUsize>,
    received: Arc<Mutex<Vec<u8>>>,
}

impl TlsServer {
    async fn start() -> Self {
        let generated =
            rcgen::generate_simple_self_signed(vec!["pve1".to_owned()]).expect("certificate");
        let der = generated.cert.der().clone();
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
            generated.signing_key.serialize_der(),
        ));
        let config =
            ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
                .with_safe_default_protocol_versions()
                .expect("versions")
                .with_no_client_auth()
                .with_single_cert(vec![der.clone()], key)
                .expect("server config");
        let acceptor = TlsAcceptor::from(Arc::new(config));
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("https://{}", listener.local_addr().expect("addr"));
        let connections = Arc::new(AtomicUsize::new(0));
        let received = Arc::new(Mutex::new(Vec::new()));
        let (count, store) = (Arc::clone(&connections), Arc::clone(&received));
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                count.fetch_add(1, Ordering::SeqCst);
                let (acceptor, store) = (acceptor.clone(), Arc::clone(&store));
                tokio::spawn(async move {
                    let Ok(mut tls) = acceptor.accept(tcp).await else {
                        return;
                    };
                    let mut buf = vec![0u8; 4096];
                    let Ok(n) = tls.read(&mut buf).await else {
                        return;
                    };
                    store.lock().expect("lock").extend_from_slice(&buf[..n]);
                    let body = r#"{"data":{"version":"9.1.4"}}"#;
                    let response = format!(
                        "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = tls.write_all(response.as_bytes()).await;
                    let _ = tls.shutdown().await;
                });
            }
        });
        Self {
            base,
            fingerprint: Fingerprint::from_der(&der),
            connections,
            received,
        }
    }

    fn client(&self, pin: Fingerprint) -> Client {
        Client::builder(&self.base)
            .expect("url")
            .token("felhom-agent@pve!agent", SECRET)
            .trust(TlsTrust::Fingerprints(vec![pin]))
            .retry(RetryPolicy::default().base_delay(std::time::Duration::ZERO))
            .build()
            .expect("client")
    }
}

#[tokio::test]
async fn a_pin_mismatch_names_both_fingerprints_sends_nothing_and_is_not_retried() {
    let server = TlsServer::start().await;
    let wrong = Fingerprint::from_bytes([0x5A; 32]);
    let err = server
        .client(wrong)
        .raw(HttpMethod::Get, "/version", &[])
        .await
        .unwrap_err();

    let Error::Tls {
        mismatch: Some(mismatch),
        ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(mismatch.presented, server.fingerprint);
    assert_eq!(mismatch.expected, [wrong]);
    let text = err.to_string();
    assert!(
        text.contains(&server.fingerprint.to_string()) && text.contains(&wrong.to_string()),
        "{text}"
    );
    assert!(!err.may_have_been_processed());
    assert!(!err.is_retryable());
    assert_eq!(
        server.connections.load(Ordering::SeqCst),
        1,
        "a refused server is not tried again"
    );
    assert!(
        server.received.lock().expect("lock").is_empty(),
        "no request byte may reach it"
    );
}

#[tokio::test]
async fn the_pinned_server_gets_the_request_with_the_token() {
    let server = TlsServer::start().await;
    let version = server
        .client(server.fingerprint)
        .raw(HttpMethod::Get, "/version", &[])
        .await
        .unwrap();
    assert_eq!(version["version"], "9.1.4");
    let received = String::from_utf8_lossy(&server.received.lock().expect("lock")).into_owned();
    assert!(
        received.starts_with("GET /api2/json/version HTTP/1.1\r\n"),
        "{received}"
    );
    assert!(
        received.contains(&format!(
            "authorization: PVEAPIToken=felhom-agent@pve!agent={SECRET}\r\n"
        )),
        "{received}"
    );
}

#[test]
fn clients_and_their_futures_can_cross_threads() {
    fn send_sync<T: Send + Sync>() {}
    fn is_send<T: Send>(_: T) {}
    send_sync::<Client>();
    send_sync::<Error>();
    let client = Client::builder("http://127.0.0.1:1")
        .expect("url")
        .allow_insecure_http()
        .build()
        .expect("client");
    is_send(client.send(&crate::api::nodes::GetNodesLxc::new("pve1")));
    is_send(client.raw(HttpMethod::Get, "/version", &[]));
    is_send(client.login());
}
