//! `TlsTrust::Fingerprints`: a strict pin on the leaf certificate.

use super::support::{Ca, Identity, TestServer, get, rustls_error};
use crate::tls::{
    Fingerprint, FingerprintMismatch, TlsError, TlsTrust, client_config, find_fingerprint_mismatch,
};

fn pins(pins: &[Fingerprint]) -> TlsTrust {
    TlsTrust::Fingerprints(pins.to_vec())
}

const BAD_SIGNATURE: rustls::Error =
    rustls::Error::InvalidCertificate(rustls::CertificateError::BadSignature);

fn unrelated(byte: u8) -> Fingerprint {
    Fingerprint::from_bytes([byte; 32])
}

#[tokio::test]
async fn accepts_a_matching_pin_in_both_spellings() {
    // Self-signed for a name that is not the address used: pin mode ignores names.
    let identity = Identity::self_signed(&["pve1.example"]);
    let mut server = TestServer::start(&identity).await;
    let colons = identity.fingerprint().to_string();
    let plain = colons.replace(':', "").to_lowercase();
    assert_eq!(colons.len(), 95);
    assert_eq!(plain.len(), 64);

    for spelling in [colons, plain] {
        let pin: Fingerprint = spelling.parse().unwrap();
        let body = get(
            client_config(&TlsTrust::fingerprint(pin)).unwrap(),
            &server,
            "127.0.0.1",
        )
        .await
        .unwrap();
        assert_eq!(body, "{}");
        server.next_connection().await.assert_request_with_token();
    }
}

#[tokio::test]
async fn accepts_when_one_of_several_pins_matches() {
    let identity = Identity::self_signed(&["pve2.example"]);
    let mut server = TestServer::start(&identity).await;
    let trust = pins(&[unrelated(1), identity.fingerprint(), unrelated(2)]);

    get(client_config(&trust).unwrap(), &server, "127.0.0.1")
        .await
        .unwrap();
    server.next_connection().await.assert_request_with_token();
}

#[tokio::test]
async fn refuses_a_ca_valid_certificate_that_is_not_pinned() {
    let ca = Ca::root("test root");
    let identity = ca.issue(&["127.0.0.1"]);
    let mut server = TestServer::start(&identity).await;

    // The certificate is valid for this CA and this address...
    let ca_trust = TlsTrust::CaPem(ca.pem.clone().into_bytes());
    get(client_config(&ca_trust).unwrap(), &server, "127.0.0.1")
        .await
        .unwrap();
    server.next_connection().await.assert_request_with_token();

    // ...but it is not the pinned one, so pin mode refuses it before sending anything.
    let expected = vec![unrelated(9), unrelated(7)];
    let err = get(
        client_config(&pins(&expected)).unwrap(),
        &server,
        "127.0.0.1",
    )
    .await
    .unwrap_err();
    server.next_connection().await.assert_nothing_sent();

    let mismatch = find_fingerprint_mismatch(&err).expect("mismatch in the reqwest error");
    assert_eq!(
        mismatch,
        FingerprintMismatch {
            presented: identity.fingerprint(),
            expected
        }
    );
    let message = mismatch.to_string();
    assert!(
        message.contains(&identity.fingerprint().to_string()),
        "{message}"
    );
    assert!(message.contains(&unrelated(7).to_string()), "{message}");
}

#[tokio::test]
async fn refuses_a_pinned_certificate_presented_without_its_private_key() {
    let genuine = Identity::self_signed(&["pve1.example"]);
    let impostor_key = Identity::self_signed(&["pve1.example"]);
    for tls12_only in [false, true] {
        let mut server = TestServer::start_impostor(&genuine, &impostor_key, tls12_only).await;
        let trust = TlsTrust::fingerprint(genuine.fingerprint());
        let err = get(client_config(&trust).unwrap(), &server, "127.0.0.1")
            .await
            .unwrap_err();
        assert_eq!(rustls_error(&err), Some(BAD_SIGNATURE), "{err:?}");
        assert_eq!(find_fingerprint_mismatch(&err), None);
        server.next_connection().await.assert_nothing_sent();
    }
}

#[tokio::test]
async fn pin_mode_works_over_tls12() {
    let identity = Identity::self_signed(&["pve3.example"]);
    let mut server = TestServer::start_tls12(&identity).await;

    let good = TlsTrust::fingerprint(identity.fingerprint());
    get(client_config(&good).unwrap(), &server, "127.0.0.1")
        .await
        .unwrap();
    server.next_connection().await.assert_request_with_token();

    let wrong = TlsTrust::fingerprint(unrelated(3));
    let err = get(client_config(&wrong).unwrap(), &server, "127.0.0.1")
        .await
        .unwrap_err();
    assert_eq!(
        find_fingerprint_mismatch(&err).map(|m| m.presented),
        Some(identity.fingerprint())
    );
    server.next_connection().await.assert_nothing_sent();
}

#[test]
fn an_empty_pin_list_is_a_configuration_error() {
    let err = client_config(&TlsTrust::Fingerprints(Vec::new())).unwrap_err();
    assert!(matches!(err, TlsError::NoFingerprints), "{err}");
}
