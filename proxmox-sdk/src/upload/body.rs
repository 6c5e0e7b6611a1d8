//! The whole upload body as chunks: the form's fields, the file, the closing delimiter.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use tokio::io::AsyncRead;

use crate::transport::chunks::ChunkSource;

use super::cancel::Cancel;
use super::digest::{Digested, Progress};
use super::file_chunks::FileChunks;
use super::multipart::Form;
use super::reader_chunks::ReaderChunks;

/// Where an upload's file bytes come from.
pub(crate) enum FileSource {
    /// A file on disk: read on a thread of its own ([`FileChunks`]).
    File(std::fs::File),
    /// A caller's reader: read on the sending task ([`ReaderChunks`]).
    Reader(Box<dyn AsyncRead + Send + Unpin>),
}

/// The form around the file's chunks, reporting progress as file chunks go out.
pub(crate) struct UploadBody {
    head: Option<Bytes>,
    file: Pin<Box<dyn ChunkSource>>,
    tail: Option<Bytes>,
    progress: Option<Progress>,
    sent: u64,
}

impl UploadBody {
    /// The body of `len` file bytes from `source` inside `form`, and the receiver of the file's
    /// digest.
    ///
    /// # Errors
    /// When the reading or hashing thread cannot be started.
    pub(crate) fn new(
        form: Form,
        source: FileSource,
        len: u64,
        progress: Option<Progress>,
        cancel: Cancel,
    ) -> io::Result<(Self, Digested)> {
        let (file, digested): (Pin<Box<dyn ChunkSource>>, _) = match source {
            FileSource::File(file) => {
                let (chunks, digested) = FileChunks::start(file, len, cancel)?;
                (Box::pin(chunks), digested)
            }
            FileSource::Reader(reader) => {
                let (chunks, digested) = ReaderChunks::new(reader, len, cancel)?;
                (Box::pin(chunks), digested)
            }
        };
        let body = Self {
            head: Some(Bytes::from(form.head)),
            file,
            tail: Some(Bytes::from(form.tail)),
            progress,
            sent: 0,
        };
        Ok((body, digested))
    }
}

impl ChunkSource for UploadBody {
    fn poll_chunk(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<io::Result<Bytes>>> {
        let this = self.get_mut();
        if let Some(head) = this.head.take() {
            return Poll::Ready(Some(Ok(head)));
        }
        if this.tail.is_none() {
            return Poll::Ready(None);
        }
        match std::task::ready!(this.file.as_mut().poll_chunk(cx)) {
            Some(Ok(chunk)) => {
                this.sent += chunk.len() as u64;
                if let Some(progress) = &this.progress {
                    progress(this.sent);
                }
                Poll::Ready(Some(Ok(chunk)))
            }
            Some(Err(error)) => {
                // Nothing follows a failed file: the body ends short of its length.
                this.tail = None;
                Poll::Ready(Some(Err(error)))
            }
            None => Poll::Ready(this.tail.take().map(Ok)),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::super::multipart::Form;
    use super::super::tests::collect;
    use super::*;
    use crate::transport::chunks::CHUNK;

    #[tokio::test]
    async fn the_form_surrounds_the_file_and_progress_follows_each_file_chunk() {
        let data = vec![5u8; 2 * CHUNK + 3];
        let form = Form::new("B".into(), &[("content", "iso")], "a.iso");
        let (head, tail) = (form.head.clone(), form.tail.clone());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = Arc::clone(&seen);
        let progress: Progress = Arc::new(move |n| record.lock().unwrap().push(n));
        let reader = FileSource::Reader(Box::new(std::io::Cursor::new(data.clone())));
        let (body, digested) = UploadBody::new(
            form,
            reader,
            data.len() as u64,
            Some(progress),
            Cancel::default(),
        )
        .unwrap();
        let (chunks, end) = collect(body).await;
        assert!(end.is_none());
        assert_eq!(chunks.concat(), [head, data.clone(), tail].concat());
        let total = data.len() as u64;
        assert_eq!(
            *seen.lock().unwrap(),
            [CHUNK as u64, 2 * CHUNK as u64, total]
        );
        assert_eq!(digested.await.unwrap().0, total);
    }

    #[tokio::test]
    async fn a_failing_file_ends_the_body_without_its_closing_delimiter() {
        let form = Form::new("B".into(), &[("content", "iso")], "a.iso");
        let head = form.head.clone();
        let reader = FileSource::Reader(Box::new(&b"xy"[..]));
        let (body, _digested) = UploadBody::new(form, reader, 9, None, Cancel::default()).unwrap();
        let (chunks, end) = collect(body).await;
        // The server sees a body cut short, never a complete form with a short file.
        assert_eq!(chunks.concat(), [head, b"xy".to_vec()].concat());
        assert_eq!(
            end.unwrap().to_string(),
            "the upload source ended after 2 of its 9 bytes"
        );
    }
}
