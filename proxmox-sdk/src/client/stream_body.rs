//! A [`BodyStream`] as an `http_body::Body`, so reqwest sends it as it is read.
//!
//! The body announces its exact length (hyper then writes `Content-Length` and never chunks,
//! which PVE refuses), hands out one chunk per frame, and holds no more than the chunks in
//! flight: memory stays flat whatever the length. A caller's reader is read into reused
//! buffers ([`ChunkArena`]); the SDK's own chunks are passed on as they are, without a copy.

use std::io;
use std::pin::Pin;
use std::sync::Mutex;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Frame, SizeHint};

use crate::transport::chunks::{CHUNK, ChunkArena};
use crate::transport::{BodyStream, StreamSource};

/// A stream of known length, frame by frame.
pub(crate) struct ReaderBody {
    /// In a mutex only because reqwest wants a `Sync` body; it is reached through `get_mut`,
    /// never locked.
    source: Mutex<StreamSource>,
    remaining: u64,
    arena: ChunkArena,
}

impl ReaderBody {
    pub(crate) fn new(stream: BodyStream) -> Self {
        Self {
            remaining: stream.len(),
            source: Mutex::new(stream.into_source()),
            arena: ChunkArena::default(),
        }
    }

    /// The next chunk from the source: `Ok(None)` when it ended.
    fn poll_chunk(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<Option<Bytes>>> {
        let source = self
            .source
            .get_mut()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match source {
            StreamSource::Reader(reader) => {
                let want = usize::try_from(self.remaining).map_or(CHUNK, |left| left.min(CHUNK));
                self.arena
                    .poll_read_chunk(reader.as_mut(), cx, want)
                    .map_ok(|chunk| (!chunk.is_empty()).then_some(chunk))
            }
            StreamSource::Chunks(chunks) => chunks.as_mut().poll_chunk(cx).map(Option::transpose),
        }
    }
}

impl http_body::Body for ReaderBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        let this = self.get_mut();
        loop {
            if this.remaining == 0 {
                return Poll::Ready(None);
            }
            let chunk = match this.poll_chunk(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Err(error)) => return Poll::Ready(Some(Err(error))),
                Poll::Ready(Ok(None)) => {
                    return Poll::Ready(Some(Err(ended_early(this.remaining))));
                }
                Poll::Ready(Ok(Some(chunk))) => chunk,
            };
            if chunk.is_empty() {
                continue;
            }
            let Some(left) = this.remaining.checked_sub(chunk.len() as u64) else {
                return Poll::Ready(Some(Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "the body stream gave more bytes than its announced length \
                         ({} more than the {} left)",
                        chunk.len() as u64 - this.remaining,
                        this.remaining
                    ),
                ))));
            };
            this.remaining = left;
            return Poll::Ready(Some(Ok(Frame::data(chunk))));
        }
    }

    fn is_end_stream(&self) -> bool {
        self.remaining == 0
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.remaining)
    }
}

fn ended_early(remaining: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::UnexpectedEof,
        format!("the body stream ended {remaining} bytes before its announced length"),
    )
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;

    use http_body::Body as _;

    use super::*;
    use crate::transport::chunks::tests::Listed;

    /// Every frame's bytes until the body ends or fails, and the error it failed with.
    async fn read_frames(body: ReaderBody) -> (Vec<Bytes>, Option<io::Error>) {
        let mut body = Box::pin(body);
        let mut out = Vec::new();
        loop {
            let frame = std::future::poll_fn(|cx| body.as_mut().poll_frame(cx)).await;
            match frame {
                None => return (out, None),
                Some(Ok(frame)) => out.push(frame.into_data().expect("a data frame")),
                Some(Err(error)) => return (out, Some(error)),
            }
        }
    }

    fn listed(chunks: &[&'static [u8]]) -> Listed {
        Listed(chunks.iter().map(|c| Ok(Bytes::from_static(c))).collect())
    }

    #[tokio::test]
    async fn a_reader_is_sent_in_chunks_of_at_most_chunk_bytes_up_to_its_length() {
        let data: Vec<u8> = (0..(3 * CHUNK + 5) as u32).map(|i| i as u8).collect();
        let mut longer = data.clone();
        longer.extend_from_slice(b"not sent");
        let body = ReaderBody::new(BodyStream::new(
            std::io::Cursor::new(longer),
            data.len() as u64,
        ));
        assert_eq!(body.size_hint().exact(), Some(data.len() as u64));
        let (frames, end) = read_frames(body).await;
        assert!(end.is_none());
        assert!(frames.iter().all(|f| !f.is_empty() && f.len() <= CHUNK));
        assert_eq!(frames.concat(), data);
    }

    #[tokio::test]
    async fn a_reader_shorter_than_announced_fails_the_body() {
        let body = ReaderBody::new(BodyStream::new(&b"abc"[..], 5));
        let (frames, end) = read_frames(body).await;
        assert_eq!(frames.concat(), b"abc");
        assert_eq!(
            end.unwrap().to_string(),
            "the body stream ended 2 bytes before its announced length"
        );
    }

    #[tokio::test]
    async fn chunks_are_passed_on_as_they_are_and_empty_ones_skipped() {
        let chunk = Bytes::from_static(b"shared");
        let source = Listed(VecDeque::from([
            Ok(Bytes::new()),
            Ok(chunk.clone()),
            Ok(Bytes::from_static(b"!")),
        ]));
        let body = ReaderBody::new(BodyStream::from_chunks(source, 7));
        let (frames, end) = read_frames(body).await;
        assert!(end.is_none());
        assert_eq!(frames.len(), 2);
        // The very bytes of the source, not a copy.
        assert_eq!(frames[0].as_ptr(), chunk.as_ptr());
        assert_eq!(frames.concat(), b"shared!");
    }

    #[tokio::test]
    async fn chunks_longer_or_shorter_than_announced_fail_the_body() {
        let body = ReaderBody::new(BodyStream::from_chunks(listed(&[b"abcd", b"efgh"]), 6));
        let (frames, end) = read_frames(body).await;
        assert_eq!(frames.concat(), b"abcd");
        assert_eq!(
            end.unwrap().to_string(),
            "the body stream gave more bytes than its announced length (2 more than the 2 left)"
        );
        let body = ReaderBody::new(BodyStream::from_chunks(listed(&[b"ab"]), 6));
        let (_, end) = read_frames(body).await;
        assert_eq!(
            end.unwrap().to_string(),
            "the body stream ended 4 bytes before its announced length"
        );
    }
}
