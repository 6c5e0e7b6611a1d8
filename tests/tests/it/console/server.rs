//! A local HTTPS server speaking just enough of PVE for a console: the ticket login, the
//! `termproxy` call, and the `vncwebsocket` upgrade, recording what arrived.

use std::sync::{Arc, Mutex};

use futures_util::{SinkExt as _, StreamExt as _};
use proxmox_sdk::tls::Fingerprint;
use tokio::io::{AsyncBufReadExt as _, AsyncReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::Role;

/// The console ticket the server hands out: characters a query string must escape.
pub(super) const VNC_TICKET: &str = "PVEVNC:6A1B::x+y/z=";

/// One request head as received.
#[derive(Debug, Clone)]
pub(super) struct Head {
    pub(super) request_line: String,
    /// Header names lower-cased, in order.
    pub(super) headers: Vec<(String, String)>,
}

impl Head {
    pub(super) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What the server saw.
#[derive(Debug, Default)]
pub(super) struct Seen {
    pub(super) heads: Vec<Head>,
    /// Every websocket message from the client, in order.
    pub(super) frames: Vec<Message>,
}

/// How the websocket answers.
#[derive(Debug, Clone, Copy)]
pub(super) enum Answer {
    /// A correct handshake, `OK`, then one output frame and an echo of every data frame.
    Terminal,
    /// A `101` whose `Sec-WebSocket-Accept` is wrong.
    WrongAccept,
}

pub(super) struct Server {
    pub(super) url: String,
    pub(super) fingerprint: Fingerprint,
    pub(super) seen: Arc<Mutex<Seen>>,
}

pub(super) async fn start(answer: Answer) -> Server {
    let (config, fingerprint) = sdk_tests::tls::self_signed_server();
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!(
        "https://127.0.0.1:{}",
        listener.local_addr().expect("addr").port()
    );
    let seen = Arc::new(Mutex::new(Seen::default()));
    let acceptor = TlsAcceptor::from(config);
    let record = Arc::clone(&seen);
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            let record = Arc::clone(&record);
            tokio::spawn(async move {
                if let Ok(tls) = acceptor.accept(tcp).await {
                    serve(tls, answer, record).await;
                }
            });
        }
    });
    Server {
        url,
        fingerprint,
        seen,
    }
}

async fn serve<S>(io: S, answer: Answer, seen: Arc<Mutex<Seen>>)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let mut io = BufReader::new(io);
    loop {
        let Some((head, body_len)) = read_head(&mut io).await else {
            return;
        };
        let mut body = vec![0; body_len];
        if io.read_exact(&mut body).await.is_err() {
            return;
        }
        seen.lock().unwrap().heads.push(head.clone());
        let path = head.request_line.split(' ').nth(1).unwrap_or("").to_owned();
        if path.starts_with("/api2/json/access/ticket") {
            let data = r#"{"data":{"ticket":"PVE:root@pam:TICKET","CSRFPreventionToken":"CSRF","username":"root@pam"}}"#;
            respond(&mut io, data).await;
        } else if path.ends_with("/termproxy") {
            let data = format!(
                r#"{{"data":{{"port":"5901","ticket":"{VNC_TICKET}","user":"root@pam","upid":"UPID:pve1:00001234:00005678:6B0EFF0B:vncshell::root@pam:"}}}}"#
            );
            respond(&mut io, &data).await;
        } else if path.contains("/vncwebsocket?") {
            let key = head.header("sec-websocket-key").unwrap_or("").to_owned();
            let accept = match answer {
                Answer::Terminal => derive_accept_key(key.as_bytes()),
                Answer::WrongAccept => "bm90IHRoZSBhbnN3ZXI=".to_owned(),
            };
            let reply = format!(
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\nSec-WebSocket-Protocol: binary\r\n\r\n"
            );
            if io.write_all(reply.as_bytes()).await.is_err() {
                return;
            }
            let _ = io.flush().await;
            terminal(io, seen).await;
            return;
        } else {
            respond_status(&mut io, "404 Not Found", r#"{"data":null}"#).await;
        }
    }
}

/// The terminal side: waits for the greeting, answers `OK` and a prompt, echoes data frames.
async fn terminal<S>(io: S, seen: Arc<Mutex<Seen>>)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let mut ws = WebSocketStream::from_raw_socket(io, Role::Server, None).await;
    let mut greeted = false;
    while let Some(Ok(message)) = ws.next().await {
        if message.is_close() {
            seen.lock().unwrap().frames.push(message);
            break;
        }
        seen.lock().unwrap().frames.push(message.clone());
        let payload = message.into_data();
        if !greeted {
            greeted = true;
            // `OK` and the first output in one frame, as PVE's proxy may send them.
            let _ = ws.send(Message::binary(&b"OKwelcome\r\n"[..])).await;
            continue;
        }
        let data = payload
            .strip_prefix(b"0:")
            .and_then(|rest| Some(&rest[rest.iter().position(|b| *b == b':')? + 1..]));
        if let Some(data) = data {
            let _ = ws.send(Message::binary(data.to_vec())).await;
        }
    }
}

async fn read_head<R: tokio::io::AsyncBufRead + Unpin>(io: &mut R) -> Option<(Head, usize)> {
    let mut request_line = String::new();
    if io.read_line(&mut request_line).await.ok()? == 0 {
        return None;
    }
    let mut headers = Vec::new();
    let mut body_len = 0;
    loop {
        let mut line = String::new();
        io.read_line(&mut line).await.ok()?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':')?;
        let (name, value) = (name.trim().to_ascii_lowercase(), value.trim().to_owned());
        if name == "content-length" {
            body_len = value.parse().ok()?;
        }
        headers.push((name, value));
    }
    let head = Head {
        request_line: request_line.trim_end().to_owned(),
        headers,
    };
    Some((head, body_len))
}

async fn respond<W: tokio::io::AsyncWrite + Unpin>(io: &mut W, body: &str) {
    respond_status(io, "200 OK", body).await;
}

async fn respond_status<W: tokio::io::AsyncWrite + Unpin>(io: &mut W, status: &str, body: &str) {
    let reply = format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let _ = io.write_all(reply.as_bytes()).await;
    let _ = io.flush().await;
}
