//! The SDK against fakepve: the read calls of the original agent decode into typed values, a
//! config read-modify-write round trip changes only what was changed, a 403 names the missing
//! privilege, and TLS trust is enforced against a real server.

use proxmox_sdk::api::cluster::GetClusterResources;
use proxmox_sdk::api::nodes::{
    GetNodes, GetNodesLxc, GetNodesLxcConfig, GetNodesLxcStatusCurrent, GetNodesQemuConfig,
    GetNodesStatus, GetNodesStorage, GetNodesStorageContent,
};
use proxmox_sdk::api::storage::GetStorage;
use proxmox_sdk::api::types::{LxcStatus, QemuNetModel};
use proxmox_sdk::api::version::GetVersion;
use proxmox_sdk::tls::{Fingerprint, TlsTrust};
use proxmox_sdk::{Client, Privilege};
use sdk_tests::fakepve::FakePve;
use sdk_tests::fakepve_or_skip;

pub(super) fn agent_client(pve: &FakePve) -> Client {
    let pin: Fingerprint = pve.fingerprint.parse().expect("scenario fingerprint");
    Client::builder(&pve.url)
        .expect("url")
        .token(&pve.token_id, pve.token_secret.expose())
        .trust(TlsTrust::Fingerprints(vec![pin]))
        .build()
        .expect("client")
}

#[tokio::test]
async fn the_agents_read_calls_decode_typed() {
    let pve = fakepve_or_skip!("basic");
    let client = agent_client(&pve);
    let node = pve.node.clone();

    let version = client.send(&GetVersion::new()).await.expect("version");
    assert!(!version.version.is_empty());

    let nodes = client.send(&GetNodes::new()).await.expect("nodes");
    assert!(nodes.iter().any(|n| n.node == node), "{nodes:?}");

    let status = client
        .send(&GetNodesStatus::new(&node))
        .await
        .expect("node status");
    assert_eq!(status.boot_info.secureboot, Some(false));

    let guests = client
        .send(&GetNodesLxc::new(&node))
        .await
        .expect("lxc list");
    let web = guests
        .iter()
        .find(|g| g.vmid == 200)
        .expect("CT 200 listed");
    assert_eq!(web.status, LxcStatus::Running);
    assert!(
        web.pressurecpusome.is_some(),
        "pressure values arrive as strings and still decode"
    );

    let current = client
        .send(&GetNodesLxcStatusCurrent::new(&node, 200))
        .await
        .expect("status");
    assert_eq!(current.vmid, 200);

    let config = client
        .send(&GetNodesLxcConfig::new(&node, 200))
        .await
        .expect("config");
    let net0 = config.net.get(0).expect("net0");
    assert_eq!(
        (net0.name.as_str(), net0.bridge.as_deref()),
        ("eth0", Some("vmbr0"))
    );
    let features = config.features.as_ref().expect("features");
    assert_eq!(
        (features.keyctl, features.nesting),
        (Some(true), Some(true))
    );
    assert_eq!(config.mp.get(0).expect("mp0").mp, "/srv/data");
    assert_eq!(
        config.rootfs.as_ref().expect("rootfs").size.as_deref(),
        Some("8G")
    );
    assert_eq!(config.unprivileged, Some(true));

    let vm = client
        .send(&GetNodesQemuConfig::new(&node, 100))
        .await
        .expect("qemu config");
    let vm_net0 = vm.net.get(0).expect("net0");
    assert_eq!(vm_net0.model, QemuNetModel::Virtio);
    assert_eq!(vm_net0.macaddr.as_deref(), Some("BC:24:11:2A:00:64"));
    assert_eq!(vm_net0.to_string(), "virtio=BC:24:11:2A:00:64,bridge=vmbr0");

    assert!(
        !client
            .send(&GetStorage::new())
            .await
            .expect("storage")
            .is_empty()
    );
    let on_node = client
        .send(&GetNodesStorage::new(&node))
        .await
        .expect("node storage");
    assert!(on_node.iter().any(|s| s.storage == "local"), "{on_node:?}");
    let content = client
        .send(&GetNodesStorageContent::new(&node, "local"))
        .await
        .expect("content");
    assert!(
        content.iter().any(|c| c.volid.contains("vzdump-lxc-200")),
        "{content:?}"
    );

    let resources = client
        .send(&GetClusterResources::new())
        .await
        .expect("resources");
    assert!(resources.iter().any(|r| r.vmid == Some(200)));
}

#[tokio::test]
async fn a_config_changed_and_written_back_keeps_everything_else() {
    let pve = fakepve_or_skip!("basic");
    let client = agent_client(&pve);
    let node = pve.node.clone();
    let before = client
        .send(&GetNodesLxcConfig::new(&node, 200))
        .await
        .expect("config");

    let mut wanted = before.clone();
    wanted.memory = Some(2048);
    wanted.net.get_mut(0).expect("net0").firewall = Some(true);
    let update = proxmox_sdk::wire::changes(&before.to_put(&node, 200), wanted.to_put(&node, 200));
    client.send(&update).await.expect("update");

    let after = client
        .send(&GetNodesLxcConfig::new(&node, 200))
        .await
        .expect("config again");
    assert_eq!(after.memory, Some(2048));
    assert_eq!(after.net.get(0).expect("net0").firewall, Some(true));
    assert_eq!(after.mp, before.mp);
    assert_eq!(after.rootfs, before.rootfs);
    assert_eq!(after.features, before.features);
    assert_ne!(
        after.digest, before.digest,
        "the config changed, so did its digest"
    );

    // The digest of the first read is stale now: PVE refuses the write instead of losing data.
    let stale = proxmox_sdk::wire::changes(&before.to_put(&node, 200), wanted.to_put(&node, 200));
    let err = client.send(&stale).await.expect_err("stale digest refused");
    assert_eq!(err.status(), Some(500), "{err}");
}

#[tokio::test]
async fn a_403_names_the_missing_privilege() {
    let pve = fakepve_or_skip!("basic");
    let audit = pve.token(&pve.audit_token_id).expect("audit token");
    let client = Client::builder(&pve.url)
        .expect("url")
        .token(&audit.id, audit.secret.expose())
        .trust(TlsTrust::CaPem(
            std::fs::read(&pve.ca_pem_path).expect("PEM"),
        ))
        .build()
        .expect("client");
    let err = client
        .send(&GetNodesStatus::new(&pve.node))
        .await
        .expect_err("403");
    assert_eq!(err.status(), Some(403), "{err}");
    assert_eq!(err.missing_privileges(), vec![Privilege::SysAudit], "{err}");
}

#[tokio::test]
async fn a_server_that_fails_the_pin_gets_no_request() {
    let pve = fakepve_or_skip!("basic");
    let wrong: Fingerprint = "00".repeat(32).parse().expect("fingerprint");
    let client = Client::builder(&pve.url)
        .expect("url")
        .token(&pve.token_id, pve.token_secret.expose())
        .trust(TlsTrust::Fingerprints(vec![wrong]))
        .build()
        .expect("client");
    let err = client
        .send(&GetVersion::new())
        .await
        .expect_err("pin mismatch");
    let text = err.to_string();
    assert!(
        text.contains(&pve.fingerprint),
        "the error shows the presented fingerprint: {text}"
    );
    assert!(!err.may_have_been_processed(), "{err}");
}
