//! Token header, ticket login, CSRF, renewal and TFA, checked on the wire.
//!
//! A real server on purpose: authentication is checked in the exact headers and bodies the reqwest
//! transport sends (`Authorization`, `Cookie`, `CSRFPreventionToken`), which only a server sees.

use std::time::Duration;

use httpmock::MockServer;
use proxmox_sdk::api::nodes::{GetNodesLxc, PostNodesLxcStatusStart};
use proxmox_sdk::client::{TfaAnswer, TfaMethod};
use proxmox_sdk::{Client, Error};

use super::support::*;

#[tokio::test]
async fn token_header_has_the_exact_bytes_and_no_csrf() {
    let server = RawServer::start(vec![
        http("200 OK", &data(serde_json::json!([]))),
        http("200 OK", &data(serde_json::json!(UPID))),
    ])
    .await;
    let client = builder(&server.base)
        .token(TOKEN_ID, TOKEN_SECRET)
        .build()
        .unwrap();
    client.send(&GetNodesLxc::new("pve1")).await.unwrap();
    client
        .send(&PostNodesLxcStatusStart::new("pve1", 100))
        .await
        .unwrap();

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let line = format!("\r\nauthorization: PVEAPIToken={TOKEN_ID}={TOKEN_SECRET}\r\n");
    for request in &requests {
        assert!(request.contains(&line), "{request}");
        let lower = request.to_lowercase();
        assert!(!lower.contains("csrfpreventiontoken"), "{request}");
        assert!(!lower.contains("cookie"), "{request}");
    }
    assert!(
        requests[0].starts_with("GET /api2/json/nodes/pve1/lxc HTTP/1.1\r\n"),
        "{}",
        requests[0]
    );
    assert!(
        requests[1].starts_with("POST /api2/json/nodes/pve1/lxc/100/status/start HTTP/1.1\r\n"),
        "{}",
        requests[1]
    );
    assert!(
        requests[1].contains("\r\ncontent-type: application/x-www-form-urlencoded\r\n"),
        "{}",
        requests[1]
    );
}

#[tokio::test]
async fn ticket_login_sends_the_cookie_everywhere_and_csrf_only_on_writes() {
    let server = MockServer::start_async().await;
    let login = server
        .mock_async(|when, then| {
            when.method("POST")
                .path("/api2/json/access/ticket")
                .header("content-type", "application/x-www-form-urlencoded")
                .header_missing("cookie")
                .header_missing("authorization")
                .body(login_body(USER, PASSWORD, None));
            then.status(200).body(ticket_answer(TICKET_1, CSRF_1));
        })
        .await;
    let cookie = format!("PVEAuthCookie={TICKET_1}");
    let read = server
        .mock_async(|when, then| {
            when.method("GET")
                .path("/api2/json/nodes/pve1/lxc")
                .header("cookie", cookie.as_str())
                .header_missing("csrfpreventiontoken")
                .header_missing("authorization");
            then.status(200).body(data(
                serde_json::json!([{"vmid": 100, "status": "running"}]),
            ));
        })
        .await;
    let write = server
        .mock_async(|when, then| {
            when.method("POST")
                .path("/api2/json/nodes/pve1/lxc/100/status/start")
                .header("cookie", cookie.as_str())
                .header("csrfpreventiontoken", CSRF_1);
            then.status(200).body(data(serde_json::json!(UPID)));
        })
        .await;
    let catch_all = CatchAll::install(&server).await;

    let client = ticket_client(&server).build().unwrap();
    let guests = client.send(&GetNodesLxc::new("pve1")).await.unwrap();
    assert_eq!(guests[0].vmid, 100);
    let upid = client
        .send(&PostNodesLxcStatusStart::new("pve1", 100))
        .await
        .unwrap();
    assert_eq!(upid.to_string(), UPID);

    catch_all.assert_none();
    login.assert_calls_async(1).await;
    read.assert_calls_async(1).await;
    write.assert_calls_async(1).await;
}

#[tokio::test]
async fn renewal_posts_the_current_ticket_as_the_password() {
    let server = MockServer::start_async().await;
    let login = mock_password_login(&server).await;
    let renew = mock_ticket(
        &server,
        TICKET_1,
        None,
        200,
        ticket_answer(TICKET_2, CSRF_2),
    )
    .await;
    let read = server
        .mock_async(|when, then| {
            when.method("GET")
                .path("/api2/json/nodes/pve1/lxc")
                .header("cookie", format!("PVEAuthCookie={TICKET_2}"));
            then.status(200).body(data(serde_json::json!([])));
        })
        .await;
    let catch_all = CatchAll::install(&server).await;

    // Renewing at age zero stands in for "the ticket is getting old": no clock, no waiting.
    let client = ticket_client(&server)
        .renew_ticket_after(Duration::ZERO)
        .build()
        .unwrap();
    client.login().await.unwrap();
    client.send(&GetNodesLxc::new("pve1")).await.unwrap();

    catch_all.assert_none();
    login.assert_calls_async(1).await;
    renew.assert_calls_async(1).await;
    read.assert_calls_async(1).await;
}

#[tokio::test]
async fn a_ticket_that_cannot_be_renewed_needs_a_new_login_and_the_password_is_not_resent() {
    let server = MockServer::start_async().await;
    let login = mock_password_login(&server).await;
    let renew = mock_ticket(&server, TICKET_1, None, 401, "").await;
    let catch_all = CatchAll::install(&server).await;

    let client = ticket_client(&server)
        .renew_ticket_after(Duration::ZERO)
        .build()
        .unwrap();
    client.login().await.unwrap();
    let err = client.send(&GetNodesLxc::new("pve1")).await.unwrap_err();
    assert!(matches!(err, Error::LoginRequired), "{err:?}");
    assert!(!err.may_have_been_processed());

    catch_all.assert_none();
    login.assert_calls_async(1).await;
    renew.assert_calls_async(1).await;
}

#[tokio::test]
async fn a_kept_password_logs_in_again_when_renewal_is_refused() {
    let server = MockServer::start_async().await;
    let login = mock_password_login(&server).await;
    let renew = mock_ticket(&server, TICKET_1, None, 401, "").await;
    let read = server
        .mock_async(|when, then| {
            when.method("GET")
                .path("/api2/json/nodes/pve1/lxc")
                .header("cookie", format!("PVEAuthCookie={TICKET_1}"));
            then.status(200).body(data(serde_json::json!([])));
        })
        .await;
    let catch_all = CatchAll::install(&server).await;

    let client = ticket_client(&server)
        .renew_ticket_after(Duration::ZERO)
        .keep_password_for_relogin(true)
        .build()
        .unwrap();
    client.login().await.unwrap();
    client.send(&GetNodesLxc::new("pve1")).await.unwrap();

    catch_all.assert_none();
    login.assert_calls_async(2).await;
    renew.assert_calls_async(1).await;
    read.assert_calls_async(1).await;
}

#[tokio::test]
async fn a_wrong_password_is_a_401_with_the_server_message() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method("POST").path("/api2/json/access/ticket");
            then.status(401)
                .body(r#"{"data":null,"message":"authentication failure\n"}"#);
        })
        .await;
    let client = ticket_client(&server).build().unwrap();
    let err = client.login().await.unwrap_err();
    match &err {
        Error::Unauthorized(api) => assert_eq!(api.message(), Some("authentication failure")),
        other => panic!("{other:?}"),
    }
}

/// The half-authenticated ticket PVE answers with when a second factor is needed; its data is
/// the URL-encoded challenge `{"totp":true,"recovery":"available"}`.
const HALF_TICKET: &str = "PVE:!tfa!%7B%22totp%22%3Atrue%2C%22recovery%22%3A%22available%22%7D:68BF3A41::aGFsZi10aWNrZXQtc2ln";

/// Mocks a TFA account: the password login yields the challenge, `totp:000000` is refused,
/// `answer` yields the full ticket (returned mock), which then reads the container list.
async fn install_tfa_mocks<'a>(server: &'a MockServer, answer: &str) -> httpmock::Mock<'a> {
    mock_ticket(
        server,
        PASSWORD,
        None,
        200,
        data(serde_json::json!({"username": USER, "ticket": HALF_TICKET, "NeedTFA": 1})),
    )
    .await;
    mock_ticket(
        server,
        "totp:000000",
        Some(HALF_TICKET),
        401,
        r#"{"data":null,"message":"authentication failure\n"}"#,
    )
    .await;
    let full = mock_ticket(
        server,
        answer,
        Some(HALF_TICKET),
        200,
        ticket_answer(TICKET_1, CSRF_1),
    )
    .await;
    server
        .mock_async(|when, then| {
            when.method("GET")
                .path("/api2/json/nodes/pve1/lxc")
                .header("cookie", format!("PVEAuthCookie={TICKET_1}"));
            then.status(200).body(data(serde_json::json!([])));
        })
        .await;
    full
}

#[tokio::test]
async fn tfa_is_answered_with_a_totp_code_after_a_wrong_one() {
    let server = MockServer::start_async().await;
    let full = install_tfa_mocks(&server, "totp:123456").await;
    let catch_all = CatchAll::install(&server).await;
    let client: Client = ticket_client(&server).build().unwrap();

    // The first call needs a login; the server asks for a second factor.
    let err = client.send(&GetNodesLxc::new("pve1")).await.unwrap_err();
    let challenge = err.tfa_challenge().expect("a TFA challenge").clone();
    assert_eq!(challenge.username(), USER);
    assert_eq!(challenge.methods(), [TfaMethod::Totp, TfaMethod::Recovery]);
    assert!(!err.may_have_been_processed());

    // A wrong code is a 401; the same challenge can be answered again.
    let wrong = client
        .complete_tfa(&challenge, TfaAnswer::totp("000000"))
        .await
        .unwrap_err();
    assert!(matches!(wrong, Error::Unauthorized(_)), "{wrong:?}");
    client
        .complete_tfa(&challenge, TfaAnswer::totp("123456"))
        .await
        .unwrap();
    client.send(&GetNodesLxc::new("pve1")).await.unwrap();
    catch_all.assert_none();
    full.assert_calls_async(1).await;
}

#[tokio::test]
async fn tfa_is_answered_with_a_recovery_key() {
    let server = MockServer::start_async().await;
    let full = install_tfa_mocks(&server, "recovery:abcd-1234-efgh").await;
    let catch_all = CatchAll::install(&server).await;
    let client = ticket_client(&server).build().unwrap();
    let Err(Error::TfaRequired(challenge)) = client.login().await else {
        panic!("expected a TFA challenge")
    };
    assert!(challenge.offers(TfaMethod::Recovery));
    client
        .complete_tfa(&challenge, TfaAnswer::recovery("abcd-1234-efgh"))
        .await
        .unwrap();
    client.send(&GetNodesLxc::new("pve1")).await.unwrap();
    catch_all.assert_none();
    full.assert_calls_async(1).await;
}
