//! Putting files on a storage: streamed uploads and server-side downloads.
//!
//! PVE takes files into a storage in two ways, both ending in a worker task whose UPID the
//! call returns:
//!
//! * **Upload** (`POST /nodes/{node}/storage/{storage}/upload`): the client sends the file as
//!   `multipart/form-data`. [`Upload`] describes one — node, storage, content type, file name,
//!   a reader and its exact length — and [`Client::upload`](crate::Client::upload) streams it:
//!   the file is read chunk by chunk while it is sent, so memory stays flat whatever its size
//!   (lengths are `u64`; there is no 2 GiB limit), its SHA-256 is computed on the way
//!   ([`Uploaded::sha256`]), a [progress callback](Upload::progress) sees the bytes sent, and
//!   the request has its own [timeout](Upload::timeout) instead of the API timeout, and ends
//!   early when the server stops taking bytes ([`Upload::stall_timeout`]).
//! * **Download** (`POST /nodes/{node}/storage/{storage}/download-url`): the node fetches a URL
//!   itself; [`Client::download_url`](crate::Client::download_url) starts it and waits.
//!
//! Only `iso`, `vztmpl` and `import` content can arrive this way. Anything else (`snippets`,
//! `backup`, `images`, `rootdir`) is refused before a byte is sent, with the reason, as an
//! [`Error::InvalidParameter`](crate::Error::InvalidParameter) on `content`.
//!
//! # The checksum comes first
//!
//! pveproxy reads `checksum` and `checksum-algorithm` only from the form fields *before* the
//! file (the form's layout is in the private `multipart` module), so a digest computed while
//! streaming is known too late to travel with the same request. The choice made here:
//!
//! * the caller gives the checksum it already has ([`Upload::sha256`], e.g. from the
//!   distribution's `SHA256SUMS`), or has it computed beforehand
//!   ([`Upload::from_file_verified`], which reads the file once more with [`sha256_file`]);
//!   PVE verifies the stored file against it and fails the task on a mismatch;
//! * the SHA-256 of what was actually streamed is always returned in [`Uploaded::sha256`], so a
//!   caller without a published checksum can still record or compare it.

mod allowed;
mod body;
mod calls;
mod cancel;
pub(crate) mod digest;
mod file_chunks;
mod multipart;
mod reader_chunks;
mod stall;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use sha2::{Digest, Sha256};
use tokio::io::AsyncRead;

use body::FileSource;

use crate::api::types::{StorageChecksumAlgorithm, StorageContent};
use crate::upid::Upid;
use crate::wire::ParamError;

pub use calls::TransferError;
pub use digest::Progress;

/// How long an upload may take when [`Upload::timeout`] is not set: long enough for a large
/// image over a slow link, short enough that a stalled upload ends.
pub const DEFAULT_UPLOAD_TIMEOUT: Duration = Duration::from_secs(6 * 60 * 60);

/// How long an upload may go without a file byte moving, before the file was sent whole, when
/// [`Upload::stall_timeout`] is not set.
pub const DEFAULT_STALL_TIMEOUT: Duration = Duration::from_secs(60);

/// One file to upload: where it goes, what it is, and where its bytes come from.
///
/// ```no_run
/// # async fn demo(client: proxmox_sdk::Client) -> Result<(), Box<dyn std::error::Error>> {
/// use proxmox_sdk::api::types::StorageContent;
/// use proxmox_sdk::task::WaitOptions;
/// use proxmox_sdk::upload::Upload;
///
/// let file = tokio::fs::File::open("debian-13.iso").await?;
/// let len = file.metadata().await?.len();
/// let upload = Upload::new("pve1", "local", StorageContent::Iso, "debian-13.iso", file, len)
///     .sha256("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
///     .progress(move |sent| eprintln!("{sent} of {len} bytes"));
/// let uploaded = client.upload(upload).await?;
/// client.wait_task(&uploaded.upid, WaitOptions::default()).await?;
/// # Ok(()) }
/// ```
pub struct Upload {
    pub(crate) node: String,
    pub(crate) storage: String,
    pub(crate) content: StorageContent,
    pub(crate) file_name: String,
    pub(crate) source: FileSource,
    pub(crate) len: u64,
    pub(crate) checksum: Option<(StorageChecksumAlgorithm, String)>,
    pub(crate) progress: Option<Progress>,
    pub(crate) timeout: Duration,
    pub(crate) stall_timeout: Duration,
}

impl Upload {
    /// `len` bytes of `reader` as `file_name` in `storage` on `node`.
    ///
    /// `len` must be the exact number of bytes `reader` yields: PVE needs the length up front
    /// (it refuses chunked bodies), and a reader that ends early fails the upload.
    pub fn new(
        node: impl Into<String>,
        storage: impl Into<String>,
        content: impl Into<StorageContent>,
        file_name: impl Into<String>,
        reader: impl AsyncRead + Send + Unpin + 'static,
        len: u64,
    ) -> Self {
        Self {
            node: node.into(),
            storage: storage.into(),
            content: content.into(),
            file_name: file_name.into(),
            source: FileSource::Reader(Box::new(reader)),
            len,
            checksum: None,
            progress: None,
            timeout: DEFAULT_UPLOAD_TIMEOUT,
            stall_timeout: DEFAULT_STALL_TIMEOUT,
        }
    }

    /// The file at `path`, named as on disk, its length read from the file system.
    ///
    /// The fastest way in: the upload reads the file on a thread of its own, straight into the
    /// buffers that go on the wire, and hashes it there. A file that ends before that length
    /// (truncated meanwhile) fails the upload.
    ///
    /// # Errors
    /// When the file cannot be opened, is not a regular file (a pipe or a device: use
    /// [`Upload::new`] with its length), or has no UTF-8 name.
    pub async fn from_file(
        node: impl Into<String>,
        storage: impl Into<String>,
        content: impl Into<StorageContent>,
        path: impl AsRef<Path>,
    ) -> std::io::Result<Self> {
        let path = path.as_ref();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    format!("{} has no UTF-8 file name", path.display()),
                )
            })?
            .to_owned();
        let file = tokio::fs::File::open(path).await?;
        let metadata = file.metadata().await?;
        if !metadata.is_file() {
            // A pipe or a device reports length 0: it would upload as an empty file.
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!(
                    "{} is not a regular file, so its length is unknown; use `Upload::new` \
                     with the exact length",
                    path.display()
                ),
            ));
        }
        let len = metadata.len();
        // Read on a thread of the upload's own with plain blocking reads, not through tokio's
        // blocking pool (see `file_chunks`).
        let file = file.into_std().await;
        let mut upload = Self::new(node, storage, content, name, tokio::io::empty(), len);
        upload.source = FileSource::File(file);
        Ok(upload)
    }

    /// [`Upload::from_file`] with the file's SHA-256 computed first and sent as `checksum`, so
    /// PVE verifies the stored file and fails the task when it differs (a file changed while it
    /// was uploaded, a corrupted transfer).
    ///
    /// PVE reads the checksum only before the file (see the [module docs](self)), so it cannot
    /// be the digest computed while streaming: this reads the whole file once more before the
    /// upload (from the page cache, for a file just written). Use [`Upload::sha256`] instead
    /// when a published checksum exists.
    ///
    /// # Errors
    /// When the file cannot be opened or read, or has no UTF-8 name.
    pub async fn from_file_verified(
        node: impl Into<String>,
        storage: impl Into<String>,
        content: impl Into<StorageContent>,
        path: impl AsRef<Path>,
    ) -> std::io::Result<Self> {
        let path = path.as_ref();
        let sha256 = sha256_file(path).await?;
        Ok(Self::from_file(node, storage, content, path)
            .await?
            .sha256(sha256))
    }

    /// The SHA-256 the file must have (hex), sent as `checksum` with
    /// `checksum-algorithm=sha256`; PVE fails the task when the stored file differs.
    pub fn sha256(self, hex: impl Into<String>) -> Self {
        self.checksum(StorageChecksumAlgorithm::Sha256, hex)
    }

    /// A checksum of any algorithm PVE supports (`md5` … `sha512`), in hex.
    pub fn checksum(mut self, algorithm: StorageChecksumAlgorithm, hex: impl Into<String>) -> Self {
        self.checksum = Some((algorithm, hex.into()));
        self
    }

    /// Calls `progress` with the number of file bytes sent so far, after every chunk.
    pub fn progress(mut self, progress: impl Fn(u64) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(progress));
        self
    }

    /// How long the whole upload may take (sending and the server's answer), instead of
    /// [`DEFAULT_UPLOAD_TIMEOUT`]; the client's API timeout does not apply to uploads.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long the upload may go without the server taking a file byte, before the whole
    /// file was sent, instead of [`DEFAULT_STALL_TIMEOUT`]: a peer that stopped reading ends
    /// the upload then, not at the [`timeout`](Upload::timeout).
    pub fn stall_timeout(mut self, stall_timeout: Duration) -> Self {
        self.stall_timeout = stall_timeout;
        self
    }
}

impl std::fmt::Debug for Upload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Upload")
            .field("node", &self.node)
            .field("storage", &self.storage)
            .field("content", &self.content)
            .field("file_name", &self.file_name)
            .field("len", &self.len)
            .field("checksum", &self.checksum)
            .field("timeout", &self.timeout)
            .field("stall_timeout", &self.stall_timeout)
            .finish_non_exhaustive()
    }
}

/// What an upload sent and started.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Uploaded {
    /// The task that moves the file into the storage (`imgcopy`); wait for it with
    /// [`Client::wait_task`](crate::Client::wait_task).
    pub upid: Upid,
    /// File bytes sent.
    pub bytes: u64,
    /// The SHA-256 of the bytes sent, lower-case hex.
    pub sha256: String,
    /// The volume the task stores, e.g. `local:iso/debian-13.iso`.
    pub volid: String,
}

/// The SHA-256 of the file at `path`, lower-case hex: one full read, for [`Upload::sha256`]
/// when no published checksum exists.
///
/// # Errors
/// When the file cannot be read.
pub async fn sha256_file(path: impl AsRef<Path>) -> std::io::Result<String> {
    let path = path.as_ref().to_owned();
    // One sequential read: plain blocking reads on one blocking-pool thread, not one
    // hand-off per read.
    tokio::task::spawn_blocking(move || {
        use std::io::Read;
        let mut file = std::fs::File::open(path)?;
        let mut hasher = Sha256::new();
        let mut buf = vec![0; 256 * 1024];
        loop {
            match file.read(&mut buf) {
                Ok(0) => return Ok(digest::hex(&hasher.finalize())),
                Ok(n) => hasher.update(&buf[..n]),
                Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
                Err(error) => return Err(error),
            }
        }
    })
    .await
    .map_err(std::io::Error::other)?
}

/// Refuses content PVE does not take by upload or download, with the reason.
pub(crate) fn check_content(content: &StorageContent) -> Result<(), ParamError> {
    let why = match content {
        StorageContent::Iso | StorageContent::Vztmpl | StorageContent::Import => return Ok(()),
        StorageContent::UnknownValue(other) => match other.as_str() {
            "snippets" => {
                "snippets cannot be uploaded through the API; PVE only lists them, so \
                           they are written to the storage's `snippets/` directory on the node"
            }
            "backup" => {
                "backups cannot be uploaded through the API; they are made by vzdump \
                         or copied into the storage's `dump/` directory on the node"
            }
            "images" | "rootdir" => {
                "guest disks are not uploaded; upload an `import` image \
                                     (qcow2, raw, vmdk, ova) and import it into a guest"
            }
            _ => "PVE takes only `iso`, `vztmpl` and `import` content by upload or download",
        },
    };
    Err(ParamError::Invalid {
        name: "content".to_owned(),
        problem: format!("`{}` cannot be uploaded: {why}", content.as_str()),
    })
}

/// Refuses a file name PVE would cut, rename or refuse, before a byte of the file is sent
/// (PVE checks the name only once the whole file has arrived):
///
/// * pveproxy splits the part's `Content-Disposition` header at `;` and `,`, and ends the
///   name at a quote; pve-storage then replaces every character other than ASCII letters,
///   digits, `-`, `_` and `.` with `_` — so only those characters pass here, and the error
///   names what PVE would have stored;
/// * the extension must fit the content (pve-storage's upload handler): `iso` ends in `.iso`
///   or `.img`, `vztmpl` in `.tar.gz`, `.tar.xz`, `.tar.zst` or `.tar.bz2` (any case),
///   `import` in `.ova`, `.qcow2`, `.raw` or `.vmdk` (lower case).
pub(crate) fn check_file_name(name: &str, content: &StorageContent) -> Result<(), ParamError> {
    let problem = if name.is_empty() {
        Some("is empty".to_owned())
    } else if name.len() > 255 {
        Some(format!(
            "is {} bytes long; PVE takes at most 255",
            name.len()
        ))
    } else if name.contains(['/', '\\']) {
        Some("contains a path separator; give the bare file name".to_owned())
    } else if let Some(bad) = name.chars().find(|c| !is_stored_as_is(*c)) {
        Some(format!(
            "contains {bad:?}; PVE keeps only ASCII letters, digits, `-`, `_` and `.` in a \
             stored name{}",
            renamed(name)
                .map(|r| format!(" (it would store {r:?})"))
                .unwrap_or_default()
        ))
    } else if !has_extension_for(name, content) {
        Some(format!(
            "does not end in an extension PVE takes for `{}` content ({})",
            content.as_str(),
            extensions_for(content)
        ))
    } else {
        None
    };
    match problem {
        None => Ok(()),
        Some(problem) => Err(ParamError::Invalid {
            name: "filename".to_owned(),
            problem: format!("{name:?} {problem}"),
        }),
    }
}

/// A character pve-storage keeps in a stored file name.
fn is_stored_as_is(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')
}

/// The name pve-storage would store for `name` (each other byte becomes `_`), when the form
/// header carries it whole (no `;`, `,`, quote or control character).
fn renamed(name: &str) -> Option<String> {
    if name
        .chars()
        .any(|c| matches!(c, ';' | ',' | '"') || c.is_control())
    {
        return None;
    }
    let bytes = name.bytes().map(|b| {
        if is_stored_as_is(char::from(b)) {
            char::from(b)
        } else {
            '_'
        }
    });
    Some(bytes.collect())
}

/// The extensions PVE's upload handler takes for `content`, as the error names them.
fn extensions_for(content: &StorageContent) -> &'static str {
    match content {
        StorageContent::Iso => "`.iso`, `.img`",
        StorageContent::Vztmpl => "`.tar.gz`, `.tar.xz`, `.tar.zst`, `.tar.bz2`",
        StorageContent::Import => "`.ova`, `.qcow2`, `.raw`, `.vmdk`",
        _ => "none",
    }
}

fn has_extension_for(name: &str, content: &StorageContent) -> bool {
    let lower = name.to_ascii_lowercase();
    let (candidates, name): (&[&str], &str) = match content {
        StorageContent::Iso => (&[".iso", ".img"], &lower),
        StorageContent::Vztmpl => (&[".tar.gz", ".tar.xz", ".tar.zst", ".tar.bz2"], &lower),
        StorageContent::Import => (&[".ova", ".qcow2", ".raw", ".vmdk"], name),
        // Refused by `check_content` before this is asked.
        _ => return true,
    };
    candidates
        .iter()
        .any(|ext| name.len() > ext.len() && name.ends_with(ext))
}

#[cfg(test)]
mod tests {
    use std::pin::Pin;

    use super::*;
    use crate::transport::chunks::ChunkSource;

    /// The next chunk of `source`, as the body would ask for it.
    pub(super) async fn next_chunk(
        source: &mut (impl ChunkSource + Unpin),
    ) -> Option<std::io::Result<bytes::Bytes>> {
        std::future::poll_fn(|cx| Pin::new(&mut *source).poll_chunk(cx)).await
    }

    /// Checks that `source` gives exactly `data` in non-empty chunks of at most a chunk's
    /// size, and that `digested` answers its length and SHA-256.
    pub(super) async fn assert_gives_and_hashes(
        source: impl ChunkSource + Unpin,
        digested: digest::Digested,
        data: &[u8],
    ) {
        use crate::transport::chunks::CHUNK;
        let (chunks, end) = collect(source).await;
        assert!(end.is_none(), "{end:?}");
        assert!(chunks.iter().all(|c| !c.is_empty() && c.len() <= CHUNK));
        assert_eq!(chunks.concat(), data);
        let (bytes, sha) = digested.await.unwrap();
        assert_eq!(bytes, data.len() as u64);
        assert_eq!(sha, digest::hex(&Sha256::digest(data)));
    }

    /// Every chunk of `source` until it ends or fails, and the error it failed with.
    pub(super) async fn collect(
        mut source: impl ChunkSource + Unpin,
    ) -> (Vec<Vec<u8>>, Option<std::io::Error>) {
        let mut chunks = Vec::new();
        loop {
            match next_chunk(&mut source).await {
                None => return (chunks, None),
                Some(Ok(chunk)) => chunks.push(chunk.to_vec()),
                Some(Err(error)) => return (chunks, Some(error)),
            }
        }
    }

    #[test]
    fn only_iso_vztmpl_and_import_pass_and_snippets_say_why() {
        for ok in [
            StorageContent::Iso,
            StorageContent::Vztmpl,
            StorageContent::Import,
        ] {
            assert!(check_content(&ok).is_ok());
        }
        let snippets: StorageContent = "snippets".parse().unwrap();
        let err = check_content(&snippets).unwrap_err();
        assert_eq!(
            err.to_string(),
            "parameter `content`: `snippets` cannot be uploaded: snippets cannot be uploaded \
             through the API; PVE only lists them, so they are written to the storage's \
             `snippets/` directory on the node"
        );
        let backup: StorageContent = "backup".parse().unwrap();
        assert!(
            check_content(&backup)
                .unwrap_err()
                .to_string()
                .contains("vzdump")
        );
    }

    #[tokio::test]
    async fn a_device_or_pipe_is_refused_since_its_length_is_unknown() {
        let err = Upload::from_file("pve1", "local", StorageContent::Iso, "/dev/null")
            .await
            .unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
        assert!(err.to_string().contains("not a regular file"), "{err}");
    }

    #[test]
    fn file_names_pve_would_cut_rename_or_refuse_are_refused() {
        let iso = StorageContent::Iso;
        assert!(check_file_name("debian-13.0.0-amd64-netinst.iso", &iso).is_ok());
        assert!(check_file_name("OPNsense_25.1.IMG", &iso).is_ok());
        assert!(check_file_name("alpine-3.22.tar.XZ", &StorageContent::Vztmpl).is_ok());
        assert!(check_file_name("disk-0.qcow2", &StorageContent::Import).is_ok());
        let problem = |name: &str, content: &StorageContent| match check_file_name(name, content) {
            Err(ParamError::Invalid { name, problem }) if name == "filename" => problem,
            other => panic!("{other:?}"),
        };
        for bad in [
            "",
            "a/b.iso",
            "a\".iso",
            "a\r\n.iso",
            "ubuntu;server.iso",
            "x.iso,y.iso",
            &"x".repeat(256),
        ] {
            problem(bad, &iso);
        }
        assert_eq!(
            problem("débian 13.iso", &iso),
            "\"débian 13.iso\" contains 'é'; PVE keeps only ASCII letters, digits, `-`, `_` and \
             `.` in a stored name (it would store \"d__bian_13.iso\")"
        );
        assert_eq!(
            problem("debian.iso.xz", &iso),
            "\"debian.iso.xz\" does not end in an extension PVE takes for `iso` content \
             (`.iso`, `.img`)"
        );
        for (name, content) in [
            ("alpine.tar", StorageContent::Vztmpl),
            ("disk.img", StorageContent::Import),
            ("disk.QCOW2", StorageContent::Import),
            ("disk.ovf", StorageContent::Import),
            (".iso", StorageContent::Iso),
        ] {
            assert!(problem(name, &content).contains("extension"), "{name}");
        }
    }
}
