//! [`CapturedRequest`]: one request as the client put it on the wire, with its credentials
//! blanked out, in a shape a test can assert on.
//!
//! The client hands its [`Transport`](crate::transport::Transport) a finished request: absolute
//! URL, percent-encoded path and query, headers, form body. A captured request keeps those
//! bytes (so a test can compare the exact body PVE would receive) and adds decoded views of
//! them (path, query pairs, form pairs). Credentials never survive the capture: header values
//! the client marked sensitive (`Authorization`, `Cookie`, `CSRFPreventionToken`) and the
//! values of credential form fields (`password`, `tfa-challenge`, …) read `***`, so printing a
//! captured request in a failing test leaks nothing.

use std::borrow::Cow;
use std::fmt;

use crate::endpoint::HttpMethod;
use crate::transport::HttpRequest;

use super::stream::CapturedStream;

/// What a redacted value reads.
pub(crate) const REDACTED: &str = "***";

/// Everything below the origin that every API path starts with.
const API_PREFIX: &str = "/api2/json";

/// Form and query keys whose values are credentials: PVE's parameter names for passwords,
/// tickets, second factors, keys and token secrets (the same facts as the generator's
/// `SECRET_FIELDS` table, which hides them from generated `Debug` output).
const SECRET_KEYS: &[&str] = &[
    "password",
    "new-password",
    "confirmation-password",
    "cipassword",
    "otp",
    "totp",
    "recovery",
    "tfa-challenge",
    "ticket",
    "vncticket",
    "token",
    "secret",
    "encryption-key",
    "keyring",
    "eab-hmac-key",
    "client-key",
    "corosync_authkey",
];

/// One request as it went to the transport, credentials replaced by `***`.
///
/// ```
/// use proxmox_sdk::testing::{CapturingTransport, CapturedRequest, respond, upid};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), proxmox_sdk::Error> {
/// let capture = CapturingTransport::answering(respond::upid(&upid("pve1", "vzsnapshot", "100")));
/// let client = capture.client();
/// client.send(&proxmox_sdk::api::nodes::PostNodesLxcSnapshot::new("pve1", 100, "before")).await?;
///
/// let sent: &CapturedRequest = &capture.requests()[0];
/// assert_eq!(sent.to_string().lines().next(), Some("POST /api2/json/nodes/pve1/lxc/100/snapshot HTTP/1.1"));
/// assert_eq!(sent.body.as_deref(), Some("snapname=before"));
/// assert_eq!(sent.header("authorization"), Some("***"));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CapturedRequest {
    /// The method.
    pub method: HttpMethod,
    /// The absolute URL as sent (percent-encoded, query included; credential values in the
    /// query replaced).
    pub url: String,
    /// The path below `/api2/json`, percent-decoded: `/nodes/pve1/tasks/UPID:pve1:…/status`.
    pub path: String,
    /// The query string's pairs, decoded, in order.
    pub query: Vec<(String, String)>,
    /// The headers in the order sent, names in lower case; sensitive values read `***`.
    pub headers: Vec<(String, String)>,
    /// The form body exactly as sent, except that credential values read `***`; `None` for a
    /// streamed body (see [`CapturedRequest::stream`]).
    pub body: Option<String>,
    /// A streamed body (an upload) as far as the transport read it.
    pub stream: Option<CapturedStream>,
}

impl CapturedRequest {
    /// Captures `request`, blanking its credentials.
    pub(crate) fn capture(request: &HttpRequest) -> Self {
        let (path_part, query_part) = match request.url.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (request.url.as_str(), None),
        };
        let below_origin = path_part
            .find(API_PREFIX)
            .map_or(path_part, |at| &path_part[at + API_PREFIX.len()..]);
        let path = percent_encoding::percent_decode_str(below_origin)
            .decode_utf8_lossy()
            .into_owned();
        let url = match query_part {
            Some(query) => format!("{path_part}?{}", redact_pairs(query)),
            None => path_part.to_owned(),
        };
        let headers = request
            .headers
            .iter()
            .map(|(name, value)| {
                let value = if value.is_sensitive() || is_credential_header(name.as_str()) {
                    REDACTED.to_owned()
                } else {
                    String::from_utf8_lossy(value.as_bytes()).into_owned()
                };
                (name.as_str().to_owned(), value)
            })
            .collect();
        let body = request
            .body
            .as_ref()
            .and_then(|body| body.as_bytes())
            .map(|body| redact_pairs(&String::from_utf8_lossy(body)).into_owned());
        Self {
            method: request.method,
            query: query_part.map(decode_pairs).unwrap_or_default(),
            url,
            path,
            headers,
            body,
            stream: None,
        }
    }

    /// The decoded pairs of the form body (empty without a body), in order.
    pub fn form(&self) -> Vec<(String, String)> {
        self.body.as_deref().map(decode_pairs).unwrap_or_default()
    }

    /// The value of parameter `key`, from the query string or the form body (the first one
    /// when a key repeats).
    pub fn param(&self, key: &str) -> Option<String> {
        self.query
            .iter()
            .cloned()
            .chain(self.form())
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    /// The value of header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// `METHOD /path`, decoded, for messages: `POST /nodes/pve1/lxc/100/snapshot`.
    pub fn call(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

/// The request as HTTP/1.1 text: request line, headers, blank line, body.
impl fmt::Display for CapturedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let target = self
            .url
            .find(API_PREFIX)
            .map_or(self.url.as_str(), |at| &self.url[at..]);
        write!(f, "{} {target} HTTP/1.1\r\n", self.method)?;
        for (name, value) in &self.headers {
            write!(f, "{name}: {value}\r\n")?;
        }
        f.write_str("\r\n")?;
        f.write_str(self.body.as_deref().unwrap_or_default())
    }
}

fn is_credential_header(name: &str) -> bool {
    ["authorization", "cookie", "csrfpreventiontoken"]
        .iter()
        .any(|n| name.eq_ignore_ascii_case(n))
}

fn is_secret_key(key: &str) -> bool {
    SECRET_KEYS.contains(&key)
}

fn decode_pairs(encoded: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(encoded.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// `a=1&password=x` → `a=1&password=***`, every other byte unchanged.
fn redact_pairs(encoded: &str) -> Cow<'_, str> {
    let secret = |pair: &str| {
        let raw_key = pair.split_once('=').map_or(pair, |(k, _)| k);
        form_urlencoded::parse(raw_key.as_bytes())
            .next()
            .is_some_and(|(key, _)| is_secret_key(&key))
    };
    if !encoded.split('&').any(secret) {
        return Cow::Borrowed(encoded);
    }
    let pairs: Vec<Cow<'_, str>> = encoded
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((key, _)) if secret(pair) => Cow::Owned(format!("{key}={REDACTED}")),
            _ => Cow::Borrowed(pair),
        })
        .collect();
    Cow::Owned(pairs.join("&"))
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;
    use http::{HeaderMap, HeaderValue};

    use super::*;

    fn request(url: &str, body: Option<&'static str>, headers: HeaderMap) -> HttpRequest {
        HttpRequest {
            method: HttpMethod::Post,
            url: url.to_owned(),
            headers,
            body: body.map(|b| Bytes::from_static(b.as_bytes()).into()),
            timeout: None,
        }
    }

    #[test]
    fn credentials_in_headers_bodies_and_queries_read_stars_and_the_rest_is_byte_exact() {
        let mut headers = HeaderMap::new();
        let mut cookie = HeaderValue::from_static("PVEAuthCookie=PVE%3Aroot%40pam%3A1");
        cookie.set_sensitive(true);
        headers.insert("cookie", cookie);
        headers.insert(
            "authorization",
            HeaderValue::from_static("PVEAPIToken=a@pve!b=c"),
        );
        headers.insert("user-agent", HeaderValue::from_static("proxmox-sdk/0.1.0"));
        let captured = CapturedRequest::capture(&request(
            "https://pve1:8006/api2/json/access/ticket?ticket=PVE%3Ax&full=1",
            Some(
                "username=root%40pam&password=hunter%262&tfa-challenge=PVE%3A%21tfa%21x&new-format=1",
            ),
            headers,
        ));
        assert_eq!(
            captured.body.as_deref(),
            Some("username=root%40pam&password=***&tfa-challenge=***&new-format=1")
        );
        assert_eq!(
            captured.url,
            "https://pve1:8006/api2/json/access/ticket?ticket=***&full=1"
        );
        assert_eq!(captured.header("Cookie"), Some("***"));
        assert_eq!(captured.header("authorization"), Some("***"));
        assert_eq!(captured.header("user-agent"), Some("proxmox-sdk/0.1.0"));
        assert_eq!(captured.param("username").as_deref(), Some("root@pam"));
        assert_eq!(captured.param("full").as_deref(), Some("1"));
        let printed = format!("{captured} {captured:?}");
        for secret in ["hunter", "tfa!x", "a@pve!b=c", "PVE%3Aroot", "PVE%3Ax"] {
            assert!(!printed.contains(secret), "{secret} in {printed}");
        }
    }

    #[test]
    fn the_path_is_decoded_below_the_api_prefix_and_printed_as_http() {
        let captured = CapturedRequest::capture(&request(
            "https://pve1:8006/api2/json/nodes/pve1/tasks/UPID%3Apve1%3A0%3A/status?a=b%20c",
            None,
            HeaderMap::new(),
        ));
        assert_eq!(captured.path, "/nodes/pve1/tasks/UPID:pve1:0:/status");
        assert_eq!(captured.query, [("a".to_owned(), "b c".to_owned())]);
        assert_eq!(
            captured.call(),
            "POST /nodes/pve1/tasks/UPID:pve1:0:/status"
        );
        assert_eq!(
            captured.to_string(),
            "POST /api2/json/nodes/pve1/tasks/UPID%3Apve1%3A0%3A/status?a=b%20c HTTP/1.1\r\n\r\n"
        );
        assert!(captured.form().is_empty());
    }
}
