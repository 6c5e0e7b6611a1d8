//! A TCP relay in front of one fakepve that can be killed: its listener closes (new
//! connections are refused) and every relayed connection is cut, while fakepve behind it keeps
//! running and can still be asked what it received.

use tokio::net::TcpStream;
use tokio::sync::watch;

pub(super) struct KillableRelay {
    /// `https://127.0.0.1:<relay port>`.
    pub url: String,
    kill: watch::Sender<bool>,
}

impl KillableRelay {
    /// Relays to the `host:port` of `upstream_url` (`https://127.0.0.1:PORT`).
    pub(super) async fn start(upstream_url: &str) -> Self {
        let (listener, url, upstream) = crate::faults::proxy::listen(upstream_url).await;
        let (kill, killed) = watch::channel(false);
        let mut stop = killed.clone();
        tokio::spawn(async move {
            loop {
                let (mut client, _) = tokio::select! {
                    accepted = listener.accept() => match accepted {
                        Ok(pair) => pair,
                        Err(_) => return,
                    },
                    _ = stop.changed() => return,
                };
                let upstream = upstream.clone();
                let mut cut = killed.clone();
                tokio::spawn(async move {
                    if let Ok(mut server) = TcpStream::connect(&upstream).await {
                        tokio::select! {
                            _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                            _ = cut.changed() => {}
                        }
                    }
                });
            }
        });
        Self { url, kill }
    }

    /// Closes the listener and cuts every relayed connection.
    pub(super) fn kill(&self) {
        let _ = self.kill.send(true);
    }
}
