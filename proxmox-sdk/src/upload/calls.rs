//! The upload and download calls on [`Client`].

use http::HeaderValue;

use crate::api::nodes::PostNodesStorageDownloadUrl;
use crate::client::{Client, Streamed};
use crate::error::Error;
use crate::task::{TaskError, TaskOutcome, WaitOptions};
use crate::transport::BodyStream;
use crate::upid::Upid;
use crate::wire::{ParamError, PathWriter};

use super::body::UploadBody;
use super::cancel::Cancel;
use super::multipart::{Form, random_boundary};
use super::stall;
use super::{Upload, Uploaded, check_content, check_file_name};

/// The path template of an upload, for logs.
const UPLOAD_PATH: &str = "/nodes/{node}/storage/{storage}/upload";

/// Why a transfer that also waits for its task failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TransferError {
    /// The call that starts the task failed; no task runs.
    #[error("the transfer could not be started")]
    Start(#[source] Error),
    /// The task was started and then failed, timed out, or could not be followed.
    #[error("the transfer's task did not succeed")]
    Task(#[source] TaskError),
}

impl Client {
    /// Streams `upload` to its storage as `multipart/form-data` and returns the task that
    /// stores it, with the size and SHA-256 of what was sent.
    ///
    /// The body is sent once: a failure after the stream was handed to the transport is
    /// returned, never retried (the reader cannot be rewound). With ticket login the ticket
    /// is fetched or renewed before the upload starts.
    ///
    /// ```no_run
    /// # async fn demo(client: proxmox_sdk::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// use proxmox_sdk::api::types::StorageContent;
    /// use proxmox_sdk::task::WaitOptions;
    /// use proxmox_sdk::upload::Upload;
    ///
    /// let upload = Upload::from_file("pve1", "local", StorageContent::Vztmpl, "alpine.tar.xz").await?;
    /// let uploaded = client.upload(upload).await?;
    /// println!("sent {} bytes, sha256 {}", uploaded.bytes, uploaded.sha256);
    /// client.wait_task(&uploaded.upid, WaitOptions::default()).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// Before the file, one `GET /access/permissions` checks `Datastore.AllocateTemplate` on
    /// the storage: PVE refuses an upload without it before reading the body, which a client
    /// streaming the body would mostly see as a broken connection.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] before anything is sent, for content PVE does not take by
    /// upload (`snippets`, `backup`, …) or a file name PVE would cut, rename or refuse (only
    /// ASCII letters, digits, `-`, `_` and `.`, with an extension that fits the content);
    /// [`Error::Forbidden`] naming the privilege, before the file is sent, when the caller
    /// lacks it; then as [`Client::send`],
    /// with [`Error::Interrupted`] when the reader failed or ended before its announced
    /// length, and [`Error::Timeout`] when [`Upload::timeout`] expired or the server took no
    /// byte for the [`Upload::stall_timeout`].
    pub async fn upload(&self, upload: Upload) -> Result<Uploaded, Error> {
        check_content(&upload.content)?;
        check_file_name(&upload.file_name, &upload.content)?;
        self.check_upload_allowed(&upload.storage).await?;
        let volid = format!(
            "{}:{}/{}",
            upload.storage,
            upload.content.as_str(),
            upload.file_name
        );
        let mut fields = vec![("content", upload.content.as_str())];
        if let Some((algorithm, hex)) = &upload.checksum {
            fields.push(("checksum-algorithm", algorithm.as_str()));
            fields.push(("checksum", hex.as_str()));
        }
        let form = Form::new(random_boundary(), &fields, &upload.file_name);
        let content_type = HeaderValue::from_str(&form.content_type())
            .map_err(|e| Error::config(format!("upload content type: {e}")))?;
        let len = form.len(upload.len);
        // The upload's threads stop waiting once this call is over, however it ends.
        let cancel = Cancel::default();
        let _over = cancel.on_drop();
        let (progress, moved) = stall::watch(upload.progress);
        let (body, digested) =
            UploadBody::new(form, upload.source, upload.len, Some(progress), cancel)
                .map_err(|e| Error::Interrupted(Box::new(e)))?;
        let streamed = Streamed::new(
            BodyStream::from_chunks(body, len),
            content_type,
            Some(upload.timeout),
        );
        let sending = self.send_streamed::<Upid>(
            UPLOAD_PATH,
            upload_path(&upload.node, &upload.storage),
            streamed,
        );
        let upid = tokio::select! {
            sent = sending => sent?,
            stall = stall::stalled(&moved, upload.len, upload.stall_timeout) => return Err(stall),
        };
        // The server answers after the whole body, so the hasher has (or is about to get) its
        // last chunk; were the body still in flight, this waits for hyper to finish or drop it.
        let (bytes, sha256) = digested.await.map_err(|_| {
            Error::Interrupted("the upload's hashing thread stopped before its digest".into())
        })?;
        Ok(Uploaded {
            upid,
            bytes,
            sha256,
            volid,
        })
    }

    /// [`Client::upload`], then [`Client::wait_task`] on the task it started.
    ///
    /// ```no_run
    /// # async fn demo(client: proxmox_sdk::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// use proxmox_sdk::api::types::StorageContent;
    /// use proxmox_sdk::task::WaitOptions;
    /// use proxmox_sdk::upload::Upload;
    ///
    /// let upload = Upload::from_file("pve1", "local", StorageContent::Iso, "debian.iso").await?
    ///     .sha256(std::fs::read_to_string("debian.iso.sha256")?.trim());
    /// let (uploaded, _outcome) = client.upload_and_wait(upload, WaitOptions::default()).await?;
    /// println!("stored as {}", uploaded.upid);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`TransferError::Start`] with the errors of [`Client::upload`];
    /// [`TransferError::Task`] with those of [`Client::wait_task`] (a checksum mismatch
    /// fails the task).
    pub async fn upload_and_wait(
        &self,
        upload: Upload,
        wait: WaitOptions,
    ) -> Result<(Uploaded, TaskOutcome), TransferError> {
        let uploaded = self.upload(upload).await.map_err(TransferError::Start)?;
        let outcome = self
            .wait_task(&uploaded.upid, wait)
            .await
            .map_err(TransferError::Task)?;
        Ok((uploaded, outcome))
    }

    /// Has the node download `request.url` into the storage itself
    /// (`POST /nodes/{node}/storage/{storage}/download-url`) and waits for the task. Set
    /// `checksum` and `checksum_algorithm` on the request to have PVE verify the file.
    ///
    /// ```no_run
    /// # async fn demo(client: proxmox_sdk::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// use proxmox_sdk::api::nodes::PostNodesStorageDownloadUrl;
    /// use proxmox_sdk::api::types::{StorageChecksumAlgorithm, StorageContent};
    /// use proxmox_sdk::task::WaitOptions;
    ///
    /// let request = PostNodesStorageDownloadUrl::new(
    ///     "pve1", "local", StorageContent::Iso, "debian.iso",
    ///     "https://cdimage.debian.org/debian-cd/current/amd64/iso-cd/debian.iso",
    /// )
    /// .checksum("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    /// .checksum_algorithm(StorageChecksumAlgorithm::Sha256);
    /// let (upid, _outcome) = client.download_url(&request, WaitOptions::default()).await?;
    /// # let _ = upid; Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`TransferError::Start`]: an [`Error::InvalidParameter`] before sending for content
    /// PVE does not download or a checksum without its algorithm (or the reverse), then the
    /// errors of [`Client::send`]; [`TransferError::Task`] with those of
    /// [`Client::wait_task`].
    pub async fn download_url(
        &self,
        request: &PostNodesStorageDownloadUrl,
        wait: WaitOptions,
    ) -> Result<(Upid, TaskOutcome), TransferError> {
        check_content(&request.content)
            .and_then(|()| check_file_name(&request.filename, &request.content))
            .and_then(|()| check_checksum_pair(request))
            .map_err(|e| TransferError::Start(e.into()))?;
        let upid = self.send(request).await.map_err(TransferError::Start)?;
        let outcome = self
            .wait_task(&upid, wait)
            .await
            .map_err(TransferError::Task)?;
        Ok((upid, outcome))
    }
}

/// `checksum` and `checksum-algorithm` require each other.
fn check_checksum_pair(request: &PostNodesStorageDownloadUrl) -> Result<(), ParamError> {
    let missing = match (&request.checksum, &request.checksum_algorithm) {
        (Some(_), None) => ("checksum", "checksum-algorithm"),
        (None, Some(_)) => ("checksum-algorithm", "checksum"),
        _ => return Ok(()),
    };
    Err(ParamError::Invalid {
        name: missing.0.to_owned(),
        problem: format!("requires `{}`", missing.1),
    })
}

/// The encoded path of an upload below `/api2/json`.
fn upload_path(node: &str, storage: &str) -> String {
    let mut path = PathWriter::new();
    path.literal("/nodes/");
    path.param(node);
    path.literal("/storage/");
    path.param(storage);
    path.literal("/upload");
    path.finish()
}
