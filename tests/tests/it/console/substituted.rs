//! A substituted transport that can upgrade gets the same client around it: the ticket
//! cookie added (marked sensitive), and a refusal of the upgrade classified like any answer.

use std::sync::Mutex;

use proxmox_sdk::console::{ConsoleError, ConsoleTarget};
use proxmox_sdk::testing::respond;
use proxmox_sdk::transport::{
    BoxFuture, HttpRequest, HttpResponse, Transport, TransportError, UpgradeResponse,
};
use proxmox_sdk::{Client, Error, Privilege};
use serde_json::json;

/// The login, or the ticket call.
fn plain_answer(request: &HttpRequest) -> HttpResponse {
    if request.url.ends_with("/access/ticket") {
        respond::ticket("root@pam")
    } else {
        respond::data(json!({"port": 5900, "ticket": "PVEVNC:SECRET", "user": "root@pam"}))
    }
}

/// Answers the login and the ticket call; refuses the websocket with PVE's 403.
#[derive(Debug, Default)]
struct Refusing {
    upgrades: Mutex<Vec<HttpRequest>>,
}

impl Transport for Refusing {
    fn execute(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        let response = plain_answer(&request);
        Box::pin(async move { Ok(response) })
    }

    fn upgrade(
        &self,
        request: HttpRequest,
    ) -> BoxFuture<'_, Result<UpgradeResponse, TransportError>> {
        self.upgrades.lock().unwrap().push(request);
        let response = respond::error(403, "Permission check failed (/nodes/pve1, Sys.Console)");
        Box::pin(async move {
            Ok(UpgradeResponse {
                response,
                connection: None,
            })
        })
    }
}

#[tokio::test]
async fn the_upgrade_carries_the_sensitive_cookie_and_a_403_names_the_privilege() {
    let transport = std::sync::Arc::new(Refusing::default());
    let client = Client::builder("https://pve1:8006")
        .expect("url")
        .ticket_login("root@pam", "pw")
        .transport(ArcTransport(transport.clone()))
        .build()
        .expect("client");
    let err = client
        .console(ConsoleTarget::node_shell("pve1"))
        .await
        .unwrap_err();
    let ConsoleError::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert!(matches!(api, Error::Forbidden(_)), "{api:?}");
    assert_eq!(api.missing_privileges(), [Privilege::SysConsole]);

    let upgrades = transport.upgrades.lock().unwrap();
    let sent = &upgrades[0];
    let cookie = sent.headers.get("cookie").expect("ticket cookie");
    assert!(cookie.is_sensitive());
    assert!(
        sent.url
            .ends_with("/nodes/pve1/vncwebsocket?port=5900&vncticket=PVEVNC%3ASECRET")
    );
    let printed = format!("{sent:?}");
    assert!(!printed.contains("dGVzdC1zaWduYXR1cmU"), "{printed}");
    assert!(!printed.contains("SECRET"), "{printed}");
}

/// Shares the test's transport with the client.
#[derive(Debug)]
struct ArcTransport(std::sync::Arc<Refusing>);

impl Transport for ArcTransport {
    fn execute(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        self.0.execute(request)
    }

    fn upgrade(
        &self,
        request: HttpRequest,
    ) -> BoxFuture<'_, Result<UpgradeResponse, TransportError>> {
        self.0.upgrade(request)
    }
}

/// Only `execute`: the trait's default `upgrade`.
#[derive(Debug)]
struct PlainOnly;

impl Transport for PlainOnly {
    fn execute(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        let response = plain_answer(&request);
        Box::pin(async move { Ok(response) })
    }
}

#[tokio::test]
async fn a_transport_that_cannot_upgrade_says_so() {
    let client = Client::builder("https://pve1:8006")
        .expect("url")
        .ticket_login("root@pam", "pw")
        .transport(PlainOnly)
        .build()
        .expect("client");
    let err = client
        .console(ConsoleTarget::lxc("pve1", 200))
        .await
        .unwrap_err();
    let ConsoleError::Api(Error::Connect(source)) = &err else {
        panic!("{err:?}")
    };
    assert!(
        source.is::<proxmox_sdk::transport::UpgradeUnsupported>(),
        "{source:?}"
    );
}

#[tokio::test]
async fn a_capturing_transport_records_the_upgrade_with_its_credentials_blanked() {
    let capture = proxmox_sdk::testing::CapturingTransport::wrapping(Refusing::default());
    let client = Client::builder("https://pve1:8006")
        .expect("url")
        .ticket_login("root@pam", "pw")
        .transport(capture.clone())
        .build()
        .expect("client");
    let err = client
        .console(ConsoleTarget::qemu_vnc("pve1", 100))
        .await
        .unwrap_err();
    assert!(
        matches!(err, ConsoleError::Api(Error::Forbidden(_))),
        "{err:?}"
    );
    let sent = capture.requests();
    let calls: Vec<String> = sent.iter().map(|r| r.call()).collect();
    assert_eq!(
        calls,
        [
            "POST /access/ticket",
            "POST /nodes/pve1/qemu/100/vncproxy",
            "GET /nodes/pve1/qemu/100/vncwebsocket",
        ]
    );
    assert_eq!(sent[1].param("websocket").as_deref(), Some("1"));
    assert_eq!(sent[2].header("cookie"), Some("***"));
    assert!(
        sent[2]
            .url
            .ends_with("vncwebsocket?port=5900&vncticket=***"),
        "{}",
        sent[2].url
    );
    assert_eq!(sent[2].header("sec-websocket-protocol"), Some("binary"));
}
