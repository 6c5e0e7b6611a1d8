//! The HTTP client: transport, authentication, TLS trust, retries.
//!
//! ```no_run
//! # async fn demo(fp: proxmox_sdk::tls::Fingerprint) -> Result<(), proxmox_sdk::Error> {
//! use std::time::Duration;
//! use proxmox_sdk::tls::TlsTrust;
//!
//! let client = proxmox_sdk::Client::builder("https://pve1:8006")?
//!     .token("felhom-agent@pve!agent", std::env::var("PVE_TOKEN_SECRET").unwrap_or_default())
//!     .trust(TlsTrust::Fingerprints(vec![fp]))
//!     .timeout(Duration::from_secs(30))
//!     .build()?;
//! let guests = client.send(&proxmox_sdk::api::nodes::GetNodesLxc::new("pve1")).await?;
//! println!("{} containers", guests.len());
//! # Ok(()) }
//! ```
//!
//! Every call goes through one path: render the request ([`Endpoint::to_parts`]), add
//! credentials (logging in or renewing the ticket when needed), hand it to the
//! [`Transport`](crate::transport::Transport), classify the answer into [`Error`] variants, retry what is safe to retry
//! ([`RetryPolicy`]), and unwrap the `{data}` envelope. Each call runs in a `tracing` span
//! named `pve_request` with the method, the path *template* (never parameter values), the
//! endpoint that served it, the final status, the attempt count and the duration; credentials never appear in it.

mod auth;
mod builder;
mod discover;
mod endpoints;
mod envelope;
mod limit;
mod limits;
mod members;
mod reqwest_transport;
mod retry;
mod stream_body;
#[cfg(test)]
mod tests;
mod upgrade;
mod version;

use std::fmt;
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use http::header::{CONTENT_TYPE, USER_AGENT};
use http::{HeaderMap, HeaderValue};
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use tracing::Instrument as _;

pub use crate::login::{TfaAnswer, TfaChallenge, TfaMethod};
pub use crate::secret::Secret;
pub use builder::ClientBuilder;
pub use discover::EndpointRefresh;
pub use endpoints::NodeEndpoint;
pub use envelope::{ResponseMeta, decode_response};
pub use limit::InFlightLimit;
pub use limits::MAX_FORM_BODY_BYTES;
pub use reqwest_transport::{BodyTooLarge, MAX_RESPONSE_BYTES};
pub use retry::RetryPolicy;
pub use version::ServerVersion;

use crate::endpoint::RequestParts;
use crate::endpoint::{Endpoint, HttpMethod};
use crate::error::Error;
use crate::transport::{BodyStream, HttpRequest, HttpResponse, RequestBody};
use crate::wire::ParamWriter;

/// Everything below the origin that every API path starts with.
const API_PREFIX: &str = "/api2/json";

/// Bytes a raw path may not contain literally.
const RAW_PATH_ESCAPE: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// An asynchronous PVE API client. Cheap to clone; clones share credentials and connections.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    /// The cluster endpoints (one, unless [`ClientBuilder::endpoints`] added more).
    endpoints: endpoints::EndpointSet,
    /// How long a call may wait for a slot of the in-flight limit (the client's timeout).
    queue_timeout: Option<std::time::Duration>,
    auth: auth::Auth,
    retry: RetryPolicy,
    user_agent: HeaderValue,
    /// `GET /version`, once asked (see [`Client::server_version`]).
    server_version: tokio::sync::OnceCell<ServerVersion>,
    /// Where guests are, for [`Client::locate`].
    locations: crate::handle::Locations,
    /// How an endpoint learned by [`Client::refresh_endpoints`] is built.
    factory: members::MemberFactory,
    /// The port of the learned endpoints: the builder URL's.
    refresh_port: u16,
}

/// One logical call, before credentials are added.
pub(crate) struct Call<'a> {
    /// The path template for logs (`/nodes/{node}/lxc`).
    template: &'a str,
    method: HttpMethod,
    /// Percent-encoded path below `/api2/json`, with the query string.
    path_and_query: String,
    body: Option<Bytes>,
    authenticated: bool,
}

impl Client {
    /// Starts configuring a client for `endpoint`, e.g. `https://pve1:8006`.
    ///
    /// ```no_run
    /// # fn demo() -> Result<(), proxmox_sdk::Error> {
    /// use proxmox_sdk::tls::TlsTrust;
    ///
    /// let client = proxmox_sdk::Client::builder("https://pve1:8006")?
    ///     .ticket_login("monitor@pve", "correct horse battery staple")
    ///     .trust(TlsTrust::CaFile("/etc/pve/pve-root-ca.pem".into()))
    ///     .build()?;
    /// # let _ = client; Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Config`] when `endpoint` is not an `http(s)://host[:port]` URL (a user name or
    /// password in it is refused too).
    pub fn builder(endpoint: &str) -> Result<ClientBuilder, Error> {
        ClientBuilder::new(endpoint)
    }

    /// Sends a typed request and returns its decoded `data`.
    ///
    /// ```no_run
    /// # async fn demo(client: proxmox_sdk::Client) -> Result<(), proxmox_sdk::Error> {
    /// use proxmox_sdk::api::nodes::GetNodesLxc;
    ///
    /// for ct in client.send(&GetNodesLxc::new("pve1")).await? {
    ///     println!("{ct:?}");
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// Any [`Error`]: [`Error::InvalidParameter`] before sending, connection and TLS errors,
    /// the server's error responses (400, 401, 403, 5xx, 595–599), and [`Error::Decode`]
    /// naming the field that did not match the response type.
    pub async fn send<E: Endpoint>(&self, request: &E) -> Result<E::Response, Error> {
        self.send_with_meta(request).await.map(|(data, _)| data)
    }

    /// Like [`Client::send`], also returning the envelope's other keys (`total` of a task log
    /// or task list, `changes`).
    ///
    /// ```no_run
    /// # async fn demo(client: proxmox_sdk::Client) -> Result<(), proxmox_sdk::Error> {
    /// use proxmox_sdk::api::nodes::GetNodesTasks;
    ///
    /// let (tasks, meta) = client.send_with_meta(&GetNodesTasks::new("pve1").limit(50)).await?;
    /// println!("{} of {:?} tasks", tasks.len(), meta.total);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`Client::send`].
    pub async fn send_with_meta<E: Endpoint>(
        &self,
        request: &E,
    ) -> Result<(E::Response, ResponseMeta), Error> {
        let parts = request.to_parts()?;
        let info = E::INFO;
        if !info.allow_token && self.inner.token_id().is_some() {
            return Err(Error::TokenNotAllowed {
                endpoint: format!("{} {}", info.method, info.path),
            });
        }
        let call = Call::from_parts(info.path, &parts, true)?;
        let response = self.inner.execute_as(call, info.protected).await?;
        // The endpoint's name is only formatted when decoding fails.
        let endpoint = format_args!("{} {}", info.method, info.path);
        let envelope = envelope::decode::<E::Response>(&response.body, endpoint)?;
        Ok((envelope.data, envelope.meta))
    }

    /// Calls any path with string parameters and returns `data` as JSON: the escape hatch for
    /// whatever the schema lacks. `path` is below `/api2/json`, e.g. `/cluster/resources`;
    /// parameters go in the query string for `GET`/`DELETE` and in a form body otherwise.
    ///
    /// ```no_run
    /// # async fn demo(client: proxmox_sdk::Client) -> Result<(), proxmox_sdk::Error> {
    /// use proxmox_sdk::HttpMethod;
    ///
    /// let vms = client.raw(HttpMethod::Get, "/cluster/resources", &[("type", "vm")]).await?;
    /// # let _ = vms; Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`Client::send`]; [`Error::Config`] when `path` does not start with `/`.
    pub async fn raw(
        &self,
        method: HttpMethod,
        path: &str,
        params: &[(&str, &str)],
    ) -> Result<serde_json::Value, Error> {
        if !path.starts_with('/') {
            return Err(Error::config(format!(
                "raw path {path:?} must start with '/'"
            )));
        }
        let encoded: String = utf8_percent_encode(path, RAW_PATH_ESCAPE).collect();
        let mut writer = ParamWriter::new();
        for (k, v) in params {
            writer.push(std::borrow::Cow::Owned((*k).to_owned()), (*v).to_owned());
        }
        let parts = RequestParts::new(method, encoded, writer)?;
        let response = self
            .inner
            .execute(Call::from_parts(path, &parts, true)?)
            .await?;
        let endpoint = format_args!("{method} {path}");
        Ok(envelope::decode::<serde_json::Value>(&response.body, endpoint)?.data)
    }

    /// Logs in now (ticket login only; a no-op for API tokens). Without it the login happens
    /// on the first call.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), proxmox_sdk::Error> {
    /// use proxmox_sdk::tls::TlsTrust;
    ///
    /// let client = proxmox_sdk::Client::builder("https://pve1:8006")?
    ///     .ticket_login("monitor@pve", "correct horse battery staple")
    ///     .trust(TlsTrust::CaFile("/etc/pve/pve-root-ca.pem".into()))
    ///     .build()?;
    /// client.login().await?; // wrong credentials fail here, not on the first call
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::TfaRequired`] when the account needs a second factor (answer it with
    /// [`Client::complete_tfa`]), [`Error::Unauthorized`] for wrong credentials,
    /// [`Error::LoginRequired`] when the password was already dropped, and connection errors.
    pub async fn login(&self) -> Result<(), Error> {
        self.inner.auth.login(&*self.inner).await
    }

    /// Answers the TFA challenge of [`Error::TfaRequired`] and completes the login.
    ///
    /// ```no_run
    /// # async fn demo(client: proxmox_sdk::Client) -> Result<(), proxmox_sdk::Error> {
    /// use proxmox_sdk::client::TfaAnswer;
    ///
    /// match client.login().await {
    ///     Err(proxmox_sdk::Error::TfaRequired(challenge)) => {
    ///         client.complete_tfa(&challenge, TfaAnswer::totp("123456")).await?;
    ///     }
    ///     other => other?,
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Unauthorized`] for a wrong or reused code (the challenge may be answered
    /// again), [`Error::Config`] when the client is not configured for ticket login, and
    /// connection errors.
    pub async fn complete_tfa(
        &self,
        challenge: &TfaChallenge,
        answer: TfaAnswer,
    ) -> Result<(), Error> {
        self.inner
            .auth
            .complete_tfa(&*self.inner, challenge, &answer)
            .await
    }

    /// Sends one authenticated `POST` whose body is `streamed` (an upload), once, and returns
    /// its decoded `data`. `template` names the path in logs; `path` is percent-encoded below
    /// `/api2/json`.
    pub(crate) async fn send_streamed<T: crate::wire::FromWire>(
        &self,
        template: &str,
        path: String,
        streamed: Streamed,
    ) -> Result<T, Error> {
        let call = Call {
            template,
            method: HttpMethod::Post,
            path_and_query: path,
            body: None,
            authenticated: true,
        };
        let response = self.inner.execute_streamed(call, streamed).await?;
        let endpoint = format_args!("POST {template}");
        Ok(envelope::decode::<T>(&response.body, endpoint)?.data)
    }

    /// The endpoint this client talks to now, e.g. `https://pve1:8006`: the one it sticks
    /// to among those of [`ClientBuilder::endpoints`].
    ///
    /// An owned `String`: [`Client::refresh_endpoints`] may replace the list at any time.
    pub fn endpoint(&self) -> String {
        self.inner.endpoints.current().origin.clone()
    }

    /// The API token id (never the secret) when the client uses a token.
    pub(crate) fn token_id(&self) -> Option<&str> {
        self.inner.token_id()
    }

    /// The guest locations of [`Client::locate`].
    pub(crate) fn locations(&self) -> &crate::handle::Locations {
        &self.inner.locations
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("endpoint", &self.endpoint())
            .field("endpoints", &self.inner.endpoints.len())
            .field("auth", &self.inner.auth)
            .field("retry", &self.inner.retry)
            .field("transport", &self.inner.endpoints.current().transport)
            .finish()
    }
}

/// The streamed body of a call, with what travels with it. A stream can be read only once, so
/// a call carrying one is attempted once: no retry, no second login after a refused ticket.
pub(crate) struct Streamed {
    content_type: HeaderValue,
    timeout: Option<std::time::Duration>,
    stream: std::sync::Mutex<Option<BodyStream>>,
}

impl Streamed {
    /// `stream` sent with `content_type`, the whole request allowed `timeout` (`None`: the
    /// transport's default).
    pub(crate) fn new(
        stream: BodyStream,
        content_type: HeaderValue,
        timeout: Option<std::time::Duration>,
    ) -> Self {
        Self {
            content_type,
            timeout,
            stream: std::sync::Mutex::new(Some(stream)),
        }
    }

    /// The stream, the first time; the retry loop never asks twice.
    fn take(&self) -> Result<BodyStream, Error> {
        self.stream
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
            .ok_or_else(|| Error::config("a streamed request body can be sent only once"))
    }
}

impl<'a> Call<'a> {
    /// The call of `parts`, refusing a body pveproxy would refuse ([`limits`]).
    fn from_parts(
        template: &'a str,
        parts: &RequestParts,
        authenticated: bool,
    ) -> Result<Self, Error> {
        let body = parts.form_body();
        if let Some(body) = &body {
            limits::check_form_body(parts, body)?;
        }
        Ok(Self {
            template,
            method: parts.method,
            path_and_query: parts.path_and_query(),
            body: body.map(Bytes::from),
            authenticated,
        })
    }
}

impl Inner {
    /// Sends one call with retries; returns the first 2xx response or the final error.
    pub(crate) async fn execute(&self, call: Call<'_>) -> Result<HttpResponse, Error> {
        self.execute_as(call, false).await
    }

    /// [`Inner::execute`] for a call whose schema says `protected` (pveproxy hands it to
    /// pvedaemon): it takes a slot of the tighter lane of the in-flight limit.
    pub(crate) async fn execute_as(
        &self,
        call: Call<'_>,
        protected: bool,
    ) -> Result<HttpResponse, Error> {
        self.run(call, protected, None, |method, headers| {
            self.auth.with_credentials(self, method, headers)
        })
        .await
    }

    /// Sends an authenticated call whose body is `streamed` (an upload): exactly once,
    /// whatever fails (see [`Streamed`]). It takes a slot of the general lane only: PVE runs
    /// the upload's handler in pvedaemon once the whole body is in pveproxy's hands, so
    /// holding a protected slot for the minutes of the transfer would only starve the calls
    /// that need pvedaemon meanwhile.
    pub(crate) async fn execute_streamed(
        &self,
        call: Call<'_>,
        streamed: Streamed,
    ) -> Result<HttpResponse, Error> {
        self.run(call, false, Some(streamed), |method, headers| {
            self.auth.with_credentials(self, method, headers)
        })
        .await
    }

    /// Sends a call that carries no credentials: the ticket request of a login, a renewal or
    /// a TFA answer. A separate entry (not [`Inner::execute`]), so authentication can send its
    /// request without re-entering the function that called it.
    pub(crate) async fn execute_login(&self, call: Call<'_>) -> Result<HttpResponse, Error> {
        self.run(call, false, None, |_, headers| {
            std::future::ready(Ok(headers))
        })
        .await
    }

    /// The retry loop of both: `credentials` adds what an authenticated attempt carries.
    async fn run<F, Fut>(
        &self,
        call: Call<'_>,
        protected: bool,
        streamed: Option<Streamed>,
        credentials: F,
    ) -> Result<HttpResponse, Error>
    where
        F: Fn(HttpMethod, HeaderMap) -> Fut,
        Fut: std::future::Future<Output = Result<HeaderMap, Error>>,
    {
        let span = tracing::debug_span!(
            "pve_request",
            method = call.method.as_str(),
            path = call.template,
            endpoint = tracing::field::Empty,
            status = tracing::field::Empty,
            attempts = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        let recorder = span.clone();
        async move {
            let started = Instant::now();
            let mut attempt = 0u32;
            let mut logged_in_again = false;
            // Endpoints this call left because they certainly did not process it.
            let mut left: Vec<Arc<endpoints::Member>> = Vec::new();
            // Attempts that moved on to another endpoint (not counted by the retry policy).
            let mut moved = 0u32;
            let result = loop {
                attempt += 1;
                // Credentials first: a failed login has already been retried on its own and
                // ends the call.
                let headers = match self.headers(&call, streamed.as_ref(), &credentials).await {
                    Ok(headers) => headers,
                    Err(error) => break Err(error),
                };
                let cookie = headers.get(http::header::COOKIE).cloned();
                // Picked after the credentials: a login on the way may have found a node down.
                // The member stays this attempt's even if a refresh replaces the list.
                let member = match self.endpoints.pick(&left) {
                    Some(member) => member,
                    None => self.endpoints.pick_any(),
                };
                recorder.record("endpoint", member.origin.as_str());
                // A slot of the in-flight limit; waiting for it sends nothing.
                let slot = match &member.lanes {
                    Some(lanes) => match lanes.enter(protected, self.queue_timeout).await {
                        Ok(slot) => Some(slot),
                        Err(error) => break Err(error),
                    },
                    None => None,
                };
                let outcome = self.attempt(&call, &member, streamed.as_ref(), headers).await;
                drop(slot);
                let error = match outcome {
                    Ok(response) => {
                        self.endpoints.succeeded(&member);
                        break Ok(response);
                    }
                    Err(error) => error,
                };
                // The stream was handed to the transport and may be partly read: it cannot
                // be sent again, here or to another endpoint, whatever the error says.
                if streamed.is_some() {
                    break Err(error);
                }
                if self.endpoints.len() > 1 {
                    if member.moves_on(call.method, &call.path_and_query, &error) {
                        self.endpoints.failed(&member);
                        if !left.iter().any(|m| Arc::ptr_eq(m, &member)) {
                            left.push(Arc::clone(&member));
                        }
                        if self.endpoints.pick(&left).is_some() {
                            moved += 1;
                            tracing::warn!(endpoint = %member.origin, error = %error, "endpoint failed before processing the call; trying the next one");
                            continue;
                        }
                    } else if error.api_error().is_some() {
                        // An answer: the endpoint itself works.
                        self.endpoints.succeeded(&member);
                    }
                }
                // A refused ticket: once per call, log in again and resend (nothing ran).
                if matches!(error, Error::Unauthorized(_))
                    && call.authenticated
                    && !logged_in_again
                    && self.auth.ticket_refused(cookie.as_ref())
                {
                    logged_in_again = true;
                    tracing::debug!("the ticket was refused; logging in again");
                    continue;
                }
                let counted = attempt - moved;
                match self.retry.next_delay(call.method, &error, counted) {
                    Some(delay) => {
                        tracing::warn!(attempt, delay_ms = millis(delay), error = %error, "retrying");
                        tokio::time::sleep(delay).await;
                    }
                    None => break Err(error),
                }
            };
            let status = match &result {
                Ok(response) => Some(response.status),
                Err(error) => error.status(),
            };
            if let Some(status) = status {
                recorder.record("status", status);
            }
            recorder.record("attempts", attempt);
            recorder.record("duration_ms", millis(started.elapsed()));
            match &result {
                Ok(_) => tracing::debug!("request succeeded"),
                Err(error) => tracing::debug!(error = %error, "request failed"),
            }
            result
        }
        .instrument(span)
        .await
    }

    /// The headers of one attempt, credentials included (which may log in or renew first).
    async fn headers<F, Fut>(
        &self,
        call: &Call<'_>,
        streamed: Option<&Streamed>,
        credentials: &F,
    ) -> Result<HeaderMap, Error>
    where
        F: Fn(HttpMethod, HeaderMap) -> Fut,
        Fut: std::future::Future<Output = Result<HeaderMap, Error>>,
    {
        let mut headers = HeaderMap::new();
        headers.insert(USER_AGENT, self.user_agent.clone());
        if let Some(streamed) = streamed {
            headers.insert(CONTENT_TYPE, streamed.content_type.clone());
        } else if call.body.is_some() {
            headers.insert(
                CONTENT_TYPE,
                HeaderValue::from_static("application/x-www-form-urlencoded"),
            );
        }
        if call.authenticated {
            headers = credentials(call.method, headers).await?;
        }
        Ok(headers)
    }

    /// One attempt: transport and status check.
    async fn attempt(
        &self,
        call: &Call<'_>,
        member: &endpoints::Member,
        streamed: Option<&Streamed>,
        headers: HeaderMap,
    ) -> Result<HttpResponse, Error> {
        let (body, timeout) = match streamed {
            Some(streamed) => (
                Some(RequestBody::Stream(streamed.take()?)),
                streamed.timeout,
            ),
            None => (call.body.clone().map(RequestBody::Bytes), None),
        };
        let request = HttpRequest {
            method: call.method,
            url: url(&member.origin, call),
            headers,
            body,
            timeout,
        };
        let response = member.transport.execute(request).await?;
        tracing::trace!(
            status = response.status,
            bytes = response.body.len(),
            "response received"
        );
        if (200..300).contains(&response.status) {
            Ok(response)
        } else {
            let mut error = envelope::error_from_response(&response);
            if let (Error::Forbidden(api), Some(token)) = (&mut error, self.token_id()) {
                api.set_token(token);
            }
            Err(error)
        }
    }

    /// The API token id (`user@realm!name`, never the secret) when the client uses a token.
    pub(crate) fn token_id(&self) -> Option<&str> {
        match &self.auth {
            auth::Auth::Token(value) => value
                .to_str()
                .ok()
                .and_then(|v| v.strip_prefix("PVEAPIToken="))
                .and_then(|v| v.split_once('='))
                .map(|(id, _)| id),
            _ => None,
        }
    }
}

impl auth::SendLogin for Inner {
    async fn send_login(&self, body: String) -> Result<Bytes, Error> {
        let call = Call {
            template: crate::login::TICKET_PATH,
            method: HttpMethod::Post,
            path_and_query: crate::login::TICKET_PATH.to_owned(),
            body: Some(Bytes::from(body)),
            authenticated: false,
        };
        Ok(self.execute_login(call).await?.body)
    }
}

/// The absolute URL of `call` at `origin`, built with a single allocation.
fn url(origin: &str, call: &Call<'_>) -> String {
    let parts = [origin, API_PREFIX, &call.path_and_query];
    let mut url = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for part in parts {
        url.push_str(part);
    }
    url
}

/// Whole milliseconds, for log fields.
fn millis(duration: std::time::Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}
