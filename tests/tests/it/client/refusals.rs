//! Refused before sending: an endpoint whose schema says `allowtoken: 0` called with an API
//! token. And the 403 a token gets carries the privilege-separation hint.

use proxmox_sdk::api::access::DeleteAccessTfaId;
use proxmox_sdk::testing::{CapturingTransport, Expect, ScriptedTransport, respond};
use proxmox_sdk::{Client, Error};

#[tokio::test]
async fn a_token_call_to_a_ticket_only_endpoint_is_refused_and_nothing_is_sent() {
    let script = ScriptedTransport::new();
    let err = script
        .client()
        .send(&DeleteAccessTfaId::new("felhom@pve", "totp0"))
        .await
        .unwrap_err();
    match &err {
        Error::TokenNotAllowed { endpoint } => {
            assert_eq!(endpoint, "DELETE /access/tfa/{userid}/{id}");
        }
        other => panic!("expected TokenNotAllowed, got {other:?}"),
    }
    assert!(!err.may_have_been_processed() && !err.is_retryable());
    assert!(script.requests().is_empty(), "{:?}", script.requests());
    script.finish();
}

#[tokio::test]
async fn the_same_endpoint_with_a_ticket_is_sent() {
    let capture = CapturingTransport::answering(respond::data(serde_json::Value::Null));
    let client = Client::builder("https://pve1.test:8006")
        .unwrap()
        .ticket_login("felhom@pve", "pw")
        .transport(capture.clone())
        .build()
        .unwrap();
    // The login answer is not a ticket, so the call fails; the point is what was sent.
    let _ = client
        .send(&DeleteAccessTfaId::new("felhom@pve", "totp0"))
        .await;
    assert!(
        capture
            .requests()
            .iter()
            .any(|r| r.path == "/access/ticket"),
        "a ticket login was attempted: {:?}",
        capture
            .requests()
            .iter()
            .map(|r| r.call())
            .collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn a_403_to_a_token_says_the_token_needs_the_privilege_too() {
    let script =
        ScriptedTransport::new().expect(Expect::post("/nodes/pve1/lxc/100/status/start").respond(
            respond::error(403, "Permission check failed (/vms/100, VM.PowerMgmt)"),
        ));
    let err = script
        .client()
        .raw(
            proxmox_sdk::HttpMethod::Post,
            "/nodes/pve1/lxc/100/status/start",
            &[],
        )
        .await
        .unwrap_err();
    script.finish();
    let api = err.api_error().expect("a 403 answer");
    assert_eq!(api.api_token(), Some("sdk-test@pve!kit"));
    let shown = err.to_string();
    assert_eq!(
        shown,
        "permission denied: 403 Permission check failed (/vms/100, VM.PowerMgmt) [API token \
         sdk-test@pve!kit: a privilege-separated token needs the privilege granted to the token as \
         well as to its user]"
    );
    assert_eq!(
        err.missing_privileges(),
        [proxmox_sdk::Privilege::VmPowerMgmt]
    );
}
