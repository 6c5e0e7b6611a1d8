//! The default [`Transport`]: reqwest over rustls.

use std::error::Error as StdError;

use crate::endpoint::HttpMethod;
use crate::tls::find_fingerprint_mismatch;
use crate::transport::{
    BoxFuture, HttpRequest, HttpResponse, RequestBody, Transport, TransportError, UpgradeResponse,
    Upgraded,
};

use super::stream_body::ReaderBody;

/// The largest response body read. PVE's biggest answers are guest agent data: `exec-status`
/// carries up to 16 MiB of standard output and 16 MiB of standard error, and `file-read` up to
/// 16 MiB, which PVE's JSON writes at up to six bytes per byte (`\u00XX` for a byte below
/// `0x20`): about 192 MiB at worst. A body past this is not PVE's and is not buffered.
pub const MAX_RESPONSE_BYTES: usize = 256 * 1024 * 1024;

/// A response body larger than [`MAX_RESPONSE_BYTES`]: the request was sent and answered, but
/// the answer was not read to the end.
#[derive(Debug, thiserror::Error)]
#[error("the response body is larger than {limit} bytes{}; it was not read", announced.map(|n| format!(" (announced: {n})")).unwrap_or_default())]
pub struct BodyTooLarge {
    /// The limit.
    pub limit: usize,
    /// The `Content-Length` the server announced, if it did.
    pub announced: Option<u64>,
}

/// reqwest with the TLS configuration, timeouts and user agent chosen in the builder.
///
/// The reqwest client is built with redirects off, so a credential can only ever go to the
/// configured origin, and reqwest never replays a request on its own.
#[derive(Debug, Clone)]
pub(crate) struct ReqwestTransport {
    client: reqwest::Client,
}

impl ReqwestTransport {
    pub(crate) fn new(client: reqwest::Client) -> Self {
        Self { client }
    }

    /// Hands `request` to reqwest and waits for the status line and headers.
    async fn send(&self, request: HttpRequest) -> Result<reqwest::Response, reqwest::Error> {
        let method = match request.method {
            HttpMethod::Get => reqwest::Method::GET,
            HttpMethod::Post => reqwest::Method::POST,
            HttpMethod::Put => reqwest::Method::PUT,
            HttpMethod::Delete => reqwest::Method::DELETE,
        };
        let pending = match reqwest::Url::parse(&request.url) {
            // What `Client::request(..).headers(..).body(..)` builds, with the header map
            // moved in instead of copied entry by entry.
            Ok(url) if url.has_host() => {
                let mut prepared = reqwest::Request::new(method, url);
                *prepared.headers_mut() = request.headers;
                *prepared.body_mut() = request.body.map(reqwest_body);
                *prepared.timeout_mut() = request.timeout;
                self.client.execute(prepared)
            }
            // Let the builder report an unusable URL exactly as it always has.
            _ => {
                let mut builder = self
                    .client
                    .request(method, &request.url)
                    .headers(request.headers);
                if let Some(body) = request.body {
                    builder = builder.body(reqwest_body(body));
                }
                if let Some(timeout) = request.timeout {
                    builder = builder.timeout(timeout);
                }
                self.client.execute(builder.build()?)
            }
        };
        pending.await
    }

    async fn run(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let response = self.send(request).await.map_err(classify)?;
        read_response(response).await
    }

    /// The request goes through the same reqwest client, so the same connector — and the
    /// TLS configuration with its CA or fingerprint pin — makes the connection that is then
    /// upgraded; reqwest is built for HTTP/1.1 only, where upgrades exist.
    async fn run_upgrade(&self, request: HttpRequest) -> Result<UpgradeResponse, TransportError> {
        // The URL carries the one-time console ticket: kept out of the error.
        let mut response = self
            .send(request)
            .await
            .map_err(|e| classify(e.without_url()))?;
        if response.status() != reqwest::StatusCode::SWITCHING_PROTOCOLS {
            return Ok(UpgradeResponse {
                response: read_response(response).await?,
                connection: None,
            });
        }
        let head = HttpResponse {
            status: 101,
            reason: reason_phrase(&response),
            headers: std::mem::take(response.headers_mut()),
            body: bytes::Bytes::new(),
        };
        let io = response
            .upgrade()
            .await
            .map_err(|e| classify(e.without_url()))?;
        Ok(UpgradeResponse {
            response: head,
            connection: Some(Upgraded::new(io)),
        })
    }
}

/// PVE's own reason phrase, when it sent one.
fn reason_phrase(response: &reqwest::Response) -> Option<String> {
    response
        .extensions()
        .get::<hyper::ext::ReasonPhrase>()
        .map(|r| String::from_utf8_lossy(r.as_bytes()).into_owned())
}

/// Status, reason, headers and the whole body (up to [`MAX_RESPONSE_BYTES`]).
async fn read_response(mut response: reqwest::Response) -> Result<HttpResponse, TransportError> {
    let status = response.status().as_u16();
    let reason = reason_phrase(&response);
    // Taken rather than cloned: reading the body does not need them.
    let headers = std::mem::take(response.headers_mut());
    let body = read_body(response, MAX_RESPONSE_BYTES).await?;
    Ok(HttpResponse {
        status,
        reason,
        headers,
        body,
    })
}

impl Transport for ReqwestTransport {
    fn execute(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        Box::pin(self.run(request))
    }

    fn upgrade(
        &self,
        request: HttpRequest,
    ) -> BoxFuture<'_, Result<UpgradeResponse, TransportError>> {
        Box::pin(self.run_upgrade(request))
    }
}

/// A request body as reqwest sends it: bytes as they are, a stream read as it goes out.
fn reqwest_body(body: RequestBody) -> reqwest::Body {
    match body {
        RequestBody::Bytes(bytes) => reqwest::Body::from(bytes),
        RequestBody::Stream(stream) => reqwest::Body::wrap(ReaderBody::new(stream)),
    }
}

/// Reads the body, refusing one larger than `limit` (by its `Content-Length`, or once that
/// many bytes arrived) without buffering the rest.
async fn read_body(
    mut response: reqwest::Response,
    limit: usize,
) -> Result<bytes::Bytes, TransportError> {
    let too_large =
        |announced| TransportError::Interrupted(Box::new(BodyTooLarge { limit, announced }));
    if let Some(announced) = response.content_length() {
        if announced > limit as u64 {
            return Err(too_large(Some(announced)));
        }
    }
    let mut body = bytes::BytesMut::new();
    while let Some(chunk) = response.chunk().await.map_err(classify)? {
        if body.len() + chunk.len() > limit {
            return Err(too_large(None));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// Sorts a reqwest failure by what it says about the request having been sent.
fn classify(err: reqwest::Error) -> TransportError {
    if err.is_connect() {
        // The connector covers TCP and the TLS handshake: nothing was written yet.
        let mismatch = find_fingerprint_mismatch(&err);
        if mismatch.is_some() || has_rustls_error(&err) {
            return TransportError::Tls {
                mismatch,
                source: Box::new(err),
            };
        }
        if err.is_timeout() {
            return TransportError::Timeout {
                sent: false,
                source: Some(Box::new(err)),
            };
        }
        return TransportError::Connect(Box::new(err));
    }
    if err.is_timeout() {
        return TransportError::Timeout {
            sent: true,
            source: Some(Box::new(err)),
        };
    }
    TransportError::Interrupted(Box::new(err))
}

/// Whether a `rustls::Error` is anywhere in the chain, including inside `io::Error` payloads
/// (which `source()` skips).
fn has_rustls_error(err: &(dyn StdError + 'static)) -> bool {
    let mut current = Some(err);
    let mut depth = 0;
    while let Some(e) = current {
        if depth > 32 {
            return false;
        }
        if e.is::<rustls::Error>() {
            return true;
        }
        if let Some(inner) = e
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            if has_rustls_error(inner) {
                return true;
            }
        }
        current = e.source();
        depth += 1;
    }
    false
}
