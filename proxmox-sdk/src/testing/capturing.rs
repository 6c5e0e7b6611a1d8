//! [`CapturingTransport`]: records every request, answers each the same way (or passes it on).

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use crate::client::Client;
use crate::transport::{
    BoxFuture, HttpRequest, HttpResponse, RequestBody, Transport, TransportError, UpgradeResponse,
    UpgradeUnsupported,
};

use super::request::CapturedRequest;
use super::respond;
use super::stream;

/// Where a captured request goes after it was recorded.
enum Next {
    /// Every request gets this answer.
    Answer(HttpResponse),
    /// Every request is passed on to this transport.
    Forward(Box<dyn Transport>),
}

/// A [`Transport`] that records every request as it would go on the wire (credentials read
/// `***`), for tests that care what was sent rather than in which order.
///
/// ```
/// use proxmox_sdk::testing::CapturingTransport;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), proxmox_sdk::Error> {
/// let capture = CapturingTransport::new();
/// let client = capture.client();
/// let request = proxmox_sdk::api::nodes::PutNodesLxcConfig::new("pve1", 100).memory(1024);
/// client.send(&request).await?;
///
/// let sent = capture.requests();
/// assert_eq!(sent[0].call(), "PUT /nodes/pve1/lxc/100/config");
/// assert_eq!(sent[0].body.as_deref(), Some("memory=1024"));
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct CapturingTransport {
    next: Arc<Next>,
    requests: Arc<Mutex<Vec<CapturedRequest>>>,
}

impl CapturingTransport {
    /// Answers every request `200 {"data": null}`.
    pub fn new() -> Self {
        Self::answering(respond::data(serde_json::Value::Null))
    }

    /// Answers every request with `response`.
    pub fn answering(response: HttpResponse) -> Self {
        Self::with(Next::Answer(response))
    }

    /// Passes every request on to `inner` after recording it: a recording proxy in front of
    /// another transport.
    pub fn wrapping(inner: impl Transport + 'static) -> Self {
        Self::with(Next::Forward(Box::new(inner)))
    }

    fn with(next: Next) -> Self {
        Self {
            next: Arc::new(next),
            requests: Arc::default(),
        }
    }

    /// A client that sends through this transport; as [`ScriptedTransport::client`].
    ///
    /// [`ScriptedTransport::client`]: super::ScriptedTransport::client
    pub fn client(&self) -> Client {
        super::client_with(self.clone())
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<CapturedRequest> {
        self.lock().clone()
    }

    fn lock(&self) -> MutexGuard<'_, Vec<CapturedRequest>> {
        self.requests.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Default for CapturingTransport {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for CapturingTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let next = match &*self.next {
            Next::Answer(response) => format!("answers {}", response.status),
            Next::Forward(inner) => format!("forwards to {inner:?}"),
        };
        f.debug_struct("CapturingTransport")
            .field("next", &next)
            .field("requests", &self.lock().len())
            .finish()
    }
}

impl Transport for CapturingTransport {
    fn execute(
        &self,
        mut request: HttpRequest,
    ) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        let stream = stream::take_stream(&mut request);
        let index = {
            let mut requests = self.lock();
            requests.push(CapturedRequest::capture(&request));
            requests.len() - 1
        };
        match &*self.next {
            Next::Answer(response) => {
                let response = response.clone();
                let requests = Arc::clone(&self.requests);
                Box::pin(async move {
                    if let Some(stream) = stream {
                        let captured = stream::drain(stream).await;
                        let mut requests = requests.lock().unwrap_or_else(PoisonError::into_inner);
                        requests[index].stream = Some(captured);
                    }
                    Ok(response)
                })
            }
            Next::Forward(inner) => {
                if let Some(stream) = stream {
                    let recorded = stream::recording(stream, Arc::clone(&self.requests), index);
                    request.body = Some(RequestBody::Stream(recorded));
                }
                inner.execute(request)
            }
        }
    }

    /// Records the request; a wrapping transport passes it on, an answering one refuses as
    /// the trait's default does (nothing to upgrade to).
    fn upgrade(
        &self,
        request: HttpRequest,
    ) -> BoxFuture<'_, Result<UpgradeResponse, TransportError>> {
        self.lock().push(CapturedRequest::capture(&request));
        match &*self.next {
            Next::Answer(_) => {
                Box::pin(async { Err(TransportError::Connect(Box::new(UpgradeUnsupported))) })
            }
            Next::Forward(inner) => inner.upgrade(request),
        }
    }
}
