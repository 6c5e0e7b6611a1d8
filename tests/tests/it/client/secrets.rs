//! Credentials never show up in logs (at TRACE), `Debug` output or errors.
//!
//! A real server on purpose: the logs checked for credentials are the reqwest transport's and the
//! client's at TRACE, with real request and response bytes.

use std::time::Duration;

use httpmock::MockServer;
use proxmox_sdk::Error;
use proxmox_sdk::api::nodes::{GetNodesLxc, PostNodesLxcStatusStart};
use proxmox_sdk::client::TfaAnswer;
use proxmox_sdk::error::Report;
use tracing::level_filters::LevelFilter;

use super::support::*;

const HALF_TICKET: &str = "PVE:!tfa!%7B%22totp%22%3Atrue%7D:68BF3A41::aGFsZi10aWNrZXQtc2lnbmF0dXJl";
const TOTP: &str = "482916";
const TFA_USER: &str = "tfa@pve";
const TFA_PASSWORD: &str = "tfa-password-Zq9";

/// Every value that must never be printed, in the forms it travels in.
fn secrets() -> Vec<String> {
    let raw = [
        TOKEN_SECRET,
        PASSWORD,
        TICKET_1,
        TICKET_2,
        CSRF_1,
        CSRF_2,
        HALF_TICKET,
        TFA_PASSWORD,
    ];
    let mut all: Vec<String> = raw.iter().map(|s| s.to_string()).collect();
    all.extend(raw.iter().map(|s| enc(s)));
    // Distinctive inner parts: the signatures of tickets and tokens, the TOTP answer.
    all.extend(
        [
            "dGlja2V0LW9uZS1zaWduYXR1cmU",
            "dGlja2V0LXR3by1zaWduYXR1cmU",
            "Y3NyZi1vbmUtdG9rZW4",
            "aGFsZi10aWNrZXQtc2ln",
        ]
        .map(String::from),
    );
    all.push(format!("totp:{TOTP}"));
    all.push(format!("totp%3A{TOTP}"));
    all
}

fn assert_clean(what: &str, text: &str) {
    for secret in secrets() {
        assert!(
            !text.contains(&secret),
            "{what} contains the secret {secret:?}:\n{text}"
        );
    }
}

async fn ticket_mocks(server: &MockServer) {
    mock_password_login(server).await;
    mock_ticket(server, TICKET_1, None, 200, ticket_answer(TICKET_2, CSRF_2)).await;
    server
        .mock_async(|when, then| {
            when.method("POST")
                .path("/api2/json/access/ticket")
                .body(login_body(TFA_USER, TFA_PASSWORD, None));
            then.status(200).body(data(
                serde_json::json!({"username": TFA_USER, "ticket": HALF_TICKET, "NeedTFA": 1}),
            ));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method("POST")
                .path("/api2/json/access/ticket")
                .body(login_body(
                    TFA_USER,
                    &format!("totp:{TOTP}"),
                    Some(HALF_TICKET),
                ));
            then.status(401)
                .body(r#"{"data":null,"message":"authentication failure\n"}"#);
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method("GET").path("/api2/json/nodes/pve1/lxc");
            then.status(200).body(data(
                serde_json::json!([{"vmid": 100, "status": "running"}]),
            ));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method("POST")
                .path("/api2/json/nodes/pve1/lxc/100/status/start");
            then.status(403).body(
                r#"{"data":null,"message":"Permission check failed (/vms/100, VM.PowerMgmt)\n"}"#,
            );
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method("GET").path("/api2/json/nodes/pve2/lxc");
            then.status(503).body("");
        })
        .await;
}

#[tokio::test]
async fn trace_logs_debug_output_and_errors_never_show_a_credential() {
    // The mock server's own logs describe what it received; only the client is on trial.
    let (logs, _guard) = capture_logs(all_at_trace().with_target("httpmock", LevelFilter::OFF));

    let server = MockServer::start_async().await;
    ticket_mocks(&server).await;
    let mut printed = Vec::new();

    // API token: a success, a 403 and a retried 503.
    let token = token_client(&server);
    token.send(&GetNodesLxc::new("pve1")).await.unwrap();
    let denied = token
        .send(&PostNodesLxcStatusStart::new("pve1", 100))
        .await
        .unwrap_err();
    let unavailable = token.send(&GetNodesLxc::new("pve2")).await.unwrap_err();
    printed.push(format!("{token:?}"));

    // Ticket: login, read, renewal on every call, a write with CSRF.
    let ticket = ticket_client(&server)
        .renew_ticket_after(Duration::ZERO)
        .build()
        .unwrap();
    printed.push(format!("{ticket:?}"));
    ticket.login().await.unwrap();
    printed.push(format!("{ticket:?}"));
    ticket.send(&GetNodesLxc::new("pve1")).await.unwrap();
    let write = ticket
        .send(&PostNodesLxcStatusStart::new("pve1", 100))
        .await
        .unwrap_err();

    // TFA: the challenge, and a refused answer.
    let tfa = builder(&server.base_url())
        .ticket_login(TFA_USER, TFA_PASSWORD)
        .build()
        .unwrap();
    let challenge = tfa.login().await.unwrap_err();
    let Error::TfaRequired(c) = &challenge else {
        panic!("{challenge:?}")
    };
    let refused = tfa
        .complete_tfa(c, TfaAnswer::totp(TOTP))
        .await
        .unwrap_err();
    printed.push(format!("{:?}", TfaAnswer::totp(TOTP)));

    // A builder holding credentials, and a refused token.
    printed.push(format!(
        "{:?}",
        builder("https://pve1:8006").ticket_login(USER, PASSWORD)
    ));
    let bad_token = builder("https://pve1:8006")
        .token(TOKEN_ID, format!("{TOKEN_SECRET} x"))
        .build()
        .unwrap_err();

    for err in [
        &denied,
        &unavailable,
        &write,
        &challenge,
        &refused,
        &bad_token,
    ] {
        printed.push(format!("{err:?}"));
        printed.push(Report(err).to_string());
    }
    assert!(matches!(denied, Error::Forbidden(_)));
    assert_eq!(unavailable.status(), Some(503));
    assert!(matches!(refused, Error::Unauthorized(_)));

    let text = logs.text();
    // The capture worked: spans with method, path template, status and retries are there.
    assert!(text.contains("pve_request"), "{text}");
    assert!(
        text.contains("path=\"/nodes/{node}/lxc\"") || text.contains("path=/nodes/{node}/lxc"),
        "{text}"
    );
    assert!(text.contains("status=503"), "{text}");
    assert!(text.contains("retrying"), "{text}");
    assert!(text.contains("/access/ticket"), "{text}");
    assert!(text.contains("TRACE"), "{text}");
    assert_clean("the TRACE log", &text);
    for (i, p) in printed.iter().enumerate() {
        assert_clean(&format!("printed value #{i}"), p);
    }
}
