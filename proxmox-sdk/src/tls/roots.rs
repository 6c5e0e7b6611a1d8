//! Trust anchors: a caller's CA certificates, or the operating system's trust store.
//!
//! The system store is located the way OpenSSL-based tools on Linux find it, without linking
//! OpenSSL: `SSL_CERT_FILE` / `SSL_CERT_DIR` when set, otherwise the first bundle file of the
//! common distributions, otherwise the hashed certificate directory.

use std::path::{Path, PathBuf};

use rustls::RootCertStore;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

use super::TlsError;

/// Bundle files of the common Linux distributions, most common first.
const BUNDLE_FILES: &[&str] = &[
    "/etc/ssl/certs/ca-certificates.crt", // Debian, Ubuntu, Proxmox VE, Arch, Gentoo
    "/etc/pki/tls/certs/ca-bundle.crt",   // Fedora, RHEL, CentOS
    "/etc/ssl/ca-bundle.pem",             // openSUSE, SLES
    "/etc/pki/tls/cacert.pem",            // OpenELEC
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", // RHEL 7+
    "/etc/ssl/cert.pem",                  // Alpine, macOS, the BSDs
];

/// Directories of individual (hashed) certificate files, tried when no bundle exists.
const CERT_DIRS: &[&str] = &["/etc/ssl/certs", "/etc/pki/tls/certs"];

/// Reads a CA file the caller named.
pub(crate) fn read_ca_file(path: &Path) -> Result<Vec<u8>, TlsError> {
    std::fs::read(path).map_err(|source| TlsError::ReadCaFile {
        path: path.to_owned(),
        source,
    })
}

/// Every certificate in `pem`; an error if the PEM is malformed or holds none.
pub(crate) fn pem_certificates(
    pem: &[u8],
    origin: &str,
) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let certs = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|source| TlsError::InvalidPem {
            origin: origin.to_owned(),
            source,
        })?;
    if certs.is_empty() {
        return Err(TlsError::NoCertificates {
            origin: origin.to_owned(),
        });
    }
    Ok(certs)
}

/// A store holding exactly the certificates in `pem`, each of which must be a usable anchor.
pub(crate) fn ca_roots(pem: &[u8], origin: &str) -> Result<RootCertStore, TlsError> {
    let mut roots = RootCertStore::empty();
    for (index, cert) in pem_certificates(pem, origin)?.into_iter().enumerate() {
        roots
            .add(cert)
            .map_err(|source| TlsError::InvalidCaCertificate {
                origin: origin.to_owned(),
                index,
                source,
            })?;
    }
    Ok(roots)
}

/// Where to look for the system's trust anchors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SystemRootSources {
    /// An explicit bundle file (`SSL_CERT_FILE`).
    pub(crate) file: Option<PathBuf>,
    /// Explicit certificate directories (`SSL_CERT_DIR`, a `:`-separated list).
    pub(crate) dirs: Vec<PathBuf>,
}

impl SystemRootSources {
    /// The sources named by `SSL_CERT_FILE` and `SSL_CERT_DIR`; empty values count as unset.
    pub(crate) fn from_env() -> Self {
        let file = std::env::var_os("SSL_CERT_FILE")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from);
        let dirs = std::env::var_os("SSL_CERT_DIR")
            .filter(|v| !v.is_empty())
            .map(|v| std::env::split_paths(&v).collect())
            .unwrap_or_default();
        Self { file, dirs }
    }

    /// Loads the anchors: the explicit sources if any are set, else the distribution defaults.
    pub(crate) fn load(&self) -> Result<RootCertStore, TlsError> {
        if self.file.is_some() || !self.dirs.is_empty() {
            let dirs: Vec<&Path> = self.dirs.iter().map(PathBuf::as_path).collect();
            return load_from(self.file.as_deref().into_iter(), &dirs, true);
        }
        let dirs: Vec<&Path> = CERT_DIRS.iter().map(Path::new).collect();
        load_from(BUNDLE_FILES.iter().map(Path::new), &dirs, false)
    }
}

/// Loads the system store as configured by the environment.
pub(crate) fn system_roots() -> Result<RootCertStore, TlsError> {
    SystemRootSources::from_env().load()
}

/// Collects anchors from bundle files, then directories.
///
/// With `explicit`, every source is used and a file that cannot be read is an error (the
/// user named it). Otherwise the first bundle that yields anchors wins, missing files are
/// skipped, and directories are only consulted when no bundle did.
fn load_from<'a>(
    files: impl Iterator<Item = &'a Path>,
    dirs: &[&Path],
    explicit: bool,
) -> Result<RootCertStore, TlsError> {
    let mut roots = RootCertStore::empty();
    let mut searched = Vec::new();
    for file in files {
        searched.push(file.to_owned());
        let pem = match std::fs::read(file) {
            Ok(pem) => pem,
            Err(source) if explicit => {
                return Err(TlsError::ReadCaFile {
                    path: file.to_owned(),
                    source,
                });
            }
            Err(_) => continue,
        };
        match pem_certificates(&pem, &file.display().to_string()) {
            Ok(certs) => {
                roots.add_parsable_certificates(certs);
            }
            Err(err) if explicit => return Err(err),
            Err(_) => continue,
        }
        if !explicit && !roots.is_empty() {
            return Ok(roots);
        }
    }
    for dir in dirs {
        searched.push(dir.to_path_buf());
        add_directory(&mut roots, dir);
        if !explicit && !roots.is_empty() {
            return Ok(roots);
        }
    }
    if roots.is_empty() {
        return Err(TlsError::NoSystemRoots { searched });
    }
    Ok(roots)
}

/// Adds every certificate found in the files of `dir`; unreadable or non-PEM files are
/// skipped, since such directories also hold symlinks, CRLs and other material.
fn add_directory(roots: &mut RootCertStore, dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        if !path.is_file() {
            continue;
        }
        let Ok(pem) = std::fs::read(&path) else {
            continue;
        };
        let certs = CertificateDer::pem_slice_iter(&pem).filter_map(Result::ok);
        roots.add_parsable_certificates(certs);
    }
}
