//! A string that never prints itself.

use std::fmt;

/// A credential (token secret, password, ticket, CSRF token, TFA code).
///
/// `Debug` prints `***` and there is deliberately no `Display`: the only way to read the value
/// is [`Secret::expose`], which makes every use easy to find in review.
///
/// ```
/// use proxmox_sdk::client::Secret;
///
/// let s = Secret::new("aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee");
/// assert_eq!(format!("{s:?}"), "***");
/// assert_eq!(s.expose().len(), 36);
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value itself. Call it only where the value goes on the wire.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the value is the empty string.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}
