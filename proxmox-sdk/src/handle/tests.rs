//! The handles against a scripted node: what reached the server, and how a located guest
//! follows a move.

use std::time::Duration;

use serde_json::json;

use crate::client::RetryPolicy;
use crate::task::ExitStatus;
use crate::testing::{Expect, ScriptedTask, ScriptedTransport, respond, upid};
use crate::{Client, Error};

use super::{GuestKind, Location};

fn resources(rows: serde_json::Value) -> Expect {
    Expect::get("/cluster/resources")
        .param("type", "vm")
        .respond(respond::data(rows))
}

fn ct_on(node: &str, vmid: u32) -> serde_json::Value {
    json!({"id": format!("lxc/{vmid}"), "type": "lxc", "vmid": vmid, "node": node, "status": "stopped"})
}

fn not_here(node: &str, vmid: u32) -> Expect {
    Expect::post(format!("/nodes/{node}/lxc/{vmid}/status/start")).respond(respond::error(
        500,
        &format!("Configuration file 'nodes/{node}/lxc/{vmid}.conf' does not exist"),
    ))
}

fn client_with_ttl(script: &ScriptedTransport, ttl: Duration) -> Client {
    Client::builder("https://pve1.test:8006")
        .and_then(|b| {
            b.token("sdk-test@pve!kit", "00000000-0000-4000-8000-000000000000")
                .retry(RetryPolicy::disabled())
                .location_ttl(ttl)
                .transport(script.clone())
                .build()
        })
        .expect("client")
}

fn count(script: &ScriptedTransport, path: &str) -> usize {
    script.requests().iter().filter(|r| r.path == path).count()
}

#[tokio::test(start_paused = true)]
async fn a_node_bound_handle_sends_the_generated_request_to_its_node_and_waits() {
    let task = upid("pve2", "qmstart", "101");
    let script = ScriptedTransport::new()
        .expect(Expect::post("/nodes/pve2/qemu/101/status/start").respond(respond::upid(&task)))
        .task(ScriptedTask::new(task).running(2));
    let outcome = script
        .client()
        .node("pve2")
        .qemu(101)
        .start()
        .await
        .unwrap();
    assert_eq!(outcome.exit_status, ExitStatus::Ok);
    assert_eq!(outcome.upid.node(), "pve2");
    script.finish();
}

#[tokio::test(start_paused = true)]
async fn optional_parameters_are_the_endpoints_own_setters() {
    let task = upid("pve1", "vzclone", "200");
    let script = ScriptedTransport::new()
        .expect(
            Expect::post("/nodes/pve1/lxc/200/clone")
                .body("full=1&hostname=web-copy&newid=201&target=pve2")
                .respond(respond::upid(&task)),
        )
        .task(ScriptedTask::new(task));
    let call = script
        .client()
        .node("pve1")
        .lxc(200)
        .clone_to(201)
        .with(|clone| clone.hostname("web-copy").full(true).target("pve2"));
    call.await.unwrap();
    script.finish();
}

#[tokio::test]
async fn update_sends_only_the_changed_keys_with_the_digest_of_the_read() {
    let config = json!({"digest": "9e1f", "hostname": "web", "memory": 512, "net0": "name=eth0,bridge=vmbr0"});
    let script = ScriptedTransport::new()
        .expect(Expect::get("/nodes/pve1/lxc/200/config").respond(respond::data(&config)))
        .expect(
            Expect::put("/nodes/pve1/lxc/200/config")
                .body("digest=9e1f&memory=1024&net0=name%3Deth0%2Cbridge%3Dvmbr1"),
        )
        .expect(Expect::get("/nodes/pve1/lxc/200/config").respond(respond::data(&config)));
    let ct = script.client().node("pve1").lxc(200);
    let changed = ct
        .update(|config| {
            config.memory = Some(1024);
            if let Some(net0) = config.net.get_mut(0) {
                net0.bridge = Some("vmbr1".into());
            }
        })
        .await
        .unwrap();
    assert!(changed);
    assert!(
        !ct.update(|config| config.memory = Some(512)).await.unwrap(),
        "nothing changed, nothing sent"
    );
    script.finish();
}

#[tokio::test(start_paused = true)]
async fn a_located_guest_follows_a_move_with_one_more_lookup() {
    let task = upid("pve2", "vzstart", "200");
    let script = ScriptedTransport::new()
        .expect(resources(json!([ct_on("pve1", 200), ct_on("pve1", 201)])))
        .expect(not_here("pve1", 200))
        .expect(resources(json!([ct_on("pve2", 200), ct_on("pve1", 201)])))
        .expect(Expect::post("/nodes/pve2/lxc/200/status/start").respond(respond::upid(&task)))
        .task(ScriptedTask::new(task));
    let client = script.client();
    let guest = client.locate(200).await.unwrap();
    guest.start().await.unwrap();
    assert_eq!(
        guest.location().await.unwrap(),
        Location {
            kind: GuestKind::Lxc,
            node: "pve2".into()
        },
        "the fresh reading is kept"
    );
    assert_eq!(count(&script, "/cluster/resources"), 2);
    script.finish();
}

#[tokio::test(start_paused = true)]
async fn other_failures_are_not_resent_and_the_table_is_kept() {
    let script = ScriptedTransport::new()
        .expect(resources(json!([ct_on("pve1", 200)])))
        .expect(
            Expect::post("/nodes/pve1/lxc/200/status/start")
                .respond(respond::error(500, "CT is locked (backup)")),
        );
    let guest = script.client().locate(200).await.unwrap();
    let err = guest.start().await.unwrap_err();
    assert_eq!(err.status(), Some(500), "{err}");
    assert_eq!(count(&script, "/cluster/resources"), 1);
    script.finish();
}

#[tokio::test(start_paused = true)]
async fn a_not_found_about_something_else_is_answered_after_one_look_and_not_resent() {
    let script = ScriptedTransport::new()
        .expect(resources(json!([ct_on("pve1", 200)])))
        .expect(
            Expect::post("/nodes/pve1/lxc/200/snapshot/gone/rollback")
                .respond(respond::error(500, "snapshot 'gone' does not exist")),
        )
        .expect(resources(json!([ct_on("pve1", 200)])));
    let guest = script.client().locate(200).await.unwrap();
    let err = guest.rollback("gone").await.unwrap_err();
    assert_eq!(
        err.failure_kind(),
        Some(crate::error::FailureKind::NotFound),
        "{err}"
    );
    assert_eq!(
        count(&script, "/nodes/pve1/lxc/200/snapshot/gone/rollback"),
        1
    );
    script.finish();
}

#[tokio::test(start_paused = true)]
async fn one_reading_serves_every_lookup_until_it_is_too_old() {
    let script = ScriptedTransport::new()
        .expect(resources(json!([ct_on("pve1", 200), {"id": "qemu/100", "type": "qemu", "vmid": 100, "node": "pve2"}])))
        .expect(resources(json!([ct_on("pve1", 200)])));
    let client = client_with_ttl(&script, Duration::from_secs(3));
    let vm = client.locate(100).await.unwrap();
    assert_eq!(
        vm.location().await.unwrap(),
        Location {
            kind: GuestKind::Qemu,
            node: "pve2".into()
        }
    );
    client.locate(200).await.unwrap();
    assert_eq!(count(&script, "/cluster/resources"), 1);

    tokio::time::advance(Duration::from_secs(4)).await;
    let err = client.locate(100).await.unwrap_err();
    assert!(matches!(err, Error::NoSuchGuest { vmid: 100 }), "{err:?}");
    assert!(!err.may_have_been_processed());
    assert_eq!(err.to_string(), "no guest 100 in the cluster");
    script.finish();
}
