//! Every error form, from the bytes a PVE server (or the network) produces.
//!
//! A real server on purpose: every error is built from what reaches the reqwest transport (status
//! lines, reason phrases, bodies, dropped connections), so the bytes come from a server.

use std::time::Duration;

use httpmock::MockServer;
use proxmox_sdk::api::nodes::GetNodesLxc;
use proxmox_sdk::error::Report;
use proxmox_sdk::permission::MissingPermission;
use proxmox_sdk::wire::{ParamError, ParamWriter, PathWriter};
use proxmox_sdk::{Endpoint, EndpointInfo, Error, HttpMethod, Privilege};

use super::support::*;

/// Answers `GET /api2/json/nodes/pve1/lxc` with `status` and `body`, then sends that call.
async fn get_with(status: u16, body: &str) -> Error {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method("GET").path("/api2/json/nodes/pve1/lxc");
            then.status(status).body(body);
        })
        .await;
    let client = builder(&server.base_url())
        .token(TOKEN_ID, TOKEN_SECRET)
        .retry(proxmox_sdk::client::RetryPolicy::disabled())
        .build()
        .unwrap();
    client.send(&GetNodesLxc::new("pve1")).await.unwrap_err()
}

/// Sends the same call to a raw server that answers with `reply`.
async fn get_raw(reply: Reply) -> Error {
    let server = RawServer::start(vec![reply]).await;
    let client = builder(&server.base)
        .token(TOKEN_ID, TOKEN_SECRET)
        .retry(proxmox_sdk::client::RetryPolicy::disabled())
        .build()
        .unwrap();
    client.send(&GetNodesLxc::new("pve1")).await.unwrap_err()
}

#[tokio::test]
async fn a_400_keeps_status_message_and_every_parameter_error() {
    let body = r#"{"data":null,"errors":{"vmid":"value must have a minimum value of 100\n","net0":"invalid format - unknown key 'x'\nduplicate key 'bridge'\\nvalue does not look like a bridge"},"message":"Parameter verification failed.\n"}"#;
    let err = get_with(400, body).await;
    let Error::BadRequest(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(err.status(), Some(400));
    assert_eq!(api.message(), Some("Parameter verification failed."));
    assert_eq!(
        api.parameter_errors()["vmid"],
        ["value must have a minimum value of 100"]
    );
    assert_eq!(
        api.parameter_errors()["net0"],
        [
            "invalid format - unknown key 'x'\nduplicate key 'bridge'",
            "value does not look like a bridge"
        ]
    );
    assert!(!err.may_have_been_processed());
    assert!(!err.is_retryable());
    let text = err.to_string();
    assert!(
        text.contains("vmid: value must have a minimum value of 100"),
        "{text}"
    );
    assert!(!text.contains('\n'), "{text}");
}

#[tokio::test]
async fn a_401_and_a_403_are_different_errors() {
    let unauthorized = get_raw(http("401 Authentication failed!", "")).await;
    let Error::Unauthorized(api) = &unauthorized else {
        panic!("{unauthorized:?}")
    };
    assert_eq!(api.message(), Some("Authentication failed!"));
    assert!(unauthorized.permission_denied().is_none());

    let forbidden = get_with(
        403,
        r#"{"data":null,"message":"Permission check failed (/vms/100, VM.Allocate)\n"}"#,
    )
    .await;
    assert!(matches!(forbidden, Error::Forbidden(_)), "{forbidden:?}");
    assert_eq!(forbidden.status(), Some(403));
}

#[tokio::test]
async fn a_403_names_the_missing_privilege_from_the_body() {
    let err = get_with(
        403,
        r#"{"data":null,"message":"Permission check failed (/vms/100, VM.Allocate)\n"}"#,
    )
    .await;
    assert_eq!(err.missing_privileges(), [Privilege::VmAllocate]);
    assert_eq!(err.permission_denied().unwrap().path(), Some("/vms/100"));
    assert!(!err.may_have_been_processed());
}

#[tokio::test]
async fn a_403_of_an_old_server_is_read_from_the_reason_phrase() {
    // pve-http-server before 5.2 sends the text only in the status line.
    let err = get_raw(http(
        "403 Permission check failed (/vms/100, VM.Allocate)",
        r#"{"data":null}"#,
    ))
    .await;
    assert!(matches!(err, Error::Forbidden(_)), "{err:?}");
    let denied = err
        .permission_denied()
        .expect("parsed from the reason phrase");
    assert_eq!(denied.privileges(), [Privilege::VmAllocate]);
    assert_eq!(denied.path(), Some("/vms/100"));
    assert_eq!(
        err.api_error().unwrap().reason_phrase(),
        Some("Permission check failed (/vms/100, VM.Allocate)")
    );
}

#[tokio::test]
async fn a_403_any_of_check_lists_every_alternative() {
    let err = get_with(
        403,
        r#"{"data":null,"message":"Permission check failed (/vms/100, VM.Config.Disk|VM.Config.CDROM)\n"}"#,
    )
    .await;
    match &err.permission_denied().unwrap().missing {
        MissingPermission::Privileges {
            path,
            privileges,
            any_of,
        } => {
            assert_eq!(path, "/vms/100");
            assert_eq!(
                privileges,
                &[Privilege::VmConfigDisk, Privilege::VmConfigCdrom]
            );
            assert!(*any_of);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_free_text_403_keeps_the_text() {
    let err = get_with(
        403,
        r#"{"data":null,"message":"Permission check failed (user != root@pam)\n"}"#,
    )
    .await;
    assert_eq!(
        err.permission_denied().unwrap().missing,
        MissingPermission::Text("user != root@pam".into())
    );
    assert!(err.missing_privileges().is_empty());
}

#[tokio::test]
async fn a_500_keeps_the_handler_message() {
    let err = get_with(500, r#"{"data":null,"message":"CT is locked (backup)\n"}"#).await;
    let Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(api.status(), 500);
    assert_eq!(api.message(), Some("CT is locked (backup)"));
    assert!(err.may_have_been_processed());
    assert!(!err.is_retryable(), "a plain 500 is not transient");
    assert_eq!(
        err.to_string(),
        "the server answered 500 CT is locked (backup)"
    );
}

#[tokio::test]
async fn a_595_and_a_596_are_failures_between_cluster_nodes() {
    let refused = get_raw(http("595 Connection refused", "")).await;
    let Error::ProxyHop(api) = &refused else {
        panic!("{refused:?}")
    };
    assert_eq!(api.status(), 595);
    assert_eq!(api.reason_phrase(), Some("Connection refused"));
    assert!(refused.is_retryable());
    assert!(
        !refused.may_have_been_processed(),
        "595: the target node never got the call"
    );
    assert!(
        refused.to_string().contains("could not forward"),
        "{refused}"
    );

    let tls = get_raw(http(
        "596 tls_process_server_certificate: certificate verify failed",
        "",
    ))
    .await;
    assert!(
        matches!(tls, Error::ProxyHop(_)),
        "a 596 TLS text is the hop, not this client: {tls:?}"
    );
    assert!(tls.may_have_been_processed());
}

#[tokio::test]
async fn a_501_plain_text_body_becomes_the_message() {
    let message = "Method 'GET /nodes/pve1/lxc' not implemented";
    let server = RawServer::start(vec![text(&format!("501 {message}"), message)]).await;
    let client = builder(&server.base)
        .token(TOKEN_ID, TOKEN_SECRET)
        .build()
        .unwrap();
    let err = client.send(&GetNodesLxc::new("pve1")).await.unwrap_err();
    let Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        api.message(),
        Some("Method 'GET /nodes/pve1/lxc' not implemented")
    );
    assert!(!err.may_have_been_processed());
    assert!(!err.is_retryable());
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn a_refused_connection_was_never_sent() {
    let client = builder(&closed_port().await)
        .token(TOKEN_ID, TOKEN_SECRET)
        .build()
        .unwrap();
    let err = client.send(&GetNodesLxc::new("pve1")).await.unwrap_err();
    assert!(matches!(err, Error::Connect(_)), "{err:?}");
    assert!(!err.may_have_been_processed());
    assert!(err.is_retryable());
}

#[tokio::test]
async fn a_server_that_never_answers_times_out_after_sending() {
    let server = RawServer::start(vec![Reply::Hang]).await;
    let client = builder(&server.base)
        .token(TOKEN_ID, TOKEN_SECRET)
        .timeout(Duration::from_millis(200))
        .retry(proxmox_sdk::client::RetryPolicy::disabled())
        .build()
        .unwrap();
    let err = client.send(&GetNodesLxc::new("pve1")).await.unwrap_err();
    assert!(matches!(err, Error::Timeout { sent: true, .. }), "{err:?}");
    assert!(err.may_have_been_processed());
}

#[tokio::test]
async fn a_decode_error_names_the_endpoint_and_the_field_path() {
    let list = serde_json::json!([
        {"vmid": 100, "status": "running", "maxmem": 1024},
        {"vmid": "101", "status": "stopped", "maxmem": "2048"},
        {"vmid": 102, "status": "running"},
        {"vmid": 103, "status": "running", "maxmem": "lots"},
    ]);
    let err = get_with(200, &data(list)).await;
    match &err {
        Error::Decode { endpoint, path, .. } => {
            assert_eq!(endpoint, "GET /nodes/{node}/lxc");
            assert_eq!(path, "data[3].maxmem");
        }
        other => panic!("{other:?}"),
    }
    assert!(err.may_have_been_processed());
    let report = Report(&err).to_string();
    assert!(
        report.starts_with(
            "cannot decode the response of GET /nodes/{node}/lxc at `data[3].maxmem`: "
        ),
        "{report}"
    );
}

/// A hand-written endpoint whose parameter is refused while rendering.
struct Refused;

static REFUSED_INFO: EndpointInfo = EndpointInfo {
    method: HttpMethod::Post,
    path: "/nodes/{node}/refused",
    handler: "test",
    permission: &proxmox_sdk::Permission::World,
    protected: false,
    allow_token: true,
    proxy_to: None,
    task: proxmox_sdk::TaskReturn::None,
};

impl Endpoint for Refused {
    type Response = ();
    const INFO: &'static EndpointInfo = &REFUSED_INFO;
    fn write_path(&self, out: &mut PathWriter) {
        out.literal("/nodes/pve1/refused");
    }
    fn write_params(&self, out: &mut ParamWriter) {
        out.reject(ParamError::IndexOutOfRange {
            family: "net".into(),
            index: 32,
            max: 31,
        });
    }
}

#[tokio::test]
async fn a_refused_parameter_stops_the_call_before_sending() {
    let server = MockServer::start_async().await;
    let catch_all = CatchAll::install(&server).await;
    let err = token_client(&server).send(&Refused).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidParameter(ParamError::IndexOutOfRange { index: 32, .. })
        ),
        "{err:?}"
    );
    assert!(!err.may_have_been_processed());
    assert_eq!(catch_all.count(), 0, "nothing may reach the server");
}
