//! The `{"data": …}` envelope, unwrapped in exactly one place.
//!
//! A success is `{"data": <result>}`, sometimes with top-level `total` (list endpoints such as
//! the task log) or `changes`. `data` is decoded with the endpoint's lenient
//! [`FromWire`](crate::wire::FromWire) type. Decoding takes the fast path (`serde_json`
//! alone) and only when that fails decodes again with field-path tracking, to name the
//! offending field (`data[3].maxmem`) without slowing down every successful call.
//!
//! `"data": null` is lenient (an empty list, `None`, `()`), as PVE sends it for "nothing". A body
//! without a `data` key is not PVE's answer at all and is [`Error::MissingData`], whatever the
//! response type: reading it as `null` would turn a refused call into "no guests" or a failed
//! write into success.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};

use crate::error::{ApiError, Error, MAX_NAME, bound};
use crate::transport::HttpResponse;
use crate::wire::de::KeySeed;
use crate::wire::{FromWire, Lenient};

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

/// A decoded JSON object body, whose `data` may be missing.
struct Received<T> {
    data: Option<T>,
    meta: ResponseMeta,
}

impl<'de, T: FromWire> Deserialize<'de> for Received<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(EnvelopeVisitor(PhantomData))
    }
}

struct EnvelopeVisitor<T>(PhantomData<T>);

impl<'de, T: FromWire> Visitor<'de> for EnvelopeVisitor<T> {
    type Value = Received<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a PVE response object with a `data` key")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Received<T>, A::Error> {
        let mut data = None;
        let mut meta = ResponseMeta::default();
        // Keys are borrowed from the input where possible: `data` costs no allocation.
        while let Some(key) = map.next_key_seed(KeySeed)? {
            match &*key {
                "data" => data = Some(map.next_value::<Lenient<T>>()?.0),
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
        Ok(Received { data, meta })
    }
}

/// Most top-level key names a [`Error::MissingData`] keeps.
const MAX_KEYS: usize = 16;

/// The top-level key names of a JSON object body (values skipped), for [`Error::MissingData`].
struct KeyNames {
    names: Vec<String>,
    count: usize,
}

impl<'de> Deserialize<'de> for KeyNames {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Names;
        impl<'de> Visitor<'de> for Names {
            type Value = KeyNames;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<KeyNames, A::Error> {
                let mut out = KeyNames {
                    names: Vec::new(),
                    count: 0,
                };
                while let Some(key) = map.next_key_seed(KeySeed)? {
                    map.next_value::<IgnoredAny>()?;
                    if out.names.len() < MAX_KEYS {
                        out.names.push(bound(&key, MAX_NAME));
                    }
                    out.count += 1;
                }
                Ok(out)
            }
        }
        d.deserialize_map(Names)
    }
}

/// Decodes a success body; `endpoint` (`GET /nodes/{node}/lxc`) names the call in errors and
/// is only formatted when decoding fails.
pub(crate) fn decode<T: FromWire>(
    body: &[u8],
    endpoint: impl fmt::Display,
) -> Result<Envelope<T>, Error> {
    match serde_json::from_slice::<Received<T>>(body) {
        Ok(Received {
            data: Some(data),
            meta,
        }) => Ok(Envelope { data, meta }),
        Ok(Received { data: None, .. }) => {
            let names = serde_json::from_slice::<KeyNames>(body).unwrap_or(KeyNames {
                names: Vec::new(),
                count: 0,
            });
            Err(Error::MissingData {
                endpoint: endpoint.to_string(),
                keys: names.names,
                key_count: names.count,
            })
        }
        Err(fast) => {
            let mut de = serde_json::Deserializer::from_slice(body);
            let (path, source) = match serde_path_to_error::deserialize::<_, Received<T>>(&mut de) {
                Err(tracked) => (tracked.path().to_string(), tracked.into_inner()),
                // Only a trailing-garbage error can pass the tracked decode.
                Ok(_) => (".".to_owned(), fast),
            };
            Err(Error::Decode {
                endpoint: endpoint.to_string(),
                path: bound(&path, MAX_NAME),
                source: source.into(),
            })
        }
    }
}

/// Decodes the body of a successful response to `E` exactly as [`Client::send_with_meta`]
/// does: for answers obtained some other way (a cache, a recording, a fuzzer).
///
/// ```
/// use proxmox_sdk::api::nodes::GetNodesLxc;
/// use proxmox_sdk::client::decode_response;
///
/// let (guests, _) = decode_response::<GetNodesLxc>(br#"{"data":[]}"#)?;
/// assert!(guests.is_empty());
/// assert!(matches!(
///     decode_response::<GetNodesLxc>(br#"{"success":1}"#),
///     Err(proxmox_sdk::Error::MissingData { .. })
/// ));
/// # Ok::<(), proxmox_sdk::Error>(())
/// ```
///
/// # Errors
/// [`Error::Decode`] and [`Error::MissingData`], as [`Client::send`](super::Client::send).
///
/// [`Client::send_with_meta`]: super::Client::send_with_meta
pub fn decode_response<E: crate::Endpoint>(
    body: &[u8],
) -> Result<(E::Response, ResponseMeta), Error> {
    let info = E::INFO;
    let envelope = decode::<E::Response>(body, format_args!("{} {}", info.method, info.path))?;
    Ok((envelope.data, envelope.meta))
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
    fn data_null_is_lenient_for_every_response_kind() {
        let body = br#"{"data":null}"#;
        assert_eq!(decode::<Option<u32>>(body, "GET /x").unwrap().data, None);
        assert!(decode::<Vec<u32>>(body, "GET /x").unwrap().data.is_empty());
        assert!(
            decode::<BTreeMap<String, u32>>(body, "GET /x")
                .unwrap()
                .data
                .is_empty()
        );
        decode::<()>(body, "POST /x").unwrap();
    }

    fn missing<T: FromWire + fmt::Debug>(body: &[u8]) -> (Vec<String>, usize) {
        match decode::<T>(body, "POST /x") {
            Err(Error::MissingData {
                endpoint,
                keys,
                key_count,
            }) => {
                assert_eq!(endpoint, "POST /x");
                (keys, key_count)
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_missing_data_key_is_an_error_for_every_response_kind() {
        let body = br#"{"success":0,"message":"refused"}"#;
        let want = (vec!["success".to_owned(), "message".to_owned()], 2);
        assert_eq!(missing::<Vec<u32>>(body), want);
        assert_eq!(missing::<Option<u32>>(body), want);
        assert_eq!(missing::<()>(body), want);
        assert_eq!(missing::<crate::Upid>(body), want);
        assert_eq!(missing::<serde_json::Value>(body), want);
        assert_eq!(missing::<BTreeMap<String, u32>>(body), want);
        assert_eq!(missing::<()>(b"{}"), (vec![], 0));
    }

    #[test]
    fn missing_data_names_at_most_sixteen_bounded_keys() {
        let mut obj = serde_json::Map::new();
        for i in 0..40 {
            obj.insert(format!("k{i:02}"), serde_json::json!(i));
        }
        obj.insert("y".repeat(10_000), serde_json::json!(0));
        let body = serde_json::to_vec(&obj).unwrap();
        let (keys, count) = missing::<()>(&body);
        assert_eq!(count, 41);
        assert_eq!(keys.len(), 16);
        let err = decode::<()>(&body, "POST /x").unwrap_err().to_string();
        assert!(err.len() < 500, "{err}");
        assert!(err.ends_with("and 25 more)"), "{err}");
    }

    #[test]
    fn decode_errors_quoting_huge_values_stay_bounded() {
        let huge = "z".repeat(1 << 20);
        let body = format!(r#"{{"data":{{"{huge}":"{huge}"}}}}"#);
        let err = decode::<BTreeMap<String, u64>>(body.as_bytes(), "GET /x").unwrap_err();
        let report = crate::error::Report(&err).to_string();
        assert!(report.len() < 4096, "{} bytes", report.len());
        assert!(report.contains("bytes in all]"), "{report}");
        assert!(format!("{err:?}").len() < 8192);
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
