//! The build report: what was generated, and where the schema gave no shape.

use std::fmt;

use crate::emit::GeneratedCode;
use crate::fixups::FixupReport;
use crate::ir::{Api, TypeDef};

/// How many methods a `fixed by` line names before it only counts.
const SITES_SHOWN: usize = 5;

/// Counts printed by `build.rs` and the CLI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// PVE version.
    pub pve_version: String,
    /// Endpoints (path + method).
    pub endpoints: usize,
    /// Endpoints that return a UPID (always or sometimes).
    pub task_endpoints: usize,
    /// Response structs.
    pub structs: usize,
    /// Enums (without `Privilege`).
    pub enums: usize,
    /// Property-string types.
    pub property_strings: usize,
    /// Privileges.
    pub privileges: usize,
    /// Places typed as `serde_json::Value` because the schema gives no shape.
    pub value_fallbacks: usize,
    /// Lines of generated code.
    pub lines: usize,
    /// Fixups and how often each fired.
    pub fixups: Vec<(&'static str, usize)>,
    /// Where each fixup that fired changed something (`METHOD /path`).
    pub fixup_sites: Vec<(&'static str, Vec<String>)>,
    /// Names that needed a suffix.
    pub suffixed_names: Vec<String>,
    /// `oneOf` parameters sent as text.
    pub untyped_variants: Vec<String>,
    /// Unreviewed shapes and the fallback type each got (non-strict mode).
    pub fallbacks: Vec<String>,
}

impl Report {
    /// Builds the report.
    pub fn new(api: &Api, fixups: &FixupReport, code: &GeneratedCode) -> Self {
        let count = |f: fn(&TypeDef) -> bool| api.types.values().filter(|t| f(t)).count();
        let lines = code
            .modules
            .values()
            .chain(std::iter::once(&code.privilege))
            .map(|s| s.lines().count())
            .sum();
        Self {
            pve_version: api.pve_version.clone(),
            endpoints: api.endpoints.len(),
            task_endpoints: api
                .endpoints
                .iter()
                .filter(|e| e.task != crate::ir::TaskKind::None)
                .count(),
            structs: count(|t| matches!(t, TypeDef::Struct(_))),
            enums: count(|t| matches!(t, TypeDef::Enum(_))),
            property_strings: count(|t| matches!(t, TypeDef::PropertyString(_))),
            privileges: api.privileges.len(),
            value_fallbacks: api.stats.value_fallbacks,
            lines,
            fixups: fixups.applied.clone(),
            fixup_sites: fixups.sites.clone(),
            suffixed_names: api.stats.suffixed_names.clone(),
            untyped_variants: api.stats.untyped_variants.clone(),
            fallbacks: api.stats.fallbacks.clone(),
        }
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "PVE {} API: {} endpoints ({} start tasks)",
            self.pve_version, self.endpoints, self.task_endpoints
        )?;
        writeln!(
            f,
            "types: {} structs, {} enums, {} property strings, Privilege with {} values",
            self.structs, self.enums, self.property_strings, self.privileges
        )?;
        writeln!(
            f,
            "serde_json::Value fallbacks (schema gives no shape): {}",
            self.value_fallbacks
        )?;
        writeln!(f, "generated lines: {}", self.lines)?;
        let fixups: Vec<String> = self
            .fixups
            .iter()
            .map(|(n, c)| format!("{n} x{c}"))
            .collect();
        writeln!(f, "fixups: {}", fixups.join(", "))?;
        for (name, sites) in &self.fixup_sites {
            let shown: Vec<&str> = sites.iter().take(SITES_SHOWN).map(String::as_str).collect();
            let more = sites.len().saturating_sub(SITES_SHOWN);
            let more = if more > 0 {
                format!(", … (+{more} more)")
            } else {
                String::new()
            };
            writeln!(
                f,
                "fixed by {name}: {} method(s): {}{more}",
                sites.len(),
                shown.join(", ")
            )?;
        }
        for s in &self.suffixed_names {
            writeln!(f, "renamed: {s}")?;
        }
        for s in &self.untyped_variants {
            writeln!(f, "oneOf sent as text: {s}")?;
        }
        for s in &self.fallbacks {
            writeln!(f, "fallback: {s}")?;
        }
        Ok(())
    }
}
