//! What the fuzz targets (`fuzz/`) and their proptest equivalents (`tests/it/robust/props.rs`)
//! check, in one place: each function takes arbitrary input, must never panic on its own
//! account, and panics (an assertion) only when the SDK broke a promise.

use std::path::Path;

use proxmox_sdk::api::cluster::GetClusterResources;
use proxmox_sdk::api::nodes::{
    GetNodesCephStatus, GetNodesLxc, GetNodesLxcConfig, GetNodesQemuConfig, GetNodesStatus,
    GetNodesTasksStatus, PostNodesLxcStatusStart, PutNodesLxcConfig,
};
use proxmox_sdk::api::types::PROPERTY_STRINGS;
use proxmox_sdk::client::decode_response;
use proxmox_sdk::error::Report;
use proxmox_sdk::permission::PermissionDenied;
use proxmox_sdk::wire::property_string::ParseMode;
use proxmox_sdk::{Endpoint, Error, Upid};

/// Longest `Display` with sources an error from any body may have: every server text in it is
/// bounded (2 KiB each, 8 KiB for an error response), whatever the body's size.
pub const MAX_ERROR_TEXT: usize = 16 * 1024;

/// A UPID that parses is given back byte for byte, parses again to the same value, and every
/// accessor answers.
pub fn upid(text: &str) {
    let Ok(upid) = text.parse::<Upid>() else {
        return;
    };
    assert_eq!(
        upid.to_string(),
        text,
        "a UPID must print as it was received"
    );
    assert_eq!(text.parse::<Upid>().ok(), Some(upid.clone()));
    let _ = (upid.node(), upid.pid(), upid.pstart(), upid.task_id());
    let _ = (upid.starttime(), upid.started_at(), upid.worker_type());
    let _ = (upid.worker_id(), upid.decoded_worker_id(), upid.auth_id());
    let _ = (upid.user(), upid.token());
}

/// A 403 text that parses keeps (a part of) the text it was read from and describes itself.
pub fn permission_denied(text: &str) {
    let Some(denied) = PermissionDenied::parse(text) else {
        return;
    };
    assert!(
        text.contains(denied.message.as_str()),
        "the kept message {:?} is not from {text:?}",
        denied.message
    );
    let _ = (denied.to_string(), denied.privileges(), denied.path());
}

/// For every property-string type and both modes: a text that parses is written back, and
/// the written text parses to an equal value and is written identically again.
///
/// One exception: in lenient mode a text PVE itself refuses (strict mode fails: a repeated
/// key, say) may be rewritten (values move, numbers are normalised); the rewrite must settle
/// to a fixed point within three rounds.
pub fn property_strings(text: &str) {
    for info in PROPERTY_STRINGS {
        for mode in [ParseMode::Strict, ParseMode::Lenient] {
            let Ok((written, equal)) = (info.round_trip)(text, mode) else {
                continue;
            };
            let name = info.spec.name;
            if mode == ParseMode::Lenient && (info.round_trip)(text, ParseMode::Strict).is_err() {
                let mut current = written;
                let settled = (0..3).any(|_| match (info.round_trip)(&current, mode) {
                    Ok((next, true)) if next == current => true,
                    Ok((next, _)) => {
                        current = next;
                        false
                    }
                    Err(e) => panic!("{name}: {text:?} rewritten as {current:?} fails: {e}"),
                });
                assert!(settled, "{name}: {text:?} never settles (last {current:?})");
                continue;
            }
            assert!(
                equal,
                "{name}: {text:?} parsed ({mode:?}) and written as {written:?} parses to another value"
            );
            let again = (info.round_trip)(&written, mode);
            assert!(
                matches!(&again, Ok((w, true)) if *w == written),
                "{name}: {text:?} was written as {written:?}, which then gives {again:?}"
            );
        }
    }
}

/// Decodes `body` as the answer of each of the largest and most common response types: no
/// panic, bounded error texts, and the envelope's verdict agrees with a plain JSON parse.
pub fn envelope(body: &[u8]) {
    check::<GetNodesQemuConfig>(body);
    check::<GetNodesLxcConfig>(body);
    check::<GetClusterResources>(body);
    check::<GetNodesLxc>(body);
    check::<GetNodesStatus>(body);
    check::<GetNodesTasksStatus>(body);
    check::<PostNodesLxcStatusStart>(body);
    check::<PutNodesLxcConfig>(body);

    // An untyped reading (`data` is any JSON, as for `Client::raw`) against serde_json's own.
    let raw = decode_response::<GetNodesCephStatus>(body);
    let plain = serde_json::from_slice::<serde_json::Value>(body);
    match (&raw, &plain) {
        (Ok((data, _)), Ok(serde_json::Value::Object(obj))) => {
            assert_eq!(
                Some(data),
                obj.get("data"),
                "data differs from serde_json's"
            )
        }
        (Ok(_), _) => panic!("accepted a body serde_json does not read as an object"),
        (Err(Error::MissingData { key_count, .. }), Ok(serde_json::Value::Object(obj))) => {
            assert!(!obj.contains_key("data"));
            // Keys as received: a repeated key counts each time, serde_json keeps the last.
            assert!(*key_count >= obj.len(), "{key_count} < {}", obj.len());
        }
        (Err(Error::MissingData { .. }), _) => panic!("MissingData for a body that is no object"),
        (Err(Error::Decode { .. }), Ok(serde_json::Value::Object(obj))) => {
            // Only nesting beyond serde_json's limit inside an accepted object fails here.
            assert!(
                !obj.contains_key("data") || format!("{raw:?}").contains("recursion"),
                "refused a well-formed envelope: {raw:?}"
            );
        }
        (Err(err), _) => assert!(matches!(err, Error::Decode { .. }), "{err:?}"),
    }
}

fn check<E: Endpoint>(body: &[u8]) {
    if let Err(err) = decode_response::<E>(body) {
        let text = Report(&err).to_string();
        assert!(
            text.len() <= MAX_ERROR_TEXT,
            "{}: an error text of {} bytes",
            E::INFO.path,
            text.len()
        );
        assert!(
            matches!(err, Error::Decode { .. } | Error::MissingData { .. }),
            "{err:?}"
        );
    }
}

/// The schema extractor reads any bytes without panicking; what it accepts has methods and
/// serialises.
pub fn extract(bytes: &[u8]) {
    let opts = sdk_codegen::extract::ExtractOptions {
        pve_version: Some("9.1.4".to_owned()),
        command: "fuzz".to_owned(),
    };
    if let Ok(out) = sdk_codegen::extract::extract(Path::new("fuzz-input.json"), bytes, &opts) {
        assert!(out.method_count > 0);
        assert!(serde_json::to_vec(&out.schema).is_ok());
    }
}
