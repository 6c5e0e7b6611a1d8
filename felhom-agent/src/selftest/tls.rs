//! What to tell an operator whose TLS verification failed: the fingerprint the host presented,
//! and how to pin it.

use std::time::Duration;

use proxmox_sdk::Error;
use proxmox_sdk::tls::{Fingerprint, fetch_fingerprint_for_url};
use serde::Serialize;

/// How long the fingerprint probe may take.
const PROBE_TIMEOUT: Duration = Duration::from_secs(10);

/// The fingerprint the host presented when verification failed.
#[derive(Debug, Clone, Serialize)]
pub struct TlsHelp {
    /// SHA-256 of the presented leaf certificate, when it could be read.
    pub presented: Option<String>,
    /// Why it could not be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub probe_error: Option<String>,
}

impl TlsHelp {
    /// For a TLS failure of a call to `endpoint`: the presented fingerprint from the pin
    /// mismatch, or else from a handshake-only probe (no HTTP request, no token). `None` when
    /// `error` is no TLS failure.
    pub async fn for_error(error: &Error, endpoint: &str) -> Option<Self> {
        let Error::Tls { mismatch, .. } = error else {
            return None;
        };
        if let Some(mismatch) = mismatch {
            return Some(Self::presented(mismatch.presented));
        }
        Some(
            match fetch_fingerprint_for_url(endpoint, PROBE_TIMEOUT).await {
                Ok(fp) => Self::presented(fp),
                Err(err) => Self {
                    presented: None,
                    probe_error: Some(err.to_string()),
                },
            },
        )
    }

    fn presented(fp: Fingerprint) -> Self {
        Self {
            presented: Some(fp.to_string()),
            probe_error: None,
        }
    }
}
