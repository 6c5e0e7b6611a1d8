//! Trust on first use: read a server's certificate fingerprint so it can be pinned.

use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::ServerName;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

use super::verifier::LeafVerifier;
use super::{Fingerprint, TlsError, base_builder};

/// Connects to `host:port`, completes a TLS handshake and returns the SHA-256 fingerprint of
/// the leaf certificate the server presented.
///
/// Any certificate is accepted (that is the point: the server is not trusted yet), but the
/// handshake signatures are still checked, so the server must hold the certificate's private
/// key. The connection is closed right after the handshake: no HTTP request, and therefore
/// no credential, is ever sent. `timeout` bounds the TCP connect and the handshake together.
///
/// Show the result to a human (or compare it with `ssl_fingerprint` from `GET /nodes`)
/// before pinning it with [`TlsTrust::Fingerprints`](super::TlsTrust::Fingerprints).
/// `host` may be a DNS name or an IP address (an IPv6 address with or without brackets).
///
/// ```no_run
/// # async fn demo() -> Result<(), proxmox_sdk::tls::TlsError> {
/// use std::time::Duration;
///
/// let seen = proxmox_sdk::tls::fetch_fingerprint("pve1", 8006, Duration::from_secs(5)).await?;
/// println!("the server presents {seen}; pin it only after comparing it out of band");
/// # Ok(()) }
/// ```
///
/// # Errors
/// [`TlsError::InvalidHost`] for a host that is neither a DNS name nor an IP address,
/// [`TlsError::Connect`] and [`TlsError::Handshake`] when no TLS session comes up,
/// [`TlsError::NoPeerCertificate`] when the server presents none, and [`TlsError::Timeout`].
pub async fn fetch_fingerprint(
    host: &str,
    port: u16,
    timeout: Duration,
) -> Result<Fingerprint, TlsError> {
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    let server_name = ServerName::try_from(host.to_owned()).map_err(|_| TlsError::InvalidHost {
        host: host.to_owned(),
    })?;
    match tokio::time::timeout(timeout, handshake(host, port, server_name)).await {
        Ok(result) => result,
        Err(_elapsed) => Err(TlsError::Timeout {
            host: host.to_owned(),
            port,
            timeout,
        }),
    }
}

/// [`fetch_fingerprint`] for the host and port of an `https://` URL such as a PVE API base
/// URL (`https://pve1.example:8006/api2/json`). Without an explicit port, 443 is used.
///
/// ```no_run
/// # async fn demo() -> Result<(), proxmox_sdk::tls::TlsError> {
/// use std::time::Duration;
/// use proxmox_sdk::tls::fetch_fingerprint_for_url;
///
/// let seen = fetch_fingerprint_for_url("https://pve1:8006", Duration::from_secs(5)).await?;
/// # let _ = seen; Ok(()) }
/// ```
///
/// # Errors
/// [`TlsError::InvalidUrl`] for anything but an `https://host[:port]` URL, then as
/// [`fetch_fingerprint`].
pub async fn fetch_fingerprint_for_url(
    url: &str,
    timeout: Duration,
) -> Result<Fingerprint, TlsError> {
    let (host, port) = host_and_port(url)?;
    fetch_fingerprint(&host, port, timeout).await
}

/// Splits an `https://` URL into the host and port to connect to.
pub(crate) fn host_and_port(url: &str) -> Result<(String, u16), TlsError> {
    let invalid = |reason: &str| TlsError::InvalidUrl {
        url: url.to_owned(),
        reason: reason.to_owned(),
    };
    let parsed = reqwest::Url::parse(url).map_err(|err| invalid(&err.to_string()))?;
    if parsed.scheme() != "https" {
        return Err(invalid("only https:// URLs have a certificate to fetch"));
    }
    let host = parsed
        .host_str()
        .ok_or_else(|| invalid("the URL has no host"))?;
    let port = parsed.port_or_known_default().unwrap_or(443);
    Ok((host.to_owned(), port))
}

async fn handshake(
    host: &str,
    port: u16,
    server_name: ServerName<'static>,
) -> Result<Fingerprint, TlsError> {
    let (provider, builder) = base_builder()?;
    let verifier = LeafVerifier::any(provider.signature_verification_algorithms);
    let config = builder
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();

    let tcp = TcpStream::connect((host, port))
        .await
        .map_err(|source| TlsError::Connect {
            host: host.to_owned(),
            port,
            source,
        })?;
    let mut tls = TlsConnector::from(Arc::new(config))
        .connect(server_name, tcp)
        .await
        .map_err(|source| TlsError::Handshake {
            host: host.to_owned(),
            port,
            source,
        })?;
    let leaf = tls
        .get_ref()
        .1
        .peer_certificates()
        .and_then(|chain| chain.first())
        .map(|cert| Fingerprint::from_der(cert));
    // Send close_notify and hang up; a failure here does not change what was learnt.
    let _ = tls.shutdown().await;
    leaf.ok_or_else(|| TlsError::NoPeerCertificate {
        host: host.to_owned(),
        port,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_host_and_port() {
        assert_eq!(
            host_and_port("https://pve1.example:8006/api2/json").unwrap(),
            ("pve1.example".to_owned(), 8006)
        );
        assert_eq!(
            host_and_port("https://10.0.0.5").unwrap(),
            ("10.0.0.5".to_owned(), 443)
        );
        assert_eq!(
            host_and_port("https://[::1]:8006").unwrap(),
            ("[::1]".to_owned(), 8006)
        );
        assert!(matches!(
            host_and_port("http://pve:8006"),
            Err(TlsError::InvalidUrl { .. })
        ));
        assert!(matches!(
            host_and_port("not a url"),
            Err(TlsError::InvalidUrl { .. })
        ));
    }

    #[tokio::test]
    async fn invalid_host_is_reported_before_connecting() {
        let err = fetch_fingerprint("bad host!", 8006, Duration::from_secs(5))
            .await
            .unwrap_err();
        assert!(matches!(err, TlsError::InvalidHost { .. }), "{err}");
    }
}
