//! Authentication: API tokens, ticket login with renewal, and the TFA challenge.
//!
//! * **API token**: every request carries `Authorization: PVEAPIToken=<user@realm!name>=<secret>`;
//!   no CSRF token is needed.
//! * **Ticket**: `POST /access/ticket` with user and password yields a ticket (sent as the
//!   `PVEAuthCookie` cookie) and a CSRF token (sent as the `CSRFPreventionToken` header on
//!   every request but `GET`). A ticket lives 2 hours; once it is older than the configured
//!   renewal age the client posts the ticket itself as the password and gets a fresh one, so
//!   the password is needed only once. It is dropped after the first successful login unless
//!   the caller opted in to keeping it for a new login when renewal is no longer possible.
//!   A ticket the server refuses with 401 (expired while the process slept, revoked) is
//!   dropped, and the call is sent once more after a new login when the password is kept.
//! * **TFA**: when the password alone is not enough PVE answers with a half-authenticated
//!   ticket whose data names the offered second factors. The client reports it as
//!   [`Error::TfaRequired`]; [`Client::complete_tfa`](super::Client::complete_tfa) posts the
//!   answer (`totp:<code>`, `recovery:<key>`, …) together with that ticket as `tfa-challenge`.
//!
//! The state machine is [`Auth`]'s: the client hands it a [`SendLogin`] (itself) with each
//! call, [`login`] builds the ticket request and reads its answer, and results come back only
//! as return values.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use http::header::{AUTHORIZATION, COOKIE};
use http::{HeaderMap, HeaderValue};

use super::envelope;
use crate::endpoint::HttpMethod;
use crate::error::Error;
use crate::login::{self, CSRF_HEADER, Session, TfaAnswer, TfaChallenge, TicketAnswer};
use crate::secret::Secret;

/// How long PVE accepts a ticket.
pub(crate) const TICKET_LIFETIME: Duration = Duration::from_secs(2 * 3600);

/// The credentials a client authenticates with.
#[derive(Debug)]
pub(crate) enum Auth {
    /// No credentials (only the few world-readable endpoints work).
    None,
    /// The complete, sensitive `Authorization` header value.
    Token(HeaderValue),
    /// Ticket login.
    Ticket(TicketAuth),
}

/// Ticket state shared by all clones of a client.
#[derive(Debug)]
pub(crate) struct TicketAuth {
    user: String,
    password: Mutex<Option<Secret>>,
    keep_password: bool,
    renew_after: Duration,
    session: Mutex<Option<Arc<Session>>>,
    /// Serialises logins and renewals so concurrent calls do not all log in at once.
    refresh: tokio::sync::Mutex<()>,
}

impl TicketAuth {
    pub(crate) fn new(
        user: String,
        password: Secret,
        keep_password: bool,
        renew_after: Duration,
    ) -> Self {
        Self {
            user,
            password: Mutex::new(Some(password)),
            keep_password,
            renew_after,
            session: Mutex::new(None),
            refresh: tokio::sync::Mutex::new(()),
        }
    }

    fn current(&self) -> Option<Arc<Session>> {
        self.session
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn fresh(&self) -> Option<Arc<Session>> {
        self.current()
            .filter(|s| s.obtained.elapsed() < self.renew_after)
    }

    fn store(&self, session: Arc<Session>) {
        *self.session.lock().unwrap_or_else(PoisonError::into_inner) = Some(session);
        if !self.keep_password {
            *self.password.lock().unwrap_or_else(PoisonError::into_inner) = None;
        }
    }

    fn forget_session(&self) {
        *self.session.lock().unwrap_or_else(PoisonError::into_inner) = None;
    }
}

/// Sends the body of a `POST /access/ticket` without credentials and returns the body of its
/// successful response. The client implements it; authentication receives it as a parameter,
/// so the ticket state machine never reaches into the client (and a login request cannot
/// re-enter authentication).
pub(crate) trait SendLogin: Sync {
    /// Sends the form body `body` to [`login::TICKET_PATH`].
    fn send_login(&self, body: String) -> impl Future<Output = Result<Bytes, Error>> + Send;
}

impl Auth {
    /// `headers` with the credentials for one request added, logging in or renewing first
    /// (through `sender`) when needed.
    pub(crate) async fn with_credentials(
        &self,
        sender: &impl SendLogin,
        method: HttpMethod,
        mut headers: HeaderMap,
    ) -> Result<HeaderMap, Error> {
        match self {
            Auth::None => {}
            Auth::Token(value) => {
                headers.insert(AUTHORIZATION, value.clone());
            }
            Auth::Ticket(t) => {
                let session = t.session(sender).await?;
                headers.insert(COOKIE, session.cookie.clone());
                if method != HttpMethod::Get {
                    headers.insert(CSRF_HEADER, session.csrf.clone());
                }
            }
        }
        Ok(headers)
    }

    /// After a 401 to a call sent with `cookie`: forgets that ticket (the server no longer
    /// accepts it, e.g. it expired while the process was suspended) and says whether sending
    /// the call again can help: another call already holds a newer ticket, or the password is
    /// kept for a new login. A 401 is a refusal before any handler ran, so this never repeats
    /// a write that was acted on.
    pub(crate) fn ticket_refused(&self, cookie: Option<&HeaderValue>) -> bool {
        let (Auth::Ticket(t), Some(cookie)) = (self, cookie) else {
            return false;
        };
        match t.current() {
            Some(session) if session.cookie == *cookie => {
                t.forget_session();
                t.password
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .is_some()
            }
            Some(_) => true,
            None => false,
        }
    }

    /// Logs in now when ticket authentication has no fresh ticket.
    pub(crate) async fn login(&self, sender: &impl SendLogin) -> Result<(), Error> {
        match self {
            Auth::Ticket(t) => t.session(sender).await.map(drop),
            Auth::None | Auth::Token(_) => Ok(()),
        }
    }

    /// Answers a TFA challenge and stores the full ticket.
    pub(crate) async fn complete_tfa(
        &self,
        sender: &impl SendLogin,
        challenge: &TfaChallenge,
        answer: &TfaAnswer,
    ) -> Result<(), Error> {
        let Auth::Ticket(t) = self else {
            return Err(Error::config(
                "complete_tfa needs a client configured for ticket login",
            ));
        };
        let _guard = t.refresh.lock().await;
        let password = answer.password();
        match request_ticket(
            sender,
            &challenge.username,
            &password,
            Some(&challenge.ticket),
        )
        .await?
        {
            TicketAnswer::Full(session) => {
                t.store(session);
                Ok(())
            }
            TicketAnswer::NeedTfa(next) => Err(Error::TfaRequired(Box::new(next))),
        }
    }
}

impl TicketAuth {
    /// A ticket young enough to use, renewing or logging in when there is none.
    async fn session(&self, sender: &impl SendLogin) -> Result<Arc<Session>, Error> {
        if let Some(session) = self.fresh() {
            return Ok(session);
        }
        let _guard = self.refresh.lock().await;
        match (self.fresh(), self.current()) {
            (Some(session), _) => Ok(session),
            (None, Some(old)) => self.renew(sender, old).await,
            (None, None) => self.password_login(sender).await,
        }
    }

    /// Trades the current ticket for a new one.
    async fn renew(
        &self,
        sender: &impl SendLogin,
        old: Arc<Session>,
    ) -> Result<Arc<Session>, Error> {
        tracing::debug!("renewing the PVE ticket");
        match request_ticket(sender, &old.username, &old.ticket, None).await {
            Ok(TicketAnswer::Full(session)) => {
                self.store(Arc::clone(&session));
                Ok(session)
            }
            Ok(TicketAnswer::NeedTfa(_)) | Err(Error::Unauthorized(_)) => {
                // The ticket is no longer accepted: only a new login helps.
                self.forget_session();
                self.password_login(sender).await
            }
            Err(e) if old.obtained.elapsed() < TICKET_LIFETIME => {
                tracing::warn!(error = %e, "ticket renewal failed; the current ticket is used until it expires");
                Ok(old)
            }
            Err(e) => Err(e),
        }
    }

    async fn password_login(&self, sender: &impl SendLogin) -> Result<Arc<Session>, Error> {
        let password = self
            .password
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        let Some(password) = password else {
            return Err(Error::LoginRequired);
        };
        tracing::debug!(user = %self.user, "logging in with a password");
        match request_ticket(sender, &self.user, &password, None).await? {
            TicketAnswer::Full(session) => {
                self.store(Arc::clone(&session));
                Ok(session)
            }
            TicketAnswer::NeedTfa(challenge) => Err(Error::TfaRequired(Box::new(challenge))),
        }
    }
}

/// `POST /access/ticket`: built by [`login`], sent by `sender`, its answer read back.
async fn request_ticket(
    sender: &impl SendLogin,
    username: &str,
    password: &Secret,
    challenge: Option<&Secret>,
) -> Result<TicketAnswer, Error> {
    let body = login::ticket_request(username, password, challenge);
    let response = sender.send_login(body).await?;
    read_ticket_answer(&response, username)
}

/// Unwraps the envelope of a successful `POST /access/ticket` and reads its `data`
/// ([`login::read_ticket_data`]), never putting a credential into an error.
fn read_ticket_answer(body: &[u8], fallback_user: &str) -> Result<TicketAnswer, Error> {
    const ENDPOINT: &str = "POST /access/ticket";
    let data = envelope::decode::<serde_json::Value>(body, ENDPOINT)?.data;
    login::read_ticket_data(&data, fallback_user).map_err(|missing| Error::Decode {
        endpoint: ENDPOINT.to_owned(),
        path: missing.path.to_owned(),
        source: <serde_json::Error as serde::de::Error>::custom("missing or not a usable string")
            .into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_login_answer_without_ticket_names_the_field_but_no_value() {
        let err = read_ticket_answer(
            br#"{"data":{"username":"u@pam","CSRFPreventionToken":"X"}}"#,
            "u@pam",
        )
        .err()
        .unwrap();
        assert!(
            matches!(&err, Error::Decode { path, .. } if path == "data.ticket"),
            "{err:?}"
        );
    }
}
