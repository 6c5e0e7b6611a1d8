//! The one seam between the client and the network.
//!
//! [`Transport`] moves one fully prepared HTTP request and returns the raw response. Everything
//! PVE-specific — authentication, ticket renewal, retries, the `{data}` envelope, error
//! classification — happens above it in [`Client`](crate::Client), so a substituted transport
//! (a test double, a recording proxy, another HTTP stack) gets all of that unchanged.

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;
use http::HeaderMap;
use tokio::io::AsyncRead;

use crate::endpoint::HttpMethod;
use crate::tls::FingerprintMismatch;

pub(crate) mod chunks;
mod upgrade;
pub use upgrade::{UpgradeResponse, UpgradeUnsupported, Upgraded, UpgradedIo};

/// A boxed, sendable future, as returned by [`Transport::execute`].
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Any error, boxed.
pub type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// Executes HTTP requests for a [`Client`](crate::Client).
///
/// Implementations must not follow redirects and must not retry on their own after a request
/// may have been sent (the client decides that), and must report failures with the
/// [`TransportError`] variant that says whether the request left the machine.
pub trait Transport: Send + Sync + fmt::Debug {
    /// Sends `request` and returns the response, whatever its status.
    fn execute(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>>;

    /// Sends `request`, which asks for an HTTP/1.1 upgrade (its `Connection: Upgrade` and
    /// `Upgrade` headers are set by the caller), and returns the upgraded connection on `101`,
    /// or the complete response otherwise. The connection must be the one the request went
    /// out on, so the TLS trust that verified it covers the upgraded stream too.
    ///
    /// The default cannot upgrade: it answers [`TransportError::Connect`] holding
    /// [`UpgradeUnsupported`], without sending anything.
    fn upgrade(
        &self,
        request: HttpRequest,
    ) -> BoxFuture<'_, Result<UpgradeResponse, TransportError>> {
        drop(request);
        Box::pin(std::future::ready(Err(TransportError::Connect(Box::new(
            UpgradeUnsupported,
        )))))
    }
}

/// A request ready for the wire.
///
/// Credentials travel in `headers` as values marked sensitive, so `http`'s `Debug` prints them
/// as `Sensitive`; the body (which holds the password of a login) is never printed.
///
/// Not `Clone`: a streamed body can be read only once, which is also why the client never
/// sends a request with a [`RequestBody::Stream`] twice.
pub struct HttpRequest {
    /// The method.
    pub method: HttpMethod,
    /// The absolute URL, e.g. `https://pve1:8006/api2/json/nodes/pve1/lxc?full=1`.
    pub url: String,
    /// Headers to send (authentication, CSRF token, content type).
    pub headers: HeaderMap,
    /// The body of a `POST`/`PUT`: a form in memory, or a stream of known length (an upload);
    /// its type is in the `Content-Type` header.
    pub body: Option<RequestBody>,
    /// How long this request may take in total, when it differs from the transport's default
    /// (an upload runs for minutes where an API call takes seconds). `None`: the default.
    pub timeout: Option<Duration>,
}

/// The body of a request: bytes in memory or a stream read while sending.
pub enum RequestBody {
    /// A complete body (a form).
    Bytes(Bytes),
    /// A body read from a stream while it is sent, never held whole in memory.
    Stream(BodyStream),
}

impl RequestBody {
    /// The body's length in bytes (what `Content-Length` says).
    pub fn len(&self) -> u64 {
        match self {
            Self::Bytes(bytes) => bytes.len() as u64,
            Self::Stream(stream) => stream.len(),
        }
    }

    /// Whether the body has no bytes.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes of an in-memory body; `None` for a stream.
    pub fn as_bytes(&self) -> Option<&Bytes> {
        match self {
            Self::Bytes(bytes) => Some(bytes),
            Self::Stream(_) => None,
        }
    }
}

impl From<Bytes> for RequestBody {
    fn from(bytes: Bytes) -> Self {
        Self::Bytes(bytes)
    }
}

impl fmt::Debug for RequestBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Bytes(bytes) => write!(f, "<{} bytes>", bytes.len()),
            Self::Stream(stream) => write!(f, "<stream of {} bytes>", stream.len()),
        }
    }
}

/// A reader and the exact number of bytes it yields.
///
/// PVE refuses chunked transfer encoding, so a streamed body always announces its length: a
/// transport sends `Content-Length: len` and then exactly `len` bytes of the reader. A reader
/// that ends early makes the request fail; bytes past `len` are not read.
pub struct BodyStream {
    source: StreamSource,
    len: u64,
}

/// Where a stream's bytes come from.
pub(crate) enum StreamSource {
    /// A caller's reader.
    Reader(Pin<Box<dyn AsyncRead + Send>>),
    /// The SDK's own chunks (an upload), which the reqwest transport sends without copying.
    Chunks(Pin<Box<dyn chunks::ChunkSource>>),
}

impl BodyStream {
    /// A body of exactly `len` bytes read from `reader`.
    pub fn new(reader: impl AsyncRead + Send + 'static, len: u64) -> Self {
        Self {
            source: StreamSource::Reader(Box::pin(reader)),
            len,
        }
    }

    /// A body of exactly `len` bytes in the chunks of `source`.
    pub(crate) fn from_chunks(source: impl chunks::ChunkSource + 'static, len: u64) -> Self {
        Self {
            source: StreamSource::Chunks(Box::pin(source)),
            len,
        }
    }

    /// The announced length.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether the body is announced empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The reader, to be read up to [`BodyStream::len`] bytes.
    pub fn into_reader(self) -> Pin<Box<dyn AsyncRead + Send>> {
        match self.source {
            StreamSource::Reader(reader) => reader,
            StreamSource::Chunks(source) => Box::pin(chunks::ChunksReader::new(source)),
        }
    }

    /// Where the bytes come from, for a transport that can take chunks as they are.
    pub(crate) fn into_source(self) -> StreamSource {
        self.source
    }
}

impl fmt::Debug for BodyStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<stream of {} bytes>", self.len)
    }
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &upgrade::redact_ticket(&self.url))
            .field("headers", &self.headers)
            .field("body", &self.body)
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// What the server answered.
#[derive(Debug, Clone)]
pub struct HttpResponse {
    /// The status code (PVE's proxy also uses 595–599).
    pub status: u16,
    /// The reason phrase, when it differs from the standard one for `status` (PVE puts its
    /// error message there).
    pub reason: Option<String>,
    /// Response headers.
    pub headers: HeaderMap,
    /// The complete body.
    pub body: Bytes,
}

/// Why a transport could not produce a response.
///
/// The variants differ in what they say about the request: whether it may have reached the
/// server. Choose carefully in a custom transport: the client replays a write only when the
/// error says it was never sent.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TransportError {
    /// No connection could be made (refused, unreachable, DNS, connect timeout). Nothing was
    /// sent.
    #[error("could not connect")]
    Connect(#[source] BoxError),
    /// The server's certificate was refused. Nothing was sent.
    #[error("TLS verification failed")]
    Tls {
        /// The presented and pinned fingerprints, when a pin did not match.
        mismatch: Option<FingerprintMismatch>,
        /// The underlying failure.
        #[source]
        source: BoxError,
    },
    /// No complete response arrived in time.
    #[error("timed out")]
    Timeout {
        /// Whether the request may have been sent before the time ran out.
        sent: bool,
        /// The underlying failure, if any.
        #[source]
        source: Option<BoxError>,
    },
    /// The connection failed after the request may have been sent (reset, closed, malformed
    /// response).
    #[error("connection failed after the request was sent")]
    Interrupted(#[source] BoxError),
}
