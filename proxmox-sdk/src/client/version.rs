//! Version awareness: the PVE version the bindings were generated from
//! ([`SCHEMA_VERSION`](crate::SCHEMA_VERSION)) against the one the server runs
//! ([`Client::server_version`]).

use std::fmt;

use super::Client;
use crate::api::version::GetVersion;
use crate::error::Error;

/// What `GET /version` reports about the server.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServerVersion {
    /// The full version, e.g. `9.1.4`.
    pub version: String,
    /// The release, e.g. `9.1`.
    pub release: String,
    /// The git commit of `pve-manager`.
    pub repoid: String,
}

impl ServerVersion {
    /// The major version (`9` of `9.1.4`), when the text starts with a number.
    pub fn major(&self) -> Option<u32> {
        major(&self.version)
    }
}

impl fmt::Display for ServerVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.version)
    }
}

/// The major version of a `9.1.4`-style version text.
pub(crate) fn major(version: &str) -> Option<u32> {
    let digits: &str = version
        .split(|c: char| !c.is_ascii_digit())
        .next()
        .unwrap_or_default();
    digits.parse().ok()
}

/// Whether the server's major version differs from the schema's (unknown counts as equal).
pub(crate) fn majors_differ(server: &str, schema: &str) -> bool {
    matches!((major(server), major(schema)), (Some(a), Some(b)) if a != b)
}

impl Client {
    /// The server's PVE version (`GET /version`), asked once per client and cached; clones of
    /// the client share the answer.
    ///
    /// The first answer whose major version differs from [`SCHEMA_VERSION`](crate::SCHEMA_VERSION)
    /// logs one `tracing` warning: endpoints, parameters and permission checks may differ from
    /// the generated bindings (see "Upgrading to a new PVE release" in the README).
    ///
    /// ```no_run
    /// # async fn demo(client: proxmox_sdk::Client) -> Result<(), proxmox_sdk::Error> {
    /// let server = client.server_version().await?;
    /// println!("server {server}, bindings for PVE {}", proxmox_sdk::SCHEMA_VERSION);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`Client::send`]; a failed call is not cached, the next call asks again.
    pub async fn server_version(&self) -> Result<ServerVersion, Error> {
        let cached = self
            .inner
            .server_version
            .get_or_try_init(|| async {
                let v = self.send(&GetVersion::new()).await?;
                let found = ServerVersion {
                    version: v.version,
                    release: v.release,
                    repoid: v.repoid,
                };
                if majors_differ(&found.version, crate::SCHEMA_VERSION) {
                    tracing::warn!(
                        server = %found.version,
                        schema = crate::SCHEMA_VERSION,
                        "the server runs another major PVE version than these bindings were \
                         generated for; calls may meet changed parameters or permissions"
                    );
                }
                Ok::<_, Error>(found)
            })
            .await?;
        Ok(cached.clone())
    }
}

#[cfg(test)]
mod tests {
    use std::io;
    use std::sync::{Arc, Mutex};

    use super::*;
    use crate::testing::{CapturingTransport, respond};

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl io::Write for Captured {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.lock().expect("lock").extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    /// Calls `server_version` three times (on the client and a clone) for a server answering
    /// `body`; returns the answer, the calls that reached the transport, and the log.
    fn ask_three_times(body: &str) -> (ServerVersion, Vec<String>, String) {
        let log = Captured::default();
        let writer = log.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        let _guard = tracing::subscriber::set_default(subscriber);
        let capture = CapturingTransport::answering(respond::raw(200, body.to_owned()));
        let client = capture.client();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        let version = runtime.block_on(async {
            let first = client.server_version().await.expect("version");
            let clone = client.clone();
            assert_eq!(clone.server_version().await.expect("cached"), first);
            assert_eq!(client.server_version().await.expect("cached"), first);
            first
        });
        let urls = capture.requests().iter().map(|r| r.call()).collect();
        let log = String::from_utf8(log.0.lock().expect("lock").clone()).expect("UTF-8");
        (version, urls, log)
    }

    #[test]
    fn the_server_version_is_asked_once_and_a_major_mismatch_warns_once() {
        let (version, urls, log) =
            ask_three_times(r#"{"data":{"version":"8.4.2","release":"8.4","repoid":"d4ac8ed2"}}"#);
        assert_eq!(
            version,
            ServerVersion {
                version: "8.4.2".into(),
                release: "8.4".into(),
                repoid: "d4ac8ed2".into(),
            }
        );
        assert_eq!(version.major(), Some(8));
        assert_eq!(urls, ["GET /version"]);
        assert_eq!(log.matches("WARN").count(), 1, "{log}");
        assert!(log.contains("server=8.4.2"), "{log}");
        assert!(
            log.contains(&format!("schema=\"{}\"", crate::SCHEMA_VERSION)),
            "{log}"
        );
    }

    #[test]
    fn the_same_major_version_does_not_warn() {
        let major = major(crate::SCHEMA_VERSION).expect("the schema version has a major");
        let body = format!(
            r#"{{"data":{{"version":"{major}.0.1","release":"{major}.0","repoid":"ab"}}}}"#
        );
        let (version, urls, log) = ask_three_times(&body);
        assert_eq!(version.release, format!("{major}.0"));
        assert_eq!(urls.len(), 1);
        assert!(!log.contains("WARN"), "{log}");
    }

    #[test]
    fn majors_are_compared_by_their_leading_number() {
        assert_eq!(major("9.1.4"), Some(9));
        assert_eq!(major("10.0~beta1"), Some(10));
        assert_eq!(major("beta"), None);
        assert!(majors_differ("8.4.2", "9.1.4"));
        assert!(!majors_differ("9.0.1", "9.1.4"));
        assert!(!majors_differ("unknown", "9.1.4"));
    }

    #[test]
    fn the_schema_version_is_the_vendored_one() {
        let source = include_str!("../../schema/SOURCE.md");
        assert!(
            source.contains(&format!("| PVE version | {} |", crate::SCHEMA_VERSION)),
            "SOURCE.md does not name {}",
            crate::SCHEMA_VERSION
        );
    }
}
