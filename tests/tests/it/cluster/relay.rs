//! A TCP relay in front of one fakepve that can be killed: its listener closes (new
//! connections are refused) and every relayed connection is cut, while fakepve behind it keeps
//! running and can still be asked what it received.

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

pub(super) struct KillableRelay {
    /// `https://127.0.0.1:<relay port>`.
    pub url: String,
    kill: watch::Sender<bool>,
}

impl KillableRelay {
    /// Relays to the `host:port` of `upstream_url` (`https://127.0.0.1:PORT`).
    pub(super) async fn start(upstream_url: &str) -> Self {
        let upstream = upstream_url
            .trim_start_matches("https://")
            .trim_end_matches('/')
            .to_owned();
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("https://{}", listener.local_addr().expect("addr"));
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
