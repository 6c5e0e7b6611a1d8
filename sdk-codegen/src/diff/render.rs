//! The readable report (`Display`) and the `--json` document of an [`ApiDiff`].

use std::fmt;

use serde_json::{Value, json};

use super::{ApiDiff, Change, Class};

const CLASSES: [(Class, &str); 3] = [
    (
        Class::Major,
        "code that compiles today may not compile after the upgrade",
    ),
    (Class::Minor, "new API; code that compiles today still does"),
    (
        Class::Patch,
        "no effect on compilation; check deployments (permissions!)",
    ),
];

impl ApiDiff {
    /// The `--json` document (shape in the module docs).
    pub fn to_json(&self) -> Value {
        json!({
            "old_version": self.old_version,
            "new_version": self.new_version,
            "class": self.bump().map_or("none", Class::as_str),
            "counts": {
                "major": self.count(Class::Major),
                "minor": self.count(Class::Minor),
                "patch": self.count(Class::Patch),
            },
            "endpoints": self.endpoints,
            "changes": self.changes,
        })
    }
}

/// What a change is grouped under: its endpoint, else the type (or `Privilege`) it belongs to.
pub(super) fn heading(c: &Change) -> String {
    if let Some(e) = &c.endpoint {
        return e.clone();
    }
    let mut parts = c.item.splitn(3, "::");
    match (parts.next(), parts.next()) {
        (Some("Privilege"), _) => "Privilege".into(),
        (Some(m), Some(t)) => format!("{m}::{t}"),
        _ => c.item.clone(),
    }
}

impl fmt::Display for ApiDiff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "PVE {} -> {}: version bump {} ({} major, {} minor, {} patch changes)",
            self.old_version,
            self.new_version,
            self.bump().map_or("none", Class::as_str),
            self.count(Class::Major),
            self.count(Class::Minor),
            self.count(Class::Patch),
        )?;
        writeln!(
            f,
            "endpoints: {} added, {} removed, {} changed",
            self.endpoints.added, self.endpoints.removed, self.endpoints.changed
        )?;
        for (class, meaning) in CLASSES {
            let changes: Vec<&Change> = self.changes.iter().filter(|c| c.class == class).collect();
            if changes.is_empty() {
                continue;
            }
            writeln!(f, "\n== {} ({}): {meaning}", class.as_str(), changes.len())?;
            let mut last = String::new();
            for c in changes {
                let h = heading(c);
                if h != last {
                    writeln!(f, "  {h}")?;
                    last = h;
                }
                let kind = serde_json::to_value(c.kind).unwrap_or_default();
                writeln!(
                    f,
                    "    {:<26} {}: {}",
                    kind.as_str().unwrap_or("?"),
                    c.item,
                    c.detail
                )?;
            }
        }
        Ok(())
    }
}
