//! The privilege check before an upload is streamed.
//!
//! pveproxy checks an upload's privilege (`Datastore.AllocateTemplate` on `/storage/{storage}`)
//! as soon as the request headers arrive, answers 403 without reading the body and closes the
//! connection. A client still writing the body then mostly sees a broken pipe, not the answer,
//! and over TLS pveproxy may drop the connection before its answer is written at all. So the
//! upload asks first (`GET /access/permissions?path=/storage/{storage}`, which every user may
//! call for themselves) and refuses with PVE's own 403 text when the privilege is missing:
//! nothing of the file is sent.

use serde_json::Value;

use crate::Client;
use crate::api::access::GetAccessPermissions;
use crate::error::{ApiError, Error};

/// The privilege an upload needs on its storage.
const PRIVILEGE: &str = "Datastore.AllocateTemplate";

impl Client {
    /// `Ok` when the caller holds the upload privilege on `storage`, or when the server could
    /// not tell (it then decides itself). A failed connection or a 401 ends the upload here.
    pub(crate) async fn check_upload_allowed(&self, storage: &str) -> Result<(), Error> {
        let path = format!("/storage/{storage}");
        let held = match self.send(&GetAccessPermissions::new().path(&path)).await {
            Ok(held) => held,
            Err(error) if error.status().is_some_and(|status| status != 401) => return Ok(()),
            Err(error) => return Err(error),
        };
        if holds(&held, &path, PRIVILEGE) {
            return Ok(());
        }
        let text = format!("Permission check failed ({path}, {PRIVILEGE})");
        let mut api = ApiError::from_response(403, Some(&text), b"");
        if let Some(token) = self.token_id() {
            api.set_token(token);
        }
        Err(Error::Forbidden(Box::new(api)))
    }
}

/// Whether `held` (`{acl path: {privilege: 1}}`) grants `privilege` on `path`. PVE answers with
/// `path` itself as the key; an answer keyed by the ACL paths that apply (`/`, `/storage`, …)
/// counts too.
fn holds(held: &Value, path: &str, privilege: &str) -> bool {
    let Some(paths) = held.as_object() else {
        return true;
    };
    paths
        .iter()
        .filter(|(acl, _)| covers(acl, path))
        .filter_map(|(_, privileges)| privileges.get(privilege))
        .any(granted)
}

/// `acl` is `path` or one of its parents.
fn covers(acl: &str, path: &str) -> bool {
    acl == "/"
        || acl == path
        || path
            .strip_prefix(acl)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// PVE's `1` (also as text or `true`).
fn granted(value: &Value) -> bool {
    match value {
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_u64().is_some_and(|n| n != 0),
        Value::String(s) => s == "1",
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::Privilege;
    use crate::api::types::StorageContent;
    use crate::testing::{Expect, ScriptedTransport, respond};
    use crate::upload::Upload;

    #[tokio::test]
    async fn an_upload_without_the_privilege_is_refused_with_pves_403_before_the_file() {
        let script = ScriptedTransport::new().expect(
            Expect::get("/access/permissions")
                .param("path", "/storage/local")
                .respond(respond::data(
                    json!({"/storage/local": {"Datastore.Audit": 1}}),
                )),
        );
        let upload = Upload::new(
            "pve1",
            "local",
            StorageContent::Iso,
            "debian.iso",
            tokio::io::empty(),
            0,
        );
        let err = script.client().upload(upload).await.unwrap_err();
        let denied = err.permission_denied().expect("a permission failure");
        assert_eq!(denied.privileges(), [Privilege::DatastoreAllocateTemplate]);
        assert_eq!(denied.path(), Some("/storage/local"));
        let Error::Forbidden(api) = &err else {
            panic!("{err:?}")
        };
        assert!(api.api_token().is_some(), "{api:?}");
        // Only the check reached the server, never the upload.
        script.finish();
        assert_eq!(script.requests().len(), 1);
    }

    #[test]
    fn the_privilege_counts_on_the_path_or_a_parent_only() {
        let on_path =
            json!({"/storage/local": {"Datastore.AllocateTemplate": 1, "Datastore.Audit": 1}});
        assert!(holds(&on_path, "/storage/local", PRIVILEGE));
        let on_root = json!({"/": {"Datastore.AllocateTemplate": "1"}});
        assert!(holds(&on_root, "/storage/local", PRIVILEGE));
        let audit_only = json!({"/storage/local": {"Datastore.Audit": 1}});
        assert!(!holds(&audit_only, "/storage/local", PRIVILEGE));
        let elsewhere = json!({"/storage/local2": {"Datastore.AllocateTemplate": 1},
                               "/storage/loc": {"Datastore.AllocateTemplate": 1}});
        assert!(!holds(&elsewhere, "/storage/local", PRIVILEGE));
        let revoked = json!({"/storage/local": {"Datastore.AllocateTemplate": 0}});
        assert!(!holds(&revoked, "/storage/local", PRIVILEGE));
        assert!(!holds(&json!({}), "/storage/local", PRIVILEGE));
    }
}
