//! `TlsTrust::CaFile` / `TlsTrust::CaPem`: full chain and host name verification.

use super::support::{Ca, Identity, TempDir, TestServer, get, rustls_error};
use crate::tls::{TlsError, TlsTrust, client_config, find_fingerprint_mismatch};

fn ca_pem(ca: &Ca) -> TlsTrust {
    TlsTrust::CaPem(ca.pem.clone().into_bytes())
}

#[tokio::test]
async fn accepts_a_leaf_from_the_ca_for_ip_and_dns_names() {
    let ca = Ca::root("test root");
    let mut server = TestServer::start(&ca.issue(&["127.0.0.1", "localhost"])).await;

    for host in ["127.0.0.1", "localhost"] {
        let config = client_config(&ca_pem(&ca)).unwrap();
        let body = get(config, &server, host).await.unwrap();
        assert_eq!(body, "{}");
        server.next_connection().await.assert_request_with_token();
    }
}

#[tokio::test]
async fn ca_file_accepts_a_chain_through_an_intermediate() {
    let root = Ca::root("test root");
    let intermediate = root.intermediate("test intermediate");
    let identity = intermediate.issue(&["127.0.0.1"]);
    assert_eq!(
        identity.chain.len(),
        2,
        "the server sends leaf and intermediate"
    );
    let mut server = TestServer::start(&identity).await;
    let dir = TempDir::new();
    let path = dir.write("root.pem", root.pem.as_bytes());

    let config = client_config(&TlsTrust::CaFile(path)).unwrap();
    get(config, &server, "127.0.0.1").await.unwrap();
    server.next_connection().await.assert_request_with_token();
}

#[tokio::test]
async fn refuses_a_self_signed_certificate_not_from_the_ca() {
    let ca = Ca::root("test root");
    let mut server = TestServer::start(&Identity::self_signed(&["127.0.0.1"])).await;

    let err = get(client_config(&ca_pem(&ca)).unwrap(), &server, "127.0.0.1")
        .await
        .unwrap_err();
    assert!(
        matches!(
            rustls_error(&err),
            Some(rustls::Error::InvalidCertificate(
                rustls::CertificateError::UnknownIssuer
            ))
        ),
        "{err:?}"
    );
    assert_eq!(find_fingerprint_mismatch(&err), None);
    server.next_connection().await.assert_nothing_sent();
}

#[tokio::test]
async fn refuses_a_certificate_from_the_ca_for_another_host() {
    let ca = Ca::root("test root");
    let mut server = TestServer::start(&ca.issue(&["pve-other.example"])).await;

    let err = get(client_config(&ca_pem(&ca)).unwrap(), &server, "127.0.0.1")
        .await
        .unwrap_err();
    let wrong_name = matches!(
        rustls_error(&err),
        Some(rustls::Error::InvalidCertificate(
            rustls::CertificateError::NotValidForName
                | rustls::CertificateError::NotValidForNameContext { .. }
        ))
    );
    assert!(wrong_name, "{err:?}");
    server.next_connection().await.assert_nothing_sent();
}

#[test]
fn unreadable_ca_file_names_the_path() {
    let dir = TempDir::new();
    let missing = dir.path().join("no-such-ca.pem");
    let err = client_config(&TlsTrust::CaFile(missing.clone())).unwrap_err();
    assert!(
        matches!(&err, TlsError::ReadCaFile { path, .. } if *path == missing),
        "{err}"
    );
    assert!(err.to_string().contains("no-such-ca.pem"), "{err}");
}

#[test]
fn pem_without_certificates_is_refused() {
    let key_only = b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
    for pem in [&b""[..], b"just some text\n", key_only] {
        let err = client_config(&TlsTrust::CaPem(pem.to_vec())).unwrap_err();
        assert!(matches!(err, TlsError::NoCertificates { .. }), "{err}");
    }
}

#[test]
fn malformed_pem_and_non_certificates_are_refused() {
    let bad_base64 = b"-----BEGIN CERTIFICATE-----\n!!!not base64!!!\n-----END CERTIFICATE-----\n";
    let err = client_config(&TlsTrust::CaPem(bad_base64.to_vec())).unwrap_err();
    assert!(matches!(err, TlsError::InvalidPem { .. }), "{err}");

    // Valid PEM whose payload ("hello world") is not a certificate.
    let not_a_cert = b"-----BEGIN CERTIFICATE-----\naGVsbG8gd29ybGQ=\n-----END CERTIFICATE-----\n";
    let err = client_config(&TlsTrust::CaPem(not_a_cert.to_vec())).unwrap_err();
    assert!(
        matches!(err, TlsError::InvalidCaCertificate { index: 0, .. }),
        "{err}"
    );
}

#[tokio::test]
async fn a_pem_bundle_trusts_each_of_its_cas() {
    let first = Ca::root("first root");
    let second = Ca::root("second root");
    let bundle = format!("{}\n{}", first.pem, second.pem).into_bytes();
    let mut server = TestServer::start(&second.issue(&["127.0.0.1"])).await;

    get(
        client_config(&TlsTrust::CaPem(bundle)).unwrap(),
        &server,
        "127.0.0.1",
    )
    .await
    .unwrap();
    server.next_connection().await.assert_request_with_token();
}
