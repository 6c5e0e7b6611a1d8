//! Consoles against fakepve: its QEMU `termproxy` + `vncwebsocket` terminal (it checks the
//! greeting and echoes data frames) and its VNC server behind `vncproxy`.

use proxmox_sdk::Client;
use proxmox_sdk::console::{ConsoleError, ConsoleTarget};
use proxmox_sdk::tls::{Fingerprint, TlsTrust};
use sdk_tests::fakepve::FakePve;
use sdk_tests::fakepve_or_skip;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

/// `root@pam` by ticket login (consoles need one), the certificate pinned.
pub(crate) fn root_client(pve: &FakePve) -> Client {
    let pin: Fingerprint = pve.fingerprint.parse().expect("scenario fingerprint");
    Client::builder(&pve.url)
        .expect("url")
        .ticket_login(&pve.user, pve.password.expose())
        .trust(TlsTrust::Fingerprints(vec![pin]))
        .build()
        .expect("client")
}

#[tokio::test]
async fn a_qemu_serial_console_greets_with_the_ticket_and_echoes_what_is_typed() {
    let pve = fakepve_or_skip!("basic");
    let client = root_client(&pve);
    let mut console = client
        .console(ConsoleTarget::qemu_serial(&pve.node, 100))
        .await
        .expect("console opens");
    let banner = b"starting serial terminal on interface serial0\r\n";
    let mut got = vec![0u8; banner.len()];
    console.read_exact(&mut got).await.expect("banner");
    assert_eq!(got, banner);
    console.write_all(b"echo hi\n").await.expect("write");
    console.flush().await.expect("flush");
    let mut echo = [0u8; 8];
    console.read_exact(&mut echo).await.expect("echo");
    assert_eq!(&echo, b"echo hi\n");
    console.shutdown().await.expect("close");
}

#[tokio::test]
async fn a_qemu_vnc_console_carries_raw_rfb() {
    let pve = fakepve_or_skip!("basic");
    let client = root_client(&pve);
    let mut console = client
        .console(ConsoleTarget::qemu_vnc(&pve.node, 100))
        .await
        .expect("console opens");
    assert!(console.vnc_password().is_some());
    let mut version = [0u8; 12];
    console.read_exact(&mut version).await.expect("RFB version");
    assert_eq!(&version, b"RFB 003.008\n");
}

#[tokio::test]
async fn the_agent_token_cannot_open_a_console() {
    let pve = fakepve_or_skip!("basic");
    let pin: Fingerprint = pve.fingerprint.parse().expect("scenario fingerprint");
    let client = Client::builder(&pve.url)
        .expect("url")
        .token(&pve.token_id, pve.token_secret.expose())
        .trust(TlsTrust::Fingerprints(vec![pin]))
        .build()
        .expect("client");
    let err = client
        .console(ConsoleTarget::qemu_serial(&pve.node, 100))
        .await
        .unwrap_err();
    assert!(matches!(err, ConsoleError::TokenNotAccepted), "{err:?}");
}
