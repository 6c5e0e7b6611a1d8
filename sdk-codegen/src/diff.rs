//! `diff`: what changed between two schema versions, by path + method, so a maintainer sees what
//! a PVE upgrade adds, removes and changes before regenerating.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde_json::Value;

/// Differences between two facts-only schemas (`pve-api.json` documents).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SchemaDiff {
    /// `METHOD /path` present only in the new schema.
    pub added: Vec<String>,
    /// `METHOD /path` present only in the old schema.
    pub removed: Vec<String>,
    /// `METHOD /path` → what changed.
    pub changed: BTreeMap<String, Vec<String>>,
}

/// Compares two schema documents.
///
/// # Errors
/// When either document has no `methods` array.
pub fn diff(old: &Value, new: &Value) -> Result<SchemaDiff, String> {
    let old = index(old).ok_or("the old schema has no `methods` array")?;
    let new = index(new).ok_or("the new schema has no `methods` array")?;
    let mut out = SchemaDiff::default();
    for (key, n) in &new {
        match old.get(key) {
            None => out.added.push(key.clone()),
            Some(o) if o != n => {
                out.changed.insert(key.clone(), changes(o, n));
            }
            Some(_) => {}
        }
    }
    out.removed = old
        .keys()
        .filter(|k| !new.contains_key(*k))
        .cloned()
        .collect();
    Ok(out)
}

fn index(doc: &Value) -> Option<BTreeMap<String, &Value>> {
    let methods = doc.get("methods")?.as_array()?;
    Some(
        methods
            .iter()
            .map(|m| {
                let key = format!(
                    "{} {}",
                    m["method"].as_str().unwrap_or("?"),
                    m["path"].as_str().unwrap_or("?")
                );
                (key, m)
            })
            .collect(),
    )
}

fn changes(old: &Value, new: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let props = |v: &Value| -> BTreeMap<String, Value> {
        v["parameters"]["properties"]
            .as_object()
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default()
    };
    let (po, pn) = (props(old), props(new));
    let names: BTreeSet<&String> = po.keys().chain(pn.keys()).collect();
    for name in names {
        match (po.get(name), pn.get(name)) {
            (None, Some(_)) => out.push(format!("parameter `{name}` added")),
            (Some(_), None) => out.push(format!("parameter `{name}` removed")),
            (Some(a), Some(b)) if a != b => out.push(format!("parameter `{name}` changed")),
            _ => {}
        }
    }
    for key in [
        "returns",
        "permissions",
        "allowtoken",
        "protected",
        "proxyto",
        "name",
    ] {
        if old.get(key) != new.get(key) {
            out.push(format!("`{key}` changed"));
        }
    }
    out
}

impl fmt::Display for SchemaDiff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} added, {} removed, {} changed",
            self.added.len(),
            self.removed.len(),
            self.changed.len()
        )?;
        for a in &self.added {
            writeln!(f, "+ {a}")?;
        }
        for r in &self.removed {
            writeln!(f, "- {r}")?;
        }
        for (k, what) in &self.changed {
            writeln!(f, "~ {k}: {}", what.join("; "))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reports_added_removed_and_changed_methods() {
        let old = json!({"methods": [
            {"method": "GET", "path": "/a", "parameters": {"properties": {"x": {"type": "string"}}}},
            {"method": "GET", "path": "/gone", "parameters": {}}
        ]});
        let new = json!({"methods": [
            {"method": "GET", "path": "/a", "parameters": {"properties": {"y": {"type": "string"}}}},
            {"method": "POST", "path": "/new", "parameters": {}}
        ]});
        let d = diff(&old, &new).unwrap();
        assert_eq!(d.added, vec!["POST /new"]);
        assert_eq!(d.removed, vec!["GET /gone"]);
        assert_eq!(
            d.changed["GET /a"],
            vec!["parameter `x` removed", "parameter `y` added"]
        );
        assert!(diff(&json!({}), &new).is_err());
    }
}
