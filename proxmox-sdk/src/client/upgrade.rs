//! Calls that switch protocols: the one path an upgraded connection takes through the client.
//!
//! Same as every other call — the endpoint renders the path and query, authentication adds
//! the credentials (logging in first when needed), the [`Transport`](crate::transport::Transport)
//! sends it, and an answer other than `101` becomes the same [`Error`] as for any call — but
//! never retried: a websocket ticket is good for one connection only.

use http::HeaderMap;
use http::header::USER_AGENT;
use tracing::Instrument as _;

use super::{Call, Client, Inner, envelope, url};
use crate::endpoint::Endpoint;
use crate::error::Error;
use crate::transport::{HttpRequest, HttpResponse, RequestBody, Upgraded};

impl Client {
    /// Sends `request` asking for an HTTP/1.1 upgrade, with `headers` (the `Connection`,
    /// `Upgrade` and protocol headers) added to the credentials, and returns the response head
    /// and the switched connection. The connection is the one the request went out on, so the
    /// client's TLS trust (CA or fingerprint pin) covers it. `Client::console` (cargo feature
    /// `console`) is built on it; this call is there without the feature too, for any protocol
    /// PVE switches to.
    ///
    /// # Errors
    /// As [`Client::send`], without retries; an answer other than `101` is classified like
    /// any response ([`Error::Api`] holds its status, also for a `2xx` that did not upgrade).
    pub async fn upgrade<E: Endpoint>(
        &self,
        request: &E,
        headers: HeaderMap,
    ) -> Result<(HttpResponse, Upgraded), Error> {
        let parts = request.to_parts()?;
        let call = Call::from_parts(E::INFO.path, &parts, true)?;
        self.inner.upgrade(call, headers).await
    }
}

impl Inner {
    pub(crate) async fn upgrade(
        &self,
        call: Call<'_>,
        extra: HeaderMap,
    ) -> Result<(HttpResponse, Upgraded), Error> {
        let span = tracing::debug_span!(
            "pve_upgrade",
            method = call.method.as_str(),
            path = call.template,
            endpoint = tracing::field::Empty,
            status = tracing::field::Empty,
        );
        let recorder = span.clone();
        async move {
            // The endpoint the client sticks to; an upgrade is never moved to another one
            // (the ticket was issued for one connection) and holds no slot of the in-flight
            // limit (a console stays open for as long as it is used).
            let member = self.endpoints.pick_any();
            recorder.record("endpoint", member.origin.as_str());
            let mut headers = HeaderMap::new();
            headers.insert(USER_AGENT, self.user_agent.clone());
            if call.authenticated {
                headers = self
                    .auth
                    .with_credentials(self, call.method, headers)
                    .await?;
            }
            // The caller's headers never replace a credential.
            for (name, value) in &extra {
                if !headers.contains_key(name) {
                    headers.append(name, value.clone());
                }
            }
            let request = HttpRequest {
                method: call.method,
                url: url(&member.origin, &call),
                headers,
                body: call.body.clone().map(RequestBody::Bytes),
                timeout: None,
            };
            let answer = member.transport.upgrade(request).await?;
            recorder.record("status", answer.response.status);
            match answer.connection {
                Some(io) if answer.response.status == 101 => Ok((answer.response, io)),
                _ => Err(envelope::error_from_response(&answer.response)),
            }
        }
        .instrument(span)
        .await
    }
}

// The console's helpers.
#[cfg(feature = "console")]
impl Client {
    /// Whether this client authenticates with an API token (which PVE refuses for
    /// websockets).
    pub(crate) fn uses_token(&self) -> bool {
        matches!(self.inner.auth, super::auth::Auth::Token(_))
    }

    /// Sends `request` and returns its `data` as JSON, for callers that read only a few
    /// fields and must not fail on the rest (the console tickets).
    pub(crate) async fn send_json<E: Endpoint>(
        &self,
        request: &E,
    ) -> Result<serde_json::Value, Error> {
        let parts = request.to_parts()?;
        let response = self
            .inner
            .execute(Call::from_parts(E::INFO.path, &parts, true)?)
            .await?;
        let endpoint = format_args!("{} {}", E::INFO.method, E::INFO.path);
        Ok(envelope::decode::<serde_json::Value>(&response.body, endpoint)?.data)
    }
}
