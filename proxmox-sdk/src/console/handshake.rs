//! The websocket opening handshake (RFC 6455 §4) on top of the client's upgrade call: the
//! request headers, and the checks of the `101` answer.

use http::header::{CONNECTION, SEC_WEBSOCKET_ACCEPT, SEC_WEBSOCKET_KEY, SEC_WEBSOCKET_PROTOCOL};
use http::header::{SEC_WEBSOCKET_VERSION, UPGRADE};
use http::{HeaderMap, HeaderValue};

use super::error::ConsoleError;

/// The subprotocol PVE's `vncwebsocket` insists on.
pub(crate) const SUBPROTOCOL: &str = "binary";

/// The headers of the upgrade request, with a fresh random key; returns them and the key.
pub(crate) fn request_headers() -> (HeaderMap, String) {
    let key = tungstenite::handshake::client::generate_key();
    let mut headers = HeaderMap::new();
    headers.insert(CONNECTION, HeaderValue::from_static("Upgrade"));
    headers.insert(UPGRADE, HeaderValue::from_static("websocket"));
    headers.insert(SEC_WEBSOCKET_VERSION, HeaderValue::from_static("13"));
    headers.insert(
        SEC_WEBSOCKET_PROTOCOL,
        HeaderValue::from_static(SUBPROTOCOL),
    );
    // The key is base64 of random bytes: always a valid header value.
    if let Ok(value) = HeaderValue::from_str(&key) {
        headers.insert(SEC_WEBSOCKET_KEY, value);
    }
    (headers, key)
}

/// Checks the `101` answer: it switched to a websocket, for our key, speaking `binary`.
pub(crate) fn check_answer(headers: &HeaderMap, key: &str) -> Result<(), ConsoleError> {
    let text = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    if !text(UPGRADE).is_some_and(|v| v.eq_ignore_ascii_case("websocket")) {
        return Err(ConsoleError::Handshake(
            "the server did not switch to `websocket`".to_owned(),
        ));
    }
    let expected = tungstenite::handshake::derive_accept_key(key.as_bytes());
    if text(SEC_WEBSOCKET_ACCEPT) != Some(expected.as_str()) {
        return Err(ConsoleError::Handshake(
            "`Sec-WebSocket-Accept` does not match the key sent".to_owned(),
        ));
    }
    if text(SEC_WEBSOCKET_PROTOCOL) != Some(SUBPROTOCOL) {
        return Err(ConsoleError::Handshake(format!(
            "the server did not accept the `{SUBPROTOCOL}` subprotocol"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(accept: &str, protocol: Option<&str>) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(UPGRADE, HeaderValue::from_static("websocket"));
        h.insert(SEC_WEBSOCKET_ACCEPT, HeaderValue::from_str(accept).unwrap());
        if let Some(p) = protocol {
            h.insert(SEC_WEBSOCKET_PROTOCOL, HeaderValue::from_str(p).unwrap());
        }
        h
    }

    #[test]
    fn the_rfc_sample_key_is_accepted_and_a_wrong_accept_or_protocol_is_not() {
        // RFC 6455 §1.3's example key and accept value.
        let key = "dGhlIHNhbXBsZSBub25jZQ==";
        let good = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
        check_answer(&answer(good, Some("binary")), key).unwrap();
        assert!(matches!(
            check_answer(&answer("AAAA", Some("binary")), key),
            Err(ConsoleError::Handshake(_))
        ));
        assert!(matches!(
            check_answer(&answer(good, None), key),
            Err(ConsoleError::Handshake(m)) if m.contains("binary")
        ));
    }

    #[test]
    fn the_request_asks_for_a_websocket_with_the_binary_subprotocol() {
        let (h, key) = request_headers();
        assert_eq!(h[UPGRADE], "websocket");
        assert_eq!(h[CONNECTION], "Upgrade");
        assert_eq!(h[SEC_WEBSOCKET_VERSION], "13");
        assert_eq!(h[SEC_WEBSOCKET_PROTOCOL], "binary");
        assert_eq!(h[SEC_WEBSOCKET_KEY], key.as_str());
        assert_eq!(key.len(), 24, "base64 of 16 random bytes");
    }
}
