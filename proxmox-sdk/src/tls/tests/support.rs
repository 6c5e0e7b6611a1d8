//! Test PKI (generated with rcgen) and a local HTTPS server that records what it received.
//!
//! A real TLS server on purpose: trust modes, pins and probes are decided in the handshake, below
//! any transport fake.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls::ServerConfig;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::sign::{CertifiedKey, SingleCertAndKey};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_rustls::TlsAcceptor;

use crate::tls::Fingerprint;

/// The credential every test request carries; it must reach only verified servers.
pub(super) const TOKEN: &str = "PVEAPIToken=root@pam!test=00000000-1111-2222-3333-444444444444";

/// A certificate authority (root or intermediate) that can issue server certificates.
pub(super) struct Ca {
    issuer: Issuer<'static, KeyPair>,
    /// The CA certificate in PEM form, as a user would put it in a CA file.
    pub(super) pem: String,
    /// Certificates a server must send after a leaf this CA issued (intermediates).
    chain_above: Vec<CertificateDer<'static>>,
}

impl Ca {
    /// A new self-signed root CA.
    pub(super) fn root(name: &str) -> Self {
        let key = KeyPair::generate().expect("generate CA key");
        let params = ca_params(name);
        let cert = params.self_signed(&key).expect("self-sign CA");
        Self {
            pem: cert.pem(),
            issuer: Issuer::new(params, key),
            chain_above: Vec::new(),
        }
    }

    /// An intermediate CA issued by this one.
    pub(super) fn intermediate(&self, name: &str) -> Self {
        let key = KeyPair::generate().expect("generate intermediate key");
        let params = ca_params(name);
        let cert = params
            .signed_by(&key, &self.issuer)
            .expect("sign intermediate");
        let mut chain_above = vec![cert.der().clone()];
        chain_above.extend(self.chain_above.iter().cloned());
        Self {
            pem: cert.pem(),
            issuer: Issuer::new(params, key),
            chain_above,
        }
    }

    /// A server certificate for `names` (DNS names or IP addresses) issued by this CA, with
    /// the chain a server sends (leaf first, then any intermediates).
    pub(super) fn issue(&self, names: &[&str]) -> Identity {
        let key = KeyPair::generate().expect("generate leaf key");
        let cert = leaf_params(names)
            .signed_by(&key, &self.issuer)
            .expect("sign leaf");
        let mut chain = vec![cert.der().clone()];
        chain.extend(self.chain_above.iter().cloned());
        Identity {
            chain,
            key: key.serialize_der(),
        }
    }
}

/// A server's certificate chain and private key.
pub(super) struct Identity {
    pub(super) chain: Vec<CertificateDer<'static>>,
    key: Vec<u8>,
}

impl Identity {
    /// A self-signed certificate for `names`, like a freshly installed PVE node has.
    pub(super) fn self_signed(names: &[&str]) -> Self {
        let key = KeyPair::generate().expect("generate key");
        let cert = leaf_params(names).self_signed(&key).expect("self-sign");
        Self {
            chain: vec![cert.der().clone()],
            key: key.serialize_der(),
        }
    }

    /// SHA-256 of the leaf certificate.
    pub(super) fn fingerprint(&self) -> Fingerprint {
        Fingerprint::from_der(&self.chain[0])
    }

    fn private_key(&self) -> PrivateKeyDer<'static> {
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.key.clone()))
    }
}

fn ca_params(name: &str) -> CertificateParams {
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    params.distinguished_name.push(DnType::CommonName, name);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    params
}

fn leaf_params(names: &[&str]) -> CertificateParams {
    let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
    let mut params = CertificateParams::new(names).expect("leaf params");
    params
        .distinguished_name
        .push(DnType::CommonName, "test node");
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    params
}

/// What the server saw on one connection.
#[derive(Debug)]
pub(super) struct Connection {
    /// Whether the TLS handshake completed from the server's side.
    pub(super) handshake_completed: bool,
    /// Every application byte the client sent after the handshake.
    pub(super) received: Vec<u8>,
}

impl Connection {
    /// Asserts the client aborted before sending a single request byte.
    pub(super) fn assert_nothing_sent(&self) {
        assert!(
            !self.handshake_completed,
            "handshake unexpectedly completed: {self:?}"
        );
        assert!(
            self.received.is_empty(),
            "server received request bytes: {self:?}"
        );
    }

    /// Asserts the server received an HTTP request carrying the token.
    pub(super) fn assert_request_with_token(&self) {
        assert!(self.handshake_completed, "handshake did not complete");
        let text = String::from_utf8_lossy(&self.received);
        assert!(
            text.starts_with("GET /api2/json/version "),
            "unexpected request: {text}"
        );
        assert!(text.contains(TOKEN), "token missing from request: {text}");
    }
}

/// An HTTPS server on 127.0.0.1 that answers `{}` to one request per connection and reports
/// each connection once it is over.
pub(super) struct TestServer {
    pub(super) addr: SocketAddr,
    connections: mpsc::UnboundedReceiver<Connection>,
}

impl TestServer {
    /// Serves `identity` over TLS 1.2 or 1.3.
    pub(super) async fn start(identity: &Identity) -> Self {
        Self::with_config(server_config(identity, identity, false)).await
    }

    /// Serves `identity` over TLS 1.2 only (exercising the TLS 1.2 signature checks).
    pub(super) async fn start_tls12(identity: &Identity) -> Self {
        Self::with_config(server_config(identity, identity, true)).await
    }

    /// Presents `presented`'s certificate but signs the handshake with `signer`'s key: an
    /// impostor replaying a certificate whose private key it does not have.
    pub(super) async fn start_impostor(
        presented: &Identity,
        signer: &Identity,
        tls12_only: bool,
    ) -> Self {
        Self::with_config(server_config(presented, signer, tls12_only)).await
    }

    async fn with_config(config: ServerConfig) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("local addr");
        let acceptor = TlsAcceptor::from(Arc::new(config));
        let (tx, connections) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let acceptor = acceptor.clone();
                let tx = tx.clone();
                tokio::spawn(async move {
                    let _ = tx.send(serve(acceptor, tcp).await);
                });
            }
        });
        Self { addr, connections }
    }

    /// The report of the next connection that ended (waits for it; the limit only keeps a
    /// broken test from hanging forever).
    pub(super) async fn next_connection(&mut self) -> Connection {
        tokio::time::timeout(Duration::from_secs(60), self.connections.recv())
            .await
            .expect("the server saw no connection")
            .expect("the server stopped")
    }

    /// The URL of the version endpoint under `host`, which the client resolves to this server.
    pub(super) fn url(&self, host: &str) -> String {
        format!("https://{host}:{}/api2/json/version", self.addr.port())
    }
}

/// A server config presenting `presented`'s chain and signing with `signer`'s key (rustls'
/// own consistency check is bypassed on purpose so impostors can be built).
fn server_config(presented: &Identity, signer: &Identity, tls12_only: bool) -> ServerConfig {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let key = provider
        .key_provider
        .load_private_key(signer.private_key())
        .expect("load key");
    let certified = CertifiedKey::new(presented.chain.clone(), key);
    let versions: &[&rustls::SupportedProtocolVersion] = if tls12_only {
        &[&rustls::version::TLS12]
    } else {
        rustls::DEFAULT_VERSIONS
    };
    ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(versions)
        .expect("protocol versions")
        .with_no_client_auth()
        .with_cert_resolver(Arc::new(SingleCertAndKey::from(certified)))
}

async fn serve(acceptor: TlsAcceptor, tcp: TcpStream) -> Connection {
    let Ok(mut tls) = acceptor.accept(tcp).await else {
        return Connection {
            handshake_completed: false,
            received: Vec::new(),
        };
    };
    let mut received = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match tls.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                received.extend_from_slice(&buf[..n]);
                if received.windows(4).any(|w| w == b"\r\n\r\n") {
                    let response = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                                     content-length: 2\r\nconnection: close\r\n\r\n{}";
                    let _ = tls.write_all(response).await;
                    let _ = tls.shutdown().await;
                    break;
                }
            }
        }
    }
    Connection {
        handshake_completed: true,
        received,
    }
}

/// Sends `GET url` with the token through reqwest configured with `config`; `host` in the URL
/// resolves to `server`.
pub(super) async fn get(
    config: rustls::ClientConfig,
    server: &TestServer,
    host: &str,
) -> Result<String, reqwest::Error> {
    let client = reqwest::Client::builder()
        .use_preconfigured_tls(config)
        .no_proxy()
        .resolve(host, server.addr)
        .build()
        .expect("reqwest client");
    client
        .get(server.url(host))
        .header("Authorization", TOKEN)
        .send()
        .await?
        .error_for_status()?
        .text()
        .await
}

/// The rustls error at the bottom of a failed request, if any (looking inside `io::Error`
/// payloads, which `source()` skips).
pub(super) fn rustls_error(err: &(dyn std::error::Error + 'static)) -> Option<rustls::Error> {
    let mut current = Some(err);
    while let Some(err) = current {
        if let Some(found) = err.downcast_ref::<rustls::Error>() {
            return Some(found.clone());
        }
        if let Some(inner) = err
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            return rustls_error(inner);
        }
        current = err.source();
    }
    None
}

/// A scratch directory removed when dropped.
pub(super) struct TempDir(PathBuf);

impl TempDir {
    pub(super) fn new() -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("proxmox-sdk-tls-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create temp dir");
        Self(dir)
    }

    /// Writes `contents` to `name` inside the directory and returns the file's path.
    pub(super) fn write(&self, name: &str, contents: &[u8]) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, contents).expect("write temp file");
        path
    }

    pub(super) fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
