//! End-to-end tests against fakepve (an independent PVE API emulator started per test by
//! `sdk_tests::fakepve`). Skipped with a notice when fakepve is not installed locally; a failure
//! when `FAKEPVE_REQUIRED=1` (CI). Run `./test.sh` to get the virtualenv.

mod examples;
mod sdk;
mod upload;

use std::sync::Arc;

use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;
use sdk_tests::fakepve_or_skip;
use sha2::{Digest, Sha256};

/// A reqwest client that trusts only the scenario's certificate (no SDK client involved).
fn client_trusting(pem_path: &std::path::Path) -> reqwest::Client {
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(pem_path).expect("read CA PEM") {
        roots.add(cert.expect("parse CA PEM")).expect("add CA");
    }
    let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("TLS versions")
    .with_root_certificates(roots)
    .with_no_client_auth();
    reqwest::Client::builder()
        .use_preconfigured_tls(tls)
        .build()
        .expect("reqwest client")
}

fn colon_hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

#[tokio::test]
async fn basic_scenario_answers_version_with_the_agent_token() {
    let pve = fakepve_or_skip!("basic");

    // The advertised fingerprint is the SHA-256 of the certificate in the advertised PEM.
    let pem = std::fs::read(&pve.ca_pem_path).expect("read CA PEM");
    let der = CertificateDer::from_pem_slice(&pem).expect("parse CA PEM");
    assert_eq!(colon_hex(&Sha256::digest(der.as_ref())), pve.fingerprint);
    assert!(pve.url.starts_with("https://127.0.0.1:"), "{}", pve.url);

    let client = client_trusting(&pve.ca_pem_path);
    let resp = client
        .get(pve.api_url("/version"))
        .header("Authorization", pve.authorization())
        .send()
        .await
        .expect("GET /version");
    assert_eq!(resp.status(), 200);
    let body: serde_json::Value = serde_json::from_str(&resp.text().await.unwrap()).unwrap();
    assert!(body["data"]["version"].is_string(), "{body}");

    // The audit-only token is refused node status with PVE's wording.
    let audit = pve.token(&pve.audit_token_id).expect("audit token");
    let resp = client
        .get(pve.api_url(&format!("/nodes/{}/status", pve.node)))
        .header("Authorization", audit.authorization())
        .send()
        .await
        .expect("GET node status");
    assert_eq!(resp.status(), 403);
    let body: serde_json::Value = serde_json::from_str(&resp.text().await.unwrap()).unwrap();
    assert_eq!(
        body["message"],
        format!("Permission check failed (/nodes/{}, Sys.Audit)\n", pve.node)
    );

    // Secrets never reach a Debug print.
    let shown = format!("{pve:?}");
    assert!(!shown.contains(pve.token_secret.expose()));
    assert!(!shown.contains(pve.password.expose()));
    pve.stop().await.expect("stop");
}

#[tokio::test]
async fn control_channel_injects_a_failure_once() {
    let mut pve = fakepve_or_skip!("basic", &["--time-scale", "0"]);
    assert_eq!(pve.time_scale, 0.0);
    assert_eq!(
        pve.control(serde_json::json!({"op": "ping"}))
            .await
            .unwrap(),
        "pong"
    );
    pve.fail("GET", "/version", 503, "busy", Some(1))
        .await
        .expect("inject");
    let client = client_trusting(&pve.ca_pem_path);
    let get = || {
        client
            .get(pve.api_url("/version"))
            .header("Authorization", pve.authorization())
    };
    assert_eq!(get().send().await.unwrap().status(), 503);
    assert_eq!(get().send().await.unwrap().status(), 200);
    let err = pve
        .control(serde_json::json!({"op": "no-such-op"}))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("unknown op"), "{err}");
}
