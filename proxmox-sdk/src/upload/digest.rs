//! The file's bytes on their way out: counted, hashed with SHA-256, reported to a progress
//! callback, and checked against the announced length.

use std::fmt;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use sha2::{Digest, Sha256};
use tokio::io::{AsyncRead, ReadBuf};

/// Called with the number of file bytes sent so far, after each chunk.
pub type Progress = Arc<dyn Fn(u64) + Send + Sync>;

/// What was read of the file, shared with the caller while the reader is inside the transport.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    hasher: Sha256,
    bytes: u64,
}

impl Tally {
    /// The bytes read so far and the SHA-256 of them, lower-case hex.
    pub(crate) fn finish(&self) -> (u64, String) {
        (self.bytes, hex(&self.hasher.clone().finalize()))
    }
}

/// Lower-case hex, as PVE writes checksums.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads exactly `expected` bytes of `inner`, hashing and counting them into `tally`.
pub(crate) struct HashingReader<R> {
    inner: R,
    expected: u64,
    tally: Arc<Mutex<Tally>>,
    progress: Option<Progress>,
}

impl<R> HashingReader<R> {
    pub(crate) fn new(
        inner: R,
        expected: u64,
        tally: Arc<Mutex<Tally>>,
        progress: Option<Progress>,
    ) -> Self {
        Self {
            inner,
            expected,
            tally,
            progress,
        }
    }
}

impl<R> fmt::Debug for HashingReader<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HashingReader")
            .field("expected", &self.expected)
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
        let mut tally = this.tally.lock().unwrap_or_else(PoisonError::into_inner);
        let left = this.expected - tally.bytes;
        if left == 0 {
            return Poll::Ready(Ok(()));
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
                    tally.bytes, this.expected
                ),
            )));
        }
        tally.hasher.update(limited.filled());
        tally.bytes += n as u64;
        let sent = tally.bytes;
        drop(tally);
        buf.advance(n);
        if let Some(progress) = &this.progress {
            progress(sent);
        }
        Poll::Ready(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use tokio::io::AsyncReadExt;

    use super::*;

    #[tokio::test]
    async fn hashes_counts_and_reports_exactly_the_announced_bytes() {
        let tally = Arc::new(Mutex::new(Tally::default()));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = Arc::clone(&seen);
        let progress: Progress = Arc::new(move |n| record.lock().unwrap().push(n));
        let mut reader = HashingReader::new(&b"abcdef"[..], 3, Arc::clone(&tally), Some(progress));
        let mut out = Vec::new();
        reader.read_to_end(&mut out).await.unwrap();
        assert_eq!(out, b"abc");
        let (bytes, sha) = tally.lock().unwrap().finish();
        assert_eq!(bytes, 3);
        // sha256("abc")
        assert_eq!(
            sha,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(seen.lock().unwrap().last(), Some(&3));
    }

    #[tokio::test]
    async fn a_source_shorter_than_announced_is_an_error_naming_both_lengths() {
        let tally = Arc::new(Mutex::new(Tally::default()));
        let mut reader = HashingReader::new(&b"ab"[..], 5, tally, None);
        let err = reader.read_to_end(&mut Vec::new()).await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof);
        assert_eq!(
            err.to_string(),
            "the upload source ended after 2 of its 5 bytes"
        );
    }
}
