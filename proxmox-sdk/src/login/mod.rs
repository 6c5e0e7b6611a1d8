//! Ticket login without I/O: the `POST /access/ticket` request a login, a renewal or a TFA
//! answer sends, and what its answer means. The client's authentication
//! ([`Client`](crate::Client)) sends the request and keeps the resulting [`Session`]; this
//! module only builds bytes and reads values, so it sits below both the client and the error
//! type (which names a [`TfaChallenge`]).
//!
//! * A password login sends `username`, `password` and `new-format=1`; a renewal sends the
//!   current ticket as the password; a TFA answer adds the half-authenticated ticket as
//!   `tfa-challenge` and the second factor (`totp:<code>`, …) as the password.
//! * A full answer carries the ticket (sent back as the `PVEAuthCookie` cookie) and a CSRF
//!   token (the `CSRFPreventionToken` header of every call but `GET`); a TFA account's answer
//!   is a half-authenticated ticket (`NeedTFA`, or a ticket with `!tfa!`) naming the offered
//!   factors.

mod tfa;

use std::sync::Arc;
use std::time::Instant;

use http::{HeaderName, HeaderValue};
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

pub use tfa::{TfaAnswer, TfaChallenge, TfaMethod};

use crate::secret::Secret;
use crate::wire::ParamWriter;

/// Where tickets are requested, below `/api2/json`.
pub(crate) const TICKET_PATH: &str = "/access/ticket";

/// The CSRF header of ticket-authenticated writes.
pub(crate) const CSRF_HEADER: HeaderName = HeaderName::from_static("csrfpreventiontoken");

/// Bytes that cannot appear raw in a cookie value (PVE URI-unescapes the cookie).
const COOKIE_ESCAPE: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b',')
    .add(b';')
    .add(b'\\')
    .add(b'%');

/// A logged-in session: the ticket and the two header values made from it.
#[derive(Debug)]
pub(crate) struct Session {
    /// The user, as the server named it.
    pub(crate) username: String,
    /// The ticket (also the password of a renewal).
    pub(crate) ticket: Secret,
    /// `PVEAuthCookie=<ticket>`, marked sensitive.
    pub(crate) cookie: HeaderValue,
    /// The CSRF token, marked sensitive.
    pub(crate) csrf: HeaderValue,
    /// When the ticket was received.
    pub(crate) obtained: Instant,
}

/// What `POST /access/ticket` answered.
pub(crate) enum TicketAnswer {
    /// A full ticket.
    Full(Arc<Session>),
    /// A second factor is needed.
    NeedTfa(TfaChallenge),
}

/// A field of the answer that is missing or unusable (named, never quoted).
#[derive(Debug)]
pub(crate) struct MissingField {
    /// Where, e.g. `data.ticket`.
    pub(crate) path: &'static str,
}

/// The form body of a ticket request: `password` is the password, the ticket being renewed,
/// or a TFA answer; `challenge` the half-authenticated ticket a TFA answer completes.
pub(crate) fn ticket_request(
    username: &str,
    password: &Secret,
    challenge: Option<&Secret>,
) -> String {
    let mut pairs = vec![("username", username), ("password", password.expose())];
    if let Some(c) = challenge {
        pairs.push(("tfa-challenge", c.expose()));
    }
    pairs.push(("new-format", "1"));
    ParamWriter::encode_pairs(pairs)
}

/// Reads the `data` of a successful ticket request; `fallback_user` names the user when the
/// answer does not.
pub(crate) fn read_ticket_data(
    data: &serde_json::Value,
    fallback_user: &str,
) -> Result<TicketAnswer, MissingField> {
    let field = |name: &str| data.get(name).and_then(serde_json::Value::as_str);
    let missing = |path: &'static str| MissingField { path };
    let username = field("username").unwrap_or(fallback_user).to_owned();
    let ticket = Secret::new(field("ticket").ok_or_else(|| missing("data.ticket"))?);
    let need_tfa = data
        .get("NeedTFA")
        .is_some_and(|v| crate::wire::de::from_value::<bool>(v.clone()).unwrap_or(true));
    if need_tfa || ticket.expose().contains("!tfa!") {
        return Ok(TicketAnswer::NeedTfa(TfaChallenge::from_ticket(
            username, ticket,
        )));
    }
    let csrf = field("CSRFPreventionToken").ok_or_else(|| missing("data.CSRFPreventionToken"))?;
    let mut csrf = HeaderValue::from_str(csrf).map_err(|_| missing("data.CSRFPreventionToken"))?;
    csrf.set_sensitive(true);
    let cookie = format!(
        "PVEAuthCookie={}",
        utf8_percent_encode(ticket.expose(), COOKIE_ESCAPE)
    );
    let mut cookie = HeaderValue::from_str(&cookie).map_err(|_| missing("data.ticket"))?;
    cookie.set_sensitive(true);
    Ok(TicketAnswer::Full(Arc::new(Session {
        username,
        ticket,
        cookie,
        csrf,
        obtained: Instant::now(),
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tfa_answer_carries_the_challenge_and_the_factor() {
        let body = ticket_request(
            "root@pam",
            &Secret::new("totp:123456"),
            Some(&Secret::new("PVE:!tfa!x")),
        );
        assert_eq!(
            body,
            "username=root%40pam&password=totp%3A123456&tfa-challenge=PVE%3A%21tfa%21x&new-format=1"
        );
    }

    #[test]
    fn a_full_answer_becomes_sensitive_headers() {
        let data = serde_json::json!({
            "username": "root@pam", "ticket": "PVE:root@pam:6B0EFF0B::c2ln", "CSRFPreventionToken": "6B0EFF0B:dG9r",
        });
        let Ok(TicketAnswer::Full(session)) = read_ticket_data(&data, "x@pam") else {
            panic!("not a full answer")
        };
        assert_eq!(session.cookie, "PVEAuthCookie=PVE:root@pam:6B0EFF0B::c2ln");
        assert!(session.cookie.is_sensitive() && session.csrf.is_sensitive());
        let half = serde_json::json!({"username": "root@pam", "ticket": "PVE:!tfa!%7B%22totp%22%3Atrue%7D:x", "NeedTFA": 1});
        assert!(matches!(
            read_ticket_data(&half, "x@pam"),
            Ok(TicketAnswer::NeedTfa(_))
        ));
        let none = serde_json::json!({"username": "root@pam", "ticket": "PVE:root@pam:1::s"});
        assert_eq!(
            read_ticket_data(&none, "x@pam").err().map(|m| m.path),
            Some("data.CSRFPreventionToken")
        );
    }
}
