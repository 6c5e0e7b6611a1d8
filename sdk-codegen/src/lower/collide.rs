//! Field names that collide after conversion to Rust, renamed deterministically (the rules are
//! in [`crate::naming`], "Collisions").

use std::collections::BTreeSet;

use super::overrides::FIELD_RENAMES;
use crate::ir::{Field, Stats};
use crate::naming;

/// Identifiers the generated structs use themselves.
const RESERVED_FIELDS: &[&str] = &["extra"];

/// Renames fields whose identifiers clash within one struct (see [`crate::naming`],
/// "Collisions"): a `name[n]` family next to a plain `name` becomes `name_entries` (or a
/// [`FIELD_RENAMES`] entry); then, in field order (path parameters first, then by wire name),
/// every identifier already taken (or reserved: `extra`) gets `_2`, `_3`, ….
pub(super) fn disambiguate(fields: &mut [Field], site: &str, stats: &mut Stats) {
    let mut seen: BTreeSet<String> = BTreeSet::new();
    for f in fields.iter() {
        if f.indexed_max.is_none() {
            seen.insert(f.ident.clone());
        }
    }
    for f in fields.iter_mut().filter(|f| f.indexed_max.is_some()) {
        if seen.contains(&f.ident) {
            let wire = format!("{}[n]", f.wire);
            f.ident = match FIELD_RENAMES.iter().find(|(w, _, _)| *w == wire) {
                Some((_, ident, _)) => (*ident).to_string(),
                None => {
                    let renamed = format!("{}_entries", naming::unraw(&f.ident));
                    stats
                        .suffixed_names
                        .push(format!("{site}: field `{wire}` renamed to `{renamed}`"));
                    renamed
                }
            };
        }
        seen.insert(f.ident.clone());
    }
    let mut taken: BTreeSet<String> = RESERVED_FIELDS.iter().map(|s| s.to_string()).collect();
    for f in fields.iter_mut() {
        if taken.insert(naming::unraw(&f.ident).to_string()) {
            continue;
        }
        let base = naming::unraw(&f.ident).to_string();
        let renamed = (2..)
            .map(|i| format!("{base}_{i}"))
            .find(|c| taken.insert(c.clone()))
            .expect("an unbounded range always yields a free name");
        stats.suffixed_names.push(format!(
            "{site}: field `{}` (wire `{}`) renamed to `{renamed}`",
            f.ident, f.wire
        ));
        f.ident = renamed;
    }
}

/// Builder methods every request type has, which a setter may not be named.
pub(super) const REQUEST_METHODS: &[&str] = &["new", "extra_param"];

/// Builder methods every property-string type has.
pub(super) const PROPERTY_STRING_METHODS: &[&str] = &["new"];

/// Names the setters of a type's fields after their (final) identifiers; a setter that would
/// clash with one of the type's generated `methods` becomes `with_<name>`. Then gives raw
/// identifiers their readable alias ([`name_aliases`]).
pub(super) fn name_setters(fields: &mut [Field], methods: &[&str]) {
    for f in fields.iter_mut() {
        let plain = naming::unraw(&f.ident);
        f.setter = if methods.contains(&plain) {
            format!("with_{plain}")
        } else {
            f.ident.clone()
        };
    }
    name_aliases(fields, methods);
}

/// Gives each field with a raw identifier (and no index family) its readable alias
/// ([`naming::readable_alias`]) unless a field, a setter, another alias or one of `methods`
/// already has that name.
pub(super) fn name_aliases(fields: &mut [Field], methods: &[&str]) {
    let mut taken: BTreeSet<String> = methods.iter().map(|m| m.to_string()).collect();
    for f in fields.iter() {
        taken.insert(naming::unraw(&f.ident).to_string());
        taken.insert(naming::unraw(&f.setter).to_string());
    }
    for f in fields.iter_mut().filter(|f| f.indexed_max.is_none()) {
        f.alias = naming::readable_alias(&f.ident).filter(|alias| taken.insert(alias.clone()));
    }
}
