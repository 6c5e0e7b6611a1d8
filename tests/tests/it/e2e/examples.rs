//! The SDK's examples and its handles against fakepve: the example files themselves are
//! compiled in here (each has its job in a function next to its `main`), so what runs is
//! exactly what a reader copies.

use std::time::Duration;

use proxmox_sdk::Client;
use proxmox_sdk::handle::{GuestKind, Location};
use proxmox_sdk::tls::TlsTrust;
use sdk_tests::fakepve::FakePve;
use sdk_tests::fakepve_or_skip;

// The examples' `main`s and their shared `common` are not called here, and each example
// brings its own copy of `common` (as it does when built on its own).
#[allow(dead_code, clippy::duplicate_mod)]
#[path = "../../../../proxmox-sdk/examples/change_bridge.rs"]
mod change_bridge;
#[allow(dead_code, clippy::duplicate_mod)]
#[path = "../../../../proxmox-sdk/examples/create_container.rs"]
mod create_container;
#[allow(dead_code, clippy::duplicate_mod)]
#[path = "../../../../proxmox-sdk/examples/list_cluster_guests.rs"]
mod list_cluster_guests;
#[allow(dead_code, clippy::duplicate_mod)]
#[path = "../../../../proxmox-sdk/examples/snapshot_rollback.rs"]
mod snapshot_rollback;

use super::sdk::agent_client;

fn root_client(pve: &FakePve) -> Client {
    Client::builder(&pve.url)
        .expect("url")
        .ticket_login(&pve.user, pve.password.expose())
        .trust(TlsTrust::Fingerprints(vec![
            pve.fingerprint.parse().expect("pin"),
        ]))
        .build()
        .expect("client")
}

#[tokio::test]
async fn the_examples_do_their_jobs() {
    let pve = fakepve_or_skip!("basic", &["--time-scale", "0"]);
    let client = agent_client(&pve);
    let node = pve.node.clone();

    let guests = list_cluster_guests::list_cluster_guests(&client)
        .await
        .expect("list");
    let remote = guests
        .iter()
        .find(|g| g.vmid == Some(102))
        .expect("VM 102 listed");
    assert_eq!(remote.node.as_deref(), Some("pve2"));

    let template = pve.extra["template_volid"]
        .as_str()
        .expect("template volid");
    create_container::create(&client, &node, 300, template)
        .await
        .expect("create");
    let ct = client.node(&node).lxc(300);
    let config = ct.config().await.expect("config");
    let net0 = config.net.get(0).expect("net0");
    assert_eq!(
        (
            net0.name.as_str(),
            net0.bridge.as_deref(),
            net0.ip.as_deref()
        ),
        ("eth0", Some("vmbr0"), Some("dhcp"))
    );
    assert_eq!(config.hostname.as_deref(), Some("web-2"));
    assert!(ct.status().await.expect("status").status.as_str() == "running");

    assert!(
        change_bridge::change_bridge(&client, &node, 300, "vmbr1")
            .await
            .expect("bridge")
    );
    assert!(
        !change_bridge::change_bridge(&client, &node, 300, "vmbr1")
            .await
            .expect("again")
    );
    let after = ct.config().await.expect("config");
    assert_eq!(
        after.net.get(0).and_then(|n| n.bridge.as_deref()),
        Some("vmbr1")
    );
    assert_eq!(
        after.net.get(0).and_then(|n| n.hwaddr.clone()),
        net0.hwaddr,
        "the rest of net0 kept"
    );

    let names = snapshot_rollback::snapshot_rollback(&client, &node, 200)
        .await
        .expect("snapshots");
    assert!(names.iter().any(|n| n == "before-upgrade"), "{names:?}");
    let left: Vec<String> = client
        .node(&node)
        .lxc(200)
        .snapshots()
        .await
        .expect("list")
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert!(
        !left.iter().any(|n| n == "before-upgrade"),
        "deleted again: {left:?}"
    );
}

#[tokio::test]
async fn a_located_guest_follows_a_migration_made_behind_its_back() {
    let mut pve = fakepve_or_skip!("basic", &["--time-scale", "0"]);
    // A table that never expires on its own: only the node's answer can make it look again.
    let client = Client::builder(&pve.url)
        .expect("url")
        .token(&pve.token_id, pve.token_secret.expose())
        .trust(TlsTrust::Fingerprints(vec![
            pve.fingerprint.parse().expect("pin"),
        ]))
        .location_ttl(Duration::from_secs(3600))
        .build()
        .expect("client");
    let guest = client.locate(201).await.expect("locate");
    assert_eq!(
        guest.location().await.expect("where"),
        Location {
            kind: GuestKind::Lxc,
            node: "pve1".into()
        }
    );

    root_client(&pve)
        .node("pve1")
        .lxc(201)
        .migrate("pve2")
        .await
        .expect("migrate");

    guest
        .snapshot("after-move")
        .await
        .expect("snapshot where it is now");
    assert_eq!(guest.location().await.expect("where").node, "pve2");
    assert_eq!(
        pve.count("GET", "/cluster/resources").await.expect("count"),
        2,
        "read once more, not per call"
    );
    assert_eq!(
        pve.count("POST", "/nodes/pve1/lxc/201/snapshot")
            .await
            .expect("count"),
        1
    );
    assert_eq!(
        pve.count("POST", "/nodes/pve2/lxc/201/snapshot")
            .await
            .expect("count"),
        1
    );

    guest.shutdown().await.ok();
    assert_eq!(
        pve.count("GET", "/cluster/resources").await.expect("count"),
        2,
        "a fresh table is trusted"
    );
}
