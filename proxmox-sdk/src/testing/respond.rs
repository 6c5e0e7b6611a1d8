//! Canned answers in the shapes PVE sends.
//!
//! A success wraps its result in the envelope, `{"data": …}` (list endpoints add `total`). An
//! error has `"data": null`, PVE's text in `message` (with a trailing newline, as pveproxy
//! writes it) and, since pve-http-server 5.2, the same first line as the HTTP reason phrase;
//! parameter errors add an `errors` object keyed by parameter. The client reads all of these
//! exactly as it reads a real server's, so a test sees the same typed [`Error`](crate::Error)
//! variants a program would.

use bytes::Bytes;
use http::HeaderMap;
use serde::Serialize;
use serde_json::{Value, json};

use crate::transport::HttpResponse;
use crate::upid::Upid;

/// `200` with `{"data": data}`.
///
/// ```
/// let response = proxmox_sdk::testing::respond::data(["a", "b"]);
/// assert_eq!(response.status, 200);
/// assert_eq!(&response.body[..], br#"{"data":["a","b"]}"#);
/// ```
///
/// # Panics
/// When `data` cannot be represented as JSON (a map with non-string keys, say): a bug in
/// the test.
pub fn data(data: impl Serialize) -> HttpResponse {
    envelope(json!({ "data": to_json(data) }))
}

/// `200` with `{"data": data, "total": total}`: a page of a list (the task list, a task log).
///
/// # Panics
/// As [`data`].
pub fn data_with_total(data: impl Serialize, total: u64) -> HttpResponse {
    envelope(json!({ "data": to_json(data), "total": total }))
}

/// `200` with the UPID of a started task as `data`.
pub fn upid(upid: &Upid) -> HttpResponse {
    data(upid.as_str())
}

/// `200` with the answer of a successful `POST /access/ticket`: a ticket and a CSRF token for
/// `username`.
pub fn ticket(username: &str) -> HttpResponse {
    data(json!({
        "username": username,
        "ticket": format!("PVE:{username}:6B0EFF0B::dGVzdC1zaWduYXR1cmU="),
        "CSRFPreventionToken": "6B0EFF0B:dGVzdC1jc3JmLXRva2Vu",
    }))
}

/// An error status with PVE's message: `{"data": null, "message": "<message>\n"}`, and the
/// message's first line as the reason phrase.
///
/// ```
/// use proxmox_sdk::testing::respond;
///
/// let denied = respond::error(403, "Permission check failed (/vms/100, VM.Snapshot)");
/// assert_eq!(denied.reason.as_deref(), Some("Permission check failed (/vms/100, VM.Snapshot)"));
/// ```
pub fn error(status: u16, message: &str) -> HttpResponse {
    let mut response = json_body(
        status,
        &json!({ "data": null, "message": format!("{}\n", message.trim_end_matches('\n')) }),
    );
    response.reason = message.lines().next().map(str::to_owned);
    response
}

/// `400 Parameter verification failed.` with one entry per `(parameter, problem)` in
/// `errors`, as PVE answers a request its schema refuses.
pub fn parameter_errors<'a>(errors: impl IntoIterator<Item = (&'a str, &'a str)>) -> HttpResponse {
    let errors: serde_json::Map<String, Value> = errors
        .into_iter()
        .map(|(key, problem)| (key.to_owned(), Value::from(format!("{problem}\n"))))
        .collect();
    let mut response = json_body(400, &json!({ "data": null, "errors": errors }));
    response.reason = Some("Parameter verification failed.".to_owned());
    response
}

/// Any status with any JSON body and no reason phrase.
pub fn json_body(status: u16, body: &Value) -> HttpResponse {
    HttpResponse {
        status,
        reason: None,
        headers: json_headers(),
        body: Bytes::from(body.to_string()),
    }
}

/// Any status with a body as raw bytes (a truncated answer, an HTML error page).
pub fn raw(status: u16, body: impl Into<Bytes>) -> HttpResponse {
    HttpResponse {
        status,
        reason: None,
        headers: HeaderMap::new(),
        body: body.into(),
    }
}

fn envelope(body: Value) -> HttpResponse {
    json_body(200, &body)
}

fn json_headers() -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json;charset=UTF-8"),
    );
    headers
}

fn to_json(value: impl Serialize) -> Value {
    serde_json::to_value(value)
        .unwrap_or_else(|error| panic!("proxmox_sdk::testing: the response is not JSON: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_carry_the_message_in_the_body_and_the_reason_phrase() {
        let response = error(500, "unable to open file\nsecond line");
        assert_eq!(response.status, 500);
        assert_eq!(response.reason.as_deref(), Some("unable to open file"));
        assert_eq!(
            &response.body[..],
            br#"{"data":null,"message":"unable to open file\nsecond line\n"}"#
        );
        let refused = parameter_errors([("vmid", "value must be at least 100")]);
        assert_eq!(
            &refused.body[..],
            br#"{"data":null,"errors":{"vmid":"value must be at least 100\n"}}"#
        );
        assert_eq!(
            refused.reason.as_deref(),
            Some("Parameter verification failed.")
        );
    }

    #[test]
    fn lists_carry_their_total_beside_data() {
        let page = data_with_total([json!({"n": 1, "t": "starting"})], 7);
        assert_eq!(
            &page.body[..],
            br#"{"data":[{"n":1,"t":"starting"}],"total":7}"#
        );
    }
}
