//! The console flow on the wire, against the local server of `server.rs`.

use std::time::Duration;

use proxmox_sdk::console::{ConsoleError, ConsoleTarget};
use proxmox_sdk::testing::CapturingTransport;
use proxmox_sdk::tls::{Fingerprint, TlsTrust};
use proxmox_sdk::{Client, Error};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio_tungstenite::tungstenite::Message;

use super::server::{self, Answer, VNC_TICKET};

fn ticket_client(url: &str, pin: Fingerprint) -> Client {
    Client::builder(url)
        .expect("url")
        .ticket_login("root@pam", "correct horse")
        .trust(TlsTrust::Fingerprints(vec![pin]))
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client")
}

/// Reads until `want` arrived (or the stream ends).
async fn read_until(console: &mut proxmox_sdk::console::Console, want: &[u8]) -> Vec<u8> {
    let mut got = Vec::new();
    let mut buf = [0u8; 256];
    while !got.ends_with(want) {
        let n = console.read(&mut buf).await.expect("read");
        if n == 0 {
            break;
        }
        got.extend_from_slice(&buf[..n]);
    }
    got
}

#[tokio::test]
async fn a_node_shell_opens_with_pves_handshake_and_frames_over_the_pinned_connection() {
    let server = server::start(Answer::Terminal).await;
    let client = ticket_client(&server.url, server.fingerprint);
    let mut console = client
        .console(ConsoleTarget::node_shell("pve1"))
        .await
        .expect("console opens");
    // `OK` is the server's answer to the ticket, not terminal output.
    assert_eq!(read_until(&mut console, b"\r\n").await, b"welcome\r\n");
    console.resize(100, 30).await.expect("resize");
    console
        .write_all("uptime é\n".as_bytes())
        .await
        .expect("write");
    console.flush().await.expect("flush");
    assert_eq!(
        read_until(&mut console, b"\n").await,
        "uptime é\n".as_bytes()
    );
    console.shutdown().await.expect("close");
    drop(console);
    tokio::time::sleep(Duration::from_millis(50)).await;

    let seen = server.seen.lock().unwrap();
    let lines: Vec<&str> = seen.heads.iter().map(|h| h.request_line.as_str()).collect();
    assert_eq!(
        lines,
        [
            "POST /api2/json/access/ticket HTTP/1.1",
            "POST /api2/json/nodes/pve1/termproxy HTTP/1.1",
            "GET /api2/json/nodes/pve1/vncwebsocket?port=5901&vncticket=PVEVNC%3A6A1B%3A%3Ax%2By%2Fz%3D HTTP/1.1",
        ]
    );
    let upgrade = &seen.heads[2];
    assert_eq!(upgrade.header("upgrade"), Some("websocket"));
    assert_eq!(upgrade.header("connection"), Some("Upgrade"));
    assert_eq!(upgrade.header("sec-websocket-version"), Some("13"));
    assert_eq!(upgrade.header("sec-websocket-protocol"), Some("binary"));
    assert_eq!(
        upgrade.header("cookie"),
        Some("PVEAuthCookie=PVE:root@pam:TICKET")
    );
    assert_eq!(upgrade.header("authorization"), None);
    assert_eq!(
        seen.frames[..3],
        [
            Message::text(format!("root@pam:{VNC_TICKET}\n")),
            Message::text("1:100:30:"),
            Message::text("0:10:uptime é\n"),
        ]
    );
    assert!(seen.frames[3].is_close(), "{:?}", seen.frames);
}

#[tokio::test]
async fn a_wrong_pin_refuses_the_console_before_any_request() {
    let server = server::start(Answer::Terminal).await;
    let other = Fingerprint::from_der(b"not the server's certificate");
    let err = ticket_client(&server.url, other)
        .console(ConsoleTarget::lxc("pve1", 200))
        .await
        .unwrap_err();
    assert!(
        matches!(
            &err,
            ConsoleError::Api(Error::Tls {
                mismatch: Some(_),
                ..
            })
        ),
        "{err:?}"
    );
    assert!(server.seen.lock().unwrap().heads.is_empty());
}

#[tokio::test]
async fn a_101_with_the_wrong_accept_key_is_a_handshake_error() {
    let server = server::start(Answer::WrongAccept).await;
    let err = ticket_client(&server.url, server.fingerprint)
        .console(ConsoleTarget::qemu_serial("pve1", 100))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ConsoleError::Handshake(m) if m.contains("Sec-WebSocket-Accept")),
        "{err:?}"
    );
}

#[tokio::test]
async fn an_api_token_client_is_refused_before_anything_is_sent() {
    let transport = CapturingTransport::new();
    let err = transport
        .client()
        .console(ConsoleTarget::node_shell("pve1"))
        .await
        .unwrap_err();
    assert!(matches!(err, ConsoleError::TokenNotAccepted), "{err:?}");
    assert!(transport.requests().is_empty());
}

#[tokio::test]
async fn container_and_serial_consoles_use_their_own_ticket_and_websocket_paths() {
    use proxmox_sdk::api::types::QemuTermproxySerial;

    let targets = [
        (ConsoleTarget::lxc("pve1", 200), "/nodes/pve1/lxc/200"),
        (
            ConsoleTarget::QemuSerial {
                node: "pve1".into(),
                vmid: 100,
                serial: Some(QemuTermproxySerial::Serial1),
            },
            "/nodes/pve1/qemu/100",
        ),
    ];
    for (target, base) in targets {
        let server = server::start(Answer::Terminal).await;
        let client = ticket_client(&server.url, server.fingerprint);
        let mut console = client.console(target).await.expect("console opens");
        assert_eq!(read_until(&mut console, b"\r\n").await, b"welcome\r\n");
        drop(console);
        let seen = server.seen.lock().unwrap();
        let lines: Vec<&str> = seen.heads.iter().map(|h| h.request_line.as_str()).collect();
        assert_eq!(
            lines[1],
            format!("POST /api2/json{base}/termproxy HTTP/1.1")
        );
        assert!(
            lines[2].starts_with(&format!(
                "GET /api2/json{base}/vncwebsocket?port=5901&vncticket="
            )),
            "{lines:?}"
        );
    }
}
