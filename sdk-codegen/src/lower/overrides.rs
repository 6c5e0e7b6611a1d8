//! Lowering's reviewed override tables, in one place: richer types than the schema states,
//! credential fields, and hand-chosen names for clashing fields. Each entry names the wire key
//! it applies to; lowering looks them up, emission never does. (The tables of what the
//! generator accepts without review — formats, attributes — stay with the checks that use them
//! in `lenient.rs`.)

use crate::ir::Ty;

/// Parameters and fields whose text has a richer type than the schema states (reviewed table):
/// `(wire name, type)`, applied where the schema says `string`.
pub(super) const TYPE_OVERRIDES: &[(&str, Ty)] = &[
    // Task ids: `/nodes/{node}/tasks/{upid}/…` and the `upid` field of task listings.
    ("upid", Ty::Upid),
];

/// Fields holding credentials, whose values `Debug` never prints (reviewed table):
/// `(wire name, path fragment the rule is limited to, or "" for everywhere)`.
const SECRET_FIELDS: &[(&str, &str)] = &[
    ("password", ""),
    ("confirmation-password", ""),
    ("cipassword", ""),
    ("otp", ""),
    ("totp", ""),
    ("recovery", ""),
    ("tfa-challenge", ""),
    ("ticket", ""),
    ("vncticket", ""),
    ("CSRFPreventionToken", ""),
    ("token", ""),
    ("secret", ""),
    ("encryption-key", ""),
    ("keyring", ""),
    ("eab-hmac-key", ""),
    ("client-key", ""),
    ("corosync_authkey", ""),
    // The secret of a newly created API token.
    ("value", "/access/users/{userid}/token/"),
];

pub(super) fn is_secret(wire: &str, path: &str) -> bool {
    SECRET_FIELDS
        .iter()
        .any(|(w, scope)| *w == wire && path.contains(scope))
}

/// Field names that would clash inside one struct, renamed by hand (reviewed table).
pub(super) const FIELD_RENAMES: &[(&str, &str, &str)] = &[
    // QEMU has both `numa` (enable NUMA) and `numa[n]` (the NUMA topology entries).
    (
        "numa[n]",
        "numa_nodes",
        "QEMU `numa` (flag) and `numa[n]` (topology) share a name",
    ),
];

/// Endpoints PVE takes only as a `multipart/form-data` stream, never as the urlencoded form
/// `Client::send` writes (reviewed table): `(method, path, the hand-written call that sends
/// it)`. Their request types get no `Endpoint` impl, so sending one as a form does not compile.
const STREAMED_BODIES: &[(&str, &str, &str)] = &[(
    "POST",
    "/nodes/{node}/storage/{storage}/upload",
    "Client::upload",
)];

/// The hand-written call that sends `method path`, when it cannot be sent as a form.
pub(super) fn streamed_body(method: &str, path: &str) -> Option<&'static str> {
    STREAMED_BODIES
        .iter()
        .find(|(m, p, _)| *m == method && *p == path)
        .map(|(_, _, call)| *call)
}

/// Responses the schema leaves as a bare `object` although their shape is fixed: the guest
/// agent's replies, which PVE passes on from QEMU's guest agent protocol (`qga/qapi-schema.json`
/// in QEMU) inside `{"result": …}` (reviewed table): `(method, path, returns schema as JSON)`.
/// Lowering refuses an entry whose endpoint already has a typed response, so the table
/// cannot silently shadow a schema that became complete.
pub(super) const RESPONSE_OVERRIDES: &[(&str, &str, &str)] = &[
    (
        "GET",
        "/nodes/{node}/qemu/{vmid}/agent/network-get-interfaces",
        r#"{"type": "object", "properties": {"result": {"type": "array", "items": {
            "type": "object", "properties": {
                "name": {"type": "string"},
                "hardware-address": {"type": "string", "optional": 1},
                "ip-addresses": {"type": "array", "optional": 1, "items": {
                    "type": "object", "properties": {
                        "ip-address": {"type": "string"},
                        "ip-address-type": {"type": "string"},
                        "prefix": {"type": "integer"}}}},
                "statistics": {"type": "object", "optional": 1, "properties": {
                    "rx-bytes": {"type": "integer"}, "rx-packets": {"type": "integer"},
                    "rx-errs": {"type": "integer"}, "rx-dropped": {"type": "integer"},
                    "tx-bytes": {"type": "integer"}, "tx-packets": {"type": "integer"},
                    "tx-errs": {"type": "integer"}, "tx-dropped": {"type": "integer"}}}}}}}}"#,
    ),
    (
        "GET",
        "/nodes/{node}/qemu/{vmid}/agent/get-osinfo",
        r#"{"type": "object", "properties": {"result": {"type": "object", "properties": {
            "id": {"type": "string", "optional": 1},
            "name": {"type": "string", "optional": 1},
            "pretty-name": {"type": "string", "optional": 1},
            "version": {"type": "string", "optional": 1},
            "version-id": {"type": "string", "optional": 1},
            "variant": {"type": "string", "optional": 1},
            "variant-id": {"type": "string", "optional": 1},
            "kernel-release": {"type": "string", "optional": 1},
            "kernel-version": {"type": "string", "optional": 1},
            "machine": {"type": "string", "optional": 1}}}}}"#,
    ),
    (
        "GET",
        "/nodes/{node}/qemu/{vmid}/agent/get-fsinfo",
        r#"{"type": "object", "properties": {"result": {"type": "array", "items": {
            "type": "object", "properties": {
                "name": {"type": "string"},
                "mountpoint": {"type": "string"},
                "type": {"type": "string"},
                "used-bytes": {"type": "integer", "optional": 1},
                "total-bytes": {"type": "integer", "optional": 1},
                "disk": {"type": "array", "items": {"type": "object", "properties": {
                    "bus-type": {"type": "string"},
                    "bus": {"type": "integer"},
                    "target": {"type": "integer"},
                    "unit": {"type": "integer"},
                    "serial": {"type": "string", "optional": 1},
                    "dev": {"type": "string", "optional": 1}}}}}}}}}"#,
    ),
];

#[cfg(test)]
mod tests {
    use super::RESPONSE_OVERRIDES;
    use crate::model::MethodDef;

    fn method(path: &str, returns: serde_json::Value) -> MethodDef {
        serde_json::from_value(serde_json::json!({
            "path": path, "method": "GET", "name": "x", "parameters": {}, "returns": returns
        }))
        .expect("method")
    }

    #[test]
    fn every_response_override_is_a_typed_object_schema() {
        for (_, path, _) in RESPONSE_OVERRIDES {
            let m = method(path, serde_json::json!({"type": "object"}));
            let schema = super::super::response_schema(&m, path).expect("parses");
            assert!(schema.properties.is_some(), "{path}");
        }
    }

    #[test]
    fn an_override_for_a_response_the_schema_now_types_is_refused() {
        let (_, path, _) = RESPONSE_OVERRIDES[0];
        let m = method(
            path,
            serde_json::json!({"type": "object", "properties": {"result": {"type": "array"}}}),
        );
        let err = super::super::response_schema(&m, path).unwrap_err();
        assert!(err.problem.contains("no longer needed"), "{err:?}");
    }
}
