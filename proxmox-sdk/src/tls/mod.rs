//! How the client decides to trust a PVE server's TLS certificate.
//!
//! PVE nodes serve a self-signed certificate by default, so "just verify against the public
//! CAs" rarely works and "turn verification off" is what most clients end up recommending.
//! [`TlsTrust`] offers the safe alternatives first:
//!
//! * [`TlsTrust::Fingerprints`] pins the SHA-256 of the node's leaf certificate (the value
//!   `GET /nodes` reports as `ssl_fingerprint`). The pin is strict: a certificate that a CA
//!   would accept but that is not pinned is refused.
//! * [`TlsTrust::CaFile`] / [`TlsTrust::CaPem`] verify the full chain and the host name
//!   against only the given CA certificates (for example the cluster's `pve-root-ca.pem`).
//! * [`TlsTrust::System`], the default, uses the operating system's trust store, for nodes
//!   with a publicly trusted (for example ACME) certificate.
//! * [`TlsTrust::InsecureSkipVerify`] accepts any certificate and says so in the log.
//!
//! Every mode rejects a server before the first request byte is written, so credentials are
//! never sent to a server that failed verification. [`fetch_fingerprint`] reads a server's
//! fingerprint for trust-on-first-use, and [`find_fingerprint_mismatch`] recovers the
//! presented and pinned fingerprints from a failed request's error.

mod error;
mod fingerprint;
mod mismatch;
mod probe;
mod roots;
mod verifier;

#[cfg(test)]
mod tests;

use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, Once};

use rustls::crypto::CryptoProvider;
use rustls::{ClientConfig, ConfigBuilder, WantsVerifier};

pub use error::TlsError;
pub use fingerprint::{ExpectedChar, Fingerprint, FingerprintParseError};
pub use mismatch::{FingerprintMismatch, find_fingerprint_mismatch};
pub use probe::{fetch_fingerprint, fetch_fingerprint_for_url};

use verifier::LeafVerifier;

/// Which server certificates the client accepts. Exactly one mode applies to a client.
#[derive(Clone, PartialEq, Eq, Default)]
pub enum TlsTrust {
    /// The operating system's trust store: `SSL_CERT_FILE` and/or `SSL_CERT_DIR` when set,
    /// otherwise the distribution's CA bundle (`/etc/ssl/certs/ca-certificates.crt`,
    /// `/etc/pki/tls/certs/ca-bundle.crt`, `/etc/ssl/ca-bundle.pem`, `/etc/ssl/cert.pem`, …).
    /// Chain, validity period and host name are verified.
    #[default]
    System,
    /// A PEM file with the only CA certificates to trust (for a PVE cluster:
    /// `/etc/pve/pve-root-ca.pem`). Chain, validity period and host name are verified.
    CaFile(PathBuf),
    /// Like [`TlsTrust::CaFile`], with the PEM text given directly.
    CaPem(Vec<u8>),
    /// Accept a server only if the SHA-256 of its leaf certificate is one of these (several
    /// for a cluster whose nodes each have their own certificate).
    ///
    /// The chain, the host name and the validity period are deliberately not checked: PVE's
    /// self-signed node certificates name the node rather than the address clients use, and
    /// the pin identifies the one acceptable certificate exactly. The handshake signature is
    /// still verified, so the server must hold that certificate's private key. Note that the
    /// pin must be updated when the node's certificate is renewed.
    Fingerprints(Vec<Fingerprint>),
    /// Accept any certificate. Only the handshake signature is checked, which proves nothing
    /// about who the server is. Building such a configuration logs a warning (once per
    /// process). Meant for tests against a local node, never for production.
    InsecureSkipVerify,
}

impl TlsTrust {
    /// Pins a single fingerprint.
    pub fn fingerprint(pin: Fingerprint) -> Self {
        Self::Fingerprints(vec![pin])
    }
}

impl fmt::Debug for TlsTrust {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::System => f.write_str("System"),
            Self::CaFile(path) => f.debug_tuple("CaFile").field(path).finish(),
            Self::CaPem(pem) => write!(f, "CaPem(<{} bytes>)", pem.len()),
            Self::Fingerprints(pins) => f.debug_tuple("Fingerprints").field(pins).finish(),
            Self::InsecureSkipVerify => f.write_str("InsecureSkipVerify"),
        }
    }
}

/// Builds the rustls client configuration for `trust`.
///
/// The configuration uses the `ring` crypto provider, rustls' safe default protocol versions
/// (TLS 1.2 and 1.3) and no client certificate. It sets no ALPN protocols; pass it to
/// `reqwest::ClientBuilder::use_preconfigured_tls`.
///
/// ```no_run
/// use proxmox_sdk::tls::{TlsTrust, client_config};
///
/// let config = client_config(&TlsTrust::CaFile("/etc/pve/pve-root-ca.pem".into()))?;
/// # let _ = config; Ok::<(), proxmox_sdk::tls::TlsError>(())
/// ```
///
/// # Errors
/// [`TlsError::ReadCaFile`], [`TlsError::InvalidPem`], [`TlsError::NoCertificates`] or
/// [`TlsError::InvalidCaCertificate`] for a CA that cannot be used,
/// [`TlsError::NoFingerprints`] for an empty pin list, and [`TlsError::Config`] when rustls
/// refuses the configuration.
pub fn client_config(trust: &TlsTrust) -> Result<ClientConfig, TlsError> {
    let (provider, builder) = base_builder()?;
    let algorithms = provider.signature_verification_algorithms;
    let builder = match trust {
        TlsTrust::System => builder.with_root_certificates(roots::system_roots()?),
        TlsTrust::CaFile(path) => {
            let pem = roots::read_ca_file(path)?;
            let origin = format!("CA file {}", path.display());
            builder.with_root_certificates(roots::ca_roots(&pem, &origin)?)
        }
        TlsTrust::CaPem(pem) => {
            builder.with_root_certificates(roots::ca_roots(pem, "CA PEM data")?)
        }
        TlsTrust::Fingerprints(pins) => {
            if pins.is_empty() {
                return Err(TlsError::NoFingerprints);
            }
            // Drop duplicates but keep the caller's order, which error messages repeat.
            let mut unique = Vec::with_capacity(pins.len());
            for pin in pins {
                if !unique.contains(pin) {
                    unique.push(*pin);
                }
            }
            let verifier = LeafVerifier::pinned(unique, algorithms);
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(verifier))
        }
        TlsTrust::InsecureSkipVerify => {
            warn_insecure_once();
            let verifier = LeafVerifier::any(algorithms);
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(verifier))
        }
    };
    Ok(builder.with_no_client_auth())
}

/// A client config builder that still needs its certificate verifier.
type VerifierBuilder = ConfigBuilder<ClientConfig, WantsVerifier>;

/// The ring provider and a builder with the safe default protocol versions.
fn base_builder() -> Result<(Arc<CryptoProvider>, VerifierBuilder), TlsError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(Arc::clone(&provider))
        .with_safe_default_protocol_versions()?;
    Ok((provider, builder))
}

fn warn_insecure_once() {
    static WARNED: Once = Once::new();
    WARNED.call_once(|| {
        tracing::warn!(
            "TLS certificate verification is OFF (TlsTrust::InsecureSkipVerify): any server, \
             including an impostor, will receive this client's requests and credentials"
        );
    });
}
