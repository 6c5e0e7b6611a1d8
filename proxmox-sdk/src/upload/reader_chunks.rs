//! A caller's reader as upload chunks: read on the sending task into reused buffers, each
//! chunk shared with the hashing thread.
//!
//! The hasher's channel holds at most [`QUEUE`](super::digest::QUEUE) chunks, so memory stays
//! flat and a slow hasher slows the reads (backpressure) instead of piling up data. The thread
//! ends as soon as the source is finished or dropped.

use std::fmt;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use tokio::io::AsyncRead;
use tokio::sync::mpsc::error::SendError;
use tokio::sync::mpsc::{OwnedPermit, Sender};

use crate::transport::chunks::{CHUNK, ChunkArena, ChunkSource};

use super::cancel::Cancel;
use super::digest::{Digested, ended_early, start_hasher};

type Reserving = Pin<Box<dyn Future<Output = Result<OwnedPermit<Bytes>, SendError<()>>> + Send>>;

/// Where the source stands with the hashing thread.
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

/// Exactly `expected` bytes of a reader, chunk by chunk, each also fed to the hasher.
pub(crate) struct ReaderChunks<R> {
    inner: R,
    expected: u64,
    read: u64,
    arena: ChunkArena,
    feed: Feed,
}

impl<R> ReaderChunks<R> {
    /// The chunks of `inner` and the receiver of their digest.
    ///
    /// # Errors
    /// When the hashing thread cannot be started.
    pub(crate) fn new(inner: R, expected: u64, cancel: Cancel) -> io::Result<(Self, Digested)> {
        let (chunks, digested) = start_hasher(cancel)?;
        let feed = if expected == 0 {
            Feed::Closed
        } else {
            Feed::Idle(chunks)
        };
        let source = Self {
            inner,
            expected,
            read: 0,
            arena: ChunkArena::default(),
            feed,
        };
        Ok((source, digested))
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

impl<R> fmt::Debug for ReaderChunks<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReaderChunks")
            .field("expected", &self.expected)
            .field("read", &self.read)
            .finish_non_exhaustive()
    }
}

impl<R: AsyncRead + Send + Unpin> ChunkSource for ReaderChunks<R> {
    fn poll_chunk(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<io::Result<Bytes>>> {
        let this = self.get_mut();
        let left = this.expected - this.read;
        if left == 0 {
            return Poll::Ready(None);
        }
        if let Err(error) = std::task::ready!(this.poll_room(cx)) {
            return Poll::Ready(Some(Err(error)));
        }
        let want = usize::try_from(left).map_or(CHUNK, |l| l.min(CHUNK));
        let chunk = match std::task::ready!(this.arena.poll_read_chunk(
            Pin::new(&mut this.inner),
            cx,
            want
        )) {
            Ok(chunk) if chunk.is_empty() => {
                return Poll::Ready(Some(Err(ended_early(this.read, this.expected))));
            }
            Ok(chunk) => chunk,
            Err(error) => return Poll::Ready(Some(Err(error))),
        };
        let Feed::Ready(permit) = std::mem::replace(&mut this.feed, Feed::Closed) else {
            return Poll::Ready(Some(Err(hasher_gone())));
        };
        let sender = permit.send(chunk.clone());
        this.read += chunk.len() as u64;
        if this.read < this.expected {
            this.feed = Feed::Idle(sender);
        }
        Poll::Ready(Some(Ok(chunk)))
    }
}

#[cfg(test)]
mod tests {
    use sha2::{Digest, Sha256};

    use super::super::digest::hex;
    use super::super::tests::{assert_gives_and_hashes, collect, next_chunk};
    use super::*;

    #[tokio::test]
    async fn hashes_and_gives_exactly_the_announced_bytes() {
        let (source, digested) = ReaderChunks::new(&b"abcdef"[..], 3, Cancel::default()).unwrap();
        let (chunks, end) = collect(source).await;
        assert_eq!(chunks.concat(), b"abc");
        assert!(end.is_none());
        let (bytes, sha) = digested.await.unwrap();
        assert_eq!(bytes, 3);
        // sha256("abc")
        assert_eq!(
            sha,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[tokio::test]
    async fn a_multi_chunk_stream_is_hashed_exactly_in_chunks_of_at_most_chunk_bytes() {
        // Far more chunks than the channel holds, so the source waits for the hasher.
        let data: Vec<u8> = (0..3_000_017u32).map(|i| (i * 7 + i / 251) as u8).collect();
        let (source, digested) =
            ReaderChunks::new(&data[..], data.len() as u64, Cancel::default()).unwrap();
        assert_gives_and_hashes(source, digested, &data).await;
    }

    #[tokio::test]
    async fn a_dropped_source_ends_the_hashing_thread_with_what_was_handed_over() {
        let data = vec![1u8; 3 * CHUNK];
        let (mut source, digested) =
            ReaderChunks::new(&data[..], data.len() as u64, Cancel::default()).unwrap();
        let first = next_chunk(&mut source).await.unwrap().unwrap();
        assert_eq!(first.len(), CHUNK);
        drop(source);
        let (bytes, sha) = digested.await.unwrap();
        assert_eq!(bytes, CHUNK as u64);
        assert_eq!(sha, hex(&Sha256::digest(&data[..CHUNK])));
    }

    #[tokio::test]
    async fn a_source_shorter_than_announced_is_an_error_naming_both_lengths() {
        let (source, _digested) = ReaderChunks::new(&b"ab"[..], 5, Cancel::default()).unwrap();
        let (chunks, end) = collect(source).await;
        assert_eq!(chunks.concat(), b"ab");
        let err = end.unwrap();
        assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof);
        assert_eq!(
            err.to_string(),
            "the upload source ended after 2 of its 5 bytes"
        );
    }
}
