//! `TlsTrust::System`: the loader, exercised with explicit sources instead of process-global
//! environment variables.

use std::path::PathBuf;

use super::support::{Ca, Identity, TempDir, TestServer, get};
use crate::tls::roots::SystemRootSources;
use crate::tls::{TlsError, base_builder};

/// What `TlsTrust::System` builds, with the roots loaded from the given sources.
fn with_roots(roots: rustls::RootCertStore) -> Result<rustls::ClientConfig, TlsError> {
    let (_, builder) = base_builder()?;
    Ok(builder.with_root_certificates(roots).with_no_client_auth())
}

fn file_source(path: PathBuf) -> SystemRootSources {
    SystemRootSources {
        file: Some(path),
        dirs: Vec::new(),
    }
}

#[tokio::test]
async fn ssl_cert_file_roots_verify_a_server_from_that_ca() {
    let ca = Ca::root("system test root");
    let dir = TempDir::new();
    let bundle = format!("{}{}", Ca::root("another root").pem, ca.pem);
    let roots = file_source(dir.write("bundle.pem", bundle.as_bytes()))
        .load()
        .unwrap();
    assert_eq!(roots.len(), 2);

    let mut server = TestServer::start(&ca.issue(&["localhost"])).await;
    get(with_roots(roots.clone()).unwrap(), &server, "localhost")
        .await
        .unwrap();
    server.next_connection().await.assert_request_with_token();

    let mut stranger = TestServer::start(&Identity::self_signed(&["localhost"])).await;
    get(with_roots(roots).unwrap(), &stranger, "localhost")
        .await
        .unwrap_err();
    stranger.next_connection().await.assert_nothing_sent();
}

#[test]
fn ssl_cert_dir_reads_certificates_and_skips_other_files() {
    let dir = TempDir::new();
    dir.write("a1b2c3d4.0", Ca::root("dir root").pem.as_bytes());
    dir.write("README", b"not a certificate");
    let sources = SystemRootSources {
        file: None,
        dirs: vec![dir.path().to_owned()],
    };
    assert_eq!(sources.load().unwrap().len(), 1);
}

#[test]
fn a_named_file_that_cannot_be_read_is_an_error() {
    let dir = TempDir::new();
    let missing = dir.path().join("missing-bundle.pem");
    let err = file_source(missing.clone()).load().unwrap_err();
    assert!(
        matches!(&err, TlsError::ReadCaFile { path, .. } if *path == missing),
        "{err}"
    );
}

#[test]
fn no_certificates_anywhere_is_a_clear_error() {
    let dir = TempDir::new();
    let sources = SystemRootSources {
        file: None,
        dirs: vec![dir.path().to_owned()],
    };
    let err = sources.load().unwrap_err();
    assert!(
        matches!(&err, TlsError::NoSystemRoots { searched } if searched.len() == 1),
        "{err}"
    );
    let message = err.to_string();
    assert!(
        message.contains(&dir.path().display().to_string()),
        "{message}"
    );
    assert!(message.contains("SSL_CERT_FILE"), "{message}");
}
