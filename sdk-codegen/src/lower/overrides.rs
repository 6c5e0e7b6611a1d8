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
