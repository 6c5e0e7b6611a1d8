//! A self-signed TLS identity for the local HTTPS servers of the tests and benchmarks.

use std::sync::Arc;

use proxmox_sdk::tls::Fingerprint;
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};

/// A fresh self-signed certificate for `127.0.0.1` and `localhost` (ring only): the server
/// configuration presenting it, and its SHA-256 fingerprint for a client to pin.
///
/// # Panics
/// When rcgen or rustls cannot build it (never with these inputs).
pub fn self_signed_server() -> (Arc<rustls::ServerConfig>, Fingerprint) {
    let certified =
        rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
            .expect("self-signed certificate");
    let fingerprint = Fingerprint::from_der(certified.cert.der());
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
        certified.signing_key.serialize_der(),
    ));
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("protocol versions")
    .with_no_client_auth()
    .with_single_cert(vec![certified.cert.der().clone()], key)
    .expect("server certificate");
    (Arc::new(config), fingerprint)
}
