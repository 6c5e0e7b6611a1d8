//! Typed calls, envelope metadata and the raw escape hatch on the wire.
//!
//! A real server on purpose: the encoding of queries and form bodies is checked as the reqwest
//! transport puts it on the wire.

use httpmock::MockServer;
use proxmox_sdk::HttpMethod;
use proxmox_sdk::api::nodes::{GetNodesLxc, GetNodesTasksLog};

use super::support::*;

#[tokio::test]
async fn a_typed_call_decodes_lenient_values() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method("GET").path("/api2/json/nodes/pve1/lxc");
            then.status(200).body(data(serde_json::json!([
                {"vmid": "100", "status": "running", "maxmem": "536870912", "template": 0, "name": "web"},
            ])));
        })
        .await;
    let catch_all = CatchAll::install(&server).await;
    let guests = token_client(&server)
        .send(&GetNodesLxc::new("pve1"))
        .await
        .unwrap();
    catch_all.assert_none();
    assert_eq!(guests[0].vmid, 100);
    assert_eq!(guests[0].maxmem, Some(536_870_912));
    assert_eq!(guests[0].template, Some(false));
}

#[tokio::test]
async fn the_task_log_total_comes_back_with_the_data() {
    let server = MockServer::start_async().await;
    let path = format!("/api2/json/nodes/pve1/tasks/{}/log", enc(UPID));
    server
        .mock_async(|when, then| {
            when.method("GET")
                .path(path.as_str())
                .query_param("start", "2")
                .query_param("limit", "0");
            then.status(200)
                .body(r#"{"data":[{"n":3,"t":"TASK OK"}],"total":3}"#);
        })
        .await;
    let catch_all = CatchAll::install(&server).await;
    let (lines, meta) = token_client(&server)
        .send_with_meta(
            &GetNodesTasksLog::new(
                "pve1",
                UPID.parse::<proxmox_sdk::Upid>().expect("valid UPID"),
            )
            .start(2)
            .limit(0),
        )
        .await
        .unwrap();
    catch_all.assert_none();
    assert_eq!(lines[0].n, 3);
    assert_eq!(lines[0].t, "TASK OK");
    assert_eq!(meta.total, Some(3));
}

#[tokio::test]
async fn raw_calls_put_parameters_in_the_query_or_the_form_body() {
    let server = RawServer::start(vec![
        http("200 OK", r#"{"data":[{"id":"qemu/100","type":"qemu"}]}"#),
        http("200 OK", r#"{"data":null}"#),
    ])
    .await;
    let client = builder(&server.base)
        .token(TOKEN_ID, TOKEN_SECRET)
        .build()
        .unwrap();

    let value = client
        .raw(HttpMethod::Get, "/cluster/resources", &[("type", "vm")])
        .await
        .unwrap();
    assert_eq!(value[0]["id"], "qemu/100");
    let value = client
        .raw(
            HttpMethod::Put,
            "/nodes/pve1/lxc/100/config",
            &[("description", "a b&c"), ("delete", "net1,mp0")],
        )
        .await
        .unwrap();
    assert!(value.is_null());

    let requests = server.requests();
    assert!(
        requests[0].starts_with("GET /api2/json/cluster/resources?type=vm HTTP/1.1\r\n"),
        "{}",
        requests[0]
    );
    assert!(
        requests[1].starts_with("PUT /api2/json/nodes/pve1/lxc/100/config HTTP/1.1\r\n"),
        "{}",
        requests[1]
    );
    assert!(
        requests[1].ends_with("\r\n\r\ndescription=a%20b%26c&delete=net1%2Cmp0"),
        "{}",
        requests[1]
    );
}

#[tokio::test]
async fn a_raw_path_must_be_absolute() {
    let server = MockServer::start_async().await;
    let catch_all = CatchAll::install(&server).await;
    let err = token_client(&server)
        .raw(HttpMethod::Get, "cluster/resources", &[])
        .await
        .unwrap_err();
    assert!(matches!(err, proxmox_sdk::Error::Config { .. }), "{err:?}");
    assert_eq!(catch_all.count(), 0);
}
