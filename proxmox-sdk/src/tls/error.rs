//! Errors raised while building a TLS configuration or probing a server's certificate.

use std::path::PathBuf;
use std::time::Duration;

/// Why a TLS configuration could not be built, or a fingerprint could not be fetched.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TlsError {
    /// A CA certificate file could not be read.
    #[error("cannot read CA certificate file {}: {source}", path.display())]
    ReadCaFile {
        /// The file that was asked for.
        path: PathBuf,
        /// What the operating system reported.
        source: std::io::Error,
    },
    /// PEM input that does not parse.
    #[error("invalid PEM in {origin}: {source}")]
    InvalidPem {
        /// Where the PEM came from (a file path or "CA PEM data").
        origin: String,
        /// The parser's complaint.
        source: rustls::pki_types::pem::Error,
    },
    /// PEM input that parses but holds no `CERTIFICATE` section.
    #[error("{origin} contains no PEM certificate")]
    NoCertificates {
        /// Where the PEM came from.
        origin: String,
    },
    /// A certificate that cannot serve as a trust anchor.
    #[error("certificate #{index} in {origin} cannot be used as a trust anchor: {source}")]
    InvalidCaCertificate {
        /// Where the certificate came from.
        origin: String,
        /// Zero-based position of the certificate in its PEM input.
        index: usize,
        /// Why rustls refused it.
        source: rustls::Error,
    },
    /// No usable CA certificate was found in the system trust store.
    #[error(
        "no system CA certificates found (looked in: {}); set SSL_CERT_FILE or SSL_CERT_DIR, or configure a CA file or fingerprint",
        display_paths(searched)
    )]
    NoSystemRoots {
        /// Every file and directory that was looked at.
        searched: Vec<PathBuf>,
    },
    /// Fingerprint pinning was selected with an empty list of pins.
    #[error("fingerprint pinning was selected but no fingerprint was given")]
    NoFingerprints,
    /// rustls refused the configuration.
    #[error("cannot build the TLS configuration: {0}")]
    Config(#[from] rustls::Error),
    /// A URL given to the fingerprint probe that it cannot use.
    #[error("cannot probe {url:?}: {reason}")]
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A host that is neither a DNS name nor an IP address.
    #[error("{host:?} is not a valid DNS name or IP address")]
    InvalidHost {
        /// The host as given.
        host: String,
    },
    /// The TCP connection could not be established.
    #[error("cannot connect to {host}:{port}: {source}")]
    Connect {
        /// Host that was dialled.
        host: String,
        /// Port that was dialled.
        port: u16,
        /// What the operating system reported.
        source: std::io::Error,
    },
    /// The TLS handshake failed.
    #[error("TLS handshake with {host}:{port} failed: {source}")]
    Handshake {
        /// Host of the server.
        host: String,
        /// Port of the server.
        port: u16,
        /// The failure, usually wrapping a [`rustls::Error`].
        source: std::io::Error,
    },
    /// Connecting and completing the handshake took longer than allowed.
    #[error("no TLS handshake with {host}:{port} within {timeout:?}")]
    Timeout {
        /// Host of the server.
        host: String,
        /// Port of the server.
        port: u16,
        /// The limit that was exceeded.
        timeout: Duration,
    },
    /// The handshake completed without the server presenting a certificate.
    #[error("{host}:{port} presented no certificate")]
    NoPeerCertificate {
        /// Host of the server.
        host: String,
        /// Port of the server.
        port: u16,
    },
}

fn display_paths(paths: &[PathBuf]) -> String {
    if paths.is_empty() {
        return "nowhere".to_owned();
    }
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}
