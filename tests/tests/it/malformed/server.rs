//! A raw HTTPS server for answers no well-behaved HTTP server sends: cut chunked bodies, a
//! connection closed before the headers, headers that never come, bytes that are not HTTP.
//!
//! The answer to a request is chosen by its `{node}` path segment, `row<N>`: one server serves
//! the whole table, and it counts the requests each row received.
//!
//! A real server on purpose: malformed HTTP is the point; no transport above HTTP can produce it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use proxmox_sdk::tls::Fingerprint;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

use crate::client::support::read_request;

/// What the server does once it has read a request.
#[derive(Clone, Debug)]
pub(super) enum Answer {
    /// Writes these bytes, then closes the TLS session cleanly.
    Bytes(Vec<u8>),
    /// Writes these bytes, then drops the TCP connection without a TLS close.
    BytesThenReset(Vec<u8>),
    /// Writes these bytes, then neither writes nor closes any more.
    BytesThenStall(Vec<u8>),
    /// Closes without writing anything.
    Close,
    /// Never answers (until the client gives up).
    Stall,
}

/// A complete HTTP/1.1 answer with a free-form status line and a content type.
pub(super) fn http(status_line: &str, content_type: &str, body: impl AsRef<[u8]>) -> Answer {
    let body = body.as_ref();
    let mut out = format!(
        "HTTP/1.1 {status_line}\r\nserver: pve-api-daemon/3.0\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    Answer::Bytes(out)
}

/// A JSON answer, as pveproxy sends them.
pub(super) fn json(status_line: &str, body: impl AsRef<[u8]>) -> Answer {
    http(status_line, "application/json;charset=UTF-8", body)
}

/// Raw bytes as the whole answer.
pub(super) fn raw(bytes: impl Into<Vec<u8>>) -> Answer {
    Answer::Bytes(bytes.into())
}

/// The server: its origin, the certificate pin, and per-row request counts.
pub(super) struct TableServer {
    pub origin: String,
    pub fingerprint: Fingerprint,
    counts: Arc<Mutex<HashMap<usize, usize>>>,
}

impl TableServer {
    /// Starts serving `answers`: row `N` is `answers[N]`.
    pub(super) async fn start(answers: Vec<Answer>) -> Self {
        let (config, fingerprint) = sdk_tests::tls::self_signed_server();
        let acceptor = TlsAcceptor::from(config);
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let origin = format!("https://{}", listener.local_addr().expect("addr"));
        let counts = Arc::new(Mutex::new(HashMap::new()));
        let seen = Arc::clone(&counts);
        let answers = Arc::new(answers);
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let (acceptor, answers, seen) =
                    (acceptor.clone(), Arc::clone(&answers), Arc::clone(&seen));
                tokio::spawn(async move {
                    let Ok(mut tls) = acceptor.accept(tcp).await else {
                        return;
                    };
                    let Some(head) = read_request(&mut tls).await else {
                        return;
                    };
                    let Some(row) = row_of(&head) else {
                        return;
                    };
                    *seen.lock().unwrap().entry(row).or_insert(0) += 1;
                    match answers.get(row).cloned().unwrap_or(Answer::Close) {
                        Answer::Bytes(bytes) => {
                            let _ = tls.write_all(&bytes).await;
                            let _ = tls.shutdown().await;
                        }
                        Answer::BytesThenReset(bytes) => {
                            let _ = tls.write_all(&bytes).await;
                            let _ = tls.flush().await;
                            drop(tls);
                        }
                        Answer::BytesThenStall(bytes) => {
                            let _ = tls.write_all(&bytes).await;
                            let _ = tls.flush().await;
                            tokio::time::sleep(Duration::from_secs(600)).await;
                        }
                        Answer::Close => {
                            let _ = tls.shutdown().await;
                        }
                        Answer::Stall => {
                            tokio::time::sleep(Duration::from_secs(600)).await;
                        }
                    }
                });
            }
        });
        Self {
            origin,
            fingerprint,
            counts,
        }
    }

    /// Requests row `row` received.
    pub(super) fn count(&self, row: usize) -> usize {
        self.counts.lock().unwrap().get(&row).copied().unwrap_or(0)
    }
}

/// `N` of the `/nodes/rowN/` segment of the request line.
fn row_of(head: &str) -> Option<usize> {
    let line = head.lines().next()?;
    let rest = &line[line.find("/nodes/row")? + "/nodes/row".len()..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}
