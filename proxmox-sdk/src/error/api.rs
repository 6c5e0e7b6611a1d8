//! Reading PVE's error responses: status, reason phrase, `message`, `errors`.
//!
//! pve-http-server puts the first line of a handler's error in the HTTP reason phrase and,
//! from version 5.2 on, the whole text in the JSON body's `message`; older servers send only
//! `{"data":null}` (plus `errors` for a 400). Low-level refusals (501) send plain text.

use std::collections::BTreeMap;
use std::fmt;

use super::bounded::{MAX_NAME, MAX_TEXT, bound};
use super::kind::FailureKind;
use crate::permission::PermissionDenied;

/// Most parameters of a 400 `errors` map kept; the rest are only counted.
const MAX_PARAMS: usize = 32;

/// Most errors kept for one parameter.
const MAX_PER_PARAM: usize = 8;

/// Longest `Display` of an error response, in bytes.
const MAX_DISPLAY: usize = 8192;

/// An HTTP error response from PVE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    status: u16,
    reason: Option<String>,
    message: Option<String>,
    errors: BTreeMap<String, Vec<String>>,
    /// Parameters of the `errors` map beyond [`MAX_PARAMS`], not kept.
    errors_left_out: usize,
    denied: Option<PermissionDenied>,
    /// The API token id (never its secret) a refused (403) call was made with.
    token: Option<String>,
}

impl ApiError {
    /// Reads an error response. Never fails: whatever cannot be read is left out, and every
    /// text is bounded (a cut is marked `… [cut, N bytes in all]`).
    pub(crate) fn from_response(status: u16, reason: Option<&str>, body: &[u8]) -> Self {
        let reason = reason
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(|r| bound(r, MAX_TEXT));
        let (message, errors, errors_left_out) = read_body(body);
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
            errors_left_out,
            denied,
            token: None,
        }
    }

    /// Notes the API token id a 403 was answered to (for the privilege-separation hint).
    pub(crate) fn set_token(&mut self, token_id: &str) {
        if self.status == 403 {
            self.token = Some(bound(token_id, MAX_NAME));
        }
    }

    /// The API token id (`user@realm!name`) of a call refused with 403. PVE checks a
    /// privilege-separated token (`privsep=1`, the default) against the privileges granted to
    /// the token *and* to its user: a privilege the user has but the token lacks is missing.
    /// `Display` says so.
    pub fn api_token(&self) -> Option<&str> {
        self.token.as_deref()
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
    /// split here, one entry per error. At most 32 parameters with 8 errors each are kept,
    /// each text bounded; [`ApiError::parameter_errors_left_out`] counts the parameters beyond.
    pub fn parameter_errors(&self) -> &BTreeMap<String, Vec<String>> {
        &self.errors
    }

    /// How many parameters of a huge `errors` map were not kept.
    pub fn parameter_errors_left_out(&self) -> usize {
        self.errors_left_out
    }

    /// The parsed permission failure of a 403 (from `message`, or from the reason phrase of
    /// servers before pve-http-server 5.2).
    pub fn permission_denied(&self) -> Option<&PermissionDenied> {
        self.denied.as_ref()
    }

    /// Whether the message reports PVE's lock contention (`can't lock file … - got timeout`);
    /// [`FailureKind::LockTimeout`].
    pub fn is_lock_timeout(&self) -> bool {
        self.failure_kind() == Some(FailureKind::LockTimeout)
    }

    /// What the answer says went wrong ([`FailureKind`]): every 403 is
    /// [`FailureKind::PermissionDenied`] and a 595 [`FailureKind::NodeUnreachable`]; other
    /// answers are read from the message, then from the per-parameter errors of a 400 (`vmid:
    /// VM 100 already exists`).
    pub fn failure_kind(&self) -> Option<FailureKind> {
        match self.status {
            403 => return Some(FailureKind::PermissionDenied),
            595 => return Some(FailureKind::NodeUnreachable),
            _ => {}
        }
        self.message().and_then(FailureKind::classify).or_else(|| {
            self.errors
                .values()
                .flatten()
                .find_map(|text| FailureKind::classify(text))
        })
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Each part is bounded already; the whole is bounded once more for log lines.
        let mut text = String::new();
        self.render(&mut text)?;
        f.write_str(&bound(&text, MAX_DISPLAY))
    }
}

impl ApiError {
    fn render(&self, f: &mut String) -> fmt::Result {
        use std::fmt::Write as _;
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
        if self.errors_left_out > 0 {
            write!(f, "; {} more parameters", self.errors_left_out)?;
        }
        if !self.errors.is_empty() {
            f.write_str(")")?;
        }
        if let Some(token) = &self.token {
            write!(
                f,
                " [API token {token}: a privilege-separated token needs the privilege granted \
                 to the token as well as to its user]"
            )?;
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

/// What an error body holds: `message`, the kept `errors` and how many were left out.
type BodyParts = (Option<String>, BTreeMap<String, Vec<String>>, usize);

/// `message` and `errors` of a JSON error body, or the text of a plain one.
fn read_body(body: &[u8]) -> BodyParts {
    let mut errors = BTreeMap::new();
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(serde_json::Value::Object(obj)) => {
            let message = obj
                .get("message")
                .and_then(|m| m.as_str())
                .map(clean)
                .filter(|m| !m.is_empty());
            let mut left_out = 0;
            if let Some(serde_json::Value::Object(map)) = obj.get("errors") {
                left_out = map.len().saturating_sub(MAX_PARAMS);
                for (key, value) in map.iter().take(MAX_PARAMS) {
                    let split: Vec<String> = match value {
                        serde_json::Value::String(s) => split_errors(s),
                        other => split_errors(&bound(&other.to_string(), MAX_TEXT)),
                    };
                    errors.insert(bound(key, MAX_NAME), split);
                }
            }
            (message, errors, left_out)
        }
        Ok(_) => (None, errors, 0),
        Err(_) => {
            let text = String::from_utf8_lossy(body);
            let text = clean(&text);
            ((!text.is_empty()).then_some(text), errors, 0)
        }
    }
}

/// One parameter's errors, split at PVE's literal `\n` joins, each bounded.
fn split_errors(text: &str) -> Vec<String> {
    text.split("\\n")
        .map(clean)
        .filter(|m| !m.is_empty())
        .take(MAX_PER_PARAM)
        .collect()
}

/// Trailing line breaks and surrounding blanks removed, and the length bounded.
fn clean(text: &str) -> String {
    bound(text.trim(), MAX_TEXT)
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

    #[test]
    fn a_huge_json_message_and_reason_are_cut_and_marked() {
        let huge = "m".repeat(1 << 20);
        let body = serde_json::json!({ "data": null, "message": huge }).to_string();
        let e = ApiError::from_response(500, Some(&huge), body.as_bytes());
        let message = e.message().unwrap();
        assert!(message.len() <= MAX_TEXT + 40, "{}", message.len());
        assert!(
            message.ends_with("… [cut, 1048576 bytes in all]"),
            "{message:.40}"
        );
        assert!(
            e.reason_phrase()
                .unwrap()
                .ends_with("… [cut, 1048576 bytes in all]")
        );
        assert!(e.to_string().len() <= MAX_DISPLAY + 40);
    }

    #[test]
    fn a_huge_plain_text_body_is_cut_and_marked() {
        let e = ApiError::from_response(502, None, "<html>".repeat(100_000).as_bytes());
        assert!(
            e.message()
                .unwrap()
                .ends_with("… [cut, 600000 bytes in all]")
        );
    }

    #[test]
    fn a_huge_errors_map_keeps_a_bounded_part_and_counts_the_rest() {
        let mut errors = serde_json::Map::new();
        for i in 0..1000 {
            let many = vec!["e".repeat(5000); 20].join("\\n");
            errors.insert(format!("p{i:04}{}", "k".repeat(1000)), many.into());
        }
        let body = serde_json::json!({ "data": null, "errors": errors }).to_string();
        let e = ApiError::from_response(400, None, body.as_bytes());
        assert_eq!(e.parameter_errors().len(), MAX_PARAMS);
        assert_eq!(e.parameter_errors_left_out(), 1000 - MAX_PARAMS);
        for (key, messages) in e.parameter_errors() {
            assert!(key.len() <= MAX_NAME + 40);
            assert_eq!(messages.len(), MAX_PER_PARAM);
            assert!(
                messages
                    .iter()
                    .all(|m| m.ends_with("[cut, 5000 bytes in all]"))
            );
        }
        let text = e.to_string();
        assert!(text.len() <= MAX_DISPLAY + 40, "{}", text.len());
        assert!(text.contains("bytes in all]"));
    }

    #[test]
    fn non_string_error_values_are_bounded_too() {
        let body = serde_json::json!({ "data": null, "errors": { "x": [ "y".repeat(10_000) ] } });
        let e = ApiError::from_response(400, None, body.to_string().as_bytes());
        assert!(e.parameter_errors()["x"][0].ends_with("bytes in all]"));
    }
}
