//! What the test transports see of a streamed body: its announced length, how much of it was
//! read, the SHA-256 of what was read, and its first bytes (up to [`STREAM_HEAD_BYTES`]).
//!
//! A streamed body can be read once, so a transport that answers (rather than forwards) reads
//! it to the end itself, as a server would; a forwarding one records the bytes as the real
//! transport reads them.

use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use sha2::{Digest, Sha256};
use tokio::io::{AsyncRead, AsyncReadExt, ReadBuf};

use crate::transport::{BodyStream, HttpRequest, RequestBody};
use crate::upload::digest::hex;

use super::request::CapturedRequest;

/// How many leading bytes of a streamed body a capture keeps.
pub const STREAM_HEAD_BYTES: usize = 1024 * 1024;

/// A streamed request body as a test transport read it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CapturedStream {
    /// The length the request announced (its `Content-Length`).
    pub announced: u64,
    /// How many bytes were read from the stream.
    pub read: u64,
    /// The SHA-256 of the bytes read, lower-case hex; set once the stream was read to its
    /// announced length or to its end.
    pub sha256: Option<String>,
    /// The first bytes read, at most [`STREAM_HEAD_BYTES`] (the whole body of a small one).
    pub head: Vec<u8>,
    /// Why reading stopped early (the stream failed or ended before its announced length).
    pub error: Option<String>,
}

/// Records the bytes of a stream as they pass.
#[derive(Debug)]
struct Recorder {
    hasher: Sha256,
    captured: CapturedStream,
}

impl Recorder {
    fn new(announced: u64) -> Self {
        Self {
            hasher: Sha256::new(),
            captured: CapturedStream {
                announced,
                read: 0,
                sha256: None,
                head: Vec::new(),
                error: None,
            },
        }
    }

    fn record(&mut self, bytes: &[u8]) {
        self.hasher.update(bytes);
        self.captured.read += bytes.len() as u64;
        let room = STREAM_HEAD_BYTES.saturating_sub(self.captured.head.len());
        self.captured
            .head
            .extend_from_slice(&bytes[..room.min(bytes.len())]);
    }

    fn finish(&mut self, error: Option<String>) {
        self.captured.error = error;
        self.captured.sha256 = Some(hex(&self.hasher.clone().finalize()));
    }
}

/// Takes the stream out of `request`, if its body is one.
pub(crate) fn take_stream(request: &mut HttpRequest) -> Option<BodyStream> {
    match request.body.take() {
        Some(RequestBody::Stream(stream)) => Some(stream),
        other => {
            request.body = other;
            None
        }
    }
}

/// Reads `stream` to its announced length, as a server would, and records it.
pub(crate) async fn drain(stream: BodyStream) -> CapturedStream {
    let announced = stream.len();
    let mut reader = stream.into_reader().take(announced);
    let mut recorder = Recorder::new(announced);
    let mut buf = vec![0; 64 * 1024];
    let error = loop {
        match reader.read(&mut buf).await {
            Ok(0) if recorder.captured.read < announced => {
                break Some(format!(
                    "the stream ended after {} of {announced} bytes",
                    recorder.captured.read
                ));
            }
            Ok(0) => break None,
            Ok(n) => recorder.record(&buf[..n]),
            Err(error) => break Some(error.to_string()),
        }
    };
    recorder.finish(error);
    recorder.captured
}

/// `stream`, recording what is read of it into entry `index` of `requests`.
pub(crate) fn recording(
    stream: BodyStream,
    requests: Arc<Mutex<Vec<CapturedRequest>>>,
    index: usize,
) -> BodyStream {
    let announced = stream.len();
    let reader = RecordingReader {
        inner: stream.into_reader(),
        recorder: Recorder::new(announced),
        requests,
        index,
    };
    BodyStream::new(reader, announced)
}

struct RecordingReader {
    inner: Pin<Box<dyn AsyncRead + Send>>,
    recorder: Recorder,
    requests: Arc<Mutex<Vec<CapturedRequest>>>,
    index: usize,
}

impl RecordingReader {
    fn publish(&self) {
        let mut requests = self.requests.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(entry) = requests.get_mut(self.index) {
            entry.stream = Some(self.recorder.captured.clone());
        }
    }
}

impl AsyncRead for RecordingReader {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let result = this.inner.as_mut().poll_read(cx, buf);
        match &result {
            Poll::Pending => return result,
            Poll::Ready(Ok(())) => {
                let new = &buf.filled()[before..];
                this.recorder.record(new);
                let whole = this.recorder.captured.read >= this.recorder.captured.announced;
                if new.is_empty() || whole {
                    this.recorder.finish(None);
                }
            }
            Poll::Ready(Err(error)) => this.recorder.finish(Some(error.to_string())),
        }
        this.publish();
        result
    }
}
