//! Streamed bodies as chunks of shared bytes, and the buffers those chunks are read into.
//!
//! A body read through [`AsyncRead`] is copied out of the reader's buffer into a fresh
//! allocation for every frame. The SDK's own streams (an upload's file) hand out [`Bytes`]
//! instead: each chunk is read once into a [`ChunkArena`] and then shared, not copied, with
//! whoever else needs it (the upload's SHA-256, the frame given to hyper).

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
use tokio::io::{AsyncRead, ReadBuf};

/// The most bytes read per chunk. Large enough that a chunk costs few wake-ups and system
/// calls, small enough that it and its TLS records stay in the CPU cache (128 KiB uploads ~1.4×
/// as fast as 512 KiB in `benches/upload`).
pub(crate) const CHUNK: usize = 128 * 1024;

/// How much one arena allocation holds: eight chunks, so one allocation serves eight reads.
const ARENA: usize = 8 * CHUNK;

/// A source of body chunks, in order; `None` once it has no more.
pub(crate) trait ChunkSource: Send {
    /// The next chunk, or the error that ended the source.
    fn poll_chunk(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<io::Result<Bytes>>>;
}

/// Buffers for chunks, reused instead of allocated per chunk.
///
/// Each chunk is split off the front of one large allocation. Once every chunk of that
/// allocation has been dropped (sent and hashed), the allocation is taken back for the next
/// ones; while some are still in flight, a new one is made and the old one is freed with its
/// last chunk. Memory is therefore bounded by the chunks alive at a time, and a steady stream
/// allocates nothing and takes no page faults after its first few chunks.
#[derive(Debug, Default)]
pub(crate) struct ChunkArena {
    buf: BytesMut,
}

impl ChunkArena {
    /// Room for the next chunk: `want` bytes (at most [`CHUNK`]) to read into.
    pub(crate) fn room(&mut self, want: usize) -> &mut [u8] {
        let want = want.min(CHUNK);
        if self.buf.capacity() < want && !self.buf.try_reclaim(ARENA) {
            self.buf = BytesMut::with_capacity(ARENA);
        }
        self.buf.resize(want, 0);
        &mut self.buf[..]
    }

    /// The first `filled` bytes of the last [`room`](Self::room), as a chunk of their own.
    pub(crate) fn take(&mut self, filled: usize) -> Bytes {
        self.buf.truncate(filled);
        self.buf.split().freeze()
    }

    /// Reads the next chunk of at most `want` bytes from `reader`; an empty chunk means the
    /// reader ended.
    pub(crate) fn poll_read_chunk<R: AsyncRead + ?Sized>(
        &mut self,
        reader: Pin<&mut R>,
        cx: &mut Context<'_>,
        want: usize,
    ) -> Poll<io::Result<Bytes>> {
        let mut buf = ReadBuf::new(self.room(want));
        match reader.poll_read(cx, &mut buf) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Err(error)) => Poll::Ready(Err(error)),
            Poll::Ready(Ok(())) => {
                let filled = buf.filled().len();
                Poll::Ready(Ok(self.take(filled)))
            }
        }
    }
}

/// A [`ChunkSource`] read as an [`AsyncRead`], for transports that take a reader: each chunk
/// is copied out as the reader is asked for bytes.
pub(crate) struct ChunksReader {
    source: Pin<Box<dyn ChunkSource>>,
    current: Bytes,
}

impl ChunksReader {
    pub(crate) fn new(source: Pin<Box<dyn ChunkSource>>) -> Self {
        Self {
            source,
            current: Bytes::new(),
        }
    }
}

impl AsyncRead for ChunksReader {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        while this.current.is_empty() {
            match this.source.as_mut().poll_chunk(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(Ok(())),
                Poll::Ready(Some(Err(error))) => return Poll::Ready(Err(error)),
                Poll::Ready(Some(Ok(chunk))) => this.current = chunk,
            }
        }
        let n = this.current.len().min(buf.remaining());
        buf.put_slice(&this.current.split_to(n));
        Poll::Ready(Ok(()))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::collections::VecDeque;

    use tokio::io::AsyncReadExt;

    use super::*;

    #[test]
    fn an_arena_is_reused_once_its_chunks_are_gone_and_replaced_while_they_live() {
        let mut arena = ChunkArena::default();
        arena.room(CHUNK).fill(1);
        let first = arena.take(CHUNK);
        let base = first.as_ptr();
        // Seven more chunks fit in the same allocation, right after the first.
        let mut alive = vec![first];
        for i in 1..8 {
            arena.room(CHUNK)[0] = i;
            let chunk = arena.take(CHUNK);
            assert_eq!(chunk.as_ptr(), base.wrapping_add(usize::from(i) * CHUNK));
            alive.push(chunk);
        }
        // A ninth while all eight live: a new allocation; the old chunks keep their bytes.
        arena.room(10).fill(9);
        let ninth = arena.take(10);
        assert_ne!(ninth.as_ptr(), base);
        assert_eq!(alive[0][..], vec![1; CHUNK][..]);
        assert_eq!(alive[7][0], 7);
        // Once its chunks are gone, that allocation is taken back again and again: twenty
        // chunks, far more than it holds, and all of them inside it.
        drop(alive);
        let reused_base = ninth.as_ptr() as usize;
        drop(ninth);
        for _ in 0..20 {
            arena.room(CHUNK);
            let offset = (arena.take(CHUNK).as_ptr() as usize).wrapping_sub(reused_base);
            assert!(
                offset < ARENA,
                "a new allocation although every chunk was dropped"
            );
        }
    }

    #[test]
    fn a_short_read_gives_a_chunk_of_what_was_read() {
        let mut arena = ChunkArena::default();
        arena.room(CHUNK)[..3].copy_from_slice(b"abc");
        assert_eq!(arena.take(3), Bytes::from_static(b"abc"));
        // Asking for more than a chunk gives a chunk.
        assert_eq!(arena.room(10 * CHUNK).len(), CHUNK);
    }

    /// A source that gives the listed chunks and results, then ends.
    pub(crate) struct Listed(pub(crate) VecDeque<io::Result<Bytes>>);

    impl ChunkSource for Listed {
        fn poll_chunk(
            self: Pin<&mut Self>,
            _: &mut Context<'_>,
        ) -> Poll<Option<io::Result<Bytes>>> {
            Poll::Ready(self.get_mut().0.pop_front())
        }
    }

    #[tokio::test]
    async fn chunks_read_as_a_reader_give_every_byte_in_order_then_the_error() {
        let source = Listed(VecDeque::from([
            Ok(Bytes::from_static(b"hello ")),
            Ok(Bytes::new()),
            Ok(Bytes::from_static(b"world")),
            Err(io::Error::other("disk gone")),
        ]));
        let mut reader = ChunksReader::new(Box::pin(source));
        let mut small = [0u8; 4];
        let mut out = Vec::new();
        let error = loop {
            match reader.read(&mut small).await {
                Ok(n) => out.extend_from_slice(&small[..n]),
                Err(error) => break error,
            }
        };
        assert_eq!(out, b"hello world");
        assert_eq!(error.to_string(), "disk gone");
    }
}
