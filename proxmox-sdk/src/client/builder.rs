//! Configuring a [`Client`].

use std::sync::Arc;
use std::time::Duration;

use http::HeaderValue;

use super::auth::{Auth, TicketAuth};
use super::endpoints::{EndpointSet, Member, NodeEndpoint};
use super::limit::InFlightLimit;
use super::members::{MemberFactory, parse_origin};
use super::retry::RetryPolicy;
use super::{Client, Inner};
use crate::error::Error;
use crate::secret::Secret;
use crate::tls::TlsTrust;
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
    refresh_every: Option<Duration>,
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
            refresh_every: None,
        })
    }

    /// Further endpoints of the same cluster, tried in order when the current one fails
    /// before it could process a call (see [`NodeEndpoint`] for a TLS pin per node). The
    /// builder's own URL stays the first endpoint; one listed twice counts once. Tickets are
    /// cluster-wide, so one login serves every endpoint. To keep the list current while the
    /// client runs, see [`ClientBuilder::refresh_endpoints`].
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

    /// Refreshes the endpoint list from the cluster every `every` (off unless set; see
    /// [`Client::refresh_endpoints`](super::Client::refresh_endpoints) for what a refresh
    /// learns and keeps). The first refresh runs one period after [`ClientBuilder::build`];
    /// the background task ends when the last clone of the client is dropped. A failed
    /// refresh is logged and keeps the list. Needs a tokio runtime when `build` is called.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), proxmox_sdk::Error> {
    /// use std::time::Duration;
    ///
    /// let client = proxmox_sdk::Client::builder("https://pve1:8006")?
    ///     .node_name("pve1")
    ///     .refresh_endpoints(Duration::from_secs(300))
    ///     .token("felhom-agent@pve!agent", "…")
    ///     .build()?;
    /// # let _ = client; Ok(()) }
    /// ```
    pub fn refresh_endpoints(mut self, every: Duration) -> Self {
        self.refresh_every = Some(every);
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
        let factory = MemberFactory {
            trust: std::mem::take(&mut self.trust),
            transport: self.transport.take(),
            timeout: self.timeout,
            connect_timeout: self.connect_timeout,
            allow_http: self.allow_http,
            limit: self.limit,
        };
        let first = NodeEndpoint {
            url: self.origin.as_str().to_owned(),
            trust: None,
            node: self.origin_node.clone(),
        };
        let mut members: Vec<Member> = Vec::new();
        for endpoint in std::iter::once(first).chain(self.others.iter().cloned()) {
            let origin = factory.origin(&endpoint.url)?;
            if members.iter().any(|m| m.origin == origin) {
                continue;
            }
            members.push(factory.member(&endpoint)?);
        }
        let refresh_port = self.origin.port_or_known_default().unwrap_or(8006);
        let client = Client {
            inner: Arc::new(Inner {
                endpoints: EndpointSet::new(members),
                queue_timeout: self.timeout,
                auth,
                retry: self.retry,
                user_agent,
                server_version: tokio::sync::OnceCell::new(),
                locations: crate::handle::Locations::new(self.location_ttl),
                factory,
                refresh_port,
            }),
        };
        if let Some(every) = self.refresh_every {
            super::discover::refresh_periodically(&client, every)?;
        }
        Ok(client)
    }
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
