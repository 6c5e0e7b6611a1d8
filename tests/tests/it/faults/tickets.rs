//! A ticket that stops being accepted mid-run (fakepve's `revoke_tickets`, as after an expiry
//! the client's clock did not see), and renewal refused (fakepve answers every renewal with
//! 401, see its known gaps): the write reaches a handler exactly once.

use std::time::Duration;

use proxmox_sdk::api::nodes::{GetNodesLxcSnapshot, PostNodesLxcSnapshot, PutNodesLxcConfig};
use proxmox_sdk::client::{ClientBuilder, RetryPolicy};
use proxmox_sdk::tls::TlsTrust;
use proxmox_sdk::{Client, Error};
use sdk_tests::fakepve::FakePve;
use sdk_tests::fakepve_or_skip;

const SNAPSHOT: &str = "/nodes/pve1/lxc/200/snapshot";
const TICKET: &str = "/access/ticket";

fn ticket_builder(pve: &FakePve) -> ClientBuilder {
    Client::builder(&pve.url)
        .expect("URL")
        .ticket_login(&pve.user, pve.password.expose())
        .trust(TlsTrust::CaFile(pve.ca_pem_path.clone()))
        .retry(RetryPolicy::disabled())
}

async fn snapshots_named(client: &Client, name: &str) -> usize {
    let list = client
        .send(&GetNodesLxcSnapshot::new("pve1", 200))
        .await
        .expect("snapshot list");
    list.iter().filter(|s| s.name == name).count()
}

#[tokio::test]
async fn a_refused_ticket_is_replaced_and_the_write_runs_once() {
    let mut pve = fakepve_or_skip!("basic", &["--time-scale", "0"]);
    let client = ticket_builder(&pve)
        .keep_password_for_relogin(true)
        .build()
        .unwrap();
    client.login().await.expect("login");
    pve.control(serde_json::json!({"op": "revoke_tickets"}))
        .await
        .expect("revoke");

    let upid = client
        .send(&PostNodesLxcSnapshot::new("pve1", 200, "after_expiry"))
        .await
        .expect("the write succeeds after a new login");
    assert_eq!(upid.worker_type(), "vzsnapshot");
    // Two arrivals: the first refused with 401 before any handler ran, the second handled.
    assert_eq!(pve.count("POST", SNAPSHOT).await.unwrap(), 2);
    assert_eq!(
        pve.count("POST", TICKET).await.unwrap(),
        2,
        "login, login again"
    );
    assert_eq!(snapshots_named(&client, "after_expiry").await, 1);
    pve.stop().await.expect("stop");
}

#[tokio::test]
async fn without_a_kept_password_a_refused_ticket_ends_in_login_required() {
    let mut pve = fakepve_or_skip!("basic", &["--time-scale", "0"]);
    let client = ticket_builder(&pve).build().unwrap();
    client.login().await.expect("login");
    pve.control(serde_json::json!({"op": "revoke_tickets"}))
        .await
        .expect("revoke");
    let mut put = PutNodesLxcConfig::new("pve1", 201);
    put.cores = Some(3);
    let err = client.send(&put).await.unwrap_err();
    assert!(matches!(err, Error::Unauthorized(_)), "{err:?}");
    assert!(!err.may_have_been_processed());
    assert_eq!(
        pve.count("PUT", "/nodes/pve1/lxc/201/config")
            .await
            .unwrap(),
        1
    );
    // The refused ticket is forgotten: the next call says what is missing.
    let err = client.send(&put).await.unwrap_err();
    assert!(matches!(err, Error::LoginRequired), "{err:?}");
    assert_eq!(
        pve.count("PUT", "/nodes/pve1/lxc/201/config")
            .await
            .unwrap(),
        1
    );
    pve.stop().await.expect("stop");
}

#[tokio::test]
async fn a_refused_renewal_falls_back_to_a_password_login_without_a_duplicate_write() {
    let mut pve = fakepve_or_skip!("basic", &["--time-scale", "0"]);
    // Renew before every call: fakepve refuses renewals (401), so each call logs in again.
    let client = ticket_builder(&pve)
        .keep_password_for_relogin(true)
        .renew_ticket_after(Duration::ZERO)
        .build()
        .unwrap();
    client.login().await.expect("login");
    client
        .send(&PostNodesLxcSnapshot::new("pve1", 200, "after_renewal"))
        .await
        .expect("write");
    assert_eq!(pve.count("POST", SNAPSHOT).await.unwrap(), 1);
    // Login; then for the write a renewal (refused) and a password login.
    assert_eq!(pve.count("POST", TICKET).await.unwrap(), 3);
    assert_eq!(snapshots_named(&client, "after_renewal").await, 1);
    pve.stop().await.expect("stop");
}
