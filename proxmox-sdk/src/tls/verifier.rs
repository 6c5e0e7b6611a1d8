//! Certificate verifiers for the modes that do not use a chain of trust: the strict pin and
//! the accept-anything verifier behind `InsecureSkipVerify` and the TOFU probe.
//!
//! Both still check the handshake signatures with the crypto provider's algorithms, so the
//! peer must hold the private key of the certificate it presents: replaying someone else's
//! public certificate does not get past either of them.

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{WebPkiSupportedAlgorithms, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};

use super::{Fingerprint, FingerprintMismatch};

/// Checks handshake signatures with a provider's verification algorithms.
#[derive(Debug, Clone, Copy)]
struct SignatureChecks(WebPkiSupportedAlgorithms);

impl SignatureChecks {
    fn tls12(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.0)
    }

    fn tls13(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.0)
    }

    fn schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_schemes()
    }
}

/// Which leaf certificates a [`LeafVerifier`] accepts.
#[derive(Debug)]
enum Accept {
    /// Only those whose SHA-256 is one of the pins.
    Pinned(Vec<Fingerprint>),
    /// Any (`InsecureSkipVerify` and the fingerprint probe).
    Any,
}

/// Verifies a server by its leaf certificate alone, then checks the handshake signatures.
///
/// With pins, neither the chain, the host name nor the validity period is checked: PVE nodes
/// serve a self-signed certificate (or one from the cluster's own CA) whose names often do not
/// match the address used to reach them, and the pin already names the one certificate we
/// accept. Conversely a certificate a public CA would vouch for is refused unless it is
/// pinned. Accepting any certificate is what `InsecureSkipVerify` and the probe, which must
/// complete a handshake with a server it does not know yet to read its certificate, need.
#[derive(Debug)]
pub(crate) struct LeafVerifier {
    accept: Accept,
    signatures: SignatureChecks,
}

impl LeafVerifier {
    /// Accepts only the pinned certificates.
    pub(crate) fn pinned(pins: Vec<Fingerprint>, algorithms: WebPkiSupportedAlgorithms) -> Self {
        Self {
            accept: Accept::Pinned(pins),
            signatures: SignatureChecks(algorithms),
        }
    }

    /// Accepts any certificate.
    pub(crate) fn any(algorithms: WebPkiSupportedAlgorithms) -> Self {
        Self {
            accept: Accept::Any,
            signatures: SignatureChecks(algorithms),
        }
    }
}

impl ServerCertVerifier for LeafVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match &self.accept {
            Accept::Any => Ok(ServerCertVerified::assertion()),
            Accept::Pinned(pins) => {
                let presented = Fingerprint::from_der(end_entity);
                if pins.contains(&presented) {
                    Ok(ServerCertVerified::assertion())
                } else {
                    Err(FingerprintMismatch {
                        presented,
                        expected: pins.clone(),
                    }
                    .into_rustls_error())
                }
            }
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.signatures.tls12(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.signatures.tls13(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.signatures.schemes()
    }
}
