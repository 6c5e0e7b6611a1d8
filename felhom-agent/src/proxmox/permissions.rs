//! The token's effective permissions (`GET /access/permissions`), and the lookup PVE's ACL
//! propagation implies.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

/// ACL path → the privileges held there, as `GET /access/permissions` reports them.
///
/// PVE lists the paths that carry ACL entries (plus a few standard ones); a path it does not
/// list inherits from its nearest listed ancestor, as a propagated grant does.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EffectivePermissions {
    paths: BTreeMap<String, BTreeSet<String>>,
}

impl EffectivePermissions {
    /// Reads the `data` of `GET /access/permissions`: `{"/vms": {"VM.Audit": 1, …}, …}`.
    /// A privilege counts when its value is `1`, `true` or `"1"`.
    ///
    /// # Errors
    /// When the value is not a map of paths to maps.
    pub fn from_value(value: Value) -> Result<Self, serde_json::Error> {
        let raw: BTreeMap<String, BTreeMap<String, Value>> = serde_json::from_value(value)?;
        let paths = raw
            .into_iter()
            .map(|(path, privs)| {
                let held = privs
                    .into_iter()
                    .filter(|(_, v)| {
                        matches!(v, Value::Bool(true))
                            || v.as_i64() == Some(1)
                            || v.as_str() == Some("1")
                    })
                    .map(|(p, _)| p)
                    .collect();
                (path, held)
            })
            .collect();
        Ok(Self { paths })
    }

    /// The paths PVE listed, with what it said is held there.
    pub fn paths(&self) -> &BTreeMap<String, BTreeSet<String>> {
        &self.paths
    }

    /// Whether `privilege` is held on `path`: at the path itself, or at its nearest listed
    /// ancestor (`/vms/100` → `/vms` → `/`).
    pub fn holds(&self, path: &str, privilege: &str) -> bool {
        self.effective(path)
            .is_some_and(|set| set.contains(privilege))
    }

    fn effective(&self, path: &str) -> Option<&BTreeSet<String>> {
        let mut current = path.trim_end_matches('/');
        loop {
            let key = if current.is_empty() { "/" } else { current };
            if let Some(set) = self.paths.get(key) {
                return Some(set);
            }
            if key == "/" {
                return None;
            }
            current = match current.rfind('/') {
                Some(at) => &current[..at],
                None => "",
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_inherits_from_its_nearest_listed_ancestor() {
        let perms = EffectivePermissions::from_value(serde_json::json!({
            "/": {"Sys.Audit": 1},
            "/vms": {"VM.Audit": 1, "VM.Snapshot": 0},
            "/vms/200": {"VM.Audit": true, "VM.Snapshot": "1"},
        }))
        .unwrap();
        assert!(perms.holds("/vms/200", "VM.Snapshot"));
        assert!(!perms.holds("/vms/201", "VM.Snapshot"), "0 is not held");
        assert!(perms.holds("/vms/201", "VM.Audit"));
        assert!(
            !perms.holds("/vms/201", "Sys.Audit"),
            "/vms overrides / rather than adding to it"
        );
        assert!(perms.holds("/nodes/pve1", "Sys.Audit"));
        assert!(!perms.holds("/storage/local", "Datastore.Audit"));
    }

    #[test]
    fn no_listed_path_means_nothing_is_held() {
        let perms = EffectivePermissions::from_value(serde_json::json!({})).unwrap();
        assert!(!perms.holds("/", "Sys.Audit"));
        assert!(EffectivePermissions::from_value(serde_json::json!(["/"])).is_err());
    }
}
