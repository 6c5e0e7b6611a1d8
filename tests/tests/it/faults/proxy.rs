//! A TCP relay in front of fakepve that counts the connections clients open.
//!
//! fakepve never records a request it drops, so the server cannot count those; a client
//! that resends after a reset needs a new connection, which the relay counts. TLS passes
//! through untouched (the certificate names 127.0.0.1, as the relay does).
//!
//! A real relay on purpose: counting connections needs TCP; no transport-level fake can show a
//! reconnect.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::net::{TcpListener, TcpStream};

pub(super) struct Relay {
    /// `https://127.0.0.1:<relay port>`.
    pub url: String,
    connections: Arc<AtomicUsize>,
}

/// A loopback listener for a relay to `upstream_url` (`https://127.0.0.1:PORT`): the listener,
/// the relay's own `https://` URL and the upstream's `host:port`.
pub(crate) async fn listen(upstream_url: &str) -> (TcpListener, String, String) {
    let upstream = upstream_url
        .trim_start_matches("https://")
        .trim_end_matches('/')
        .to_owned();
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("https://{}", listener.local_addr().expect("addr"));
    (listener, url, upstream)
}

impl Relay {
    /// Relays to the `host:port` of `upstream_url` (`https://127.0.0.1:PORT`).
    pub(super) async fn start(upstream_url: &str) -> Self {
        let (listener, url, upstream) = listen(upstream_url).await;
        let connections = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&connections);
        tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                counter.fetch_add(1, Ordering::SeqCst);
                let upstream = upstream.clone();
                tokio::spawn(async move {
                    if let Ok(mut server) = TcpStream::connect(&upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
            }
        });
        Self { url, connections }
    }

    /// Connections accepted so far.
    pub(super) fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}
