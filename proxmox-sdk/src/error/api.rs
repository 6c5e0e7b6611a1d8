//! Reading PVE's error responses: status, reason phrase, `message`, `errors`.
//!
//! pve-http-server puts the first line of a handler's error in the HTTP reason phrase and,
//! from version 5.2 on, the whole text in the JSON body's `message`; older servers send only
//! `{"data":null}` (plus `errors` for a 400). Low-level refusals (501) send plain text.

use std::collections::BTreeMap;
use std::fmt;

use crate::permission::PermissionDenied;

/// Longest plain-text body kept as a message.
const MAX_TEXT: usize = 2048;

/// An HTTP error response from PVE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    status: u16,
    reason: Option<String>,
    message: Option<String>,
    errors: BTreeMap<String, Vec<String>>,
    denied: Option<PermissionDenied>,
}

impl ApiError {
    /// Reads an error response. Never fails: whatever cannot be read is left out.
    pub(crate) fn from_response(status: u16, reason: Option<&str>, body: &[u8]) -> Self {
        let reason = reason
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(str::to_owned);
        let (message, errors) = read_body(body);
        let denied = if status == 403 {
            message
                .as_deref()
                .and_then(PermissionDenied::parse)
                .or_else(|| reason.as_deref().and_then(PermissionDenied::parse))
        } else {
            None
        };
        Self {
            status,
            reason,
            message,
            errors,
            denied,
        }
    }

    /// The HTTP status (595–599 for pveproxy's hop errors).
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The server's error text: the body's `message`, else the reason phrase.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref().or(self.reason.as_deref())
    }

    /// The HTTP reason phrase, when it is not the standard one for the status.
    pub fn reason_phrase(&self) -> Option<&str> {
        self.reason.as_deref()
    }

    /// Per-parameter errors of a 400, keyed by parameter name (`net0`, `agent.enabled`,
    /// `_root`). PVE joins several errors for one key with the two characters `\n`; they are
    /// split here, one entry per error.
    pub fn parameter_errors(&self) -> &BTreeMap<String, Vec<String>> {
        &self.errors
    }

    /// The parsed permission failure of a 403 (from `message`, or from the reason phrase of
    /// servers before pve-http-server 5.2).
    pub fn permission_denied(&self) -> Option<&PermissionDenied> {
        self.denied.as_ref()
    }

    /// Whether the message reports PVE's lock contention (`can't lock file … - got timeout`).
    pub fn is_lock_timeout(&self) -> bool {
        self.message().is_some_and(|m| m.contains("got timeout"))
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.status)?;
        match self.message() {
            Some(text) => write!(f, " {}", one_line(text))?,
            None => {
                if let Some(canonical) = http::StatusCode::from_u16(self.status)
                    .ok()
                    .and_then(|s| s.canonical_reason())
                {
                    write!(f, " {canonical}")?;
                }
            }
        }
        for (i, (key, messages)) in self.errors.iter().enumerate() {
            f.write_str(if i == 0 { " (" } else { "; " })?;
            write!(f, "{key}: ")?;
            for (j, m) in messages.iter().enumerate() {
                if j > 0 {
                    f.write_str(" / ")?;
                }
                f.write_str(&one_line(m))?;
            }
        }
        if !self.errors.is_empty() {
            f.write_str(")")?;
        }
        Ok(())
    }
}

/// Line breaks inside a message become spaces so `Display` stays on one line.
fn one_line(text: &str) -> String {
    text.split(['\n', '\r'])
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// `message` and `errors` of a JSON error body, or the text of a plain one.
fn read_body(body: &[u8]) -> (Option<String>, BTreeMap<String, Vec<String>>) {
    let mut errors = BTreeMap::new();
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(serde_json::Value::Object(obj)) => {
            let message = obj
                .get("message")
                .and_then(|m| m.as_str())
                .map(clean)
                .filter(|m| !m.is_empty());
            if let Some(serde_json::Value::Object(map)) = obj.get("errors") {
                for (key, value) in map {
                    let text = match value {
                        serde_json::Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    let split: Vec<String> = text
                        .split("\\n")
                        .map(clean)
                        .filter(|m| !m.is_empty())
                        .collect();
                    errors.insert(key.clone(), split);
                }
            }
            (message, errors)
        }
        Ok(_) => (None, errors),
        Err(_) => {
            let text = String::from_utf8_lossy(body);
            let text = clean(&text);
            let text = match text.char_indices().nth(MAX_TEXT) {
                Some((at, _)) => format!("{}…", &text[..at]),
                None => text,
            };
            ((!text.is_empty()).then_some(text), errors)
        }
    }
}

/// Trailing line breaks and surrounding blanks removed.
fn clean(text: &str) -> String {
    text.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_backslash_n_joins_are_split() {
        let body = br#"{"data":null,"errors":{"net0":"first problem\\nsecond problem\n","agent":"invalid format - format error\nagent.enabled: type check ('boolean') failed - got 'True'\n"}}"#;
        let e = ApiError::from_response(400, Some("Parameter verification failed."), body);
        assert_eq!(
            e.parameter_errors()["net0"],
            ["first problem", "second problem"]
        );
        assert_eq!(
            e.parameter_errors()["agent"],
            [
                "invalid format - format error\nagent.enabled: type check ('boolean') failed - got 'True'"
            ]
        );
        assert_eq!(e.message(), Some("Parameter verification failed."));
    }

    #[test]
    fn plain_text_bodies_become_the_message() {
        let e = ApiError::from_response(501, None, b"Method 'GET /nodes/pve/foo' not implemented");
        assert_eq!(
            e.message(),
            Some("Method 'GET /nodes/pve/foo' not implemented")
        );
        assert_eq!(
            e.to_string(),
            "501 Method 'GET /nodes/pve/foo' not implemented"
        );
    }

    #[test]
    fn body_message_wins_over_the_reason_phrase_for_403() {
        let body = br#"{"data":null,"message":"Permission check failed (/vms/100, VM.Audit)\n"}"#;
        let e = ApiError::from_response(
            403,
            Some("Permission check failed (/vms/100, VM.Allocate)"),
            body,
        );
        assert_eq!(
            e.permission_denied().unwrap().privileges(),
            [crate::Privilege::VmAudit]
        );
    }

    #[test]
    fn a_missing_message_falls_back_to_the_canonical_reason() {
        let e = ApiError::from_response(503, None, b"");
        assert_eq!(e.to_string(), "503 Service Unavailable");
        assert_eq!(e.message(), None);
    }
}
