//! Making the [`Member`] of one endpoint: its origin, its transport (one per endpoint, with
//! its own TLS trust) and its in-flight lanes. The builder uses it for the configured
//! endpoints, and a running client for the endpoints a refresh learns.

use std::sync::Arc;
use std::time::Duration;

use super::endpoints::{Member, NodeEndpoint};
use super::limit::{InFlightLimit, Lanes};
use super::reqwest_transport::ReqwestTransport;
use crate::error::Error;
use crate::tls::{self, TlsTrust};
use crate::transport::Transport;

/// What a new endpoint is built from: the builder's trust, timeouts, transport and limit.
#[derive(Debug)]
pub(crate) struct MemberFactory {
    /// The trust of an endpoint that has none of its own.
    pub(crate) trust: TlsTrust,
    /// A caller's transport, shared by every endpoint (trust is then its business).
    pub(crate) transport: Option<Arc<dyn Transport>>,
    pub(crate) timeout: Option<Duration>,
    pub(crate) connect_timeout: Duration,
    pub(crate) allow_http: bool,
    pub(crate) limit: Option<InFlightLimit>,
}

impl MemberFactory {
    /// The normalised origin of `url` (`https://host:port`, no trailing slash).
    ///
    /// # Errors
    /// [`Error::Config`] for a URL [`parse_origin`] refuses, or `http://` without the opt-in.
    pub(crate) fn origin(&self, url: &str) -> Result<String, Error> {
        let parsed = parse_origin(url)?;
        if parsed.scheme() == "http" && !self.allow_http {
            return Err(Error::config(format!(
                "the endpoint {url:?} uses http://; use https://"
            )));
        }
        Ok(parsed.as_str().trim_end_matches('/').to_owned())
    }

    /// The member for `endpoint`: a transport trusting the endpoint's own trust, else the
    /// builder's, and fresh lanes of the in-flight limit.
    ///
    /// # Errors
    /// As [`MemberFactory::origin`]; [`Error::Config`] when the trust cannot be loaded or the
    /// HTTP client cannot be built.
    pub(crate) fn member(&self, endpoint: &NodeEndpoint) -> Result<Member, Error> {
        let origin = self.origin(&endpoint.url)?;
        let plain_http = origin.starts_with("http://");
        let trust = endpoint.trust.as_ref().unwrap_or(&self.trust);
        let (transport, verifies) = match &self.transport {
            Some(t) => (Arc::clone(t), true),
            None => (
                self.http_transport(trust, plain_http)?,
                !plain_http && *trust != TlsTrust::InsecureSkipVerify,
            ),
        };
        let lanes = self.limit.map(Lanes::new);
        Ok(Member::new(origin, transport, endpoint.node.clone(), lanes).verifying(verifies))
    }

    /// The reqwest transport of one endpoint, trusting `trust`.
    fn http_transport(
        &self,
        trust: &TlsTrust,
        plain_http: bool,
    ) -> Result<Arc<dyn Transport>, Error> {
        let tls = if plain_http {
            // Never used: redirects are off, so no request can reach an https URL.
            refuse_all_tls()?
        } else {
            tls::client_config(trust)
                .map_err(|e| Error::config_with("cannot load the TLS trust settings", e))?
        };
        let mut builder = reqwest::Client::builder()
            .use_preconfigured_tls(tls)
            .redirect(reqwest::redirect::Policy::none())
            .https_only(!plain_http)
            .connect_timeout(self.connect_timeout);
        if let Some(timeout) = self.timeout {
            builder = builder.timeout(timeout);
        }
        let client = builder
            .build()
            .map_err(|e| Error::config_with("cannot build the HTTP client", e))?;
        Ok(Arc::new(ReqwestTransport::new(client)))
    }
}

/// Accepts `https://host[:port]` (a trailing `/` or `/api2/json` is tolerated).
pub(crate) fn parse_origin(endpoint: &str) -> Result<reqwest::Url, Error> {
    let mut url = reqwest::Url::parse(endpoint.trim())
        .map_err(|e| Error::config_with(format!("the endpoint {endpoint:?} is not a URL"), e))?;
    if !url.username().is_empty() || url.password().is_some() {
        // Deliberately not echoing the URL: it holds a credential.
        return Err(Error::config(
            "the endpoint URL must not contain a user name or password",
        ));
    }
    if !matches!(url.scheme(), "https" | "http") || url.host().is_none() {
        return Err(Error::config(format!(
            "the endpoint {endpoint:?} must be https://host[:port]"
        )));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::config(format!(
            "the endpoint {endpoint:?} must not have a query or fragment"
        )));
    }
    if !matches!(url.path().trim_end_matches('/'), "" | "/api2/json") {
        return Err(Error::config(format!(
            "the endpoint {endpoint:?} must not have a path (the client adds /api2/json)"
        )));
    }
    url.set_path("");
    Ok(url)
}

/// A TLS configuration that trusts nothing, for clients that only ever speak plain HTTP.
fn refuse_all_tls() -> Result<rustls::ClientConfig, Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::config_with("cannot build the TLS configuration", e))?
        .with_root_certificates(rustls::RootCertStore::empty())
        .with_no_client_auth();
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn factory(trust: TlsTrust) -> MemberFactory {
        MemberFactory {
            trust,
            transport: None,
            timeout: None,
            connect_timeout: Duration::from_secs(1),
            allow_http: true,
            limit: Some(InFlightLimit::default()),
        }
    }

    #[test]
    fn only_verifying_members_count_as_verified() {
        let pinned = NodeEndpoint::new("https://pve2:8006").trust(TlsTrust::fingerprint(
            format!("{}AB", "AB:".repeat(31)).parse().unwrap(),
        ));
        let member = factory(TlsTrust::InsecureSkipVerify)
            .member(&pinned)
            .unwrap();
        assert!(member.verifies, "its own pin verifies");
        assert!(member.lanes.is_some(), "the limit applies to every member");
        let member = factory(TlsTrust::InsecureSkipVerify)
            .member(&NodeEndpoint::new("https://pve2:8006"))
            .unwrap();
        assert!(!member.verifies);
        let member = factory(TlsTrust::System)
            .member(&NodeEndpoint::new("http://pve2:8006"))
            .unwrap();
        assert!(!member.verifies, "plain http verifies nothing");
        assert_eq!(member.origin, "http://pve2:8006");
    }
}
