//! Configuring a [`Client`].

use std::sync::Arc;
use std::time::Duration;

use http::HeaderValue;

use super::auth::{Auth, TicketAuth};
use super::endpoints::{EndpointSet, Member, NodeEndpoint};
use super::limit::{InFlightLimit, Lanes};
use super::reqwest_transport::ReqwestTransport;
use super::retry::RetryPolicy;
use super::{Client, Inner};
use crate::error::Error;
use crate::secret::Secret;
use crate::tls::{self, TlsTrust};
use crate::transport::Transport;

/// Default age at which a ticket is renewed (PVE accepts it for 2 hours).
const DEFAULT_RENEW_AFTER: Duration = Duration::from_secs(3600);

/// Credentials as configured, checked in [`ClientBuilder::build`].
#[derive(Debug)]
enum Credentials {
    None,
    Token { id: String, secret: Secret },
    Ticket { user: String, password: Secret },
}

/// Builds a [`Client`]; start with [`Client::builder`].
#[derive(Debug)]
pub struct ClientBuilder {
    origin: reqwest::Url,
    credentials: Credentials,
    trust: TlsTrust,
    timeout: Option<Duration>,
    connect_timeout: Duration,
    user_agent: String,
    retry: RetryPolicy,
    transport: Option<Arc<dyn Transport>>,
    allow_http: bool,
    renew_after: Duration,
    keep_password: bool,
    /// Further cluster endpoints after `origin`.
    others: Vec<NodeEndpoint>,
    origin_node: Option<String>,
    limit: Option<InFlightLimit>,
    location_ttl: Duration,
}

impl ClientBuilder {
    pub(crate) fn new(endpoint: &str) -> Result<Self, Error> {
        let origin = parse_origin(endpoint)?;
        Ok(Self {
            origin,
            credentials: Credentials::None,
            trust: TlsTrust::default(),
            timeout: Some(Duration::from_secs(60)),
            connect_timeout: Duration::from_secs(10),
            user_agent: concat!("proxmox-sdk/", env!("CARGO_PKG_VERSION")).to_owned(),
            retry: RetryPolicy::default(),
            transport: None,
            allow_http: false,
            renew_after: DEFAULT_RENEW_AFTER,
            keep_password: false,
            others: Vec::new(),
            origin_node: None,
            limit: None,
            location_ttl: crate::handle::DEFAULT_LOCATION_TTL,
        })
    }

    /// Further endpoints of the same cluster, tried in order when the current one fails
    /// before it could process a call (see [`NodeEndpoint`] for a TLS pin per node). The
    /// builder's own URL stays the first endpoint; one listed twice counts once. Tickets are
    /// cluster-wide, so one login serves every endpoint.
    ///
    /// ```no_run
    /// # fn demo(fp1: proxmox_sdk::tls::Fingerprint, fp2: proxmox_sdk::tls::Fingerprint) -> Result<(), proxmox_sdk::Error> {
    /// use proxmox_sdk::client::NodeEndpoint;
    /// use proxmox_sdk::tls::TlsTrust;
    ///
    /// let client = proxmox_sdk::Client::builder("https://pve1:8006")?
    ///     .trust(TlsTrust::Fingerprints(vec![fp1]))
    ///     .endpoints([NodeEndpoint::new("https://pve2:8006").trust(TlsTrust::Fingerprints(vec![fp2]))])
    ///     .token("felhom-agent@pve!agent", "…")
    ///     .build()?;
    /// # let _ = client; Ok(()) }
    /// ```
    pub fn endpoints(
        mut self,
        endpoints: impl IntoIterator<Item = impl Into<NodeEndpoint>>,
    ) -> Self {
        self.others.extend(endpoints.into_iter().map(Into::into));
        self
    }

    /// The node name behind the builder's own URL (see [`NodeEndpoint::node_name`]).
    pub fn node_name(mut self, node: impl Into<String>) -> Self {
        self.origin_node = Some(node.into());
        self
    }

    /// Limits the calls in flight per endpoint, with a tighter lane for `protected` calls
    /// (those pveproxy hands to pvedaemon). A call waiting for a slot has sent nothing; it
    /// gives up with [`Error::Timeout`] (`sent: false`) after the client's timeout, and
    /// dropping it leaves the queue. Off unless set.
    pub fn limit_in_flight(mut self, limit: InFlightLimit) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Authenticates with an API token: `token_id` is `user@realm!name`, `secret` the value
    /// PVE showed once when the token was created.
    pub fn token(mut self, token_id: impl Into<String>, secret: impl Into<Secret>) -> Self {
        self.credentials = Credentials::Token {
            id: token_id.into(),
            secret: secret.into(),
        };
        self
    }

    /// Authenticates with a ticket obtained by logging in as `user` (`name@realm`).
    ///
    /// The login happens on the first call, or earlier through
    /// [`Client::login`](super::Client::login). The ticket is renewed with itself; the
    /// password is forgotten after the first successful login unless
    /// [`ClientBuilder::keep_password_for_relogin`] is set.
    pub fn ticket_login(mut self, user: impl Into<String>, password: impl Into<Secret>) -> Self {
        self.credentials = Credentials::Ticket {
            user: user.into(),
            password: password.into(),
        };
        self
    }

    /// Keeps the login password in memory so the client can log in again when the ticket
    /// could not be renewed in time (for example after the process was suspended for more
    /// than 2 hours). Off by default. Useless for accounts with TFA.
    pub fn keep_password_for_relogin(mut self, keep: bool) -> Self {
        self.keep_password = keep;
        self
    }

    /// Renews the ticket once it is older than this (default 1 hour; PVE accepts a ticket for
    /// 2 hours).
    pub fn renew_ticket_after(mut self, age: Duration) -> Self {
        self.renew_after = age;
        self
    }

    /// Which server certificates to accept (default: [`TlsTrust::System`]).
    pub fn trust(mut self, trust: TlsTrust) -> Self {
        self.trust = trust;
        self
    }

    /// Limit for a whole request, from connecting to the last body byte (default 60 s;
    /// `None` waits forever). Applies to the built-in transport.
    pub fn timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.timeout = timeout.into();
        self
    }

    /// Limit for establishing a connection, TLS included (default 10 s). Applies to the
    /// built-in transport.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The `User-Agent` header (default `proxmox-sdk/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// How long [`Client::locate`](crate::Client::locate) and its guest handles trust one
    /// reading of the cluster's guest locations (default
    /// [`DEFAULT_LOCATION_TTL`](crate::handle::DEFAULT_LOCATION_TTL)). A handle still
    /// looks again at once when a node says the guest is not there; `Duration::ZERO` reads
    /// the locations before every call.
    pub fn location_ttl(mut self, ttl: Duration) -> Self {
        self.location_ttl = ttl;
        self
    }

    /// How failed requests are retried (default [`RetryPolicy::default`]; use
    /// [`RetryPolicy::disabled`] to send every request once).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Uses `transport` instead of the built-in reqwest one. Trust and timeouts are then the
    /// transport's business; authentication, retries and error handling stay in the client.
    pub fn transport(mut self, transport: impl Transport + 'static) -> Self {
        self.transport = Some(Arc::new(transport));
        self
    }

    /// Permits a plain `http://` endpoint. Credentials then travel unencrypted: for tests
    /// against a local mock only.
    pub fn allow_insecure_http(mut self) -> Self {
        self.allow_http = true;
        self
    }

    /// Checks the configuration and builds the client. No request is sent.
    ///
    /// # Errors
    /// [`Error::Config`] for an `http://` endpoint without
    /// [`ClientBuilder::allow_insecure_http`], a malformed token id or secret, a TLS trust
    /// setting that cannot be loaded (unreadable CA file, empty pin list), or an HTTP client
    /// that cannot be built.
    pub fn build(mut self) -> Result<Client, Error> {
        let plain_http = self.origin.scheme() == "http";
        if plain_http && !self.allow_http {
            return Err(Error::config(
                "the endpoint uses http://, which would send credentials unencrypted; use https:// (or allow_insecure_http() for tests)",
            ));
        }
        let user_agent = HeaderValue::from_str(&self.user_agent)
            .map_err(|e| Error::config_with("the user agent is not a valid header value", e))?;
        let auth = match std::mem::replace(&mut self.credentials, Credentials::None) {
            Credentials::None => Auth::None,
            Credentials::Token { id, secret } => Auth::Token(token_header(&id, &secret)?),
            Credentials::Ticket { user, password } => {
                if user.is_empty() || password.is_empty() {
                    return Err(Error::config(
                        "ticket login needs a user name and a password",
                    ));
                }
                Auth::Ticket(TicketAuth::new(
                    user,
                    password,
                    self.keep_password,
                    self.renew_after,
                ))
            }
        };
        let first = NodeEndpoint {
            url: self.origin.as_str().to_owned(),
            trust: None,
            node: self.origin_node.clone(),
        };
        let mut members: Vec<Member> = Vec::new();
        for endpoint in std::iter::once(first).chain(self.others.iter().cloned()) {
            let url = parse_origin(&endpoint.url)?;
            if url.scheme() == "http" && !self.allow_http {
                return Err(Error::config(format!(
                    "the endpoint {:?} uses http://; use https://",
                    endpoint.url
                )));
            }
            let origin = url.as_str().trim_end_matches('/').to_owned();
            if members.iter().any(|m| m.origin == origin) {
                continue;
            }
            let transport = match &self.transport {
                Some(t) => Arc::clone(t),
                None => self.http_transport(
                    endpoint.trust.as_ref().unwrap_or(&self.trust),
                    url.scheme() == "http",
                )?,
            };
            let lanes = self.limit.map(Lanes::new);
            members.push(Member::new(origin, transport, endpoint.node, lanes));
        }
        Ok(Client {
            inner: Arc::new(Inner {
                endpoints: EndpointSet::new(members),
                queue_timeout: self.timeout,
                auth,
                retry: self.retry,
                user_agent,
                server_version: tokio::sync::OnceCell::new(),
                locations: crate::handle::Locations::new(self.location_ttl),
            }),
        })
    }
}

impl ClientBuilder {
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
fn parse_origin(endpoint: &str) -> Result<reqwest::Url, Error> {
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

/// `PVEAPIToken=<id>=<secret>`, marked sensitive.
fn token_header(id: &str, secret: &Secret) -> Result<HeaderValue, Error> {
    let id_ok = id
        .split_once('@')
        .and_then(|(user, rest)| {
            rest.split_once('!')
                .map(|(realm, name)| (user, realm, name))
        })
        .is_some_and(|(user, realm, name)| {
            !user.is_empty() && !realm.is_empty() && !name.is_empty() && !name.contains(['!', '@'])
        })
        && !id.contains(|c: char| c == '=' || c.is_whitespace() || c.is_control());
    if !id_ok {
        return Err(Error::config(format!(
            "API token id {id:?} is not of the form user@realm!name"
        )));
    }
    let secret_ok = !secret.is_empty()
        && !secret
            .expose()
            .contains(|c: char| c.is_whitespace() || c.is_control());
    if !secret_ok {
        // The secret itself is never echoed.
        return Err(Error::config(
            "the API token secret is empty or contains blanks or control characters",
        ));
    }
    let mut value = HeaderValue::from_str(&format!("PVEAPIToken={id}={}", secret.expose()))
        .map_err(|_| {
            Error::config("the API token secret contains characters that cannot be sent")
        })?;
    value.set_sensitive(true);
    Ok(value)
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

    #[test]
    fn origins_are_normalised_and_checked() {
        assert_eq!(
            parse_origin("https://pve1:8006").unwrap().as_str(),
            "https://pve1:8006/"
        );
        assert_eq!(
            parse_origin("https://pve1:8006/api2/json/")
                .unwrap()
                .as_str(),
            "https://pve1:8006/"
        );
        assert!(parse_origin("https://pve1:8006/other").is_err());
        assert!(parse_origin("ftp://pve1").is_err());
        let err = parse_origin("https://root:hunter2@pve1:8006").unwrap_err();
        assert!(!format!("{err} {err:?}").contains("hunter2"));
    }

    #[test]
    fn token_ids_are_checked_and_secrets_never_echoed() {
        let secret = Secret::new("s3cr3t-value");
        assert!(
            token_header("felhom-agent@pve!agent", &secret)
                .unwrap()
                .is_sensitive()
        );
        for bad in [
            "felhom-agent@pve",
            "felhom-agent!agent",
            "@pve!a",
            "u@pve!",
            "u@pve!a=b",
        ] {
            let err = token_header(bad, &secret).unwrap_err();
            assert!(!format!("{err} {err:?}").contains("s3cr3t"), "{bad}");
        }
        let err = token_header("u@pve!a", &Secret::new("bad secret\n")).unwrap_err();
        assert!(!format!("{err} {err:?}").contains("bad secret"));
    }

    #[test]
    fn plain_http_needs_an_explicit_opt_in() {
        let err = ClientBuilder::new("http://127.0.0.1:1")
            .unwrap()
            .build()
            .unwrap_err();
        assert!(matches!(err, Error::Config { .. }));
        assert!(
            ClientBuilder::new("http://127.0.0.1:1")
                .unwrap()
                .allow_insecure_http()
                .build()
                .is_ok()
        );
    }
}
