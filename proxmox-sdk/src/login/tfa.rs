//! The TFA challenge of a ticket login and its answers.
//!
//! With `new-format=1`, PVE answers a correct password of a TFA account with `NeedTFA` and a
//! half-authenticated ticket `PVE:!tfa!<percent-encoded JSON>:…` whose JSON names the offered
//! second factors. The client answers with `POST /access/ticket`, `tfa-challenge` = that
//! ticket and `password` = `<method>:<response>`.

use std::fmt;

use percent_encoding::percent_decode_str;

use crate::secret::Secret;

/// A second factor PVE can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TfaMethod {
    /// A time-based one-time code from an authenticator app.
    Totp,
    /// One of the user's single-use recovery keys.
    Recovery,
    /// A Yubico OTP.
    Yubico,
    /// A WebAuthn assertion (see [`TfaChallenge::webauthn_challenge`]).
    WebAuthn,
    /// Legacy U2F (PVE 7).
    U2f,
}

impl TfaMethod {
    /// The name PVE uses, also the prefix of the answer (`totp:123456`).
    pub const fn as_str(self) -> &'static str {
        match self {
            TfaMethod::Totp => "totp",
            TfaMethod::Recovery => "recovery",
            TfaMethod::Yubico => "yubico",
            TfaMethod::WebAuthn => "webauthn",
            TfaMethod::U2f => "u2f",
        }
    }
}

/// PVE's request for a second factor after a correct password.
///
/// Holds the half-authenticated ticket (never printed) and what the server offered. Answer it
/// with [`Client::complete_tfa`](crate::Client::complete_tfa), now or later, as long as the
/// challenge ticket is valid.
#[derive(Debug, Clone)]
pub struct TfaChallenge {
    pub(crate) username: String,
    pub(crate) ticket: Secret,
    methods: Vec<TfaMethod>,
    challenge: Option<serde_json::Value>,
}

impl TfaChallenge {
    /// The user logging in, as the server named it.
    pub fn username(&self) -> &str {
        &self.username
    }

    /// The second factors the server offered (empty if the challenge could not be read).
    pub fn methods(&self) -> &[TfaMethod] {
        &self.methods
    }

    /// Whether `method` was offered.
    pub fn offers(&self, method: TfaMethod) -> bool {
        self.methods.contains(&method)
    }

    /// The WebAuthn request options to hand to an authenticator, if WebAuthn was offered.
    pub fn webauthn_challenge(&self) -> Option<&serde_json::Value> {
        self.challenge.as_ref()?.get("webauthn")
    }

    /// The offered methods as text, for messages.
    pub(crate) fn offered(&self) -> String {
        if self.methods.is_empty() {
            return "unknown".to_owned();
        }
        self.methods
            .iter()
            .map(|m| m.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Reads a half-authenticated ticket: `PVE:!tfa!<percent-encoded JSON>:…` in the format
    /// clients request with `new-format=1`.
    pub(crate) fn from_ticket(username: String, ticket: Secret) -> Self {
        let challenge = ticket
            .expose()
            .split_once("!tfa!")
            .and_then(|(_, rest)| rest.split(':').next())
            .and_then(|encoded| percent_decode_str(encoded).decode_utf8().ok())
            .and_then(|json| serde_json::from_str::<serde_json::Value>(&json).ok())
            .filter(serde_json::Value::is_object);
        let mut methods = Vec::new();
        if let Some(c) = &challenge {
            let offered = |key: &str| {
                c.get(key).is_some_and(|v| {
                    !matches!(v, serde_json::Value::Null | serde_json::Value::Bool(false))
                })
            };
            let candidates = [
                ("totp", TfaMethod::Totp),
                ("recovery", TfaMethod::Recovery),
                ("yubico", TfaMethod::Yubico),
                ("webauthn", TfaMethod::WebAuthn),
                ("u2f", TfaMethod::U2f),
            ];
            methods.extend(
                candidates
                    .iter()
                    .filter(|(key, _)| offered(key))
                    .map(|(_, m)| *m),
            );
        }
        Self {
            username,
            ticket,
            methods,
            challenge,
        }
    }
}

/// The answer to a [`TfaChallenge`]. `Debug` never shows the code.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum TfaAnswer {
    /// A TOTP code.
    Totp(Secret),
    /// A recovery key.
    Recovery(Secret),
    /// A Yubico OTP.
    Yubico(Secret),
    /// The JSON of a WebAuthn assertion.
    WebAuthn(Secret),
}

impl TfaAnswer {
    /// A TOTP code, e.g. `"123456"`.
    pub fn totp(code: impl Into<Secret>) -> Self {
        TfaAnswer::Totp(code.into())
    }

    /// A recovery key.
    pub fn recovery(key: impl Into<Secret>) -> Self {
        TfaAnswer::Recovery(key.into())
    }

    /// The `password` value PVE expects: `<method>:<response>`.
    pub(crate) fn password(&self) -> Secret {
        let (method, value) = match self {
            TfaAnswer::Totp(v) => (TfaMethod::Totp, v),
            TfaAnswer::Recovery(v) => (TfaMethod::Recovery, v),
            TfaAnswer::Yubico(v) => (TfaMethod::Yubico, v),
            TfaAnswer::WebAuthn(v) => (TfaMethod::WebAuthn, v),
        };
        Secret::new(format!("{}:{}", method.as_str(), value.expose()))
    }
}

impl fmt::Display for TfaMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_challenge_is_read_from_the_half_ticket() {
        let ticket = "PVE:!tfa!%7B%22totp%22%3Atrue%2C%22recovery%22%3A%22available%22%2C%22yubico%22%3Afalse%7D:68BF3A41::c2ln";
        let c = TfaChallenge::from_ticket("u@pam".into(), Secret::new(ticket));
        assert_eq!(c.methods(), [TfaMethod::Totp, TfaMethod::Recovery]);
        assert!(c.webauthn_challenge().is_none());
        assert!(!format!("{c:?}").contains("PVE:"));
    }

    #[test]
    fn an_unreadable_challenge_offers_nothing_but_still_works() {
        let c = TfaChallenge::from_ticket("u@pam".into(), Secret::new("PVE:!tfa!garbage:x"));
        assert!(c.methods().is_empty());
        assert_eq!(c.offered(), "unknown");
    }

    #[test]
    fn answers_are_prefixed_with_their_method() {
        assert_eq!(TfaAnswer::totp("123456").password().expose(), "totp:123456");
        assert_eq!(
            TfaAnswer::recovery("abcd-ef").password().expose(),
            "recovery:abcd-ef"
        );
        assert_eq!(format!("{:?}", TfaAnswer::totp("123456")), "Totp(***)");
    }
}
