//! The `{"data": …}` envelope, unwrapped in exactly one place.
//!
//! A success is `{"data": <result>}`, sometimes with top-level `total` (list endpoints such as
//! the task log) or `changes`. `data` is decoded with the endpoint's lenient
//! [`FromWire`](crate::wire::FromWire) type. Decoding takes the fast path (`serde_json`
//! alone) and only when that fails decodes again with field-path tracking, to name the
//! offending field (`data[3].maxmem`) without slowing down every successful call.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};

use super::transport::HttpResponse;
use crate::error::{ApiError, Error};
use crate::wire::de::KeySeed;
use crate::wire::{FromWire, W};

/// The top-level keys of a success response besides `data`.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct ResponseMeta {
    /// `total`: the full count of a paged list (e.g. the lines of a task log).
    pub total: Option<u64>,
    /// `changes`: the pending diff some network configuration calls return.
    pub changes: Option<serde_json::Value>,
    /// Any other top-level key, as received.
    pub extra: BTreeMap<String, serde_json::Value>,
}

/// A decoded success body.
#[derive(Debug)]
pub(crate) struct Envelope<T> {
    pub(crate) data: T,
    pub(crate) meta: ResponseMeta,
}

impl<'de, T: FromWire> Deserialize<'de> for Envelope<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(EnvelopeVisitor(PhantomData))
    }
}

struct EnvelopeVisitor<T>(PhantomData<T>);

impl<'de, T: FromWire> Visitor<'de> for EnvelopeVisitor<T> {
    type Value = Envelope<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a PVE response object with a `data` key")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Envelope<T>, A::Error> {
        let mut data = None;
        let mut meta = ResponseMeta::default();
        // Keys are borrowed from the input where possible: `data` costs no allocation.
        while let Some(key) = map.next_key_seed(KeySeed)? {
            match &*key {
                "data" => data = Some(map.next_value::<W<T>>()?.0),
                "total" => {
                    let value: serde_json::Value = map.next_value()?;
                    match crate::wire::de::from_value::<Option<u64>>(value.clone()) {
                        Ok(total) => meta.total = total,
                        Err(_) => {
                            meta.extra.insert(key.into_owned(), value);
                        }
                    }
                }
                "changes" => meta.changes = Some(map.next_value()?),
                _ => {
                    let value = map.next_value()?;
                    meta.extra.insert(key.into_owned(), value);
                }
            }
        }
        let data = match data {
            Some(data) => data,
            // No `data` at all reads like `"data": null`.
            None => T::from_wire(serde_json::Value::Null).map_err(de::Error::custom)?,
        };
        Ok(Envelope { data, meta })
    }
}

/// Decodes a success body; `endpoint` (`GET /nodes/{node}/lxc`) names the call in errors and
/// is only formatted when decoding fails.
pub(crate) fn decode<T: FromWire>(
    body: &[u8],
    endpoint: impl fmt::Display,
) -> Result<Envelope<T>, Error> {
    match serde_json::from_slice::<Envelope<T>>(body) {
        Ok(envelope) => Ok(envelope),
        Err(fast) => {
            let mut de = serde_json::Deserializer::from_slice(body);
            let (path, source) = match serde_path_to_error::deserialize::<_, Envelope<T>>(&mut de) {
                Err(tracked) => (tracked.path().to_string(), tracked.into_inner()),
                // Only a trailing-garbage error can pass the tracked decode.
                Ok(_) => (".".to_owned(), fast),
            };
            Err(Error::Decode {
                endpoint: endpoint.to_string(),
                path,
                source,
            })
        }
    }
}

/// The error an unsuccessful response stands for.
pub(crate) fn error_from_response(response: &HttpResponse) -> Error {
    let api = Box::new(ApiError::from_response(
        response.status,
        response.reason.as_deref(),
        &response.body,
    ));
    match response.status {
        400 => Error::BadRequest(api),
        401 => Error::Unauthorized(api),
        403 => Error::Forbidden(api),
        595..=599 => Error::ProxyHop(api),
        _ => Error::Api(api),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn total_and_unknown_keys_are_kept() {
        let env: Envelope<Vec<u32>> = decode(
            br#"{"data":[1,"2"],"total":"7","changes":"x","success":1}"#,
            "GET /x",
        )
        .unwrap();
        assert_eq!(env.data, [1, 2]);
        assert_eq!(env.meta.total, Some(7));
        assert_eq!(env.meta.changes, Some(serde_json::json!("x")));
        assert_eq!(env.meta.extra["success"], serde_json::json!(1));
    }

    #[test]
    fn missing_data_reads_as_null() {
        let env: Envelope<Option<u32>> = decode(b"{}", "GET /x").unwrap();
        assert_eq!(env.data, None);
    }

    #[test]
    fn decode_errors_name_the_field_path() {
        let err =
            decode::<Vec<BTreeMap<String, u64>>>(br#"{"data":[{"a":1},{"a":"x"}]}"#, "GET /x")
                .unwrap_err();
        match err {
            Error::Decode { endpoint, path, .. } => {
                assert_eq!(endpoint, "GET /x");
                assert_eq!(path, "data[1].a");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn escaped_keys_are_matched_and_kept() {
        let env: Envelope<Vec<u32>> = decode(
            br#"{"d\u0061ta":[1],"tot\u0061l":3,"n\u00e9w":true}"#,
            "GET /x",
        )
        .unwrap();
        assert_eq!(env.data, [1]);
        assert_eq!(env.meta.total, Some(3));
        assert_eq!(env.meta.extra["n\u{e9}w"], serde_json::json!(true));
    }

    #[test]
    fn the_endpoint_name_is_formatted_into_the_error() {
        let method = crate::HttpMethod::Get;
        let err = decode::<u32>(
            br#"{"data":"x"}"#,
            format_args!("{method} {}", "/nodes/{node}/lxc"),
        )
        .unwrap_err();
        assert!(
            matches!(&err, Error::Decode { endpoint, .. } if endpoint == "GET /nodes/{node}/lxc"),
            "{err:?}"
        );
    }

    #[test]
    fn non_json_success_bodies_are_decode_errors() {
        assert!(matches!(
            decode::<()>(b"<html>", "GET /x"),
            Err(Error::Decode { .. })
        ));
    }
}
