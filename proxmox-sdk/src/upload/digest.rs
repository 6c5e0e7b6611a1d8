//! The file's bytes on their way out: counted, reported to a progress callback, checked
//! against the announced length, and hashed with SHA-256 on a thread of their own.
//!
//! Hashing costs about as much CPU as the TLS that sends the bytes, so it is kept off the
//! task that feeds the connection: each chunk read is copied once into a [`Bytes`] and handed
//! through a bounded channel to a dedicated thread. The channel holds at most [`QUEUE`]
//! chunks, so memory stays flat and a slow hasher slows the reads (backpressure) instead of
//! piling up data. The thread ends as soon as the reader is finished or dropped.

use std::fmt;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncRead, ReadBuf};
use tokio::sync::mpsc::error::SendError;
use tokio::sync::mpsc::{self, OwnedPermit, Sender};
use tokio::sync::oneshot;

/// Called with the number of file bytes sent so far, after each chunk.
pub type Progress = Arc<dyn Fn(u64) + Send + Sync>;

/// The most chunks waiting for the hashing thread.
const QUEUE: usize = 4;

/// The bytes hashed and their SHA-256, lower-case hex, once the reader is done.
pub(crate) type Digested = oneshot::Receiver<(u64, String)>;

/// Lower-case hex, as PVE writes checksums.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Starts the hashing thread: it hashes every chunk sent to the returned sender and, once
/// every sender is gone, answers the count and digest on the returned receiver.
fn start_hasher() -> io::Result<(Sender<Bytes>, Digested)> {
    let (chunks, mut incoming) = mpsc::channel::<Bytes>(QUEUE);
    let (answer, digested) = oneshot::channel();
    std::thread::Builder::new()
        .name("upload-sha256".into())
        .spawn(move || {
            let mut hasher = Sha256::new();
            let mut bytes = 0u64;
            while let Some(chunk) = incoming.blocking_recv() {
                hasher.update(&chunk);
                bytes += chunk.len() as u64;
            }
            // The upload may have been abandoned; then nobody waits for the answer.
            let _ = answer.send((bytes, hex(&hasher.finalize())));
        })?;
    Ok((chunks, digested))
}

type Reserving = Pin<Box<dyn Future<Output = Result<OwnedPermit<Bytes>, SendError<()>>> + Send>>;

/// Where the reader stands with the hashing thread.
enum Feed {
    /// No room reserved yet.
    Idle(Sender<Bytes>),
    /// Waiting for room in the channel.
    Reserving(Reserving),
    /// Room for the next chunk.
    Ready(OwnedPermit<Bytes>),
    /// Every byte handed over (or the thread is gone): the thread finishes.
    Closed,
}

/// Reads exactly `expected` bytes of `inner`, counting them and feeding them to the hasher.
pub(crate) struct HashingReader<R> {
    inner: R,
    expected: u64,
    read: u64,
    feed: Feed,
    progress: Option<Progress>,
}

impl<R> HashingReader<R> {
    /// The reader and the receiver of its digest.
    ///
    /// # Errors
    /// When the hashing thread cannot be started.
    pub(crate) fn new(
        inner: R,
        expected: u64,
        progress: Option<Progress>,
    ) -> io::Result<(Self, Digested)> {
        let (chunks, digested) = start_hasher()?;
        let feed = if expected == 0 {
            Feed::Closed
        } else {
            Feed::Idle(chunks)
        };
        let reader = Self {
            inner,
            expected,
            read: 0,
            feed,
            progress,
        };
        Ok((reader, digested))
    }

    /// Waits for room for one chunk in the hasher's channel.
    fn poll_room(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        loop {
            match std::mem::replace(&mut self.feed, Feed::Closed) {
                Feed::Idle(sender) => self.feed = Feed::Reserving(Box::pin(sender.reserve_owned())),
                Feed::Reserving(mut reserving) => match reserving.as_mut().poll(cx) {
                    Poll::Pending => {
                        self.feed = Feed::Reserving(reserving);
                        return Poll::Pending;
                    }
                    Poll::Ready(Ok(permit)) => self.feed = Feed::Ready(permit),
                    Poll::Ready(Err(_)) => return Poll::Ready(Err(hasher_gone())),
                },
                Feed::Ready(permit) => {
                    self.feed = Feed::Ready(permit);
                    return Poll::Ready(Ok(()));
                }
                Feed::Closed => return Poll::Ready(Err(hasher_gone())),
            }
        }
    }
}

fn hasher_gone() -> io::Error {
    io::Error::other("the upload's hashing thread stopped")
}

impl<R> fmt::Debug for HashingReader<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HashingReader")
            .field("expected", &self.expected)
            .field("read", &self.read)
            .finish_non_exhaustive()
    }
}

impl<R: AsyncRead + Unpin> AsyncRead for HashingReader<R> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let left = this.expected - this.read;
        if left == 0 || buf.remaining() == 0 {
            return Poll::Ready(Ok(()));
        }
        match this.poll_room(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(Err(error)) => return Poll::Ready(Err(error)),
            Poll::Ready(Ok(())) => {}
        }
        let room = usize::try_from(left).map_or(buf.remaining(), |l| l.min(buf.remaining()));
        let mut limited = ReadBuf::new(buf.initialize_unfilled_to(room));
        match Pin::new(&mut this.inner).poll_read(cx, &mut limited) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(Err(error)) => return Poll::Ready(Err(error)),
            Poll::Ready(Ok(())) => {}
        }
        let n = limited.filled().len();
        if n == 0 {
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!(
                    "the upload source ended after {} of its {} bytes",
                    this.read, this.expected
                ),
            )));
        }
        let chunk = Bytes::copy_from_slice(limited.filled());
        let Feed::Ready(permit) = std::mem::replace(&mut this.feed, Feed::Closed) else {
            return Poll::Ready(Err(hasher_gone()));
        };
        let sender = permit.send(chunk);
        this.read += n as u64;
        if this.read < this.expected {
            this.feed = Feed::Idle(sender);
        }
        buf.advance(n);
        if let Some(progress) = &this.progress {
            progress(this.read);
        }
        Poll::Ready(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use tokio::io::AsyncReadExt;

    use super::*;

    #[tokio::test]
    async fn hashes_counts_and_reports_exactly_the_announced_bytes() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = Arc::clone(&seen);
        let progress: Progress = Arc::new(move |n| record.lock().unwrap().push(n));
        let (mut reader, digested) = HashingReader::new(&b"abcdef"[..], 3, Some(progress)).unwrap();
        let mut out = Vec::new();
        reader.read_to_end(&mut out).await.unwrap();
        assert_eq!(out, b"abc");
        let (bytes, sha) = digested.await.unwrap();
        assert_eq!(bytes, 3);
        // sha256("abc")
        assert_eq!(
            sha,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(seen.lock().unwrap().last(), Some(&3));
    }

    #[tokio::test]
    async fn a_multi_chunk_stream_is_hashed_exactly_with_progress_after_each_chunk() {
        // Far more chunks than the channel holds, so the reader waits for the hasher.
        let data: Vec<u8> = (0..3_000_017u32).map(|i| (i * 7 + i / 251) as u8).collect();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = Arc::clone(&seen);
        let progress: Progress = Arc::new(move |n| record.lock().unwrap().push(n));
        let (mut reader, digested) =
            HashingReader::new(&data[..], data.len() as u64, Some(progress)).unwrap();
        let mut out = Vec::new();
        let mut buf = vec![0; 64 * 1024];
        loop {
            let n = reader.read(&mut buf).await.unwrap();
            if n == 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
        }
        assert_eq!(out, data);
        let (bytes, sha) = digested.await.unwrap();
        assert_eq!(bytes, data.len() as u64);
        assert_eq!(sha, hex(&Sha256::digest(&data)));
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), data.len().div_ceil(buf.len()));
        assert!(
            seen.iter()
                .zip(1..)
                .all(|(&sent, i)| sent == (i * 64 * 1024).min(data.len() as u64))
        );
        assert_eq!(seen.last(), Some(&(data.len() as u64)));
    }

    #[tokio::test]
    async fn a_dropped_reader_ends_the_hashing_thread() {
        let data = vec![1u8; 200_000];
        let (mut reader, digested) = HashingReader::new(&data[..], 200_000, None).unwrap();
        let mut buf = vec![0; 50_000];
        reader.read_exact(&mut buf).await.unwrap();
        drop(reader);
        // The thread answers once its sender is gone: what was handed over, no more.
        let (bytes, sha) = digested.await.unwrap();
        assert_eq!(bytes, 50_000);
        assert_eq!(sha, hex(&Sha256::digest(&data[..50_000])));
    }

    #[tokio::test]
    async fn a_source_shorter_than_announced_is_an_error_naming_both_lengths() {
        let (mut reader, _digested) = HashingReader::new(&b"ab"[..], 5, None).unwrap();
        let err = reader.read_to_end(&mut Vec::new()).await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof);
        assert_eq!(
            err.to_string(),
            "the upload source ended after 2 of its 5 bytes"
        );
    }
}
