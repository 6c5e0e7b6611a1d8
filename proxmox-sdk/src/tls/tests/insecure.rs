//! `TlsTrust::InsecureSkipVerify`: anything goes, except a forged handshake signature.

use super::support::{Identity, TestServer, get, rustls_error};
use crate::tls::{TlsTrust, client_config};

#[tokio::test]
async fn accepts_any_certificate() {
    let mut server = TestServer::start(&Identity::self_signed(&["somewhere-else.example"])).await;
    for _ in 0..2 {
        let config = client_config(&TlsTrust::InsecureSkipVerify).unwrap();
        assert_eq!(get(config, &server, "127.0.0.1").await.unwrap(), "{}");
        server.next_connection().await.assert_request_with_token();
    }
}

#[tokio::test]
async fn still_refuses_a_server_without_the_certificates_key() {
    let presented = Identity::self_signed(&["127.0.0.1"]);
    let signer = Identity::self_signed(&["127.0.0.1"]);
    for tls12_only in [false, true] {
        let mut server = TestServer::start_impostor(&presented, &signer, tls12_only).await;
        let config = client_config(&TlsTrust::InsecureSkipVerify).unwrap();
        let err = get(config, &server, "127.0.0.1").await.unwrap_err();
        let bad_signature =
            rustls::Error::InvalidCertificate(rustls::CertificateError::BadSignature);
        assert_eq!(rustls_error(&err), Some(bad_signature), "{err:?}");
        server.next_connection().await.assert_nothing_sent();
    }
}

#[test]
fn debug_output_hides_pem_bytes() {
    let trust = TlsTrust::CaPem(b"-----BEGIN CERTIFICATE-----".to_vec());
    assert_eq!(format!("{trust:?}"), "CaPem(<27 bytes>)");
    assert_eq!(TlsTrust::default(), TlsTrust::System);
}
