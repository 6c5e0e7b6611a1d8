//! `history`: since which PVE version each endpoint exists, as facts in `schema/history.json`.
//!
//! `sdk-codegen history OLDEST … NEWEST --out schema/history.json` reads schemas in release
//! order (or `--extend schema/history.json NEWEST` adds one newer version to an existing file) (upstream `apidoc.js`/`pve-<version>-apidoc.json` files or `pve-api.json` documents)
//! and records, for every `METHOD /path` of the newest, the first of them that has it. The
//! generator renders it into each endpoint's docs ("Available since PVE 8.4."); an endpoint
//! already in the oldest is "in PVE 7.4 and later" (nothing older was compared).
//!
//! File shape:
//!
//! ```json
//! { "versions": ["7.4-1", "8.4.2", "9.1.4"],
//!   "methods": [ { "method": "GET", "path": "/access", "since": "7.4-1" } ] }
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::ApiSchema;

/// `history.json`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct History {
    /// What the file holds.
    #[serde(default)]
    pub about: String,
    /// The versions compared, oldest first.
    pub versions: Vec<String>,
    /// Every method of the newest version, sorted by path then HTTP method.
    pub methods: Vec<Since>,
}

/// The first compared version that has a method.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Since {
    /// HTTP method.
    pub method: String,
    /// Path template.
    pub path: String,
    /// A version from [`History::versions`].
    pub since: String,
}

const ABOUT: &str = "Since which of the compared PVE versions each method exists. Written by \
                     `sdk-codegen history`; never edited by hand.";

/// Builds the history of `schemas`, oldest first.
pub fn build(schemas: &[ApiSchema]) -> History {
    let mut since: BTreeMap<(String, String), String> = BTreeMap::new();
    for s in schemas {
        for m in &s.methods {
            since
                .entry((m.path.clone(), m.method.clone()))
                .or_insert_with(|| s.pve_version.clone());
        }
    }
    let newest = schemas.last();
    let mut methods: Vec<Since> = newest
        .into_iter()
        .flat_map(|s| &s.methods)
        .map(|m| Since {
            method: m.method.clone(),
            path: m.path.clone(),
            since: since[&(m.path.clone(), m.method.clone())].clone(),
        })
        .collect();
    sort(&mut methods);
    History {
        about: ABOUT.into(),
        versions: schemas.iter().map(|s| s.pve_version.clone()).collect(),
        methods,
    }
}

impl History {
    /// The history with one more (newer) version: what `new` has that the history does not
    /// know is new in `new`'s version. Methods `new` no longer has are dropped.
    pub fn extend(&self, new: &ApiSchema) -> History {
        let mut versions = self.versions.clone();
        versions.push(new.pve_version.clone());
        let mut methods: Vec<Since> = new
            .methods
            .iter()
            .map(|m| Since {
                method: m.method.clone(),
                path: m.path.clone(),
                since: self
                    .methods
                    .iter()
                    .find(|s| s.method == m.method && s.path == m.path)
                    .map_or_else(|| new.pve_version.clone(), |s| s.since.clone()),
            })
            .collect();
        sort(&mut methods);
        History {
            about: ABOUT.into(),
            versions,
            methods,
        }
    }

    /// The doc sentence for `METHOD path`, when the history knows it.
    pub fn sentence(&self, method: &str, path: &str) -> Option<String> {
        let entry = self
            .methods
            .iter()
            .find(|m| m.method == method && m.path == path)?;
        let oldest = self.versions.first()?;
        Some(if &entry.since == oldest {
            format!(
                "In PVE {} and later (the oldest version compared).",
                release(oldest)
            )
        } else {
            format!("Available since PVE {}.", release(&entry.since))
        })
    }
}

fn sort(methods: &mut [Since]) {
    let order = |m: &str| crate::extract::METHOD_ORDER.iter().position(|x| *x == m);
    methods.sort_by(|a, b| (&a.path, order(&a.method)).cmp(&(&b.path, order(&b.method))));
}

/// `7.4-1` → `7.4`, `9.1.4` → `9.1`.
pub fn release(version: &str) -> String {
    let parts: Vec<&str> = version
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .take(2)
        .collect();
    if parts.is_empty() {
        version.to_string()
    } else {
        parts.join(".")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(version: &str, methods: &[(&str, &str)]) -> ApiSchema {
        let methods: Vec<serde_json::Value> = methods
            .iter()
            .map(|(m, p)| {
                serde_json::json!({"method": m, "path": p, "name": "x",
                    "parameters": {}, "returns": {}})
            })
            .collect();
        serde_json::from_value(serde_json::json!({
            "schema_format": 1, "pve_version": version, "methods": methods
        }))
        .expect("schema")
    }

    #[test]
    fn each_method_gets_the_first_version_that_has_it() {
        let h = build(&[
            schema("7.4-1", &[("GET", "/a"), ("GET", "/gone")]),
            schema("8.4.2", &[("GET", "/a"), ("POST", "/b")]),
            schema("9.1.4", &[("POST", "/b"), ("GET", "/a"), ("GET", "/c")]),
        ]);
        assert_eq!(h.versions, ["7.4-1", "8.4.2", "9.1.4"]);
        let got: Vec<(&str, &str, &str)> = h
            .methods
            .iter()
            .map(|m| (m.method.as_str(), m.path.as_str(), m.since.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("GET", "/a", "7.4-1"),
                ("POST", "/b", "8.4.2"),
                ("GET", "/c", "9.1.4")
            ]
        );
        assert_eq!(
            h.sentence("GET", "/a").as_deref(),
            Some("In PVE 7.4 and later (the oldest version compared).")
        );
        assert_eq!(
            h.sentence("GET", "/c").as_deref(),
            Some("Available since PVE 9.1.")
        );
        assert_eq!(h.sentence("GET", "/gone"), None);

        // Extending by a newer version gives what building from all four gives.
        let next = schema("9.2.1", &[("GET", "/a"), ("GET", "/c"), ("PUT", "/d")]);
        let extended = h.extend(&next);
        let rebuilt = build(&[
            schema("7.4-1", &[("GET", "/a"), ("GET", "/gone")]),
            schema("8.4.2", &[("GET", "/a"), ("POST", "/b")]),
            schema("9.1.4", &[("POST", "/b"), ("GET", "/a"), ("GET", "/c")]),
            next,
        ]);
        assert_eq!(extended, rebuilt);
        assert_eq!(
            extended.sentence("PUT", "/d").as_deref(),
            Some("Available since PVE 9.2.")
        );
    }
}
