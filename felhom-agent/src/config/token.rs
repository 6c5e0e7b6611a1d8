//! The API token: `user@realm!tokenid=secret`, a type that never prints its secret.

use std::fmt;

use proxmox_sdk::client::Secret;

/// A PVE API token as the agent holds it.
///
/// `Debug` shows the token id and `***` for the secret; there is no `Display`. The secret is
/// read only by [`ApiToken::secret`], where it goes to the SDK client.
///
/// ```
/// use felhom_agent::config::ApiToken;
///
/// let token: ApiToken = "felhom-agent@pve!agent=0b6c3c4e-1111-2222-3333-444455556666".parse().unwrap();
/// assert_eq!(token.id(), "felhom-agent@pve!agent");
/// assert_eq!(format!("{token:?}"), r#"ApiToken { id: "felhom-agent@pve!agent", secret: *** }"#);
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct ApiToken {
    id: String,
    secret: Secret,
}

/// Why a token string was refused. It never contains any part of the input: without the
/// separators nobody can tell which part would have been the secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// No `!` between the user and the token name.
    #[error("expected `user@realm!tokenid=secret`, but there is no `!` before the token name")]
    NoBang,
    /// No `=` between the token id and the secret.
    #[error("expected `user@realm!tokenid=secret`, but there is no `=` before the secret")]
    NoEquals,
    /// The user part is not `name@realm`.
    #[error("the user part before `!` must be `name@realm`")]
    BadUser,
    /// The token name is empty or has characters PVE does not allow.
    #[error(
        "the token name between `!` and `=` must start with a letter and hold only letters, digits, `-`, `_` and `.`"
    )]
    BadName,
    /// Nothing after `=`.
    #[error("the secret after `=` is empty")]
    EmptySecret,
    /// White space or control characters in the secret.
    #[error("the secret contains white space or control characters")]
    BadSecret,
}

impl ApiToken {
    /// The token id, `user@realm!tokenid`: safe to log.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The user the token belongs to, `user@realm`.
    pub fn user(&self) -> &str {
        self.id.split_once('!').map_or(self.id.as_str(), |(u, _)| u)
    }

    /// The secret, for the SDK client only.
    pub fn secret(&self) -> &Secret {
        &self.secret
    }
}

impl std::str::FromStr for ApiToken {
    type Err = TokenError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (user, rest) = text.split_once('!').ok_or(TokenError::NoBang)?;
        let (name, secret) = rest.split_once('=').ok_or(TokenError::NoEquals)?;
        let valid_user = user.split_once('@').is_some_and(|(name, realm)| {
            !name.is_empty()
                && !realm.is_empty()
                && !realm.contains('@')
                && !user.chars().any(|c| c.is_whitespace() || c.is_control())
        });
        if !valid_user {
            return Err(TokenError::BadUser);
        }
        let mut chars = name.chars();
        let valid_name = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !valid_name {
            return Err(TokenError::BadName);
        }
        if secret.is_empty() {
            return Err(TokenError::EmptySecret);
        }
        if secret.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(TokenError::BadSecret);
        }
        Ok(Self {
            id: format!("{user}!{name}"),
            secret: Secret::new(secret),
        })
    }
}

impl fmt::Debug for ApiToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiToken")
            .field("id", &self.id)
            .field("secret", &self.secret)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "0b6c3c4e-aaaa-bbbb-cccc-444455556666";

    #[test]
    fn a_well_formed_token_splits_into_id_and_secret() {
        let token: ApiToken = format!("felhom-agent@pve!agent={SECRET}").parse().unwrap();
        assert_eq!(token.id(), "felhom-agent@pve!agent");
        assert_eq!(token.user(), "felhom-agent@pve");
        assert_eq!(token.secret().expose(), SECRET);
        assert!(!format!("{token:?}").contains(SECRET));
    }

    #[test]
    fn malformed_tokens_are_refused_without_echoing_any_part() {
        let cases = [
            (SECRET.to_owned(), TokenError::NoBang),
            (format!("felhom-agent@pve!{SECRET}"), TokenError::NoEquals),
            (format!("felhom-agent@pve={SECRET}"), TokenError::NoBang),
            (format!("felhom-agent!agent={SECRET}"), TokenError::BadUser),
            (format!("@pve!agent={SECRET}"), TokenError::BadUser),
            (format!("felhom-agent@pve!={SECRET}"), TokenError::BadName),
            (
                format!("felhom-agent@pve!9agent={SECRET}"),
                TokenError::BadName,
            ),
            (
                format!("felhom-agent@pve!ag ent={SECRET}"),
                TokenError::BadName,
            ),
            (
                "felhom-agent@pve!agent=".to_owned(),
                TokenError::EmptySecret,
            ),
            (
                format!("felhom-agent@pve!agent={SECRET}\n"),
                TokenError::BadSecret,
            ),
        ];
        for (text, want) in cases {
            let err = text.parse::<ApiToken>().unwrap_err();
            assert_eq!(err, want, "{text:?}");
            assert!(!err.to_string().contains(SECRET), "{err}");
        }
    }
}
