//! The error a strict fingerprint pin raises, and how to find it again after it has passed
//! through rustls, tokio-rustls, hyper and reqwest.

use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;

use super::Fingerprint;

/// The server presented a certificate whose fingerprint is not among the pinned ones.
///
/// The pin verifier raises this inside the TLS handshake, wrapped as
/// `rustls::Error::InvalidCertificate(CertificateError::Other(..))`, so the connection is
/// aborted before any request byte is written. Use [`find_fingerprint_mismatch`] to get it
/// back out of whatever error the HTTP stack finally returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FingerprintMismatch {
    /// SHA-256 of the leaf certificate the server sent.
    pub presented: Fingerprint,
    /// The pins that were configured, none of which matched.
    pub expected: Vec<Fingerprint>,
}

impl fmt::Display for FingerprintMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "server certificate fingerprint {} matches no pinned fingerprint (pinned: ",
            self.presented
        )?;
        for (i, pin) in self.expected.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{pin}")?;
        }
        f.write_str(")")
    }
}

impl StdError for FingerprintMismatch {}

impl FingerprintMismatch {
    /// Wraps the mismatch the way a rustls certificate verifier reports a refusal.
    pub(crate) fn into_rustls_error(self) -> rustls::Error {
        rustls::Error::InvalidCertificate(rustls::CertificateError::Other(rustls::OtherError(
            Arc::new(self),
        )))
    }
}

/// Longest chain walked; guards against a pathological `source()` cycle.
const MAX_DEPTH: usize = 32;

/// Searches an error and everything it wraps for a [`FingerprintMismatch`].
///
/// Walks the `source()` chain, and also looks inside the places `source()` does not reach:
/// the payload of a custom `std::io::Error` (tokio-rustls reports handshake failures that
/// way) and the [`rustls::OtherError`] carried by a `rustls::Error`.
///
/// ```
/// # use proxmox_sdk::tls::find_fingerprint_mismatch;
/// let plain = std::io::Error::other("connection reset");
/// assert!(find_fingerprint_mismatch(&plain).is_none());
/// ```
pub fn find_fingerprint_mismatch(err: &(dyn StdError + 'static)) -> Option<FingerprintMismatch> {
    search(err, 0)
}

fn search(err: &(dyn StdError + 'static), depth: usize) -> Option<FingerprintMismatch> {
    let mut current = Some(err);
    let mut depth = depth;
    while let Some(err) = current {
        if depth >= MAX_DEPTH {
            return None;
        }
        if let Some(found) = inspect(err, depth) {
            return Some(found);
        }
        current = err.source();
        depth += 1;
    }
    None
}

/// Looks at one link of the chain, descending into wrapped payloads `source()` skips.
fn inspect(err: &(dyn StdError + 'static), depth: usize) -> Option<FingerprintMismatch> {
    if let Some(mismatch) = err.downcast_ref::<FingerprintMismatch>() {
        return Some(mismatch.clone());
    }
    if let Some(rustls_err) = err.downcast_ref::<rustls::Error>() {
        let other = match rustls_err {
            rustls::Error::InvalidCertificate(rustls::CertificateError::Other(other)) => other,
            rustls::Error::Other(other) => other,
            _ => return None,
        };
        return search(other.0.as_ref(), depth + 1);
    }
    if let Some(other) = err.downcast_ref::<rustls::OtherError>() {
        return search(other.0.as_ref(), depth + 1);
    }
    if let Some(io) = err.downcast_ref::<std::io::Error>() {
        // `io::Error::source()` skips its payload and returns the payload's source, so the
        // payload itself has to be inspected here.
        if let Some(inner) = io.get_ref() {
            return search(inner, depth + 1);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> FingerprintMismatch {
        FingerprintMismatch {
            presented: Fingerprint::from_bytes([0xAA; 32]),
            expected: vec![
                Fingerprint::from_bytes([0x01; 32]),
                Fingerprint::from_bytes([0x02; 32]),
            ],
        }
    }

    #[derive(Debug)]
    struct Outer(Box<dyn StdError + Send + Sync>);

    impl fmt::Display for Outer {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("request failed")
        }
    }

    impl StdError for Outer {
        fn source(&self) -> Option<&(dyn StdError + 'static)> {
            Some(self.0.as_ref())
        }
    }

    #[test]
    fn found_through_io_and_rustls_wrappers() {
        let io = std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            sample().into_rustls_error(),
        );
        let outer = Outer(Box::new(io));
        assert_eq!(find_fingerprint_mismatch(&outer), Some(sample()));
    }

    #[test]
    fn found_when_passed_directly() {
        assert_eq!(find_fingerprint_mismatch(&sample()), Some(sample()));
        assert_eq!(
            find_fingerprint_mismatch(&sample().into_rustls_error()),
            Some(sample())
        );
    }

    #[test]
    fn absent_from_unrelated_errors() {
        let io = std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer),
        );
        assert_eq!(find_fingerprint_mismatch(&Outer(Box::new(io))), None);
        assert_eq!(find_fingerprint_mismatch(&std::fmt::Error), None);
    }

    #[test]
    fn message_names_presented_and_pinned() {
        let text = sample().to_string();
        assert!(
            text.contains(&Fingerprint::from_bytes([0xAA; 32]).to_string()),
            "{text}"
        );
        assert!(
            text.contains(&Fingerprint::from_bytes([0x01; 32]).to_string()),
            "{text}"
        );
        assert!(
            text.contains(&Fingerprint::from_bytes([0x02; 32]).to_string()),
            "{text}"
        );
    }
}
